"""Reference solution, in-place style: the buffer and `params` are updated in place."""

from typing import Any

import numpy as np


def step(params: np.ndarray, grad: np.ndarray, state: dict[str, Any], *,
         lr: float = 1e-3, momentum: float = 0.9) -> np.ndarray:
    buf = state.get("buffer")
    if buf is None:
        buf = state["buffer"] = np.zeros_like(params)
    buf *= momentum
    buf += grad
    params -= lr * (grad + momentum * buf)
    return params
