"""Never returns."""


def step(params, grad, state, *, lr=1e-3):
    while True:
        pass
