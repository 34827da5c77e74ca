import numpy as np


def step(params, grad, state, *, lr=1e-2, alpha=0.99, eps=1e-8):
    s = alpha * state.get("s", 0.0) + (1 - alpha) * grad**2
    state["s"] = s
    return params - lr * grad / np.sqrt(s + eps)
