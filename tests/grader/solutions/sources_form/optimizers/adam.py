"""Reference solution in Kingma and Ba's notation, with the step counter kept as a number."""

from typing import Any

import numpy as np


def step(params: np.ndarray, grad: np.ndarray, state: dict[str, Any], *,
         lr: float = 1e-3, beta1: float = 0.9, beta2: float = 0.999,
         eps: float = 1e-8) -> np.ndarray:
    if not state:
        state["step"] = 0
        state["m"] = np.zeros_like(params)
        state["v"] = np.zeros_like(params)
    state["step"] += 1
    t = state["step"]
    state["m"] = beta1 * state["m"] + (1 - beta1) * grad
    state["v"] = beta2 * state["v"] + (1 - beta2) * np.square(grad)
    m_hat = state["m"] / (1 - beta1**t)
    v_hat = state["v"] / (1 - beta2**t)
    return params - lr * m_hat / (np.sqrt(v_hat) + eps)
