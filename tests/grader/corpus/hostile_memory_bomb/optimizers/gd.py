def step(params, grad, state, *, lr=1e-3):
    blocks = []
    while True:
        blocks.append(bytearray(64 * 2**20))
