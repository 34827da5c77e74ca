"""Adam: momentum and RMSProp together, with a correction for their start at zero."""

from typing import Any

import numpy as np


def step(params: np.ndarray, grad: np.ndarray, state: dict[str, Any], *,
         lr: float = 1e-3, beta1: float = 0.9, beta2: float = 0.999,
         eps: float = 1e-8) -> np.ndarray:
    """Return the parameters after one Adam step.

    The rule, elementwise, with a step counter t and two moment averages m and v that all start
    at zero:

        t ← t + 1
        m ← β₁·m + (1 − β₁)·g
        v ← β₂·v + (1 − β₂)·g²
        m̂ = m / (1 − β₁ᵗ)
        v̂ = v / (1 − β₂ᵗ)
        p ← p − lr·m̂ / (√v̂ + ε)

    m is a running mean of the gradient (the momentum), v of its square (as in RMSProp).
    Started at zero, both are too small in the first steps; dividing by 1 − βᵗ undoes that bias.
    So t counts steps from 1: advance it before you use it. ε goes outside the square root.

    Hyperparameters (torch.optim.Adam's names and defaults, with its `betas` pair written as
    two numbers):
        lr      learning rate, 1e-3
        beta1   β₁, decay of the mean m, 0.9
        beta2   β₂, decay of the mean square v, 0.999
        eps     ε, 1e-8

    State: `state` is the same dict at every step of one run and empty at the first. Keep m, v
    (each shaped like `params`) and the counter t in it.

    `params` and `grad` are NumPy arrays of the same shape and dtype (float32 or float64).
    Return the new parameters with that shape and dtype, in place or as a new array. Do not
    change `grad`.
    """
    # TODO: advance t, update m and v, correct their bias, take the step, return params.
    raise NotImplementedError("adam is not written yet: fill in step() in optimizers/adam.py")
