"""Known wrong versions of each update rule, in NumPy, run in the grader's parent.

When a check fails, `grader.checks` replays the exact inputs the submission received (the same
parameters, gradients, Hessians and data, call by call) through each wrong variant of that rule
and compares the submission's outputs with the variant's, at the check's tolerance. A variant that
reproduces every output of a failing check names the bug. Nothing here ever sees student code:
the submission's outputs are plain arrays returned by the sandbox.

Every variant is the correct rule with one thing changed, written out in NumPy (float64
arithmetic, the result cast to the parameters' dtype), so it is independent of the engine's
kernels that produce the expected values. The ids are stable (reports, tests and the corpus use
them); their plain-words explanations, in English and Korean, are in `messages.toml`
(`[diagnosis.<id>]`).

| id | rules | what the variant does |
|---|---|---|
| `no_bias_correction` | adam | m and v used without dividing by 1 − βᵗ |
| `eps_inside_sqrt` | adagrad, rmsprop, adam | √(v + ε) instead of √v + ε |
| `eps_outside_sqrt` | adadelta | (√u + ε)/(√s + ε) instead of √(u + ε)/√(s + ε) |
| `rmsprop_no_decay` | rmsprop | s ← s + g² (AdaGrad's sum, nothing forgotten) |
| `momentum_wrong_sign` | momentum, nesterov | the velocity pushes uphill: p ← p + lr·b |
| `nesterov_no_lookahead` | nesterov | p ← p − lr·b: heavy-ball momentum, no μ·b look-ahead term |
| `momentum_as_average` | momentum, nesterov | b ← μb + (1 − μ)g (torch's dampening = μ) |
| `lr_applied_twice` | all | the step scaled by lr² instead of lr |
| `state_not_carried` | stateful rules | every step computed as if it were the first |
| `counter_not_advanced` | adam | t stays 1: the first step's bias correction every time |
| `adam_bias_correction_off_by_one` | adam | the corrections use t + 1 (counter started at 1) |
| `counter_starts_at_zero` | adam | the corrections use t − 1: t = 0 first, 1 − β⁰ = 0, NaN |
| `bias_correction_product` | adam | 1 − β·t instead of 1 − βᵗ |
| `decay_weights_swapped` | rmsprop, adadelta, adam | β·new + (1 − β)·old, not β·old + (1 − β)·new |
| `sqrt_missing` | adagrad, rmsprop, adam | divides by v instead of √v |
| `stale_accumulator` | adagrad, rmsprop, adadelta | the denominator misses this step's g² |
| `step_sign_flipped` | gd, adaptive rules, newton, minibatch | p + step: gradient ascent |
| `hyperparameters_ignored` | all | the defaults used whatever the call passed |
| `damping_ignored` | newton | (H)⁻¹g instead of (H + λI)⁻¹g |
| `hessian_ignored` | newton | a gradient step p − lr·g |
| `hessian_not_inverted` | newton | p − lr·H·g: multiplies by H instead of solving |
| `no_shuffle` | minibatch_sgd | batches in the data's order, the generator unused |
| `permutation_per_batch` | minibatch_sgd | a new permutation drawn for every batch |
| `sum_not_mean` | minibatch_sgd | the batch gradient summed, not averaged |
| `missing_factor_two` | minibatch_sgd | the gradient of the squared error without its factor 2 |
| `full_batch` | minibatch_sgd | batch_size ignored: one step on all the data per epoch |
| `last_batch_dropped` | minibatch_sgd | the short last batch skipped |

Diagnoses that are observed rather than replayed (the checks set them): `grad_mutated`,
`hessian_mutated`, `data_mutated` (the call changed an input it must not), `dtype_changed` (a
float32 input came back float64, or the reverse), `shape_changed`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

# Replayed variants, in priority order (when two explain the same failure, the first is named).
VARIANT_IDS = (
    "no_bias_correction", "counter_not_advanced", "adam_bias_correction_off_by_one",
    "counter_starts_at_zero", "bias_correction_product", "eps_inside_sqrt", "eps_outside_sqrt",
    "rmsprop_no_decay", "nesterov_no_lookahead", "momentum_wrong_sign", "momentum_as_average",
    "state_not_carried", "lr_applied_twice", "decay_weights_swapped", "sqrt_missing",
    "stale_accumulator", "damping_ignored", "hessian_ignored", "hessian_not_inverted",
    "no_shuffle", "permutation_per_batch", "sum_not_mean", "missing_factor_two", "full_batch",
    "last_batch_dropped", "hyperparameters_ignored", "step_sign_flipped",
)
# Set by the checks from what they observe.
OBSERVED_IDS = ("grad_mutated", "hessian_mutated", "data_mutated", "dtype_changed",
                "shape_changed")
IDS = VARIANT_IDS + OBSERVED_IDS

# The contract's defaults (the stubs' keyword arguments), per exercise rule.
DEFAULTS: dict[str, dict[str, float]] = {
    "gd": {"lr": 1e-3},
    "momentum": {"lr": 1e-3, "momentum": 0.9},
    "nesterov": {"lr": 1e-3, "momentum": 0.9},
    "adagrad": {"lr": 1e-2, "eps": 1e-10},
    "rmsprop": {"lr": 1e-2, "alpha": 0.99, "eps": 1e-8},
    "adadelta": {"lr": 1.0, "rho": 0.9, "eps": 1e-6},
    "adam": {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
    "newton": {"lr": 1.0, "damping": 0.0},
    "minibatch_sgd": {"lr": 0.01, "batch_size": 1},
}

_STATEFUL = ("momentum", "nesterov", "adagrad", "rmsprop", "adadelta", "adam")

# Which variants each exercise rule can show (minibatch_sgd is the mini-batch exercise).
APPLICABLE: dict[str, tuple[str, ...]] = {
    "gd": ("lr_applied_twice", "hyperparameters_ignored", "step_sign_flipped"),
    "momentum": ("momentum_wrong_sign", "momentum_as_average", "state_not_carried",
                 "lr_applied_twice", "hyperparameters_ignored"),
    "nesterov": ("nesterov_no_lookahead", "momentum_wrong_sign",
                 "momentum_as_average", "state_not_carried", "lr_applied_twice",
                 "hyperparameters_ignored"),
    "adagrad": ("eps_inside_sqrt", "state_not_carried", "lr_applied_twice", "sqrt_missing",
                "stale_accumulator", "hyperparameters_ignored", "step_sign_flipped"),
    "rmsprop": ("rmsprop_no_decay", "eps_inside_sqrt", "decay_weights_swapped",
                "state_not_carried", "lr_applied_twice", "sqrt_missing", "stale_accumulator",
                "hyperparameters_ignored", "step_sign_flipped"),
    "adadelta": ("eps_outside_sqrt", "decay_weights_swapped", "state_not_carried",
                 "lr_applied_twice", "stale_accumulator", "hyperparameters_ignored",
                 "step_sign_flipped"),
    "adam": ("no_bias_correction", "counter_not_advanced", "adam_bias_correction_off_by_one",
             "counter_starts_at_zero", "bias_correction_product", "eps_inside_sqrt",
             "state_not_carried", "lr_applied_twice", "decay_weights_swapped", "sqrt_missing",
             "hyperparameters_ignored", "step_sign_flipped"),
    "newton": ("damping_ignored", "hessian_ignored", "hessian_not_inverted", "lr_applied_twice",
               "hyperparameters_ignored", "step_sign_flipped"),
    "minibatch_sgd": ("no_shuffle", "permutation_per_batch", "sum_not_mean",
                      "missing_factor_two", "full_batch", "last_batch_dropped",
                      "lr_applied_twice", "hyperparameters_ignored", "step_sign_flipped"),
}


def applicable(rule: str) -> tuple[str, ...]:
    """The variant ids of `rule`, in priority order."""
    mine = set(APPLICABLE[rule])
    return tuple(v for v in VARIANT_IDS if v in mine)


def describe(diagnosis: str, lang: str = "en") -> str:
    """The diagnosis in plain words (messages.toml), in `lang`."""
    from grader.messages import text

    return text(f"diagnosis.{diagnosis}", lang)


# --- the rules, in NumPy, with switches for the wrong versions ----------------------------------

@dataclass
class _Flags:
    carry: bool = True  # keep state between steps
    eps_inside: bool = False  # √(v + ε)
    eps_outside: bool = False  # adadelta: (√u + ε)/(√s + ε)
    no_decay: bool = False  # rmsprop as adagrad
    swap: bool = False  # β·new + (1 − β)·old
    sqrt: bool = True  # divide by √v (False: by v)
    stale: bool = False  # the denominator before this step's update
    bias: bool = True  # adam's bias correction
    counter: str = "ok"  # adam: "ok", "stuck", "plus1", "minus1", "product"
    damping: bool = True  # newton: add λI
    hessian: str = "solve"  # newton: "solve", "ignore", "multiply"
    average: bool = False  # momentum: b ← μb + (1 − μ)g
    lookahead: bool = True  # nesterov's μ·b term
    sign: float = 1.0  # −1: the step's direction reversed


class _Rule:
    """One run of one rule (optimizer exercises): `step(p, g, h)` returns the next parameters."""

    def __init__(self, rule: str, hyper: dict[str, float], flags: _Flags) -> None:
        self.rule = rule
        self.h = hyper
        self.f = flags
        self.state: dict[str, Any] = {}

    def step(self, p: np.ndarray, g: np.ndarray, hess: np.ndarray | None) -> np.ndarray:
        if not self.f.carry:
            self.state = {}
        with np.errstate(all="ignore"):
            x = p.astype(np.float64)
            grad = g.astype(np.float64)
            new = getattr(self, "_" + self.rule)(x, grad, hess)
            return np.asarray(new, dtype=np.float64).astype(p.dtype)

    # each returns the new parameters in float64
    def _gd(self, x, g, _h):
        return x - self.f.sign * self.h["lr"] * g

    def _buffer(self, g):
        mu, s = self.h["momentum"], self.state
        old = s.get("b")
        if old is None:
            new = (1 - mu) * g if self.f.average else g.copy()
            old = np.zeros_like(g)
        else:
            new = mu * old + ((1 - mu) * g if self.f.average else g)
        s["b"] = new
        return old, new

    def _momentum(self, x, g, _h):
        _, b = self._buffer(g)
        return x - self.f.sign * self.h["lr"] * b

    def _nesterov(self, x, g, _h):
        _, b = self._buffer(g)
        if not self.f.lookahead:  # heavy ball; the same as a look-ahead with the old buffer
            return x - self.f.sign * self.h["lr"] * b
        return x - self.f.sign * self.h["lr"] * (g + self.h["momentum"] * b)

    def _denominator(self, v, eps):
        if self.f.eps_inside:
            return np.sqrt(v + eps)
        return (np.sqrt(v) if self.f.sqrt else v) + eps

    def _adagrad(self, x, g, _h):
        s = self.state.get("s", np.zeros_like(g))
        new = s + g * g
        self.state["s"] = new
        used = s if self.f.stale else new
        return x - self.f.sign * self.h["lr"] * g / self._denominator(used, self.h["eps"])

    def _rmsprop(self, x, g, _h):
        a = self.h["alpha"]
        s = self.state.get("s", np.zeros_like(g))
        if self.f.no_decay:
            new = s + g * g
        elif self.f.swap:
            new = (1 - a) * s + a * g * g
        else:
            new = a * s + (1 - a) * g * g
        self.state["s"] = new
        used = s if self.f.stale else new
        return x - self.f.sign * self.h["lr"] * g / self._denominator(used, self.h["eps"])

    def _adadelta(self, x, g, _h):
        rho, eps = self.h["rho"], self.h["eps"]
        s = self.state.get("s", np.zeros_like(g))
        u = self.state.get("u", np.zeros_like(g))
        new_s = (1 - rho) * s + rho * g * g if self.f.swap else rho * s + (1 - rho) * g * g
        used = s if self.f.stale else new_s
        if self.f.eps_outside:
            delta = (np.sqrt(u) + eps) / (np.sqrt(used) + eps) * g
        else:
            delta = np.sqrt(u + eps) / np.sqrt(used + eps) * g
        new_u = (1 - rho) * u + rho * delta * delta if self.f.swap else \
            rho * u + (1 - rho) * delta * delta
        self.state.update(s=new_s, u=new_u)
        return x - self.f.sign * self.h["lr"] * delta

    def _adam(self, x, g, _h):
        b1, b2, eps = self.h["beta1"], self.h["beta2"], self.h["eps"]
        st = self.state
        t = st.get("t", 0) + 1
        m = st.get("m", np.zeros_like(g))
        v = st.get("v", np.zeros_like(g))
        if self.f.swap:
            m, v = (1 - b1) * m + b1 * g, (1 - b2) * v + b2 * g * g
        else:
            m, v = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g * g
        st.update(t=t, m=m, v=v)
        if not self.f.bias:
            m_hat, v_hat = m, v
        else:
            used = {"ok": t, "stuck": 1, "plus1": t + 1, "minus1": t - 1,
                    "product": t}[self.f.counter]
            if self.f.counter == "product":
                c1, c2 = 1 - b1 * used, 1 - b2 * used
            else:
                c1, c2 = 1 - b1 ** used, 1 - b2 ** used
            m_hat, v_hat = m / c1, v / c2
        return x - self.f.sign * self.h["lr"] * m_hat / self._denominator(v_hat, eps)

    def _newton(self, x, g, h):
        n = x.size
        lr, lam = self.h["lr"], self.h["damping"]
        gv = g.reshape(-1)
        if self.f.hessian == "ignore":
            d = gv
        else:
            m = np.asarray(h, dtype=np.float64).reshape(n, n)
            if self.f.damping:
                m = m + lam * np.eye(n)
            if self.f.hessian == "multiply":
                d = m @ gv
            else:
                try:
                    d = np.linalg.solve(m, gv)
                except np.linalg.LinAlgError:
                    d = np.full(n, np.nan)
        return x - self.f.sign * lr * d.reshape(x.shape)


class _Epoch:
    """One run of the mini-batch exercise: `step(p, x, y)` is one epoch; the generator mirrors
    the child's (`np.random.default_rng(seed)`, the same draws)."""

    def __init__(self, hyper: dict[str, float], seed: int, variant: str | None) -> None:
        self.h = hyper
        self.rng = np.random.default_rng(seed)
        self.v = variant

    def step(self, p: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        lr, bs, n, v = self.h["lr"], int(self.h["batch_size"]), len(x), self.v
        if v == "lr_applied_twice":
            lr = lr * lr
        if v == "step_sign_flipped":
            lr = -lr
        q = p.astype(np.float64)
        with np.errstate(all="ignore"):
            if v == "full_batch":
                batches = [np.arange(n)]
            elif v == "no_shuffle":
                batches = [np.arange(n)[i:i + bs] for i in range(0, n, bs)]
            elif v == "permutation_per_batch":
                batches = [self.rng.permutation(n)[i:i + bs] for i in range(0, n, bs)]
            else:
                order = self.rng.permutation(n)
                stop = n - n % bs if v == "last_batch_dropped" else n
                batches = [order[i:i + bs] for i in range(0, stop, bs)]
            for idx in batches:
                r = q[0] * x[idx] + q[1] - y[idx]
                grad = np.array([np.sum(r * x[idx]), np.sum(r)])
                if v != "sum_not_mean":
                    grad = grad / len(idx)
                if v != "missing_factor_two":
                    grad = 2 * grad
                q = (q - lr * grad.astype(p.dtype).astype(np.float64)).astype(p.dtype)
                q = q.astype(np.float64)
        return q.astype(p.dtype)


_FLAGS: dict[str, Callable[[], _Flags]] = {
    "no_bias_correction": lambda: _Flags(bias=False),
    "counter_not_advanced": lambda: _Flags(counter="stuck"),
    "adam_bias_correction_off_by_one": lambda: _Flags(counter="plus1"),
    "counter_starts_at_zero": lambda: _Flags(counter="minus1"),
    "bias_correction_product": lambda: _Flags(counter="product"),
    "eps_inside_sqrt": lambda: _Flags(eps_inside=True),
    "eps_outside_sqrt": lambda: _Flags(eps_outside=True),
    "rmsprop_no_decay": lambda: _Flags(no_decay=True),
    "nesterov_no_lookahead": lambda: _Flags(lookahead=False),
    "momentum_wrong_sign": lambda: _Flags(sign=-1.0),
    "step_sign_flipped": lambda: _Flags(sign=-1.0),
    "momentum_as_average": lambda: _Flags(average=True),
    "state_not_carried": lambda: _Flags(carry=False),
    "decay_weights_swapped": lambda: _Flags(swap=True),
    "sqrt_missing": lambda: _Flags(sqrt=False),
    "stale_accumulator": lambda: _Flags(stale=True),
    "damping_ignored": lambda: _Flags(damping=False),
    "hessian_ignored": lambda: _Flags(hessian="ignore"),
    "hessian_not_inverted": lambda: _Flags(hessian="multiply"),
}


def reference(rule: str, hyper: dict[str, float], seed: int = 0) -> _Rule | _Epoch:
    """The correct rule in NumPy (the tests hold it against the engine)."""
    if rule == "minibatch_sgd":
        return _Epoch(_full(rule, hyper), seed, None)
    return _Rule(rule, _full(rule, hyper), _Flags())


def variant(rule: str, diagnosis: str, hyper: dict[str, float],
            seed: int = 0) -> _Rule | _Epoch:
    """A fresh run of `rule` with the bug `diagnosis` (one of `applicable(rule)`)."""
    if diagnosis not in APPLICABLE[rule]:
        raise ValueError(f"{diagnosis!r} is not a variant of {rule}")
    full = _full(rule, hyper)
    if diagnosis == "hyperparameters_ignored":
        full = dict(DEFAULTS[rule])
    if rule == "minibatch_sgd":
        return _Epoch(full, seed, None if diagnosis == "hyperparameters_ignored" else diagnosis)
    if diagnosis == "lr_applied_twice":
        full = {**full, "lr": full["lr"] * full["lr"]}
        return _Rule(rule, full, _Flags())
    flags = _FLAGS[diagnosis]() if diagnosis != "hyperparameters_ignored" else _Flags()
    return _Rule(rule, full, flags)


def _full(rule: str, hyper: dict[str, float]) -> dict[str, float]:
    return {**DEFAULTS[rule], **hyper}


def replay(runner: _Rule | _Epoch, inputs: Sequence[tuple[np.ndarray, ...]]) -> list[np.ndarray]:
    """The variant's output for each call's inputs, in order (each call continues the run)."""
    out = []
    for args in inputs:
        if isinstance(runner, _Epoch):
            out.append(runner.step(*args))
        else:
            p, g, *rest = args
            out.append(runner.step(p, g, rest[0] if rest else None))
    return out


__all__ = ["APPLICABLE", "DEFAULTS", "IDS", "OBSERVED_IDS", "VARIANT_IDS", "applicable",
           "describe", "reference", "replay", "variant"]
