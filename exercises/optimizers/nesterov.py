"""Nesterov momentum: momentum that corrects its course with a look-ahead."""

from typing import Any

import numpy as np


def step(params: np.ndarray, grad: np.ndarray, state: dict[str, Any], *,
         lr: float = 1e-3, momentum: float = 0.9) -> np.ndarray:
    """Return the parameters after one step of Nesterov's accelerated gradient.

    Nesterov's idea is to take the gradient where the momentum is about to carry you, not where
    you stand. Rewritten so that the gradient you receive is the one at the current parameters
    (as torch.optim.SGD(nesterov=True) does), the rule is, with b a buffer that starts at zero:

        b ← μ·b + g
        p ← p − lr·(g + μ·b)

    where μ is `momentum`. Compared with plain momentum (p ← p − lr·b), the step adds one more
    μ·b: the look-ahead.

    The same method in the velocity form, v ← μ·v − lr·g and p ← p + μ·v − lr·g (v starting at
    zero, v = −lr·b), is accepted too. Evaluating the gradient at a look-ahead point yourself is
    not possible here: you receive the gradient at `params` only.

    Hyperparameters (torch.optim.SGD's names; the momentum default is 0.9 here, not torch's 0):
        lr         learning rate, 1e-3
        momentum   μ, 0.9

    State: `state` is the same dict at every step of one run and empty at the first. Keep the
    buffer in it, shaped like `params`, and create it when it is missing.

    `params` and `grad` are NumPy arrays of the same shape and dtype (float32 or float64).
    Return the new parameters with that shape and dtype, in place or as a new array. Do not
    change `grad`.
    """
    # TODO: fetch or create the buffer, update it, take the look-ahead step, return params.
    raise NotImplementedError(
        "nesterov is not written yet: fill in step() in optimizers/nesterov.py")
