import numpy as np


def epoch(params, x, y, rng, *, lr=0.01, batch_size=1):
    params = params.copy()
    for i in range(0, len(x), batch_size):
        idx = rng.permutation(len(x))[i:i + batch_size]
        r = params[0] * x[idx] + params[1] - y[idx]
        params -= lr * np.array([2 * np.mean(r * x[idx]), 2 * np.mean(r)])
    return params
