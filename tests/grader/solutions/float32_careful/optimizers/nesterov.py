"""Reference solution, careful with dtypes: buffers and scalars in the parameters' dtype."""

from typing import Any

import numpy as np


def step(params: np.ndarray, grad: np.ndarray, state: dict[str, Any], *,
         lr: float = 1e-3, momentum: float = 0.9) -> np.ndarray:
    dtype = params.dtype.type
    mu = dtype(momentum)
    if "buffer" not in state:
        state["buffer"] = np.zeros(params.shape, dtype=params.dtype)
    buf = state["buffer"] * mu + grad
    state["buffer"] = buf
    return params - dtype(lr) * (grad + mu * buf)
