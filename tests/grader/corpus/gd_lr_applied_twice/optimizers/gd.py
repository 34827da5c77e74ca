def step(params, grad, state, *, lr=1e-3):
    update = lr * grad
    return params - lr * update
