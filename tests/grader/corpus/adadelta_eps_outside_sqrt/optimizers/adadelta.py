import numpy as np


def step(params, grad, state, *, lr=1.0, rho=0.9, eps=1e-6):
    s = rho * state.get("s", np.zeros_like(params)) + (1 - rho) * grad * grad
    u = state.get("u", np.zeros_like(params))
    delta = (np.sqrt(u) + eps) / (np.sqrt(s) + eps) * grad
    state["s"], state["u"] = s, rho * u + (1 - rho) * delta * delta
    return params - lr * delta
