"""Newton's method: use the curvature (the Hessian) to jump towards the bottom of the bowl."""

from typing import Any

import numpy as np


def step(params: np.ndarray, grad: np.ndarray, hessian: np.ndarray, state: dict[str, Any], *,
         lr: float = 1.0, damping: float = 0.0) -> np.ndarray:
    """Return the parameters after one (damped) Newton step.

    The rule, with the parameters and the gradient read as vectors of n = params.size numbers
    and H the n×n matrix of second derivatives (the Hessian) at p:

        p ← p − lr·(H + λ·I)⁻¹·g

    where λ is `damping` and I the n×n identity. On a quadratic bowl, one undamped step with
    lr = 1 lands exactly on the minimum. Damping (λ > 0) shortens the step and keeps it going
    downhill where H is not positive definite.

    Compute (H + λ·I)⁻¹·g by solving the linear system (H + λ·I)·d = g for d; do not form the
    inverse matrix.

    Hyperparameters:
        lr        a factor on the step, 1.0 (the pure Newton step)
        damping   λ, 0.0

    State: the method remembers nothing between steps; leave `state` alone.

    `params` and `grad` are NumPy arrays of the same shape (a (1,) array, a vector or a matrix)
    and dtype (float32 or float64); `hessian` has shape (n, n) and its rows and columns follow
    the order of params.reshape(-1). Return the new parameters with the shape and dtype of
    `params`, in place or as a new array. Do not change `grad` or `hessian`.
    """
    # TODO: flatten g, solve (H + λI)·d = g, reshape d like params, step, return params.
    raise NotImplementedError("newton is not written yet: fill in step() in optimizers/newton.py")
