"""Patches NumPy's comparisons in its own process, then returns wrong answers."""
import numpy as np

np.allclose = lambda *a, **k: True
np.array_equal = lambda *a, **k: True
np.isclose = lambda a, b, *r, **k: np.ones(np.shape(a), dtype=bool)
np.testing.assert_allclose = lambda *a, **k: None
np.isfinite = lambda x: np.ones(np.shape(x), dtype=bool)


def step(params, grad, state, *, lr=1e-3):
    return params + 1.0
