"""Reference solution, in-place style: both averages and `params` are updated in place."""

from typing import Any

import numpy as np


def step(params: np.ndarray, grad: np.ndarray, state: dict[str, Any], *,
         lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6) -> np.ndarray:
    if "square_avg" not in state:
        state["square_avg"] = np.zeros_like(params)
        state["acc_delta"] = np.zeros_like(params)
    avg, acc = state["square_avg"], state["acc_delta"]
    avg *= rho
    avg += (1 - rho) * grad * grad
    delta = np.sqrt(acc + eps) / np.sqrt(avg + eps) * grad
    acc *= rho
    acc += (1 - rho) * delta * delta
    params -= lr * delta
    return params
