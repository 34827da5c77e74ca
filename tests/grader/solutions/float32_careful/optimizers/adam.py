"""Reference solution, careful with dtypes: the bias corrections are computed in float64 (they
are scalars) and cast once to the parameters' dtype, so no array is ever promoted."""

import math
from typing import Any

import numpy as np


def step(params: np.ndarray, grad: np.ndarray, state: dict[str, Any], *,
         lr: float = 1e-3, beta1: float = 0.9, beta2: float = 0.999,
         eps: float = 1e-8) -> np.ndarray:
    dtype = params.dtype.type
    t = state.get("t", 0) + 1
    zeros = np.zeros(params.shape, dtype=params.dtype)
    m = state.get("m", zeros) * dtype(beta1) + dtype(1.0 - beta1) * grad
    v = state.get("v", zeros) * dtype(beta2) + dtype(1.0 - beta2) * grad * grad
    state.update(t=t, m=m, v=v)
    step_size = dtype(lr / (1.0 - beta1**t))
    inv_sqrt_bc2 = dtype(1.0 / math.sqrt(1.0 - beta2**t))
    out = params - step_size * m / (np.sqrt(v) * inv_sqrt_bc2 + dtype(eps))
    return out.astype(params.dtype, copy=False)
