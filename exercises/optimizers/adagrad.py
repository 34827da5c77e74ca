"""AdaGrad: a learning rate per coordinate that shrinks where gradients have been large."""

from typing import Any

import numpy as np


def step(params: np.ndarray, grad: np.ndarray, state: dict[str, Any], *,
         lr: float = 1e-2, eps: float = 1e-10) -> np.ndarray:
    """Return the parameters after one AdaGrad step.

    The rule, elementwise, with s the sum of all squared gradients so far (starting at zero):

        s ← s + g²
        p ← p − lr·g / (√s + ε)

    g² and √s are taken element by element. A coordinate that has seen large gradients gets a
    small step; a rarely moved one keeps a large step. Because s only grows, every step size
    shrinks over time.

    Hyperparameters (torch.optim.Adagrad's names and defaults):
        lr    learning rate, 1e-2
        eps   ε, added to √s so that the first steps never divide by zero, 1e-10

    State: `state` is the same dict at every step of one run and empty at the first. Keep the
    running sum s in it, shaped like `params`.

    `params` and `grad` are NumPy arrays of the same shape and dtype (float32 or float64).
    Return the new parameters with that shape and dtype, in place or as a new array. Do not
    change `grad`.
    """
    # TODO: fetch or create the running sum, add g², take the scaled step, return params.
    raise NotImplementedError(
        "adagrad is not written yet: fill in step() in optimizers/adagrad.py")
