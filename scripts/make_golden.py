"""Record torch.optim trajectories as golden data for the engine's update rules.

    PYTHONPATH=. python scripts/make_golden.py      # needs torch; writes the JSON below

The tests (tests/engine/test_golden.py) replay every scenario with our numba kernels and need only
the JSON, never torch. Torch is a regeneration-time dependency of this script alone, which is why
it is imported inside `main` and is not in pyproject.

What is recorded, and why it is a test of the update rules only:
  * every gradient torch sees is computed by *our* code (the zoo's compiled gradient, or the numpy
    tensor function below) and assigned to `param.grad`; autograd never runs, so a difference
    between the trajectories can only come from the update arithmetic;
  * `foreach=False`: the single-tensor code path, which rules.py follows operation by operation;
  * float64 runs for every scenario, float32 for a subset. In float32 the gradient is computed in
    float64 at the float32 point and cast to float32, exactly as `run.run` does;
  * only well-conditioned trajectories: each scenario is re-run with every coordinate nudged by
    one ulp after every step, and a scenario whose nudged run strays more than MAX_SENSITIVITY
    ulps is refused. Torch and our kernels round differently (torch's CPU kernels contract
    a + b*c into fused multiply-adds, ours round the product), so only such trajectories can be
    compared to a tolerance far below any real mistake.

Each scenario stores its id, rule, our hyperparameters, torch's class and keyword arguments, the
function ("tensor" for the (3, 4) parameter), dtype, start, steps, the nudge growth, the points
(start first) and, for zoo functions, the gradient fed to torch at each step. Tensor gradients are
not stored: they are the closed form in the file's "tensor" section, recomputed by the test.
Floats are written with `repr` (json's default), so they read back bit for bit.
"""

from __future__ import annotations

import json
import platform
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tutor.engine import zoo  # noqa: E402
from tutor.engine.optim import RULES, resolve_hyper  # noqa: E402

OUTPUT = ROOT / "tests" / "engine" / "data" / "torch_golden.json"

STEPS = 60
"""Steps per scenario: long enough for momentum and the adaptive methods' state to matter."""

# The (3, 4) tensor scenario. The test file defines the same function; the values are also stored
# in the JSON so that a mismatch between the two definitions is caught, not silently absorbed.
TENSOR_START = [
    [0.9, -1.3, 2.2, 0.05],
    [-0.4, 1.7, -2.5, 3.1],
    [0.0, -0.75, 1.1, -1.9],
]
TENSOR_TARGET = [
    [0.5, 0.25, -1.0, 1.5],
    [-2.0, 0.75, 0.0, 1.25],
    [2.5, -0.5, 0.125, -3.0],
]
TENSOR_GRAD = "g = p - c + 0.1*sin(3*p), evaluated in float64 and cast to the dtype of p"


def tensor_grad(p: np.ndarray) -> np.ndarray:
    """The elementwise gradient of the tensor scenarios (a strongly convex, non-quadratic loss)."""
    x = p.astype(np.float64)
    c = np.array(TENSOR_TARGET, dtype=np.float64)
    return (x - c + 0.1 * np.sin(3.0 * x)).astype(p.dtype)


# Start points, and a learning rate per family of rules, that keep every trajectory finite and
# moving for STEPS steps. "sgd" covers gd/momentum/nesterov, "adaptive" rmsprop/adam/adamw.
FUNCTIONS: dict[str, dict[str, Any]] = {
    "rosenbrock": {"start": [-1.2, 1.0], "sgd": 1e-3, "adagrad": 0.5, "adaptive": 0.05},
    "beale": {"start": [1.0, 1.0], "sgd": 0.01, "adagrad": 0.5, "adaptive": 0.05},
    "himmelblau": {"start": [0.0, 0.0], "sgd": 5e-3, "adagrad": 0.5, "adaptive": 0.1},
    "bowl": {"start": [-0.5, 4.5], "sgd": 0.05, "adagrad": 1.0, "adaptive": 0.1},
    "elliptic": {"start": [-5.0, -2.0], "sgd": 0.1, "adagrad": 1.0, "adaptive": 0.1},
    "quadratic": {"start": [4.5], "sgd": 0.1, "adagrad": 1.0, "adaptive": 0.1},
    "xsinx": {"start": [2.0], "sgd": 0.1, "adagrad": 0.5, "adaptive": 0.05},
    "linreg": {"start": [0.0, 0.0], "sgd": 0.02, "adagrad": 0.5, "adaptive": 0.02},
    "tensor": {"start": TENSOR_START, "sgd": 0.1, "adagrad": 0.5, "adaptive": 0.05},
}
FAMILY = {"gd": "sgd", "momentum": "sgd", "nesterov": "sgd", "adagrad": "adagrad",
          "rmsprop": "adaptive", "adam": "adaptive", "adamw": "adaptive"}

# Hyperparameter settings per rule, by name. "lr_scale" multiplies the function's base learning
# rate (a non-default lr); every other key is one of our hyperparameters. adadelta has no
# per-function lr: its default lr=1 is part of what is being tested.
SETTINGS: dict[str, dict[str, dict[str, Any]]] = {
    "gd": {
        "base": {},
        "lr_half": {"lr_scale": 0.5},
        "wd": {"weight_decay": 0.1},
    },
    "momentum": {
        "base": {},
        "mu0.5": {"momentum": 0.5, "lr_scale": 2.0},
        "dampening": {"dampening": 0.3},
        "wd": {"weight_decay": 0.05},
        "mixed": {"momentum": 0.95, "dampening": 0.1, "weight_decay": 0.01, "lr_scale": 0.5},
    },
    "nesterov": {
        "base": {},
        "mu0.5": {"momentum": 0.5, "lr_scale": 2.0},
        "wd": {"weight_decay": 0.05},
    },
    "adagrad": {
        "base": {},
        "lr_decay": {"lr_decay": 0.05},
        "init_acc": {"initial_accumulator_value": 0.5},
        "wd": {"weight_decay": 0.05},
        "eps": {"eps": 1e-3, "lr_scale": 0.5},
    },
    "rmsprop": {
        "base": {},
        "centered": {"centered": True},
        "momentum": {"momentum": 0.5, "lr_scale": 0.5},
        "centered_momentum": {"centered": True, "momentum": 0.5, "lr_scale": 0.5},
        # lerp weight 1 - alpha = 0.6 >= 0.5: torch.lerp's other branch. A short memory makes the
        # centred variance s - m^2 a difference of near-equal numbers; eps = 1 keeps it tame.
        "alpha0.4_centered": {"alpha": 0.4, "centered": True, "eps": 1.0, "lr_scale": 2.0},
        "wd": {"weight_decay": 0.05},
    },
    "adadelta": {
        "base": {},
        "rho0.7": {"rho": 0.7},
        "eps": {"eps": 1e-4},
        "wd_lr": {"weight_decay": 0.05, "lr": 0.5},
    },
    "adam": {
        "base": {},
        "amsgrad": {"amsgrad": True},
        "beta1_0.3": {"beta1": 0.3},  # lerp weight 0.7 >= 0.5: torch.lerp's other branch
        "wd": {"weight_decay": 0.05},
        "mixed": {"beta1": 0.3, "beta2": 0.9, "eps": 1e-4, "amsgrad": True, "lr_scale": 0.5},
    },
    "adamw": {
        "base": {},
        "amsgrad": {"amsgrad": True},
        "beta1_0.3": {"beta1": 0.3},
        "wd": {"weight_decay": 0.1},
        "no_wd": {"weight_decay": 0.0, "lr_scale": 2.0},
        "beta2_eps": {"beta2": 0.9, "eps": 1e-4},
    },
}

FLOAT32_FUNCTIONS = ("rosenbrock", "linreg", "tensor")
"""Functions whose scenarios are also recorded in float32 (every rule and setting)."""

MAX_SENSITIVITY = {"float64": 1000.0, "float32": 50.0}
"""Largest accepted growth of a one-ulp-per-step nudge (see `sensitivity`), in ulps of the
trajectory's scale; below the tests' absolute tolerances (float64: 1e-12 * scale = 4500 ulps,
float32: 1e-5 * scale = 84 ulps). Well conditioned runs stay below ~40. Runs that reach the
rounding floor of their minimum, where an adaptive rule divides noise by noise, or that are
chaotic, grow by 1e5 to 1e14 and could not be compared with any tolerance, so the generator
refuses them."""


def our_hyper(rule: str, function: str, setting: dict[str, Any]) -> dict[str, float | bool]:
    """The hyperparameters a test passes to `run` / `Optimizer`: the setting with its lr made
    explicit (floats rounded to repr-exact Python floats)."""
    hyper = {k: v for k, v in setting.items() if k != "lr_scale"}
    if rule in FAMILY:
        hyper["lr"] = float(FUNCTIONS[function][FAMILY[rule]] * setting.get("lr_scale", 1.0))
    return hyper


def torch_kwargs(rule: str, hyper: dict[str, float | bool]) -> tuple[str, dict[str, Any]]:
    """The torch.optim class and constructor arguments equivalent to our resolved hyperparameters.

    Every argument is spelled out (not left to torch's defaults), so the JSON documents exactly
    what torch ran even if torch's defaults change.
    """
    h = resolve_hyper(RULES[rule], hyper)
    if rule == "gd":
        return "SGD", {"lr": h["lr"], "momentum": 0.0, "dampening": 0.0,
                       "weight_decay": h["weight_decay"], "nesterov": False}
    if rule in ("momentum", "nesterov"):
        return "SGD", {"lr": h["lr"], "momentum": h["momentum"], "dampening": h["dampening"],
                       "weight_decay": h["weight_decay"], "nesterov": rule == "nesterov"}
    if rule == "adagrad":
        return "Adagrad", {k: h[k] for k in ("lr", "lr_decay", "weight_decay",
                                             "initial_accumulator_value", "eps")}
    if rule == "rmsprop":
        return "RMSprop", {k: h[k] for k in ("lr", "alpha", "eps", "weight_decay", "momentum",
                                             "centered")}
    if rule == "adadelta":
        return "Adadelta", {k: h[k] for k in ("lr", "rho", "eps", "weight_decay")}
    if rule in ("adam", "adamw"):
        return ("Adam" if rule == "adam" else "AdamW"), {
            "lr": h["lr"], "betas": [h["beta1"], h["beta2"]], "eps": h["eps"],
            "weight_decay": h["weight_decay"], "amsgrad": h["amsgrad"]}
    raise ValueError(f"{rule} has no torch counterpart")


def gradient_function(function: str) -> Callable[[np.ndarray], np.ndarray]:
    """Our gradient at p, in p's dtype: computed in float64 and cast, as run.py does."""
    if function == "tensor":
        return tensor_grad
    fn = zoo.get(function)
    return lambda p: fn.grad(p.astype(np.float64)).astype(p.dtype)


def torch_trajectory(
    torch: Any, cls: str, kwargs: dict[str, Any], function: str, dtype: str,
    nudge: np.random.Generator | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Step torch's optimizer STEPS times: the points (start first) and the gradients fed in.

    With `nudge`, every coordinate is moved one ulp up or down (at random) after each step: a
    stand-in for the rounding differences between two correct implementations of the rule.
    """
    kw = dict(kwargs)
    if "betas" in kw:
        kw["betas"] = tuple(kw["betas"])
    np_dtype = np.dtype(dtype)
    param = torch.tensor(np.array(FUNCTIONS[function]["start"], dtype=np_dtype),
                         requires_grad=True)
    opt = getattr(torch.optim, cls)([param], foreach=False, **kw)
    grad = gradient_function(function)
    points = [param.detach().numpy().copy()]
    grads = []
    for _ in range(STEPS):
        g = grad(param.detach().numpy().copy())
        if g.dtype != np_dtype:
            raise AssertionError("gradient dtype drifted")
        param.grad = torch.from_numpy(g)
        opt.step()
        if nudge is not None:
            point = param.detach().numpy()
            away = np.where(nudge.random(point.shape) < 0.5, np.inf, -np.inf).astype(np_dtype)
            with torch.no_grad():
                param.copy_(torch.from_numpy(np.nextafter(point, away)))
        point = param.detach().numpy().copy()
        if not np.all(np.isfinite(point)) or np.abs(point).max() > 1e3:
            raise RuntimeError(f"{cls}{kwargs} on {function} ran away: {point}")
        points.append(point)
        grads.append(g)
    return np.array(points, dtype=np.float64), np.array(grads, dtype=np.float64)


def sensitivity(points: np.ndarray, nudged: np.ndarray, dtype: str) -> float:
    """How far the nudged run strays, in ulps of the trajectory's scale: max |a - b| / scale / eps
    with scale = max(1, max |a|), the normalisation the tests use for their absolute tolerance."""
    scale = max(1.0, float(np.abs(points).max()))
    return float(np.abs(points - nudged).max() / scale / np.finfo(dtype).eps)


def scenarios(torch: Any) -> list[dict[str, Any]]:
    """Every (rule, setting, function, dtype) combination, recorded and checked to be well
    conditioned; raises listing the scenarios whose rounding noise would swamp the tests."""
    out, unstable = [], []
    for rule, settings in SETTINGS.items():
        for setting_name, setting in settings.items():
            for function in FUNCTIONS:
                dtypes = ["float64"] + (["float32"] if function in FLOAT32_FUNCTIONS else [])
                for dtype in dtypes:
                    sid = f"{rule}-{setting_name}-{function}-{dtype}"
                    hyper = our_hyper(rule, function, setting)
                    cls, kwargs = torch_kwargs(rule, hyper)
                    points, grads = torch_trajectory(torch, cls, kwargs, function, dtype)
                    nudged, _ = torch_trajectory(torch, cls, kwargs, function, dtype,
                                                 nudge=np.random.default_rng(list(sid.encode())))
                    ulps = sensitivity(points, nudged, dtype)
                    if ulps > MAX_SENSITIVITY[dtype]:
                        unstable.append(f"{sid}: {ulps:.3g} ulps")
                    scenario = {
                        "id": sid,
                        "rule": rule,
                        "hyper": hyper,
                        "torch": {"class": cls, "kwargs": kwargs},
                        "function": function,
                        "dtype": dtype,
                        "start": FUNCTIONS[function]["start"],
                        "steps": STEPS,
                        "sensitivity_ulps": float(f"{ulps:.2g}"),
                        "points": _as_list(points, function),
                    }
                    if function != "tensor":  # tensor gradients follow from the points
                        scenario["grads"] = grads.tolist()
                    out.append(scenario)
    if unstable:
        raise SystemExit("ill-conditioned scenarios (change their settings):\n  "
                         + "\n  ".join(unstable))
    return out


def _as_list(rows: np.ndarray, function: str) -> list[Any]:
    """One row per step; tensor rows keep the (3, 4) shape, as torch's parameter has it."""
    if function == "tensor":
        return rows.reshape(len(rows), *np.shape(TENSOR_START)).tolist()
    return rows.tolist()


def dumps(obj: Any, indent: int = 0) -> str:
    """JSON that is readable but not sprawling: dicts put one key per line (unless all their
    values are scalars), a list of lists puts one row per line (a trajectory: one point per line),
    and a row is written on one line."""
    pad, inner = " " * indent, " " * (indent + 1)
    if isinstance(obj, dict) and any(isinstance(v, list | dict) for v in obj.values()):
        items = [f"{inner}{json.dumps(k)}: {dumps(v, indent + 1)}" for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + f"\n{pad}}}"
    if isinstance(obj, list) and obj and all(isinstance(v, list | dict) for v in obj):
        rows = [f"{inner}{dumps(v, indent + 1) if isinstance(v, dict) else _flat(v)}"
                for v in obj]
        return "[\n" + ",\n".join(rows) + f"\n{pad}]"
    return _flat(obj)


def _flat(obj: Any) -> str:
    """One-line JSON; floats by repr, so they round-trip exactly; NaN and inf are refused."""
    return json.dumps(obj, allow_nan=False, separators=(", ", ": "))


def main() -> None:
    import torch

    torch.set_num_threads(1)
    data = {
        "about": "torch.optim trajectories (foreach=False) on gradients computed by tutor; "
                 "regenerate with scripts/make_golden.py",
        "torch": torch.__version__,
        "numpy": np.__version__,
        "cpu_capability": torch.backends.cpu.get_cpu_capability(),
        "machine": platform.machine(),
        "tensor": {"grad": TENSOR_GRAD, "start": TENSOR_START, "c": TENSOR_TARGET},
        "scenarios": scenarios(torch),
    }
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(dumps(data) + "\n", encoding="utf-8")
    n = len(data["scenarios"])
    print(f"wrote {n} scenarios to {OUTPUT.relative_to(ROOT)} "
          f"({OUTPUT.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
