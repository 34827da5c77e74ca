import numpy as np


def epoch(params, x, y, rng, *, lr=0.01, batch_size=1):
    params = params.copy()
    order = rng.permutation(len(x))
    for i in range(0, len(x), batch_size):
        idx = order[i:i + batch_size]
        r = params[0] * x[idx] + params[1] - y[idx]
        params -= lr * np.array([np.mean(r * x[idx]), np.mean(r)])
    return params
