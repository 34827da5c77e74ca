import numpy_that_does_not_exist  # noqa: F401


def step(params, grad, state, *, lr=1e-3):
    return params - lr * grad
