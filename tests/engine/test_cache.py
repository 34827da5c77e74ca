"""A second process must load every kernel from the on-disk cache: no compile on a user's path."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PROBE = """
import json
from tutor.engine.warm import dispatchers, warm
warm()
print(json.dumps({d.py_func.__qualname__: [sum(d.stats.cache_hits.values()),
                                           sum(d.stats.cache_misses.values())]
                  for d in dispatchers()}))
"""


def _probe(cache: Path) -> dict[str, list[int]]:
    env = {**os.environ, "TUTOR_CACHE_DIR": str(cache)}
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True,
                         timeout=600, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_second_process_compiles_nothing(tmp_path: Path) -> None:
    first = _probe(tmp_path)
    assert any(misses for _, misses in first.values()), "a fresh cache should compile"
    second = _probe(tmp_path)
    for name, (hits, misses) in second.items():
        assert misses == 0, f"{name} was compiled again instead of loaded from the cache"
        assert hits > 0, f"{name} was not loaded from the cache"
