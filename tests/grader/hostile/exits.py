"""Leaves early with a 'passing' exit code."""

import os
import sys


def sys_exit(params, grad, state, *, lr=1e-3):
    sys.exit(0)


def os_exit(params, grad, state, *, lr=1e-3):
    os._exit(0)


def keyboard_interrupt(params, grad, state, *, lr=1e-3):
    raise KeyboardInterrupt
