"""Reference solution, new-array style: fresh arrays every step, rebound in `state`."""

from typing import Any

import numpy as np


def step(params: np.ndarray, grad: np.ndarray, state: dict[str, Any], *,
         lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8) -> np.ndarray:
    avg = alpha * state.get("avg", 0.0) + (1 - alpha) * grad**2
    state["avg"] = avg
    return params - lr * grad / (np.sqrt(avg) + eps)
