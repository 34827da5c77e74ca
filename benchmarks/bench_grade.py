"""Benchmark the grader: one submission graded warm, and a class of 100 graded with -j 2.

A benchmark, not a test: it prints numbers (and checks only that the correct submission gets full
marks, so a fast but broken grader cannot look good). Targets (issue 5, docs/grading.md): one
submission fully graded in under 3 s warm; a batch of 100 in under 2 minutes on a 2-core machine.

    python benchmarks/bench_grade.py                 # both parts (about 2 minutes on 2 cores)
    python benchmarks/bench_grade.py --runs 5 --batch-runs 1 --batch 100 --jobs 2
    python benchmarks/bench_grade.py --skip-batch    # only the single submission
    python benchmarks/bench_grade.py --json          # one JSON object on stdout

"Warm" means the numba kernels are in the on-disk cache (run `tutor run gd -f quadratic -s 1`
once on a fresh machine) and the files are in the OS cache; the first run of each part is
discarded for the same reason. The submission is `tests/grader/solutions/in_place` (every
exercise correct: every check runs to its last step, the slowest case for a correct submission).

First, `tutor grade SUBMISSION` as a learner runs it (the console script, end to end, median of
`--runs`): the number the target is about.

Part 1, one submission in a fresh process, phase by phase (median of `--runs`):

- process start: interpreter start-up and exit (wall time minus everything measured inside);
- imports: `grader.grade`, `grader.checks`, `grader.worksheets` and NumPy;
- SymPy: importing the symbolic checker (the worksheets need it);
- numba cache load: time inside numba's `Cache.load_overload` (the reference engine's kernels
  read from the on-disk cache, once per process);
- sandbox children: `Sandbox.open` per code exercise (a child process with Python, NumPy and the
  student's file imported, confined);
- checks: the rest of the code exercises (the calls, the reference, comparing, diagnosing);
- worksheets: the five worksheets checked symbolically.

It also grades the same submission a second time in the same process ("in-process, second"):
what a long-lived grader (the app, `tutor watch`) pays per round; and all of part 1 again with
every sandbox child a new Python (`fork_server=False`), to show what the fork server saves.

Part 2, a batch: `--batch` copies of the submission in a temporary folder, graded with
`grader.batch.grade_batch(paths, jobs=--jobs)`: wall time, per submission, and the grading time
the workers report against the wall time multiplied by the jobs (the difference is the workers'
start-up, imports, cache loads and scheduling).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SUBMISSION = REPO / "tests" / "grader" / "solutions" / "in_place"


# --- part 1: inside the fresh process ------------------------------------------------------------

def _child(submission: Path, spawn: bool) -> None:
    """Grade `submission` three times, timing each phase; print one JSON object. `spawn`: every
    sandbox child a new Python, as before the fork server (for the comparison)."""
    started = time.perf_counter()
    import numpy  # noqa: F401

    import grader.checks
    import grader.grade
    import grader.worksheets
    from grader import sandbox
    if spawn:
        original_init = sandbox.Sandbox.__init__

        def spawning(self: Any, *args: Any, **kwargs: Any) -> None:
            original_init(self, *args, **{**kwargs, "fork_server": False})
        sandbox.Sandbox.__init__ = spawning  # type: ignore[method-assign]
    imported = time.perf_counter()
    import tutor.mathcheck  # noqa: F401  (SymPy)
    sympy_done = time.perf_counter()

    timers = {"numba_cache_load": 0.0, "sandbox_children": 0.0}

    def timed(owner: Any, name: str, bucket: str) -> None:
        original = getattr(owner, name)

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                timers[bucket] += time.perf_counter() - t0
        setattr(owner, name, wrapper)

    try:
        from numba.core.caching import Cache

        timed(Cache, "load_overload", "numba_cache_load")
    except (ImportError, AttributeError):
        pass
    timed(sandbox.Sandbox, "open", "sandbox_children")

    import inspect

    sequential = ({"workers": 1} if "workers" in
                  inspect.signature(grader.grade.grade_workspace).parameters else {})
    rounds = []
    # 1: as `tutor grade` runs (first in this process: pays the numba cache load); 2: one
    # exercise after the other, as a batch worker does, for a breakdown that adds up to the
    # wall time; 3: as 1 again, now warm in-process (what `tutor watch` and the app pay).
    for options in ({}, sequential, {}):
        for key in timers:
            timers[key] = 0.0
        t0 = time.perf_counter()
        result = grader.grade.grade_workspace(submission, **options)
        wall = time.perf_counter() - t0
        code = sum(e.duration for e in result.exercises if e.kind != "worksheet")
        sheets = sum(e.duration for e in result.exercises if e.kind == "worksheet")
        rounds.append({
            "wall": wall, "score": result.score, "max_score": result.max_score,
            "numba_cache_load": timers["numba_cache_load"],
            "sandbox_children": timers["sandbox_children"],
            "checks": code - timers["sandbox_children"] - timers["numba_cache_load"],
            "worksheets": sheets,
        })
    print(json.dumps({"imports": imported - started, "sympy": sympy_done - imported,
                      "inside": time.perf_counter() - started,
                      "rounds": rounds}))


def cli(runs: int, submission: Path) -> dict[str, Any]:
    """`tutor grade SUBMISSION` exactly as a learner runs it: the console script, end to end."""
    script = Path(sys.executable).with_name("tutor")
    command = ([str(script)] if script.exists() else
               [sys.executable, "-c", "from tutor.cli import main; main()"])
    walls = []
    for _ in range(runs + 1):  # the first run warms the OS cache and is discarded
        t0 = time.perf_counter()
        out = subprocess.run([*command, "grade", str(submission), "--format", "github"],
                             capture_output=True, text=True)
        walls.append(time.perf_counter() - t0)
        if out.returncode != 0 or not out.stdout.rstrip().endswith("Points 134/134"):
            raise SystemExit(f"tutor grade did not give full marks: {out.stdout[-300:]}")
    walls = walls[1:]
    return {"wall": statistics.median(walls), "walls": [round(w, 3) for w in walls]}


def one_submission(runs: int, submission: Path, spawn: bool = False) -> dict[str, Any]:
    samples = []
    for _ in range(runs + 1):  # the first run warms the OS cache and is discarded
        t0 = time.perf_counter()
        out = subprocess.run([sys.executable, __file__, "--child", str(submission),
                              *(["--spawn"] if spawn else [])],
                             capture_output=True, text=True, check=True).stdout
        total = time.perf_counter() - t0
        data = json.loads(out.strip().splitlines()[-1])
        first, seq, again = data["rounds"]
        if first["score"] != first["max_score"]:
            raise SystemExit(f"the correct submission scored {first['score']}/"
                             f"{first['max_score']}: the grader is broken, not timing it")
        inside_after_first = data["inside"] - seq["wall"] - again["wall"]
        samples.append({
            # what `tutor grade` costs: the process up to the end of its first grading
            "total": total - (data["inside"] - inside_after_first),
            "process_start": total - data["inside"],
            "imports": data["imports"],
            "sympy": data["sympy"],
            "first_grading": first["wall"],
            "numba_cache_load": first["numba_cache_load"],
            "seq_wall": seq["wall"],
            "sandbox_children": seq["sandbox_children"],
            "checks": seq["checks"],
            "worksheets": seq["worksheets"],
            "in_process_again": again["wall"],
        })
    samples = samples[1:]
    return {key: statistics.median(s[key] for s in samples) for key in samples[0]} | {
        "runs": len(samples), "totals": [round(s["total"], 3) for s in samples]}


# --- part 2: a batch -----------------------------------------------------------------------------

def batch(count: int, jobs: int, runs: int, submission: Path) -> dict[str, Any]:
    from grader.batch import grade_batch

    with tempfile.TemporaryDirectory(prefix="bench-grade-") as tmp:
        paths = []
        for i in range(count):
            dest = Path(tmp) / f"student{i:03d}"
            shutil.copytree(submission, dest, ignore=shutil.ignore_patterns("__pycache__"))
            paths.append(dest)
        walls, busy = [], []
        for _ in range(runs):
            t0 = time.perf_counter()
            results = grade_batch(paths, jobs=jobs, seed=0, progress=None)
            walls.append(time.perf_counter() - t0)
            wrong = [r.student for r in results if r.score != r.max_score]
            if len(results) != count or wrong:
                raise SystemExit(f"batch: {len(results)} results, not full marks: {wrong[:5]}")
            busy.append(sum(r.duration for r in results))
    wall = statistics.median(walls)
    graded = statistics.median(busy)
    return {"count": count, "jobs": jobs, "runs": runs, "walls": [round(w, 2) for w in walls],
            "wall": wall, "per_submission": wall / count, "grading_sum": graded,
            "grading_per_submission": graded / count,
            "overhead": max(0.0, wall * jobs - graded)}


# --- output ---------------------------------------------------------------------------------------

def row(label: str, seconds: float, note: str = "") -> str:
    return f"  {label:44}{seconds:7.2f} s  {note}".rstrip()


def report(single: dict[str, Any] | None, many: dict[str, Any] | None,
           command: dict[str, Any] | None = None, spawned: dict[str, Any] | None = None) -> str:
    lines = [f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, load average "
             f"{os.getloadavg()[0]:.2f} at the end"]
    if command:
        lines += [f"\n`tutor grade` on the workspace, the console script end to end (median of "
                  f"{len(command['walls'])}; {command['walls']} s)",
                  row("wall", command["wall"], "(target < 3 s)")]
    if spawned and single:
        lines += [
            "\nsandbox children, nine per submission (one exercise after the other)",
            row("forked by the fork server", single["sandbox_children"]),
            row("each a new Python (fork_server=False)", spawned["sandbox_children"]),
            row("grading wall with forks", single["seq_wall"]),
            row("grading wall with new Pythons", spawned["seq_wall"]),
        ]
    if single:
        lines += [
            f"\none submission in a fresh process, phase by phase (median of "
            f"{single['runs']} runs; totals {single['totals']} s; the phases run one after the"
            f"\nother here, where `tutor grade` imports SymPy in a forked helper alongside)",
            row("total, start to graded", single["total"]),
            row("  process start and exit", single["process_start"]),
            row("  imports (grader, NumPy)", single["imports"]),
            row("  SymPy (worksheet checker)", single["sympy"]),
            row("  grading (exercises in threads)", single["first_grading"]),
            row("    of which numba cache load", single["numba_cache_load"]),
            "\nwhere a grading goes: warm, one exercise after the other (as a batch worker)",
            row("wall", single["seq_wall"]),
            row("  sandbox children (start, import)", single["sandbox_children"]),
            row("  checks (calls, reference, diagnosis)", single["checks"]),
            row("  worksheets (symbolic)", single["worksheets"]),
            "",
            row("in-process again, warm (tutor watch, app)", single["in_process_again"]),
        ]
    if many:
        lines += [
            f"\nbatch of {many['count']} with -j {many['jobs']} (runs: {many['walls']} s)",
            f"  wall                          {many['wall']:6.1f} s   (target < 120 s)",
            f"  per submission                {many['per_submission']:6.2f} s",
            f"  grading time reported, sum    {many['grading_sum']:6.1f} s "
            f"({many['grading_per_submission']:.2f} s per submission)",
            f"  workers' overhead             {many['overhead']:6.1f} s "
            f"(wall x jobs - grading)",
        ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--child", metavar="SUBMISSION", help=argparse.SUPPRESS)
    parser.add_argument("--spawn", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--runs", type=int, default=5, help="fresh-process runs (default 5)")
    parser.add_argument("--batch", type=int, default=100, help="submissions in the batch")
    parser.add_argument("--jobs", "-j", type=int, default=2, help="batch worker processes")
    parser.add_argument("--batch-runs", type=int, default=1, help="batch runs (default 1)")
    parser.add_argument("--skip-batch", action="store_true")
    parser.add_argument("--skip-single", action="store_true")
    parser.add_argument("--submission", type=Path, default=SUBMISSION)
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")
    args = parser.parse_args()
    if args.child:
        _child(Path(args.child), args.spawn)
        return
    command = single = spawned = None
    if not args.skip_single:
        command = cli(args.runs, args.submission)
        single = one_submission(args.runs, args.submission)
        spawned = one_submission(max(1, args.runs // 2), args.submission, spawn=True)
        if not args.json:
            print(report(single, None, command, spawned), flush=True)
    many = None if args.skip_batch else batch(args.batch, args.jobs, args.batch_runs,
                                               args.submission)
    if args.json:
        print(json.dumps({"command": command, "single": single, "spawned": spawned,
                          "batch": many}))
    elif many:
        print(report(None, many))


if __name__ == "__main__":
    main()
