import numpy as np


def epoch(params, x, y, rng, *, lr=0.01, batch_size=1):
    params = params.copy()
    order = rng.permutation(len(x))
    x[:] = x[order]  # shuffles the caller's arrays in place
    y[:] = y[order]
    for i in range(0, len(x), batch_size):
        xb, yb = x[i:i + batch_size], y[i:i + batch_size]
        r = params[0] * xb + params[1] - yb
        params -= lr * np.array([2 * np.mean(r * xb), 2 * np.mean(r)])
    return params
