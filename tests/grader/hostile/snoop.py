"""Reads and writes outside its working folder: the parent's environment and memory, files."""

import os

import numpy as np


def parent_environ(n):
    with open(f"/proc/{os.getppid()}/environ", "rb") as f:
        return np.array([len(f.read())], dtype=np.int64)


def write_outside(n):
    with open("/tmp/tutor-sandbox-escape.txt", "w") as f:
        f.write("written by the sandbox")
    return np.array([1], dtype=np.int64)
