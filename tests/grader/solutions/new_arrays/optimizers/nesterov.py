"""Reference solution, new-array style: fresh arrays every step, rebound in `state`."""

from typing import Any

import numpy as np


def step(params: np.ndarray, grad: np.ndarray, state: dict[str, Any], *,
         lr: float = 1e-3, momentum: float = 0.9) -> np.ndarray:
    buf = momentum * state.get("buffer", 0.0) + grad
    state["buffer"] = buf
    return params - lr * (grad + momentum * buf)
