"""Adam without the bias correction."""
import numpy as np


def step(params, grad, state, *, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = state.get("m", np.zeros_like(params))
    v = state.get("v", np.zeros_like(params))
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    state["m"], state["v"] = m, v
    return params - lr * m / (np.sqrt(v) + eps)
