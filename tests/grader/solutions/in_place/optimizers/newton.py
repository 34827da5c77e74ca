"""Reference solution, in-place style."""

from typing import Any

import numpy as np


def step(params: np.ndarray, grad: np.ndarray, hessian: np.ndarray, state: dict[str, Any], *,
         lr: float = 1.0, damping: float = 0.0) -> np.ndarray:
    n = params.size
    direction = np.linalg.solve(hessian + damping * np.eye(n), grad.reshape(-1))
    params -= lr * direction.reshape(params.shape)
    return params
