import numpy as np


def step(params, grad, state, *, lr=1.0, rho=0.9, eps=1e-6):
    s = state.get("s", np.zeros_like(params))
    u = state.get("u", np.zeros_like(params))
    delta = np.sqrt(u + eps) / np.sqrt(s + eps) * grad  # s should include this gradient
    state["s"] = rho * s + (1 - rho) * grad * grad
    state["u"] = rho * u + (1 - rho) * delta * delta
    return params - lr * delta
