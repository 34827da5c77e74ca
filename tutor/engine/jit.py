"""One place that decides how every engine kernel is compiled and where its machine code is cached.

Numba's on-disk cache is keyed on the defining file only, so a kernel that calls a kernel from
another module would keep stale machine code after that module changes. We therefore cache into a
folder named after a hash of all engine sources: any edit to the engine starts a fresh cache.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numba

_ENGINE_DIR = Path(__file__).resolve().parent


def _sources_digest() -> str:
    digest = hashlib.sha256(numba.__version__.encode())
    for source in sorted(_ENGINE_DIR.glob("*.py")):
        digest.update(source.name.encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


def cache_dir() -> Path:
    """The folder holding compiled kernels: `$TUTOR_CACHE_DIR` or the platform's user cache."""
    base = os.environ.get("TUTOR_CACHE_DIR")
    if base is None:
        import platformdirs

        base = platformdirs.user_cache_dir("tutor")
    return Path(base) / "numba" / _sources_digest()


def cache_is_cold() -> bool:
    """True before the first compile of this engine version, so callers can say why they wait."""
    return not any(cache_dir().rglob("*.nbi"))


numba.config.CACHE_DIR = str(cache_dir())

# error_model="numpy" lets LLVM vectorize divisions and square roots (the default "python" model
# inserts a zero-division check per element). Kernels are serial on purpose: on this 2-core,
# memory-bound machine parallel=True was slower for large arrays and costs ~20 us per call on
# small ones, which would sink the jitted trajectory loop (see docs/performance.md).
kernel = numba.njit(cache=True, error_model="numpy")
