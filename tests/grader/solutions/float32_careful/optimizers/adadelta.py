"""Reference solution, careful with dtypes: both averages and the scalars in the parameters'
dtype."""

from typing import Any

import numpy as np


def step(params: np.ndarray, grad: np.ndarray, state: dict[str, Any], *,
         lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6) -> np.ndarray:
    dtype = params.dtype.type
    r, w, e = dtype(rho), dtype(1.0 - rho), dtype(eps)
    zeros = np.zeros(params.shape, dtype=params.dtype)
    avg = state.get("square_avg", zeros) * r + w * grad * grad
    acc = state.get("acc_delta", zeros)
    delta = np.sqrt(acc + e) / np.sqrt(avg + e) * grad
    state["square_avg"] = avg
    state["acc_delta"] = acc * r + w * delta * delta
    return params - dtype(lr) * delta
