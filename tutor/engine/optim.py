"""The Python layer over the kernels: rule specs, hyperparameter validation and optimizer state.

Names and defaults follow torch.optim so a learner can carry settings between the two, with one
deliberate exception: `momentum` and `nesterov` default to momentum=0.9, because torch's SGD
default of 0 would make them plain gradient descent. Adam's `betas` are spelled `beta1`, `beta2`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

Hyper = dict[str, float | bool]


class HyperError(ValueError):
    """A hyperparameter that is unknown or out of range; the message names the valid choices."""


class UnknownOptimizer(ValueError):
    """An optimizer name we do not have; the message names the valid choices."""


@dataclass(frozen=True)
class Rule:
    """What the engine needs to know about one update rule."""

    name: str
    rule_id: int
    title: str
    torch_name: str | None
    defaults: dict[str, float | bool]
    slots: tuple[str, ...]
    needs_hessian: bool = False

    def hyper_vector(self, hyper: Hyper) -> np.ndarray:
        """Hyperparameters in declaration order, as the jitted `apply` dispatcher reads them."""
        return np.array([float(hyper[k]) for k in self.defaults], dtype=np.float64)


_ADAM = {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.0,
         "amsgrad": False}
_SGD = {"lr": 1e-3, "momentum": 0.9, "dampening": 0.0, "weight_decay": 0.0}

RULES: dict[str, Rule] = {
    rule.name: rule
    for rule in (
        Rule("gd", 0, "gradient descent", "SGD", {"lr": 1e-3, "weight_decay": 0.0}, ()),
        Rule("momentum", 1, "momentum (heavy ball)", "SGD", dict(_SGD), ("momentum_buffer",)),
        Rule("nesterov", 2, "Nesterov momentum", "SGD", dict(_SGD), ("momentum_buffer",)),
        Rule(
            "adagrad", 3, "AdaGrad", "Adagrad",
            {"lr": 1e-2, "lr_decay": 0.0, "weight_decay": 0.0,
             "initial_accumulator_value": 0.0, "eps": 1e-10},
            ("sum",),
        ),
        Rule(
            "rmsprop", 4, "RMSProp", "RMSprop",
            {"lr": 1e-2, "alpha": 0.99, "eps": 1e-8, "weight_decay": 0.0,
             "momentum": 0.0, "centered": False},
            ("square_avg", "grad_avg", "momentum_buffer"),
        ),
        Rule(
            "adadelta", 5, "AdaDelta", "Adadelta",
            {"lr": 1.0, "rho": 0.9, "eps": 1e-6, "weight_decay": 0.0},
            ("square_avg", "acc_delta"),
        ),
        Rule("adam", 6, "Adam", "Adam", dict(_ADAM),
             ("exp_avg", "exp_avg_sq", "max_exp_avg_sq")),
        Rule("adamw", 7, "AdamW", "AdamW", {**_ADAM, "weight_decay": 1e-2},
             ("exp_avg", "exp_avg_sq", "max_exp_avg_sq")),
        Rule("newton", 8, "Newton's method", None, {"lr": 1.0, "damping": 0.0}, (),
             needs_hessian=True),
    )
}

# Lower bounds (inclusive) and upper bounds (exclusive unless noted) that torch.optim enforces.
_NON_NEGATIVE = ("lr", "eps", "weight_decay", "momentum", "dampening", "lr_decay",
                 "initial_accumulator_value", "alpha", "damping")
_UNIT_INTERVAL_OPEN = ("beta1", "beta2")  # [0, 1)
_UNIT_INTERVAL_CLOSED = ("rho",)  # [0, 1]


def get_rule(name: str) -> Rule:
    try:
        return RULES[name]
    except KeyError:
        raise UnknownOptimizer(
            f"unknown optimizer {name!r}; choose one of: {', '.join(RULES)}"
        ) from None


def parse_value(key: str, text: str, default: float | bool) -> float | bool:
    """A hyperparameter typed on the command line, read as the type of its default."""
    if isinstance(default, bool):
        lowered = text.strip().lower()
        if lowered in ("1", "true", "yes", "on"):
            return True
        if lowered in ("0", "false", "no", "off"):
            return False
        raise HyperError(f"{key} must be true or false, not {text!r}")
    try:
        return float(text)
    except ValueError:
        raise HyperError(f"{key} must be a number, not {text!r}") from None


def resolve_hyper(rule: Rule, given: dict[str, Any] | None = None) -> Hyper:
    """Defaults overlaid with `given`, checked the way torch.optim checks its constructor."""
    hyper: Hyper = dict(rule.defaults)
    for key, value in (given or {}).items():
        if key not in rule.defaults:
            raise HyperError(
                f"{rule.name} has no hyperparameter {key!r}; "
                f"choose from: {', '.join(rule.defaults)}"
            )
        default = rule.defaults[key]
        if isinstance(value, str):
            value = parse_value(key, value, default)
        elif isinstance(default, bool):
            if not isinstance(value, bool | np.bool_):
                raise HyperError(f"{key} must be true or false, not {value!r}")
            value = bool(value)
        else:
            if isinstance(value, bool) or not isinstance(value, int | float | np.number):
                raise HyperError(f"{key} must be a number, not {value!r}")
            value = float(value)
        hyper[key] = value
    _check_ranges(rule, hyper)
    return hyper


def _check_ranges(rule: Rule, hyper: Hyper) -> None:
    for key, value in hyper.items():
        if isinstance(value, bool):
            continue
        if not math.isfinite(value):
            raise HyperError(f"{key} must be a finite number, not {value}")
        if key in _NON_NEGATIVE and value < 0:
            raise HyperError(f"{key} must be >= 0, not {value}")
        if key in _UNIT_INTERVAL_OPEN and not 0 <= value < 1:
            raise HyperError(f"{key} must be in [0, 1), not {value}")
        if key in _UNIT_INTERVAL_CLOSED and not 0 <= value <= 1:
            raise HyperError(f"{key} must be in [0, 1], not {value}")
    if rule.name == "nesterov" and (hyper["momentum"] <= 0 or hyper["dampening"] != 0):
        raise HyperError("nesterov needs momentum > 0 and dampening = 0 (as torch.optim.SGD)")


def new_state(rule: Rule, hyper: Hyper, size: int, dtype: np.dtype) -> np.ndarray:
    """Zeroed buffers, one row per slot (at least one row, so the kernels' types never vary)."""
    state = np.zeros((max(len(rule.slots), 1), size), dtype=dtype)
    if rule.name == "adagrad":
        state[0] = hyper["initial_accumulator_value"]
    return state


class Optimizer:
    """One update rule with its hyperparameters and state, stepping arrays of any shape in place.

    Like a torch optimizer bound to one parameter: the first `step` fixes the shape and dtype,
    creates the buffers, and later steps must match them.
    """

    def __init__(self, rule: str, **hyper: Any) -> None:
        self.rule = get_rule(rule)
        self.hyper = resolve_hyper(self.rule, hyper)
        self._vector = self.rule.hyper_vector(self.hyper)
        self._state: np.ndarray | None = None
        self._shape: tuple[int, ...] | None = None
        self.t = 0

    @property
    def state(self) -> dict[str, np.ndarray]:
        """The buffers by torch's names, shaped like the parameter (views, not copies)."""
        if self._state is None:
            return {}
        return {name: self._state[i].reshape(self._shape) for i, name in enumerate(self.rule.slots)}

    def step(self, p: np.ndarray, g: np.ndarray, hessian: np.ndarray | None = None) -> None:
        """Update `p` in place from gradient `g` (and `hessian`, for Newton's method)."""
        _check_arrays(p, g)
        if self.rule.needs_hessian:
            if hessian is None:
                raise ValueError(f"{self.rule.name} needs the Hessian")
            h = np.ascontiguousarray(hessian, dtype=np.float64)
            if h.size != p.size * p.size:
                raise ValueError(f"the Hessian of {p.size} parameters has {p.size ** 2} entries")
            h = h.reshape(p.size, p.size)
        else:
            h = _NO_HESSIAN
        if self._state is None:
            self._shape = p.shape
            self._state = new_state(self.rule, self.hyper, p.size, p.dtype)
        elif p.shape != self._shape or p.dtype != self._state.dtype:
            raise ValueError(
                f"this optimizer holds state for shape {self._shape} and dtype "
                f"{self._state.dtype}, got {p.shape} {p.dtype}"
            )
        self.t += 1
        from tutor.engine.dispatch import apply

        apply(self.rule.rule_id, p.reshape(-1), g.reshape(-1), h, self._state, self._vector,
              self.t)


_NO_HESSIAN = np.zeros((1, 1))


def _check_arrays(p: np.ndarray, g: np.ndarray) -> None:
    if not isinstance(p, np.ndarray) or not isinstance(g, np.ndarray):
        raise TypeError("parameters and gradients must be numpy arrays")
    if p.dtype not in (np.float32, np.float64):
        raise TypeError(f"parameters must be float32 or float64, not {p.dtype}")
    if g.dtype != p.dtype or g.shape != p.shape:
        raise ValueError(
            f"gradient {g.shape} {g.dtype} does not match parameters {p.shape} {p.dtype}"
        )
    if not p.flags.c_contiguous or not p.flags.writeable:
        raise ValueError("parameters must be a writeable C-contiguous array (updated in place)")
