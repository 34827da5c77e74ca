"""Starts processes: a fork bomb (bounded), a background sleeper that tries to leave the group."""

import os
import subprocess
import time

import numpy as np


def fork_bomb(params, grad, state, *, lr=1e-3):
    for _ in range(200):
        if os.fork() == 0:
            time.sleep(60)
            os._exit(0)
    return params - lr * grad


def background(params, grad, state, *, lr=1e-3):
    """Returns the pid of a grandchild that tries setsid() and sleeps for a minute."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.setsid()
            escaped = b"1"
        except OSError:
            escaped = b"0"
        os.write(w, escaped)
        time.sleep(60)
        os._exit(0)
    escaped = os.read(r, 1) == b"1"
    return np.array([pid, int(escaped)], dtype=np.int64)


def shell(params, grad, state, *, lr=1e-3):
    subprocess.run(["sleep", "60"], check=True)
    return params
