"""Reference solution in Zeiler's notation: Δw = −RMS[Δw]₍ₜ₋₁₎ / RMS[g]ₜ · g, with a factor η."""

from typing import Any

import numpy as np


def step(params: np.ndarray, grad: np.ndarray, state: dict[str, Any], *,
         lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6) -> np.ndarray:
    def rms(mean_square: np.ndarray) -> np.ndarray:
        return np.sqrt(mean_square + eps)

    e_g2 = rho * state.get("E_g2", np.zeros_like(params)) + (1 - rho) * np.square(grad)
    e_dw2 = state.get("E_dw2", np.zeros_like(params))
    update = -rms(e_dw2) / rms(e_g2) * grad
    state["E_g2"] = e_g2
    state["E_dw2"] = rho * e_dw2 + (1 - rho) * np.square(update)
    return params + lr * update
