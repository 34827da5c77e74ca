# ruff: noqa: SIM105
"""Prints forever, to stdout or stderr."""

import sys


def stdout(params, grad, state, *, lr=1e-3):
    while True:
        print("flood " * 100)


def stderr(params, grad, state, *, lr=1e-3):
    while True:
        sys.stderr.write("flood " * 100 + "\n")


def stdout_ignoring_errors(params, grad, state, *, lr=1e-3):
    import signal

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    while True:
        try:
            print("flood " * 100)
        except OSError:
            pass
