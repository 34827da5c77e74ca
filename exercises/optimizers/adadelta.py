"""AdaDelta: steps whose size is the ratio of two running averages, in the parameters' units."""

from typing import Any

import numpy as np


def step(params: np.ndarray, grad: np.ndarray, state: dict[str, Any], *,
         lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6) -> np.ndarray:
    """Return the parameters after one AdaDelta step.

    The rule, elementwise, with two decaying averages that both start at zero: s of squared
    gradients and u of squared steps.

        s ← ρ·s + (1 − ρ)·g²
        Δ = √(u + ε) / √(s + ε) · g
        p ← p − lr·Δ
        u ← ρ·u + (1 − ρ)·Δ²

    √(s + ε) is the root mean square of recent gradients and √(u + ε) that of recent steps, so
    Δ has the units of the parameters. Note the order: Δ uses u from before this step, and ε
    sits inside both square roots (unlike Adam, where it is added outside).

    Hyperparameters (torch.optim.Adadelta's names and defaults):
        lr    a factor on Δ, 1.0 (the original method has none)
        rho   ρ, how much of each average survives a step, 0.9
        eps   ε, 1e-6

    State: `state` is the same dict at every step of one run and empty at the first. Keep both
    averages in it, each shaped like `params`.

    `params` and `grad` are NumPy arrays of the same shape and dtype (float32 or float64).
    Return the new parameters with that shape and dtype, in place or as a new array. Do not
    change `grad`.
    """
    # TODO: fetch or create s and u, update s, compute Δ, step, then update u.
    raise NotImplementedError(
        "adadelta is not written yet: fill in step() in optimizers/adadelta.py")
