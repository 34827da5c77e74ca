"""Correct for a few calls (some checks would pass), then hangs: the exercise scores 0."""
CALLS = [0]


def step(params, grad, state, *, lr=1e-3):
    CALLS[0] += 1
    if CALLS[0] > 30:
        while True:
            pass
    return params - lr * grad
