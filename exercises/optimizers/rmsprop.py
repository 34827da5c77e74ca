"""RMSProp: AdaGrad with a memory that fades, so step sizes can grow again."""

from typing import Any

import numpy as np


def step(params: np.ndarray, grad: np.ndarray, state: dict[str, Any], *,
         lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8) -> np.ndarray:
    """Return the parameters after one RMSProp step.

    The rule, elementwise, with s a decaying average of squared gradients (starting at zero):

        s ← α·s + (1 − α)·g²
        p ← p − lr·g / (√s + ε)

    Old squared gradients fade by a factor α per step, so s tracks recent gradient sizes
    instead of adding up the whole history as AdaGrad does.

    Hyperparameters (torch.optim.RMSprop's names and defaults; careful, α is the decay of the
    average here, not a learning rate):
        lr      learning rate, 1e-2
        alpha   α, how much of the average survives each step, 0.99
        eps     ε, added to √s (outside the square root), 1e-8

    State: `state` is the same dict at every step of one run and empty at the first. Keep the
    average s in it, shaped like `params`.

    `params` and `grad` are NumPy arrays of the same shape and dtype (float32 or float64).
    Return the new parameters with that shape and dtype, in place or as a new array. Do not
    change `grad`.
    """
    # TODO: fetch or create the average, decay it and add the new g², take the step.
    raise NotImplementedError(
        "rmsprop is not written yet: fill in step() in optimizers/rmsprop.py")
