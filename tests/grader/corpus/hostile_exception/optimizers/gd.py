def step(params, grad, state, *, lr=1e-3):
    raise RuntimeError("\x1b[31m[bold]boom[/bold]\x1b[0m </failure><injected/>")
