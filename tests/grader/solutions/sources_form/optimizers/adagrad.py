"""Reference solution in the sources' form: a per-coordinate learning rate η / (√G + ε) times g."""

from typing import Any

import numpy as np


def step(params: np.ndarray, grad: np.ndarray, state: dict[str, Any], *,
         lr: float = 1e-2, eps: float = 1e-10) -> np.ndarray:
    history = state["G"] = state.get("G", 0.0) + np.square(grad)
    rate = lr / (np.sqrt(history) + eps)
    return params - rate * grad
