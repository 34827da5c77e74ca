import numpy as np


def step(params, grad, state, *, lr=1e-3, momentum=0.9):
    v = momentum * state.get("v", np.zeros_like(params)) - lr * grad
    state["v"] = v
    return params + v
