"""Reference solution, new-array style: `params` is never written to."""

from typing import Any

import numpy as np


def step(params: np.ndarray, grad: np.ndarray, state: dict[str, Any], *,
         lr: float = 1e-3) -> np.ndarray:
    return params - lr * grad
