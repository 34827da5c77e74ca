# ruff: noqa: SIM105
"""Writes to the result pipe behind the sandbox's back (the fd is found in /proc/self/fd)."""

import os
import stat

import numpy as np


def _pipes():
    fds = []
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        try:
            if fd > 2 and stat.S_ISFIFO(os.fstat(fd).st_mode):
                fds.append(fd)
        except OSError:
            pass
    return fds


def garbage(params, grad, state, *, lr=1e-3):
    for fd in _pipes():
        try:
            os.write(fd, b"\x00\x00\x00\x10{not json at all}" + b"\xff" * 64)
        except OSError:
            pass
    return params - lr * grad


def huge_header(params, grad, state, *, lr=1e-3):
    for fd in _pipes():
        try:
            os.write(fd, b"\x7f\xff\xff\xff")
        except OSError:
            pass
    return params - lr * grad


def huge_array_claim(params, grad, state, *, lr=1e-3):
    import json
    import struct

    body = json.dumps({"type": "results", "seq": 1, "results": [{"mutated": [False] * 3}],
                       "arrays": [{"dtype": "float64", "shape": [10**6, 10**6]}]}).encode()
    for fd in _pipes():
        try:
            os.write(fd, struct.pack(">I", len(body)) + body)
        except OSError:
            pass
    return params - lr * grad


def closes_it(params, grad, state, *, lr=1e-3):
    for fd in _pipes():
        os.close(fd)
    return params - lr * grad


def after_return(params, grad, state, *, lr=1e-3):
    """Answers correctly, but leaves a thread that writes garbage later."""
    import threading
    import time

    def later():
        time.sleep(0.2)
        for fd in _pipes():
            try:
                os.write(fd, b"garbage")
            except OSError:
                pass

    try:
        threading.Thread(target=later, daemon=True).start()
    except RuntimeError:  # no threads allowed: write now, after the reply is sent
        pass
    return params - lr * grad


np  # noqa: B018
