import numpy as np


def step(params, grad, state, *, lr=1e-3, momentum=0.9):
    if "b" not in state:
        state["b"] = np.zeros_like(params)
    state["b"] = momentum * state["b"] + (1 - momentum) * grad
    return params - lr * state["b"]
