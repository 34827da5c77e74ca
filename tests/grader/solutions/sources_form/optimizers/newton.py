"""Reference solution: the damped system built by adding λ to the Hessian's diagonal of a copy."""

from typing import Any

import numpy as np


def step(params: np.ndarray, grad: np.ndarray, hessian: np.ndarray, state: dict[str, Any], *,
         lr: float = 1.0, damping: float = 0.0) -> np.ndarray:
    matrix = np.array(hessian, dtype=np.float64)
    matrix[np.diag_indices_from(matrix)] += damping
    newton_step = np.linalg.solve(matrix, grad.ravel())
    updated = params.ravel() - lr * newton_step
    return updated.reshape(params.shape).astype(params.dtype)
