"""Reference solution, careful with dtypes: the average and the scalars in the parameters'
dtype, with 1 − α computed in float64 before the cast (as the engine does)."""

from typing import Any

import numpy as np


def step(params: np.ndarray, grad: np.ndarray, state: dict[str, Any], *,
         lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8) -> np.ndarray:
    dtype = params.dtype.type
    avg = state.get("square_avg", np.zeros(params.shape, dtype=params.dtype))
    avg = avg * dtype(alpha) + dtype(1.0 - alpha) * grad * grad
    state["square_avg"] = avg
    return params - dtype(lr) * grad / (np.sqrt(avg) + dtype(eps))
