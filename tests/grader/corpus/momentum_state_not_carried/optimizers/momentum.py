import numpy as np


def step(params, grad, state, *, lr=1e-3, momentum=0.9):
    buf = np.zeros_like(params)  # should come from state
    buf = momentum * buf + grad
    return params - lr * buf
