"""Reference solution with a design matrix: ∇L_B = (2/|B|)·Aᵀ·r, where A has rows (xᵢ, 1) and r
is the residual vector of the batch."""

import numpy as np


def epoch(params: np.ndarray, x: np.ndarray, y: np.ndarray, rng: np.random.Generator, *,
          lr: float = 0.01, batch_size: int = 1) -> np.ndarray:
    design = np.column_stack([x, np.ones_like(x)])
    order = rng.permutation(len(x))
    for batch in np.array_split(order, range(batch_size, len(x), batch_size)):
        a = design[batch]
        residual = a @ params.astype(np.float64) - y[batch]
        params = (params - lr * (2 / len(batch)) * (a.T @ residual)).astype(params.dtype)
    return params
