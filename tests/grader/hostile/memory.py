"""Allocates far more than the memory limit."""

import numpy as np


def numpy_bomb(params, grad, state, *, lr=1e-3):
    big = np.ones(10 * 2**30 // 8)  # 10 GiB of float64
    return params + big[:1]


def bytes_bomb(params, grad, state, *, lr=1e-3):
    return b"x" * (10 * 2**30)


def list_bomb(params, grad, state, *, lr=1e-3):
    blocks = []
    while True:
        blocks.append(bytearray(64 * 2**20))
