"""Gradient descent: move the parameters a small step against the gradient."""

from typing import Any

import numpy as np


def step(params: np.ndarray, grad: np.ndarray, state: dict[str, Any], *,
         lr: float = 1e-3) -> np.ndarray:
    """Return the parameters after one step of plain gradient descent.

    The rule, with p the parameters and g the gradient of the loss at p:

        p ← p − lr·g

    The gradient points uphill, so subtracting it goes downhill; lr says how far.

    Hyperparameters (torch.optim.SGD's name and default):
        lr   learning rate, 1e-3

    State: this rule remembers nothing between steps, so leave `state` alone. It is passed
    anyway so that every optimizer exercise has the same shape.

    `params` and `grad` are NumPy arrays of the same shape (one number as shape (1,), a vector
    or a matrix) and the same dtype (float32 or float64). Return the new parameters with that
    shape and dtype: updating `params` in place and returning it is fine, and so is returning a
    new array. Do not change `grad`.
    """
    # TODO: compute the new parameters from params, grad and lr, and return them.
    raise NotImplementedError("gd is not written yet: fill in step() in optimizers/gd.py")
