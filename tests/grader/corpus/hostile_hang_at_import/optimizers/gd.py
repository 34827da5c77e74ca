import time

time.sleep(3600)


def step(params, grad, state, *, lr=1e-3):
    return params - lr * grad
