import numpy as np


def step(params, grad, state, *, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    if "t" not in state:
        state.update(t=0, m=np.zeros_like(params), v=np.zeros_like(params))
    t = state["t"]  # used before it is advanced: 0 at the first step
    state["m"] = beta1 * state["m"] + (1 - beta1) * grad
    state["v"] = beta2 * state["v"] + (1 - beta2) * grad * grad
    m_hat = state["m"] / (1 - beta1**t)
    v_hat = state["v"] / (1 - beta2**t)
    state["t"] = t + 1
    return params - lr * m_hat / (np.sqrt(v_hat) + eps)
