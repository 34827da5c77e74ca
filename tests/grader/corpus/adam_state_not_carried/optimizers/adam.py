import numpy as np


def step(params, grad, state, *, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    state = {"t": 0, "m": np.zeros_like(params), "v": np.zeros_like(params)}  # a new dict!
    state["t"] += 1
    t = state["t"]
    state["m"] = beta1 * state["m"] + (1 - beta1) * grad
    state["v"] = beta2 * state["v"] + (1 - beta2) * grad * grad
    m_hat = state["m"] / (1 - beta1**t)
    v_hat = state["v"] / (1 - beta2**t)
    return params - lr * m_hat / (np.sqrt(v_hat) + eps)
