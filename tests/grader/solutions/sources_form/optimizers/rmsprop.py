"""Reference solution in the sources' form:
E[g²] ← α·E[g²] + (1 − α)·g², w ← w − η·g/(√E[g²] + ε)."""

from typing import Any

import numpy as np


def step(params: np.ndarray, grad: np.ndarray, state: dict[str, Any], *,
         lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8) -> np.ndarray:
    mean_square = alpha * state.get("E_g2", np.zeros_like(params)) + (1 - alpha) * np.square(grad)
    state["E_g2"] = mean_square
    return params - lr * grad / (np.sqrt(mean_square) + eps)
