"""Reference solution, new-array style: the gradient is float64 (x is), so each new array is
cast back to the parameters' dtype."""

import numpy as np


def epoch(params: np.ndarray, x: np.ndarray, y: np.ndarray, rng: np.random.Generator, *,
          lr: float = 0.01, batch_size: int = 1) -> np.ndarray:
    order = rng.permutation(len(x))
    for start in range(0, len(x), batch_size):
        idx = order[start : start + batch_size]
        m, b = params
        residual = m * x[idx] + b - y[idx]
        grad = np.array([2 * np.mean(residual * x[idx]), 2 * np.mean(residual)])
        params = (params - lr * grad).astype(params.dtype)
    return params
