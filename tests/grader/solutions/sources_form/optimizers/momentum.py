"""Reference solution in the sources' form: v ← μ·v − η·g, w ← w + v (v = −η·b of torch's form,
the same iterates for a fixed η)."""

from typing import Any

import numpy as np


def step(params: np.ndarray, grad: np.ndarray, state: dict[str, Any], *,
         lr: float = 1e-3, momentum: float = 0.9) -> np.ndarray:
    velocity = momentum * state.get("velocity", np.zeros_like(params)) - lr * grad
    state["velocity"] = velocity
    return params + velocity
