"""The checks of the optimizer and mini-batch exercises: inputs, references, comparison, score.

The parent drives every run. At each step it sends the child only that call's inputs (the
parameters the submission returned last, a gradient, maybe a Hessian or the data), gets back a
plain array, and compares it with the reference engine stepped from the very same inputs
(`tutor.engine.optim.Optimizer(rule, **hyper)`, its own buffers carried from the same gradients;
for mini-batch SGD the run_minibatch arithmetic with a generator that mirrors the child's). So a
rounding difference never compounds along a chaotic path, and a wrong rule shows at the first
step where it differs. On zoo functions the next gradient is computed by the parent from the
parameters the submission returned: state is carried exactly as in training.

Every call of a run is compared at a tolerance per dtype (`TOLERANCE`): |got − expected| ≤
atol·scale + rtol·|expected|, scale = max(1, max |expected|); float64 rtol 1e-9, atol 1e-12;
float32 rtol 1e-5, atol 1e-5. Two correct implementations differ by a few ulps per step; every
known wrong variant misses by orders of magnitude on the inputs below (tests/grader check that).

A check passes when all its runs complete with every call within tolerance, of the exact dtype
and shape, finite, without an exception. Its weight (`WEIGHTS`, summing to 10) is its share of
the exercise's points from info.toml. `inputs_unchanged` passes when no call changed `grad`
(`hessian`, `x`, `y`) and at least one other check passed, so an unwritten or hostile
submission never scores it.

All runs of an exercise advance in lockstep, one `Session.call_many` round trip per step, so
60 steps of 20 runs cost 60 round trips. Runs continue a few steps past their first mismatch
(`EXTRA_STEPS`) to give the diagnosis more to compare, then stop.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from grader import diagnose
from grader.grade import MAX_OUTPUT_CHARS, CheckResult, ExerciseResult, clean_text, locate
from grader.info import Exercise
from grader.messages import text
from grader.sandbox import RNG, STATE, Call, CallResult, FailureKind, Limits, Sandbox

TOLERANCE = {"float64": (1e-9, 1e-12), "float32": (1e-5, 1e-5)}  # (rtol, atol per scale)
EXTRA_STEPS = 12
NONFATAL = {FailureKind.EXCEPTION, FailureKind.BAD_RETURN}

# Check weights (their shares of an exercise's points); each table sums to 10.
WEIGHTS = {
    "optimizer": {
        "first_steps": 1, "random_states": 1, "shapes": 1, "float32": 1, "hyperparameters": 1,
        "edge_cases": 1, "carried_state": 2, "carried_state_float32": 1, "inputs_unchanged": 1,
    },
    "minibatch": {
        "first_epoch": 1, "batch_size_3": 1, "full_batch": 1, "float32": 1,
        "hyperparameters": 1, "random_data": 1, "many_epochs": 2, "many_epochs_float32": 1,
        "inputs_unchanged": 1,
    },
}

# Non-default hyperparameters: the `hyperparameters` check (5 steps, float64).
HYPER = {
    "gd": {"lr": 0.05},
    "momentum": {"lr": 0.02, "momentum": 0.6},
    "nesterov": {"lr": 0.02, "momentum": 0.6},
    "adagrad": {"lr": 0.05, "eps": 1e-6},
    "rmsprop": {"lr": 0.005, "alpha": 0.8, "eps": 1e-6},
    "adadelta": {"lr": 0.5, "rho": 0.8, "eps": 1e-4},
    "adam": {"lr": 0.02, "beta1": 0.8, "beta2": 0.95, "eps": 1e-6},
    "newton": {"lr": 0.5, "damping": 0.3},
}
# The `edge_cases` check: eps where √v is near it, zero gradients, a damped ill-conditioned
# Hessian (float64, 6 steps).
EDGE_HYPER = {
    "gd": {"lr": 0.3},
    "momentum": {"lr": 0.1, "momentum": 0.5},
    "nesterov": {"lr": 0.1, "momentum": 0.5},
    "adagrad": {"lr": 0.05, "eps": 1e-4},
    "rmsprop": {"lr": 0.01, "alpha": 0.9, "eps": 1e-4},
    "adadelta": {"lr": 1.0, "rho": 0.9, "eps": 1e-4},
    "adam": {"lr": 0.01, "beta1": 0.9, "beta2": 0.999, "eps": 1e-4},
    "newton": {"lr": 1.0, "damping": 0.05},
}
# `carried_state_float32` on the elliptic bowl 0.1x² + 2y² from (−4.5, −2).
ELLIPTIC_HYPER = {
    "gd": {"lr": 0.05},
    "momentum": {"lr": 0.02, "momentum": 0.8},
    "nesterov": {"lr": 0.02, "momentum": 0.8},
    "adagrad": {"lr": 0.3, "eps": 1e-7},
    "rmsprop": {"lr": 0.01, "alpha": 0.95, "eps": 1e-6},
    "adadelta": {"lr": 0.5, "rho": 0.95, "eps": 1e-5},
    "adam": {"lr": 0.05, "beta1": 0.8, "beta2": 0.99, "eps": 1e-6},
    "newton": {"lr": 0.5, "damping": 0.1},
}

# The (3, 4) problem of tests/engine/test_golden.py: g = p − C + 0.1·sin(3p).
TENSOR_START = np.array([[0.9, -1.3, 2.2, 0.05], [-0.4, 1.7, -2.5, 3.1],
                         [0.0, -0.75, 1.1, -1.9]])
TENSOR_TARGET = np.array([[0.5, 0.25, -1.0, 1.5], [-2.0, 0.75, 0.0, 1.25],
                          [2.5, -0.5, 0.125, -3.0]])

# Fixed inputs of `first_steps` (a vector of 5 with mixed magnitudes and signs).
P0 = np.array([0.5, -1.5, 2.0, 0.25, -0.75])
G_FIXED = np.array([
    [0.3, -1.2, 2.5, -0.05, 0.8],
    [0.25, -0.9, -1.5, 0.02, 1.1],
    [-0.4, -1.0, 0.5, 0.0, 0.9],
    [0.1, 0.6, 1.2, -0.03, -0.7],
    [0.35, -0.2, -0.8, 0.04, 0.5],
    [-0.15, 0.45, 1.7, 0.01, -0.2],
])
# Fixed tiny gradients of `edge_cases` (√v comparable to eps = 1e-4, and exact zeros).
G_TINY = np.array([
    [1e-8, 5e-5, -1e-4, 3e-4, 0.0, -2e-4],
    [2e-8, 8e-5, -1.5e-4, 2e-4, 0.0, 1e-4],
    [-1e-8, 3e-5, -5e-5, 4e-4, 0.0, -3e-4],
    [1e-8, 6e-5, 1e-4, 1e-4, 0.0, -2.5e-4],
    [3e-8, -4e-5, -2e-4, 3e-4, 0.0, 1.5e-4],
    [1e-8, 7e-5, -1e-4, 2.5e-4, 0.0, -1e-4],
])
P_TINY = np.array([0.3, -0.2, 0.15, 1.0, -0.5, 0.05])
# ... and mixed magnitudes for the rules without ε.
G_MIXED = np.array([
    [0.0, 1e-8, -3e-4, 2.5, -40.0, 0.7],
    [0.0, -2e-8, 1e-4, -1.5, 30.0, 0.6],
    [0.0, 1e-8, -2e-4, 3.0, -10.0, -0.9],
    [0.0, 3e-8, 5e-4, -0.5, 20.0, 0.4],
    [0.0, -1e-8, -1e-4, 1.0, -25.0, -0.3],
    [0.0, 2e-8, 3e-4, -2.0, 15.0, 0.8],
])

MINIBATCH_SEEDS = {"first_epoch": 11, "batch_size_3": 12, "full_batch": 13, "float32": 14,
                   "hyperparameters": 15, "many_epochs": 16, "many_epochs_float32": 17}


# --- what a run is -------------------------------------------------------------------------------

Label = tuple[str, dict[str, object]]  # a run's words: messages.toml `run.<key>`, its fields


@dataclass(frozen=True)
class RunSpec:
    """One run: a fresh `state` (and generator) in the child, `steps` calls in a row."""

    label: Label
    start: np.ndarray
    steps: int
    hyper: dict[str, float | int] = field(default_factory=dict)
    grads: tuple[np.ndarray, ...] = ()  # fixed gradients, one per step (else `problem`)
    hessians: tuple[np.ndarray, ...] = ()  # Newton's, fixed, one per step
    problem: str | None = None  # "rosenbrock", "elliptic", "tensor": gradients from params
    x: np.ndarray | None = None  # mini-batch data
    y: np.ndarray | None = None
    seed: int = 0  # mini-batch: the child's generator seed

    def describe(self, lang: str) -> str:
        key, fields = self.label
        return text(f"run.{key}", lang, **fields)


@dataclass(frozen=True)
class CheckSpec:
    name: str
    weight: float
    runs: tuple[RunSpec, ...] = ()


class Caller(Protocol):
    """What the checks need from a sandbox session (tests use an in-process stand-in)."""

    def call_many(self, calls: Sequence[Call]) -> list[CallResult]: ...


# --- problems whose gradient the parent computes from the returned parameters --------------------

def _zoo_problem(name: str) -> tuple[Callable, Callable]:
    from tutor.engine import zoo

    fn = zoo.get(name)

    def grad(p: np.ndarray) -> np.ndarray:
        return fn.grad(p.astype(np.float64)).astype(p.dtype)

    def hess(p: np.ndarray) -> np.ndarray:
        return fn.hess(p.astype(np.float64))

    return grad, hess


def _tensor_grad(p: np.ndarray) -> np.ndarray:
    x = p.astype(np.float64)
    return (x - TENSOR_TARGET + 0.1 * np.sin(3.0 * x)).astype(p.dtype)


def _tensor_hess(p: np.ndarray) -> np.ndarray:
    return np.diag(1.0 + 0.3 * np.cos(3.0 * p.astype(np.float64)).reshape(-1))


def problem(name: str) -> tuple[Callable, Callable]:
    if name == "tensor":
        return _tensor_grad, _tensor_hess
    return _zoo_problem(name)


# --- the plans ---------------------------------------------------------------------------------

def _spd(rng: np.random.Generator, n: int, low: float = 0.5) -> np.ndarray:
    a = rng.normal(size=(n, n))
    return a @ a.T / n + low * np.eye(n)


def _fixed_hessians(n: int, steps: int, seed: int = 7) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    return tuple(_spd(rng, n) for _ in range(steps))


def _ill_conditioned(n: int, steps: int) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(99)
    q, _ = np.linalg.qr(rng.normal(size=(n, n)))
    eig = np.geomspace(1e-2, 5.0, n)
    h = q @ np.diag(eig) @ q.T
    h = (h + h.T) / 2
    return tuple(h.copy() for _ in range(steps))


def _run(label: Label, start: np.ndarray, grads: np.ndarray | Sequence[np.ndarray],
         hyper: dict[str, float], dtype: str, newton: bool,
         hessians: Sequence[np.ndarray] | None = None) -> RunSpec:
    grads = tuple(np.asarray(g, dtype=dtype).reshape(start.shape) for g in grads)
    hs: tuple[np.ndarray, ...] = ()
    if newton:
        hs = tuple(hessians) if hessians is not None else _fixed_hessians(start.size, len(grads))
    return RunSpec(label, np.asarray(start, dtype=dtype), len(grads), dict(hyper), grads, hs)


def exercise_rng(exercise: str, seed: int) -> np.random.Generator:
    """The random inputs of one exercise: the same for a given --seed, with or without --only."""
    return np.random.default_rng([int(seed), zlib.crc32(exercise.encode())])


def plan_optimizer(rule: str, seed: int) -> list[CheckSpec]:
    newton = rule == "newton"
    w = WEIGHTS["optimizer"]
    fixed = np.random.default_rng(2024)

    first = CheckSpec("first_steps", w["first_steps"], (
        _run(("one_step", {"dtype": "float64"}), P0, G_FIXED[:1], {}, "float64", newton),
        _run(("steps", {"n": 4, "dtype": "float64"}), P0[::-1].copy(), G_FIXED[1:5], {},
             "float64", newton),
    ))

    rng = exercise_rng(rule, seed)
    randoms = []
    for i, shape in enumerate([(1,), (4,), (2, 3)]):
        steps = int(rng.integers(2, 6))
        start = rng.normal(0.0, 2.0, shape)
        scale = 10.0 ** rng.uniform(-2.0, 1.0)
        grads = [rng.normal(size=shape) * scale for _ in range(steps)]
        hs = [_spd(rng, start.size) for _ in range(steps)] if newton else None
        randoms.append(_run(("random_state", {"i": i + 1, "shape": shape, "dtype": "float64"}),
                            start, grads, {}, "float64", newton, hs))
    random_states = CheckSpec("random_states", w["random_states"], tuple(randoms))

    matrix_start = fixed.normal(0.0, 1.5, (3, 4))
    matrix_grads = [fixed.normal(size=(3, 4)) for _ in range(3)]
    shapes = CheckSpec("shapes", w["shapes"], (
        _run(("shape", {"shape": (1,), "dtype": "float64"}), np.array([1.5]),
             [[0.4], [-0.2], [0.7]], {}, "float64", newton,
             [np.array([[2.5]]), np.array([[0.8]]), np.array([[4.0]])]),
        _run(("matrix", {"shape": (3, 4), "dtype": "float64"}), matrix_start, matrix_grads, {},
             "float64", newton),
    ))

    f32_vec = fixed.normal(0.0, 1.0, 5)
    f32_grads = [fixed.normal(size=5) for _ in range(4)]
    f32_mat = fixed.normal(0.0, 1.0, (2, 3))
    f32_mat_grads = [fixed.normal(size=(2, 3)) for _ in range(4)]
    float32 = CheckSpec("float32", w["float32"], (
        _run(("vector", {"dtype": "float32"}), f32_vec, f32_grads, {}, "float32", newton),
        _run(("matrix", {"shape": (2, 3), "dtype": "float32"}), f32_mat, f32_mat_grads, {},
             "float32", newton),
    ))

    hyper = CheckSpec("hyperparameters", w["hyperparameters"], (
        _run(("hyper", {"hyper": _fmt_hyper(HYPER[rule]), "dtype": "float64"}), P0,
             G_FIXED[:5], HYPER[rule], "float64", newton),
    ))

    if rule in ("adagrad", "rmsprop", "adam", "adadelta"):
        edge_run = _run(("tiny", {"hyper": _fmt_hyper(EDGE_HYPER[rule]), "dtype": "float64"}),
                        P_TINY, G_TINY, EDGE_HYPER[rule], "float64", newton)
    else:
        edge_run = _run(("mixed", {"hyper": _fmt_hyper(EDGE_HYPER[rule]), "dtype": "float64"}),
                        P_TINY, G_MIXED, EDGE_HYPER[rule], "float64", newton,
                        _ill_conditioned(6, len(G_MIXED)) if newton else None)
    edge = CheckSpec("edge_cases", w["edge_cases"], (edge_run,))

    carried = CheckSpec("carried_state", w["carried_state"], (
        RunSpec(("rosenbrock", {"dtype": "float64"}), np.array([-1.2, 1.0]), 60, {},
                problem="rosenbrock"),
    ))
    carried32 = CheckSpec("carried_state_float32", w["carried_state_float32"], (
        RunSpec(("elliptic", {"hyper": _fmt_hyper(ELLIPTIC_HYPER[rule]), "dtype": "float32"}),
                np.array([-4.5, -2.0], dtype=np.float32), 50, dict(ELLIPTIC_HYPER[rule]),
                problem="elliptic"),
        RunSpec(("tensor", {"shape": (3, 4), "dtype": "float32"}),
                TENSOR_START.astype(np.float32), 50, {}, problem="tensor"),
    ))
    return [first, random_states, shapes, float32, hyper, edge, carried, carried32,
            CheckSpec("inputs_unchanged", w["inputs_unchanged"])]


def linreg_data() -> tuple[np.ndarray, np.ndarray]:
    from tutor.engine import zoo

    fn = zoo.get("linreg")
    return (np.array(fn.data["xi"], dtype=np.float64), np.array(fn.data["yi"], dtype=np.float64))


def plan_minibatch(seed: int) -> list[CheckSpec]:
    w = WEIGHTS["minibatch"]
    x, y = linreg_data()
    s = MINIBATCH_SEEDS

    def run(start: Sequence[float], epochs: int, lr: float, bs: int, dtype: str, seed_: int,
            data: tuple[np.ndarray, np.ndarray] = (x, y)) -> RunSpec:
        fields = {"epochs": epochs, "bs": bs, "lr": lr, "dtype": dtype, "n": len(data[0])}
        key = "epoch" if epochs == 1 else "epochs" if data[0] is x else "random_points"
        return RunSpec((key, fields), np.array(start, dtype=dtype), epochs,
                       {"lr": lr, "batch_size": bs}, x=data[0], y=data[1], seed=seed_)

    rng = exercise_rng("minibatch_sgd", seed)
    n = 10
    rx = np.round(rng.uniform(0.5, 5.0, n), 3)
    ry = np.round(0.4 * rx + 1.0 + rng.normal(0.0, 0.2, n), 3)
    rstart = np.round(rng.normal(0.0, 0.5, 2), 3)
    rseed = int(rng.integers(0, 2**31 - 1))
    return [
        CheckSpec("first_epoch", w["first_epoch"], (
            run([0.0, 0.0], 1, 0.01, 1, "float64", s["first_epoch"]),)),
        CheckSpec("batch_size_3", w["batch_size_3"], (
            run([0.5, 1.0], 3, 0.01, 3, "float64", s["batch_size_3"]),)),
        CheckSpec("full_batch", w["full_batch"], (
            run([1.0, 0.0], 3, 0.02, 7, "float64", s["full_batch"]),)),
        CheckSpec("float32", w["float32"], (
            run([0.2, 0.4], 3, 0.01, 2, "float32", s["float32"]),)),
        CheckSpec("hyperparameters", w["hyperparameters"], (
            run([0.0, 1.5], 3, 0.03, 2, "float64", s["hyperparameters"]),)),
        CheckSpec("random_data", w["random_data"], (
            run(rstart, 3, 0.02, 4, "float64", rseed, (rx, ry)),)),
        CheckSpec("many_epochs", w["many_epochs"], (
            run([0.0, 0.0], 10, 0.01, 1, "float64", s["many_epochs"]),)),
        CheckSpec("many_epochs_float32", w["many_epochs_float32"], (
            run([1.0, -0.5], 10, 0.02, 2, "float32", s["many_epochs_float32"]),)),
        CheckSpec("inputs_unchanged", w["inputs_unchanged"]),
    ]


def plan(exercise: Exercise, seed: int) -> list[CheckSpec]:
    if exercise.kind == "minibatch":
        return plan_minibatch(seed)
    assert exercise.rule is not None
    return plan_optimizer(exercise.rule, seed)


def _fmt_hyper(hyper: dict[str, Any]) -> str:
    return " ".join(f"{k}={v:g}" for k, v in hyper.items())


# --- references ----------------------------------------------------------------------------------

class _OptimizerReference:
    """The engine's rule, stepped from the inputs the submission received."""

    def __init__(self, rule: str, hyper: dict[str, Any]) -> None:
        from tutor.engine.optim import Optimizer

        self.opt = Optimizer(rule, **hyper)
        self.newton = rule == "newton"

    def step(self, args: tuple[np.ndarray, ...]) -> np.ndarray:
        p = np.array(args[0], copy=True, order="C")
        self.opt.step(p, np.ascontiguousarray(args[1]), args[2] if self.newton else None)
        return p


class EpochReference:
    """One epoch as `tutor.engine.run.run_minibatch("gd", ...)` computes it: one permutation per
    epoch from a generator seeded like the child's, then per batch the gradient of the mean
    squared error in float64 (from the parameters cast to float64), cast to the parameters'
    dtype, and the engine's GD step."""

    def __init__(self, lr: float, batch_size: int, seed: int) -> None:
        from tutor.engine.optim import Optimizer

        self.opt = Optimizer("gd", lr=lr)
        self.bs = int(batch_size)
        self.rng = np.random.default_rng(seed)

    def step(self, args: tuple[np.ndarray, ...]) -> np.ndarray:
        params, x, y = args
        p = np.array(params, copy=True, order="C")
        order = self.rng.permutation(len(x))
        for i in range(0, len(x), self.bs):
            idx = order[i:i + self.bs]
            q = p.astype(np.float64)
            r = q[0] * x[idx] + q[1] - y[idx]
            g = np.array([2.0 * np.mean(r * x[idx]), 2.0 * np.mean(r)]).astype(p.dtype)
            self.opt.step(p, g)
        return p


# --- comparing -----------------------------------------------------------------------------------

_TOL = {np.dtype(name): tol for name, tol in TOLERANCE.items()}


def compare(got: np.ndarray, expected: np.ndarray) -> int | None:
    """The flat index of the first element of `got` out of tolerance from `expected` (same
    shape), or None. Non-finite values must sit where `expected` has them."""
    rtol, atol = _TOL.get(expected.dtype, _TOL[np.dtype(np.float64)])
    a = got.astype(np.float64, copy=False).reshape(-1)
    e = expected.astype(np.float64, copy=False).reshape(-1)
    with np.errstate(all="ignore"):
        mag = np.abs(e)
        top = mag.max(initial=0.0)
        # The usual case in one pass (a NaN in `a` fails the <= test and falls through).
        if np.isfinite(top) and (np.abs(a - e) <= atol * max(1.0, top) + rtol * mag).all():
            return None
        fin_e, fin_a = np.isfinite(e), np.isfinite(a)
        scale = max(1.0, float(mag[fin_e].max())) if fin_e.any() else 1.0
        far = np.abs(a - e) > atol * scale + rtol * mag
    bad = (fin_e != fin_a) | (fin_e & fin_a & far)
    hits = np.flatnonzero(bad)
    return int(hits[0]) if hits.size else None


def _number(v: float, dtype: np.dtype) -> str:
    return f"{v:.{8 if dtype == np.float32 else 12}g}"


def _index(flat: int, shape: tuple[int, ...]) -> str:
    if len(shape) <= 1:
        return f"[{flat}]"
    return "[" + ", ".join(str(int(i)) for i in np.unravel_index(flat, shape)) + "]"


# --- a run in progress ---------------------------------------------------------------------------

@dataclass
class _Problem:
    message: str
    replayable: bool  # a wrong value (the variants may explain it), not an error
    observed: str | None = None  # a diagnosis seen directly (dtype_changed, ...)


class _Run:
    def __init__(self, kind: str, rule: str, check: str, index: int, spec: RunSpec,
                 lang: str = "en") -> None:
        self.kind, self.rule, self.check, self.spec, self.lang = kind, rule, check, spec, lang
        self.run_id = f"{check}-{index}"
        self.newton = rule == "newton"
        self.minibatch = kind == "minibatch"
        if self.minibatch:
            self.ref: Any = EpochReference(spec.hyper["lr"], int(spec.hyper["batch_size"]),
                                           spec.seed)
            self.protected = {1: "x", 2: "y"}
        else:
            self.ref = _OptimizerReference(rule, spec.hyper)
            self.protected = {1: "grad", 2: "hessian"} if self.newton else {1: "grad"}
        self.grad_fn, self.hess_fn = problem(spec.problem) if spec.problem else (None, None)
        self.k = 0
        self.params = spec.start.copy()
        self.inputs: list[tuple[np.ndarray, ...]] = []
        self.outputs: list[np.ndarray] = []
        self.problem: _Problem | None = None
        self.first_bad: int | None = None
        self.mutations: list[tuple[int, str]] = []
        self.done = False
        self.completed = False
        self.error: str | None = None  # the submission's error that ended the run
        self.detail = ""  # its traceback, as the child reported it
        self.pending: tuple[np.ndarray, ...] | None = None
        self._prepare()

    def where(self, lang: str, step: int | None = None) -> str:
        return text("fail.where", lang, step=(self.k if step is None else step) + 1,
                    run=self.spec.describe(lang))

    def _prepare(self) -> None:
        """The inputs of the next call; ends the run if they cannot be computed."""
        p = self.params
        if self.minibatch:
            self.pending = (p, self.spec.x, self.spec.y)
            return
        if self.grad_fn is not None:  # computed from the returned point: may overflow
            with np.errstate(all="ignore"):
                g = self.grad_fn(p)
                h = self.hess_fn(p) if self.newton else None
            if not (np.isfinite(g).all() and (h is None or np.isfinite(h).all())):
                self.done = True
                if self.problem is None:
                    self.problem = _Problem(text("fail.stopped", self.lang), True)
                return
        else:  # fixed inputs, finite by construction
            g = self.spec.grads[self.k]
            h = self.spec.hessians[self.k] if self.newton else None
        self.pending = (p, g) if h is None else (p, g, h)

    def call(self) -> Call:
        assert self.pending is not None
        if self.minibatch:
            return Call(self.run_id, [*self.pending, RNG], self.spec.hyper, self.spec.seed)
        return Call(self.run_id, [*self.pending, STATE], self.spec.hyper)

    def receive(self, result: CallResult, lang: str) -> None:
        assert self.pending is not None
        inputs, k = self.pending, self.k
        for i, name in self.protected.items():
            if i < len(result.mutated) and result.mutated[i]:
                self.mutations.append((k, name))
        expected = self.ref.step(inputs)
        where = self.where(lang)
        if result.failure is not None:
            self.error = clean_text(str(result.failure))
            self.detail = clean_text(result.failure.detail)
            self._fail(_Problem(text("fail.call", lang, where=where, message=self.error),
                                False))
            return
        got = result.value
        assert got is not None
        if got.dtype != expected.dtype:
            observed = "dtype_changed" if got.dtype.kind == "f" else None
            self._fail(_Problem(text("fail.dtype", lang, where=where, expected=expected.dtype,
                                     got=got.dtype), False, observed))
            return
        if got.shape != expected.shape:
            self._fail(_Problem(text("fail.shape", lang, where=where, expected=expected.shape,
                                     got=got.shape), False, "shape_changed"))
            return
        self.inputs.append(inputs)  # never written to: the parent's arrays are read-only here
        self.outputs.append(got)
        bad = compare(got, expected)
        if bad is not None and self.problem is None:
            g, e = got.reshape(-1)[bad], expected.reshape(-1)[bad]
            index = _index(bad, got.shape)
            if not np.isfinite(g):
                message = text("fail.non_finite", lang, where=where, index=index,
                               what="nan" if np.isnan(g) else "inf")
            else:
                message = text("fail.value", lang, where=where, index=index,
                               expected=_number(e, got.dtype), got=_number(g, got.dtype))
            self.problem = _Problem(message, True)
            self.first_bad = k
        self.k += 1
        if self.k >= self.spec.steps:
            self.done = True
            self.completed = True
            return
        if not np.all(np.isfinite(got)) or (
                self.first_bad is not None and self.k - self.first_bad > EXTRA_STEPS):
            self.done = True
            return
        self.params = got
        self._prepare()

    def _fail(self, problem: _Problem) -> None:
        if self.problem is None:
            self.problem = problem
        else:
            self.problem.replayable = False
        self.done = True


# --- grading one exercise ----------------------------------------------------------------------

@dataclass
class _Outcome:
    checks: list[CheckResult]
    diagnoses: tuple[str, ...]
    failure: str | None
    output: str


class _Output:
    """The submission's printed output, bounded."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0
        self.cut = False

    def add(self, stdout: str, stderr: str) -> None:
        for chunk in (stdout, stderr):
            if not chunk:
                continue
            room = MAX_OUTPUT_CHARS - self.size
            if room <= 0:
                self.cut = True
                return
            self.parts.append(chunk[:room])
            self.size += min(len(chunk), room)
            self.cut = self.cut or len(chunk) > room

    def text(self) -> str:
        out = clean_text("".join(self.parts))
        return out + ("\n[... output cut ...]\n" if self.cut else "")


def run_checks(exercise: Exercise, caller: Caller, *, seed: int = 0,
               lang: str = "en") -> _Outcome:
    """Drive every check of `exercise` through `caller` and score it (no sandbox setup here)."""
    kind = exercise.kind
    rule = "minibatch_sgd" if kind == "minibatch" else str(exercise.rule)
    specs = plan(exercise, seed)
    output = _Output()
    runs: dict[str, list[_Run]] = {}
    for spec in specs:
        runs[spec.name] = [_Run(kind, rule, spec.name, i, r, lang)
                           for i, r in enumerate(spec.runs)]
    active = [r for rs in runs.values() for r in rs if not r.done]
    while active:
        results = caller.call_many([r.call() for r in active])
        if results:
            output.add(results[0].output.stdout, results[0].output.stderr)
        fatal = next((res.failure for res in results
                      if res.failure is not None and res.failure.kind not in NONFATAL), None)
        if fatal is not None:
            return _Outcome([], (), clean_text(str(fatal)), output.text())
        for r, res in zip(active, results, strict=True):
            r.receive(res, lang)
        active = [r for r in active if not r.done]
    checks, diagnoses = _score(exercise, rule, specs, runs, lang)
    every = [r for rs in runs.values() for r in rs]
    first = next((r for r in every if r.detail), None)
    if first is not None and not first.detail.rstrip().splitlines()[-1].startswith(
            "NotImplementedError"):  # the untouched stub's own error needs no traceback
        output.add("", first.detail if first.detail.endswith("\n") else first.detail + "\n")
    if every and not any(r.outputs for r in every) and all(r.error for r in every):
        # Not one call returned an array (an unwritten stub, a NameError): that is the story.
        errors = list(dict.fromkeys(r.error for r in every))
        failure = errors[0] if len(errors) == 1 else f"{errors[0]} (and other errors)"
        return _Outcome(checks, diagnoses, failure, output.text())
    return _Outcome(checks, diagnoses, None, output.text())


def _explaining(rule: str, check_runs: list[_Run]) -> list[str]:
    """The variants that reproduce every output the submission gave in these runs."""
    if not check_runs or any(r.problem is not None and not r.problem.replayable
                             for r in check_runs):
        return []
    if not any(r.outputs for r in check_runs):
        return []
    found = []
    for vid in diagnose.applicable(rule):
        for r in check_runs:
            runner = diagnose.variant(rule, vid, dict(r.spec.hyper), r.spec.seed)
            replayed = diagnose.replay(runner, r.inputs)
            if any(compare(got, want) is not None
                   for got, want in zip(r.outputs, replayed, strict=True)):
                break
        else:
            found.append(vid)
    return found


def _score(exercise: Exercise, rule: str, specs: list[CheckSpec], runs: dict[str, list[_Run]],
           lang: str) -> tuple[list[CheckResult], tuple[str, ...]]:
    total_weight = sum(s.weight for s in specs)
    unit = exercise.points / total_weight
    passed: dict[str, bool] = {}
    messages: dict[str, str] = {}
    observed: dict[str, str | None] = {}
    explains: dict[str, list[str]] = {}
    for spec in specs:
        if spec.name == "inputs_unchanged":
            continue
        rs = runs[spec.name]
        ok = all(r.completed and r.problem is None for r in rs)
        passed[spec.name] = ok
        problem = next((r.problem for r in rs if r.problem is not None), None)
        messages[spec.name] = "" if ok else (problem.message if problem else
                                             text("fail.not_run", lang))
        observed[spec.name] = None if ok else next(
            (r.problem.observed for r in rs if r.problem and r.problem.observed), None)
        if not ok and observed[spec.name] is None:
            explains[spec.name] = _explaining(rule, rs)

    # One story for the whole exercise: the variants that explain every failing check they
    # could be replayed on; else the ones explaining the most.
    candidates = [v for v in explains.values() if v]
    common: list[str] = []
    if candidates and len(candidates) == len(explains):
        common = [v for v in diagnose.VARIANT_IDS if all(v in c for c in candidates)]
    if not common and candidates:
        counts = {v: sum(v in c for c in candidates) for c in candidates for v in c}
        order = list(diagnose.VARIANT_IDS)
        common = sorted(counts, key=lambda v: (-counts[v], order.index(v)))

    results: list[CheckResult] = []
    for spec in specs:
        if spec.name == "inputs_unchanged":
            results.append(_inputs_check(spec, runs, passed, unit, lang))
            continue
        ok = passed[spec.name]
        diagnosis = observed[spec.name]
        if diagnosis is None and explains.get(spec.name):
            mine = explains[spec.name]
            diagnosis = next((v for v in common if v in mine), mine[0])
        results.append(CheckResult(spec.name, round(unit * spec.weight, 6) if ok else 0.0,
                                   round(unit * spec.weight, 6), ok, messages[spec.name],
                                   diagnosis))
    seen: list[str] = []
    for c in results:
        if c.diagnosis and c.diagnosis in diagnose.OBSERVED_IDS and c.diagnosis not in seen:
            seen.append(c.diagnosis)
    used = {c.diagnosis for c in results}
    seen += [v for v in common if v in used]
    return results, tuple(seen)


def _inputs_check(spec: CheckSpec, runs: dict[str, list[_Run]], passed: dict[str, bool],
                  unit: float, lang: str) -> CheckResult:
    weight = round(unit * spec.weight, 6)
    for rs in runs.values():
        for r in rs:
            if r.mutations:
                step, name = r.mutations[0]
                diagnosis = {"grad": "grad_mutated", "hessian": "hessian_mutated"}.get(
                    name, "data_mutated")
                return CheckResult(spec.name, 0.0, weight, False,
                                   text("fail.mutated", lang, where=r.where(lang, step),
                                        name=name), diagnosis)
    if not any(passed.values()):
        return CheckResult(spec.name, 0.0, weight, False, text("fail.nothing_correct", lang))
    return CheckResult(spec.name, weight, weight, True, "")


def grade_exercise(root: Path, exercise: Exercise, *, seed: int, limits: Limits,
                   lang: str = "en") -> ExerciseResult:
    """Grade one optimizer or mini-batch exercise in a sandbox of its own (thread-safe: call it
    from several threads to grade exercises side by side)."""
    started = time.monotonic()
    try:
        with Sandbox(root, limits) as box:
            return _grade_one(box, root, exercise, seed, lang)
    except Exception as err:  # the grader's own bug: it must cost this exercise, not the run
        import traceback

        return ExerciseResult(exercise.name, exercise.title_in(lang), 0.0, exercise.points, (),
                              (), f"grader error: {type(err).__name__}: {err}",
                              traceback.format_exc()[-MAX_OUTPUT_CHARS:],
                              time.monotonic() - started, exercise.kind)


def _grade_one(box: Sandbox, root: Path, exercise: Exercise, seed: int,
               lang: str) -> ExerciseResult:
    started = time.monotonic()
    title = exercise.title_in(lang)

    def result(outcome: _Outcome) -> ExerciseResult:
        score = 0.0 if outcome.failure else round(sum(c.points for c in outcome.checks), 6)
        return ExerciseResult(exercise.name, title, score, exercise.points,
                              tuple(outcome.checks), outcome.diagnoses, outcome.failure,
                              outcome.output, time.monotonic() - started, exercise.kind)

    rel = locate(root, exercise.path)
    if rel is None:
        return result(_Outcome([], (), f"missing: {exercise.path} is not in the submission", ""))
    session = box.open(rel, exercise.function)
    try:
        imported = clean_text(session.output.stdout + session.output.stderr)
        if rel != exercise.path:
            imported = f"(graded {rel}: there is no {exercise.path})\n" + imported
        if session.failure is not None:
            detail = clean_text(session.failure.detail)
            output = imported + (("\n" if imported else "") + detail if detail else "")
            return result(_Outcome([], (), clean_text(str(session.failure)),
                                   output[:MAX_OUTPUT_CHARS]))
        outcome = run_checks(exercise, session, seed=seed, lang=lang)
        if imported:
            outcome.output = (imported + outcome.output)[:MAX_OUTPUT_CHARS]
        return result(outcome)
    finally:
        session.close()
