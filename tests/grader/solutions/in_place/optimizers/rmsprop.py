"""Reference solution, in-place style: the average and `params` are updated in place."""

from typing import Any

import numpy as np


def step(params: np.ndarray, grad: np.ndarray, state: dict[str, Any], *,
         lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8) -> np.ndarray:
    avg = state.get("square_avg")
    if avg is None:
        avg = state["square_avg"] = np.zeros_like(params)
    avg *= alpha
    avg += (1 - alpha) * grad * grad
    params -= lr * grad / (np.sqrt(avg) + eps)
    return params
