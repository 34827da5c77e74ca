"""Trajectories: an optimizer started at a point of a zoo function and stepped N times.

The whole loop (gradient, Hessian, update, loss) runs inside one jitted function, because calling
kernels from a Python loop costs microseconds per step, more than the arithmetic of a 2-D step.
Mini-batch runs, which shuffle a dataset, keep their loop in Python; the datasets are small.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from tutor.engine import zoo, zoo_kernels
from tutor.engine.dispatch import apply
from tutor.engine.jit import kernel
from tutor.engine.optim import Hyper, Optimizer, get_rule, new_state, resolve_hyper

DTYPES = {"float64": np.float64, "float32": np.float32}


@dataclass(frozen=True)
class Trajectory:
    """The start followed by the point after each step, the loss at each, and whether it blew up.

    A diverged run stops at the first step whose point or loss is not finite and keeps only the
    finite prefix, so `points` then has fewer than steps + 1 rows.
    """

    optimizer: str
    function: str
    hyper: Hyper
    points: np.ndarray
    losses: np.ndarray
    diverged: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "optimizer": self.optimizer,
            "function": self.function,
            "hyper": dict(self.hyper),
            "points": self.points.tolist(),
            "losses": self.losses.tolist(),
            "diverged": self.diverged,
        }


@kernel
def _trajectory(fid, rule_id, needs_hessian, hp, p, state, points, losses):
    """Fill points[1:] and losses[1:]; return the number of finite steps taken."""
    n = p.size
    x = np.empty(n)
    g64 = np.empty(n)
    g = np.empty_like(p)
    h = np.zeros((n, n)) if needs_hessian else np.zeros((1, 1))
    for t in range(1, points.shape[0]):
        for i in range(n):
            x[i] = p[i]
        zoo_kernels.grad(fid, x, g64)
        for i in range(n):
            g[i] = g64[i]
        if needs_hessian:
            zoo_kernels.hess(fid, x, h)
        apply(rule_id, p, g, h, state, hp, t)
        finite = True
        for i in range(n):
            points[t, i] = p[i]
            finite = finite and np.isfinite(points[t, i])
        if not finite:
            return t - 1
        losses[t] = zoo_kernels.value(fid, points[t])
        if not np.isfinite(losses[t]):
            return t - 1
    return points.shape[0] - 1


def run(
    optimizer: str,
    function: str,
    start: Sequence[float],
    steps: int,
    hyper: dict[str, Any] | None = None,
    dtype: str = "float64",
) -> Trajectory:
    """Step `optimizer` from `start` on zoo function `function` (full-batch gradients)."""
    rule = get_rule(optimizer)
    resolved = resolve_hyper(rule, hyper)
    fn = zoo.get(function)
    p = _start_array(fn, start, dtype)
    points, losses = _buffers(fn, p, steps)
    state = new_state(rule, resolved, p.size, p.dtype)
    done = _trajectory(fn.fid, rule.rule_id, rule.needs_hessian, rule.hyper_vector(resolved),
                       p, state, points, losses)
    return Trajectory(optimizer, function, resolved, points[: done + 1], losses[: done + 1],
                      diverged=done < steps)


def run_minibatch(
    optimizer: str,
    function: str,
    start: Sequence[float],
    steps: int,
    batch_size: int,
    seed: int = 0,
    hyper: dict[str, Any] | None = None,
    dtype: str = "float64",
) -> Trajectory:
    """Mini-batch training on a zoo function that carries a dataset (such as `linreg`).

    Each epoch visits every sample once, in an order drawn from one generator seeded with `seed`;
    a batch size of 1 is stochastic gradient descent and the dataset size is full-batch descent.
    One point is recorded per step; the loss recorded is always the full-data loss.
    """
    fn = zoo.get(function)
    if fn.n_samples == 0:
        with_data = ", ".join(n for n in zoo.names() if zoo.get(n).n_samples)
        raise ValueError(f"{function} has no dataset; mini-batches need one of: {with_data}")
    if not 1 <= batch_size <= fn.n_samples:
        raise ValueError(f"batch size must be between 1 and {fn.n_samples}, not {batch_size}")
    opt = Optimizer(optimizer, **(hyper or {}))
    p = _start_array(fn, start, dtype)
    points, losses = _buffers(fn, p, steps)
    batches = _batches(fn.n_samples, batch_size, np.random.default_rng(seed))
    for t, batch in zip(range(1, steps + 1), batches, strict=False):
        x = p.astype(np.float64)
        g = fn.batch_grad(x, batch).astype(p.dtype)
        opt.step(p, g, fn.hess(x) if opt.rule.needs_hessian else None)
        points[t] = p
        losses[t] = fn.value(points[t])
        if not (np.all(np.isfinite(points[t])) and np.isfinite(losses[t])):
            return Trajectory(optimizer, function, opt.hyper, points[:t], losses[:t], True)
    return Trajectory(optimizer, function, opt.hyper, points, losses, diverged=False)


def _batches(n: int, batch_size: int, rng: np.random.Generator) -> Iterator[np.ndarray]:
    """Sample indices, epoch after epoch, each epoch a fresh permutation cut into batches."""
    while True:
        order = rng.permutation(n)
        for i in range(0, n, batch_size):
            yield order[i : i + batch_size]


def _start_array(fn: zoo.ZooFunction, start: Sequence[float], dtype: str) -> np.ndarray:
    if dtype not in DTYPES:
        raise ValueError(f"dtype must be one of: {', '.join(DTYPES)}")
    if len(start) != fn.dim:
        raise ValueError(
            f"{fn.name} takes {fn.dim} coordinate(s) ({', '.join(fn.variables)}), "
            f"got {len(start)}"
        )
    return np.array(start, dtype=DTYPES[dtype])


def _buffers(fn: zoo.ZooFunction, p: np.ndarray, steps: int) -> tuple[np.ndarray, np.ndarray]:
    if steps < 0:
        raise ValueError(f"steps must be >= 0, not {steps}")
    points = np.empty((steps + 1, fn.dim))
    losses = np.empty(steps + 1)
    points[0] = p
    losses[0] = fn.value(points[0])
    return points, losses
