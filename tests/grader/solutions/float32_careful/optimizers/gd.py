"""Reference solution, careful with dtypes: every scalar is cast to the parameters' dtype, so a
float32 run is float32 arithmetic throughout (as the engine's kernels do it)."""

from typing import Any

import numpy as np


def step(params: np.ndarray, grad: np.ndarray, state: dict[str, Any], *,
         lr: float = 1e-3) -> np.ndarray:
    dtype = params.dtype.type
    return params - dtype(lr) * grad
