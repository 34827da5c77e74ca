import numpy as np


def epoch(params, x, y, rng, *, lr=0.01, batch_size=1):
    params = params.copy()
    order = rng.permutation(len(x))
    for b in range(len(x) // batch_size):
        idx = order[b * batch_size:(b + 1) * batch_size]
        r = params[0] * x[idx] + params[1] - y[idx]
        params -= lr * np.array([2 * np.mean(r * x[idx]), 2 * np.mean(r)])
    return params
