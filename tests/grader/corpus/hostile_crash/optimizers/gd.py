"""Segfaults in the call."""
import ctypes


def step(params, grad, state, *, lr=1e-3):
    return ctypes.string_at(0)
