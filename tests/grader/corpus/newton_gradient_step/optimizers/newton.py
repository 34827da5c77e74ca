def step(params, grad, hessian, state, *, lr=1.0, damping=0.0):
    return params - lr * grad
