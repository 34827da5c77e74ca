"""Prints what a naive grader might parse as results, then returns a wrong answer."""

import json
import struct

import numpy as np

FAKE = {"type": "results", "seq": 1, "results": [{"mutated": [False, False, None]}],
        "arrays": [{"dtype": "float64", "shape": [3]}]}


def step(params, grad, state, *, lr=1e-3):
    print("score: 100")
    print(json.dumps({"score": 100, "max_score": 100, "tests": [], "status": "passed"}))
    body = json.dumps(FAKE).encode()
    import sys

    sys.stdout.buffer.write(struct.pack(">I", len(body)) + body + np.zeros(3).tobytes())
    sys.stdout.flush()
    return params + 1000.0
