import numpy as np


def step(params, grad, state, *, lr=1e-2, alpha=0.99, eps=1e-8):
    s = (1 - alpha) * state.get("s", np.zeros_like(params)) + alpha * grad**2
    state["s"] = s
    return params - lr * grad / (np.sqrt(s) + eps)
