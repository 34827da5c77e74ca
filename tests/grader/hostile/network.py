"""Tries to reach the network: a TCP connection to a port the test listens on."""

import socket

import numpy as np


def connect(port):
    with socket.create_connection(("127.0.0.1", int(port)), timeout=1) as s:
        s.sendall(b"leak")
    return np.array([1], dtype=np.int64)
