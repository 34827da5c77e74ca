import numpy as np

LR, B1, B2, EPS = 1e-3, 0.9, 0.999, 1e-8


def step(params, grad, state, *, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    t = state.get("t", 0) + 1
    m = B1 * state.get("m", np.zeros_like(params)) + (1 - B1) * grad
    v = B2 * state.get("v", np.zeros_like(params)) + (1 - B2) * grad * grad
    state.update(t=t, m=m, v=v)
    return params - LR * (m / (1 - B1**t)) / (np.sqrt(v / (1 - B2**t)) + EPS)
