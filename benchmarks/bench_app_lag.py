"""Input lag of the app while the engine works in the background (a benchmark, not a test).

Drives the real TutorApp headless and keeps a 10 ms timer on the UI's event loop; the longest
gap between ticks is the worst wait a keypress could see. Two situations: the start-up warm-up
compiling every kernel from an empty cache (the worst case, first launch), and a lesson plot
step computing its runs with a warm cache. Usage: python benchmarks/bench_app_lag.py
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path


def measure(cold: bool) -> dict[str, float]:
    if cold:
        os.environ["TUTOR_CACHE_DIR"] = tempfile.mkdtemp(prefix="tutor-lag-")
    from tutor.app.app import TutorApp
    from tutor.progress import Progress

    gaps: list[float] = []

    async def scenario() -> None:
        with tempfile.TemporaryDirectory() as folder:
            store = Progress.open(Path(folder) / "p.sqlite3")
            app = TutorApp(store, "en", warm_engine=cold)
            async with app.run_test(size=(80, 24)) as pilot:
                last = time.perf_counter()

                def tick() -> None:
                    nonlocal last
                    now = time.perf_counter()
                    gaps.append(now - last)
                    last = now

                app.set_interval(0.01, tick)
                if not cold:  # open lesson 1 and walk to its plot step (runs computed in a worker)
                    await pilot.press("enter")
                    for _ in range(6):
                        await pilot.press("escape", "n")
                started = time.perf_counter()
                while time.perf_counter() - started < (25 if cold else 3):
                    await pilot.pause(0.05)
            store.close()

    asyncio.run(scenario())
    gaps = gaps[1:]
    return {"ticks": len(gaps), "median_ms": statistics.median(gaps) * 1e3,
            "p99_ms": sorted(gaps)[int(0.99 * (len(gaps) - 1))] * 1e3, "max_ms": max(gaps) * 1e3}


if __name__ == "__main__":
    which = sys.argv[1] if len(sys.argv) > 1 else "warm"
    print(which, measure(cold=which == "cold"))
