"""Momentum (the heavy ball): keep a running velocity so that steps build up along a valley."""

from typing import Any

import numpy as np


def step(params: np.ndarray, grad: np.ndarray, state: dict[str, Any], *,
         lr: float = 1e-3, momentum: float = 0.9) -> np.ndarray:
    """Return the parameters after one step of gradient descent with momentum.

    The rule, with p the parameters, g the gradient at p and b a buffer that starts at zero:

        b ← μ·b + g
        p ← p − lr·b

    where μ is `momentum`. The buffer adds up past gradients, each one weighed down by a
    further factor μ per step: directions that agree from step to step speed up, directions
    that flip sign cancel out.

    The form in many textbooks, v ← μ·v − lr·g and p ← p + v (v starting at zero), is the same
    method when lr stays fixed (v is −lr·b), and is accepted too.

    Hyperparameters (torch.optim.SGD's names; the momentum default is 0.9 here, not torch's 0):
        lr         learning rate, 1e-3
        momentum   μ, how much of the buffer survives each step, 0.9

    State: `state` is the same dict at every step of one run and empty at the first. Keep the
    buffer in it (for example state["buffer"], an array shaped like `params`), and create it
    when it is missing.

    `params` and `grad` are NumPy arrays of the same shape and dtype (float32 or float64).
    Return the new parameters with that shape and dtype, in place or as a new array. Do not
    change `grad`.
    """
    # TODO: fetch or create the buffer, update it, update the parameters, return them.
    raise NotImplementedError(
        "momentum is not written yet: fill in step() in optimizers/momentum.py")
