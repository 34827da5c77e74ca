"""Reference solution, new-array style: fresh arrays every step, rebound in `state`."""

from typing import Any

import numpy as np


def step(params: np.ndarray, grad: np.ndarray, state: dict[str, Any], *,
         lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6) -> np.ndarray:
    avg = rho * state.get("avg", 0.0) + (1 - rho) * grad**2
    acc = state.get("acc", np.zeros_like(params))
    delta = np.sqrt(acc + eps) / np.sqrt(avg + eps) * grad
    state["avg"] = avg
    state["acc"] = rho * acc + (1 - rho) * delta**2
    return params - lr * delta
