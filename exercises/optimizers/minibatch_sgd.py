"""Mini-batch SGD: one pass over a shuffled dataset, a gradient step per small batch."""

import numpy as np


def epoch(params: np.ndarray, x: np.ndarray, y: np.ndarray, rng: np.random.Generator, *,
          lr: float = 0.01, batch_size: int = 1) -> np.ndarray:
    """Return the parameters after one epoch of mini-batch gradient descent.

    The model is a line ŷ = m·x + b with params = [m, b]. On a batch B of sample indices the
    loss is the mean squared error of the batch:

        L_B(m, b) = (1/|B|) · Σ_{i∈B} (m·xᵢ + b − yᵢ)²

    One epoch visits every sample exactly once:

        order = rng.permutation(len(x))
        for each batch B = order[0 : k], order[k : 2k], …   (k = batch_size; the last may be short)
            g = ∇L_B at the current (m, b)
            params ← params − lr·g

    Draw exactly one permutation per call, with `rng.permutation(len(x))`, and use `rng` for
    nothing else: the grader calls `epoch` once per epoch with the same generator, so each
    epoch gets a fresh order that it can replay. batch_size = 1 is stochastic gradient descent;
    batch_size = len(x) is full-batch gradient descent.

    Hyperparameters:
        lr           learning rate, 0.01
        batch_size   samples per step, 1

    `params` has shape (2,) and dtype float32 or float64; `x` and `y` are float64 arrays of the
    same length. Return the parameters after the epoch with the shape and dtype of `params`, in
    place or as a new array. Do not change `x` or `y`.
    """
    # TODO: draw the order, walk through it batch by batch, step on each batch's mean gradient.
    raise NotImplementedError(
        "minibatch_sgd is not written yet: fill in epoch() in optimizers/minibatch_sgd.py")
