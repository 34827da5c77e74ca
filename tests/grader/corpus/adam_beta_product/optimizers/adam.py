import numpy as np


def step(params, grad, state, *, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    t = state.get("t", 0) + 1
    m = beta1 * state.get("m", np.zeros_like(params)) + (1 - beta1) * grad
    v = beta2 * state.get("v", np.zeros_like(params)) + (1 - beta2) * grad * grad
    state.update(t=t, m=m, v=v)
    m_hat = m / (1 - beta1 * t)
    v_hat = v / (1 - beta2 * t)
    return params - lr * m_hat / (np.sqrt(v_hat) + eps)
