"""Compile (or load from the on-disk cache) every kernel a user path can reach, ahead of time.

The Textual app calls this in a worker while the learner reads, and the grader once per batch, so
nobody waits on a compile later. `dispatchers()` lists what a second process must find cached.
"""

from __future__ import annotations

import numpy as np
from numba.core.registry import CPUDispatcher

from tutor.engine import dispatch, run, zoo, zoo_kernels
from tutor.engine.optim import RULES


def dispatchers() -> list[CPUDispatcher]:
    """The jitted entry points called from Python."""
    entries = [dispatch.apply, run._trajectory]
    names = ("value", "grad", "hess", "batch_value", "batch_grad", "value_grid")
    entries += [getattr(zoo_kernels, name) for name in names]
    return entries


def warm() -> None:
    """Run every entry point once per dtype it is called with."""
    for dtype in run.DTYPES:
        for rule in RULES.values():
            start = [0.5, 0.5]
            run.run(rule.name, "bowl", start, 1, dtype=dtype)
            run.run_minibatch(rule.name, "linreg", start, 1, batch_size=2, dtype=dtype)
    fn_2d, fn_1d = zoo_kernels.NAMES.index("bowl"), zoo_kernels.NAMES.index("quadratic")
    xs = np.linspace(0.0, 1.0, 3)
    zoo_kernels.value_grid(fn_2d, xs, xs, np.empty((3, 3)))
    zoo_kernels.value_grid(fn_1d, xs, xs, np.empty((1, 3)))
    linreg = zoo.get("linreg")
    linreg.batch_value([0.0, 0.0], [0, 1])
    linreg.grad([0.0, 0.0])
    linreg.hess([0.0, 0.0])
