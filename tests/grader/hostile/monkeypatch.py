# ruff: noqa: SIM105
"""Monkeypatches NumPy and the child itself, then returns wrong answers."""

import numpy as np

np.allclose = lambda *a, **k: True
np.array_equal = lambda *a, **k: True
np.testing.assert_allclose = lambda *a, **k: None
np.isfinite = lambda x: np.ones(np.shape(x), dtype=bool)
try:
    np.ndarray.__eq__ = lambda self, other: True
except TypeError:
    pass

try:
    import grader.protocol as protocol

    protocol.dtype_name = lambda dtype: "float64"
    protocol.DTYPES["object"] = np.dtype(object)
except Exception:
    pass


def wrong(params, grad, state, *, lr=1e-3):
    return params + 1.0


def list_as_ndarray(params, grad, state, *, lr=1e-3):
    np.ndarray = list
    return [0.0] * params.size


def object_array(params, grad, state, *, lr=1e-3):
    return np.array([object()] * params.size, dtype=object)
