import numpy as np


def step(params, grad, state, *, lr=1e-2, alpha=0.99, eps=1e-8):
    s = state.setdefault("s", np.zeros_like(params))
    s += grad * grad
    return params - lr * grad / (np.sqrt(s) + eps)
