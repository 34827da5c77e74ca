"""Not hostile: reports what the child looks like from the inside."""

import os
import sys

import numpy as np


def modules(params, grad, state, *, lr=1e-3):
    """[numba imported, tutor imported, sys.flags.isolated, cwd holds this file]"""
    return np.array(["numba" in sys.modules, "tutor" in sys.modules, bool(sys.flags.isolated),
                     os.path.isfile("introspect.py")])


def ids(params, grad, state, *, lr=1e-3):
    """[uid, pid, process group, session]"""
    return np.array([os.getuid(), os.getpid(), os.getpgid(0), os.getsid(0)], dtype=np.int64)


def environment(params, grad, state, *, lr=1e-3):
    """The number of environment variables, and whether a PYTHON* one is set."""
    return np.array([len(os.environ), any(k.startswith("PYTHON") for k in os.environ)],
                    dtype=np.int64)


def family(params, grad, state, *, lr=1e-3):
    """[parent pid, open file descriptors, of which sockets]"""
    targets = []
    for fd in os.listdir("/proc/self/fd"):
        if os.path.exists(f"/proc/self/fd/{fd}"):  # not the listing's own, closed by now
            targets.append(os.readlink(f"/proc/self/fd/{fd}"))
    return np.array([os.getppid(), len(targets), sum(t.startswith("socket:") for t in targets)],
                    dtype=np.int64)


def dumpable(params, grad, state, *, lr=1e-3):
    """[prctl(PR_GET_DUMPABLE)]: a forked child must be like a spawned one (1)."""
    import ctypes

    return np.array([ctypes.CDLL(None).prctl(3, 0, 0, 0, 0)], dtype=np.int64)
