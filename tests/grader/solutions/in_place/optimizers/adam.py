"""Reference solution, in-place style, in torch's arrangement of the bias corrections."""

import math
from typing import Any

import numpy as np


def step(params: np.ndarray, grad: np.ndarray, state: dict[str, Any], *,
         lr: float = 1e-3, beta1: float = 0.9, beta2: float = 0.999,
         eps: float = 1e-8) -> np.ndarray:
    if "t" not in state:
        state.update(t=0, m=np.zeros_like(params), v=np.zeros_like(params))
    state["t"] += 1
    t, m, v = state["t"], state["m"], state["v"]
    m *= beta1
    m += (1 - beta1) * grad
    v *= beta2
    v += (1 - beta2) * grad * grad
    step_size = lr / (1 - beta1**t)
    # math.sqrt keeps a Python float: a NumPy float64 scalar would turn float32 arrays float64.
    params -= step_size * m / (np.sqrt(v) / math.sqrt(1 - beta2**t) + eps)
    return params
