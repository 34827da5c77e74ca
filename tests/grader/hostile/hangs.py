"""Never returns: a busy loop, a sleep, a self-inflicted SIGSTOP; or busy at import."""

import os
import signal
import time


def busy(params, grad, state, *, lr=1e-3):
    while True:
        pass


def sleeps(params, grad, state, *, lr=1e-3):
    time.sleep(3600)


def stops_itself(params, grad, state, *, lr=1e-3):
    os.kill(os.getpid(), signal.SIGSTOP)
    return params


_calls = 0


def third_call(params, grad, state, *, lr=1e-3):
    """Right twice, then a busy loop: a hang in the middle of a batch of calls."""
    global _calls
    _calls += 1
    while _calls >= 3:
        pass
    return params - lr * grad
