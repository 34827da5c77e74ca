import numpy as np


def epoch(params, x, y, rng, *, lr=0.01, batch_size=1):
    params = params.copy()
    rng.permutation(len(x))
    r = params[0] * x + params[1] - y
    params -= lr * np.array([2 * np.mean(r * x), 2 * np.mean(r)])
    return params
