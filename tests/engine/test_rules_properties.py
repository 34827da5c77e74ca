"""Properties of the update rules, checked on random shapes, dtypes and hyperparameters.

The kernels in `tutor.engine.rules` are the one implementation every lesson, plot and grader
trusts, so these tests pin them down three ways: identities between rules (momentum with mu=0 is
gradient descent, Adam with no decay is AdamW with no decay), facts a learner is taught (Adam's
first step has size lr, AdaGrad's accumulator only grows, Newton solves a quadratic in one step),
and, strongest, agreement with small NumPy re-implementations of torch.optim's documented
algorithms over several steps.

Arrays come from a NumPy generator seeded by hypothesis: the search stays fast on arrays of up to
50 entries and the conftest profile keeps it deterministic.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tutor.engine.optim import RULES, Optimizer

Array = np.ndarray
RefState = dict[str, Array]
Hyper = dict[str, Any]

ALL_RULES = tuple(RULES)
FLOATS = (np.float32, np.float64)
STEPS = 5

seeds = st.integers(0, 2**32 - 1)
dtypes = st.sampled_from(FLOATS)


@st.composite
def shapes(draw: st.DrawFn, max_size: int = 50) -> tuple[int, ...]:
    """1-d to 3-d shapes with at most `max_size` entries (0-d parameters are not tested)."""
    shape: list[int] = []
    budget = max_size
    for _ in range(draw(st.integers(1, 3))):
        side = draw(st.integers(1, budget))
        shape.append(side)
        budget //= side
    return tuple(shape)


def _zero_or(lo: float, hi: float) -> st.SearchStrategy[float]:
    """Exactly 0 (the kernels branch on it, as torch does) or a value in [lo, hi]."""
    return st.one_of(st.just(0.0), st.floats(lo, hi))


_LR = st.floats(1e-4, 1.0)
_WD = _zero_or(1e-4, 0.1)
_ADAM = {
    "lr": _LR,
    "beta1": st.floats(0.0, 0.99),
    "beta2": st.floats(0.0, 0.9999),
    "eps": st.floats(1e-10, 1e-3),
    "weight_decay": _WD,
    "amsgrad": st.booleans(),
}

# Hyperparameters inside torch's valid ranges, kept away from the corners where a problem is
# ill-conditioned (e.g. centered RMSProp with alpha near 0 subtracts two nearly equal numbers), so
# that a 1e-12 relative disagreement can only mean a different algorithm, not rounding.
HYPERS: dict[str, st.SearchStrategy[Hyper]] = {
    "gd": st.fixed_dictionaries({"lr": _LR, "weight_decay": _WD}),
    "momentum": st.fixed_dictionaries(
        {"lr": _LR, "momentum": _zero_or(0.01, 0.99), "dampening": st.floats(0.0, 1.0),
         "weight_decay": _WD}
    ),
    "nesterov": st.fixed_dictionaries(
        {"lr": _LR, "momentum": st.floats(0.01, 0.99), "weight_decay": _WD}
    ),
    "adagrad": st.fixed_dictionaries(
        {"lr": _LR, "lr_decay": _zero_or(1e-3, 1.0), "weight_decay": _WD,
         "initial_accumulator_value": _zero_or(1e-3, 1.0), "eps": st.floats(1e-10, 1e-3)}
    ),
    "rmsprop": st.fixed_dictionaries(
        {"lr": _LR, "alpha": st.floats(0.5, 0.999), "eps": st.floats(1e-8, 1e-2),
         "weight_decay": _WD, "momentum": _zero_or(0.01, 0.99), "centered": st.booleans()}
    ),
    "adadelta": st.fixed_dictionaries(
        {"lr": st.floats(1e-2, 2.0), "rho": st.floats(0.0, 1.0), "eps": st.floats(1e-8, 1e-2),
         "weight_decay": _WD}
    ),
    "adam": st.fixed_dictionaries(_ADAM),
    "adamw": st.fixed_dictionaries(_ADAM),
    "newton": st.fixed_dictionaries({"lr": st.floats(0.1, 1.0), "damping": _zero_or(1e-3, 1.0)}),
}


def _spd(rng: np.random.Generator, n: int) -> Array:
    """A well-conditioned symmetric positive definite matrix (eigenvalues in about [1, 5])."""
    m = rng.standard_normal((n, n))
    return m @ m.T / n + np.eye(n)


def _problem(
    rule: str, shape: tuple[int, ...], seed: int, dtype: type, steps: int = STEPS,
    scale: float = 1.0,
) -> tuple[Array, list[Array], list[Array | None]]:
    """A start point, one gradient per step and (for Newton only) one Hessian per step."""
    rng = np.random.default_rng(seed)
    p = rng.standard_normal(shape).astype(dtype)
    grads = [(scale * rng.standard_normal(shape)).astype(dtype) for _ in range(steps)]
    n = p.size
    hessians: list[Array | None] = [
        _spd(rng, n) if RULES[rule].needs_hessian else None for _ in range(steps)
    ]
    return p, grads, hessians


def _run(rule: str, hyper: Hyper, p: Array, grads: list[Array],
         hessians: list[Array | None]) -> Optimizer:
    """Step `p` in place through all the gradients; return the optimizer for its state."""
    opt = Optimizer(rule, **hyper)
    for g, h in zip(grads, hessians, strict=True):
        opt.step(p, g, h)
    return opt


def _without_decay(hyper: Hyper) -> Hyper:
    return {**hyper, "weight_decay": 0.0} if "weight_decay" in hyper else dict(hyper)


def _ulps(dtype: type, n: int = 16) -> float:
    """A relative tolerance of `n` units in the last place of `dtype`."""
    return n * float(np.finfo(dtype).eps)


# ---------------------------------------------------------------------------------------------
# NumPy references, written from the algorithm boxes in the torch.optim documentation (torch 2.x).
# Each takes the parameter, the gradient, its own state (buffers created lazily, as torch does),
# the full hyperparameter dict, the 1-based step number and the Hessian (Newton only); it returns
# the new parameter and updates the state dict in place.
# ---------------------------------------------------------------------------------------------

RefStep = Callable[[Array, Array, RefState, Hyper, int, Array | None], Array]


def _sgd(p: Array, g: Array, s: RefState, hp: Hyper, nesterov: bool) -> Array:
    """torch.optim.SGD: g += wd*p; if mu != 0: b = g on step 1, else mu*b + (1-tau)*g;
    the step is g + mu*b with nesterov, else b; p -= lr*step."""
    mu, tau = hp.get("momentum", 0.0), hp.get("dampening", 0.0)
    if hp["weight_decay"] != 0:
        g = g + hp["weight_decay"] * p
    if mu != 0:
        b = mu * s["momentum_buffer"] + (1 - tau) * g if "momentum_buffer" in s else g.copy()
        s["momentum_buffer"] = b
        g = g + mu * b if nesterov else b
    return p - hp["lr"] * g


def ref_gd(p: Array, g: Array, s: RefState, hp: Hyper, t: int, h: Array | None) -> Array:
    return _sgd(p, g, s, hp, nesterov=False)


def ref_momentum(p: Array, g: Array, s: RefState, hp: Hyper, t: int, h: Array | None) -> Array:
    return _sgd(p, g, s, hp, nesterov=False)


def ref_nesterov(p: Array, g: Array, s: RefState, hp: Hyper, t: int, h: Array | None) -> Array:
    return _sgd(p, g, s, hp, nesterov=True)


def ref_adagrad(p: Array, g: Array, s: RefState, hp: Hyper, t: int, h: Array | None) -> Array:
    """torch.optim.Adagrad: sum starts at initial_accumulator_value; clr = lr/(1+(t-1)*decay);
    sum += g^2; p -= clr * g / (sqrt(sum) + eps)."""
    if "sum" not in s:
        s["sum"] = np.full_like(p, hp["initial_accumulator_value"])
    if hp["weight_decay"] != 0:
        g = g + hp["weight_decay"] * p
    clr = hp["lr"] / (1 + (t - 1) * hp["lr_decay"])
    s["sum"] = s["sum"] + g * g
    return p - clr * g / (np.sqrt(s["sum"]) + hp["eps"])


def ref_rmsprop(p: Array, g: Array, s: RefState, hp: Hyper, t: int, h: Array | None) -> Array:
    """torch.optim.RMSprop: v = alpha*v + (1-alpha)*g^2; centered: gbar = alpha*gbar +
    (1-alpha)*g and v~ = v - gbar^2; with momentum b = mu*b + g/(sqrt(v~)+eps), p -= lr*b;
    without, p -= lr * g/(sqrt(v~)+eps)."""
    alpha, mu = hp["alpha"], hp["momentum"]
    if hp["weight_decay"] != 0:
        g = g + hp["weight_decay"] * p
    s["square_avg"] = alpha * s.get("square_avg", np.zeros_like(p)) + (1 - alpha) * g * g
    v = s["square_avg"]
    if hp["centered"]:
        s["grad_avg"] = alpha * s.get("grad_avg", np.zeros_like(p)) + (1 - alpha) * g
        v = v - s["grad_avg"] ** 2
    avg = np.sqrt(v) + hp["eps"]
    if mu > 0:
        s["momentum_buffer"] = mu * s.get("momentum_buffer", np.zeros_like(p)) + g / avg
        return p - hp["lr"] * s["momentum_buffer"]
    return p - hp["lr"] * g / avg


def ref_adadelta(p: Array, g: Array, s: RefState, hp: Hyper, t: int, h: Array | None) -> Array:
    """torch.optim.Adadelta: v = rho*v + (1-rho)*g^2; dx = sqrt(u+eps)/sqrt(v+eps)*g;
    u = rho*u + (1-rho)*dx^2; p -= lr*dx."""
    rho, eps = hp["rho"], hp["eps"]
    if hp["weight_decay"] != 0:
        g = g + hp["weight_decay"] * p
    s["square_avg"] = rho * s.get("square_avg", np.zeros_like(p)) + (1 - rho) * g * g
    u = s.get("acc_delta", np.zeros_like(p))
    dx = np.sqrt(u + eps) / np.sqrt(s["square_avg"] + eps) * g
    s["acc_delta"] = rho * u + (1 - rho) * dx * dx
    return p - hp["lr"] * dx


def _adam(p: Array, g: Array, s: RefState, hp: Hyper, t: int, decoupled: bool) -> Array:
    """torch.optim.Adam / AdamW: decay (p *= 1 - lr*wd for AdamW, g += wd*p for Adam);
    m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g^2; amsgrad keeps vmax = max(vmax, v) and uses it for
    v (the maximum of the *uncorrected* v, as torch's code and current docs do);
    p -= lr * (m/(1-b1^t)) / (sqrt(v/(1-b2^t)) + eps)."""
    lr, b1, b2, wd = hp["lr"], hp["beta1"], hp["beta2"], hp["weight_decay"]
    if wd != 0:
        if decoupled:
            p = p * (1 - lr * wd)
        else:
            g = g + wd * p
    s["exp_avg"] = b1 * s.get("exp_avg", np.zeros_like(p)) + (1 - b1) * g
    s["exp_avg_sq"] = b2 * s.get("exp_avg_sq", np.zeros_like(p)) + (1 - b2) * g * g
    v = s["exp_avg_sq"]
    if hp["amsgrad"]:
        s["max_exp_avg_sq"] = np.maximum(s.get("max_exp_avg_sq", np.zeros_like(p)), v)
        v = s["max_exp_avg_sq"]
    m_hat = s["exp_avg"] / (1 - b1**t)
    v_hat = v / (1 - b2**t)
    return p - lr * m_hat / (np.sqrt(v_hat) + hp["eps"])


def ref_adam(p: Array, g: Array, s: RefState, hp: Hyper, t: int, h: Array | None) -> Array:
    return _adam(p, g, s, hp, t, decoupled=False)


def ref_adamw(p: Array, g: Array, s: RefState, hp: Hyper, t: int, h: Array | None) -> Array:
    return _adam(p, g, s, hp, t, decoupled=True)


def ref_newton(p: Array, g: Array, s: RefState, hp: Hyper, t: int, h: Array | None) -> Array:
    """Damped Newton (not in torch): solve (H + damping*I) d = g; p -= lr*d."""
    assert h is not None
    d = np.linalg.solve(h + hp["damping"] * np.eye(p.size), g.reshape(-1))
    return p - hp["lr"] * d.reshape(p.shape)


REFERENCES: dict[str, RefStep] = {
    "gd": ref_gd,
    "momentum": ref_momentum,
    "nesterov": ref_nesterov,
    "adagrad": ref_adagrad,
    "rmsprop": ref_rmsprop,
    "adadelta": ref_adadelta,
    "adam": ref_adam,
    "adamw": ref_adamw,
    "newton": ref_newton,
}


def test_every_rule_has_a_reference_and_a_strategy() -> None:
    """A rule added to RULES without a reference would silently escape the strongest check."""
    assert set(REFERENCES) == set(RULES) == set(HYPERS)


def _assert_close_scaled(actual: Array, expected: Array, rtol: float) -> None:
    """Elementwise rtol, with an absolute floor of rtol times the array's largest entry (an
    entry that cancels to near zero carries the rounding error of its larger ingredients)."""
    scale = max(1.0, float(np.max(np.abs(expected))))
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=rtol * scale)


@pytest.mark.parametrize("rule", ALL_RULES)
@given(shape=shapes(), seed=seeds, scale=st.sampled_from([1e-2, 1.0, 1e2]), data=st.data())
def test_matches_numpy_reference(
    rule: str, shape: tuple[int, ...], seed: int, scale: float, data: st.DataObject
) -> None:
    """Five float64 steps agree with an independent NumPy transcription of torch.optim's
    documented algorithm to 1e-12, parameters and every buffer.

    This is what lets a learner move hyperparameters between the tutor and torch and trust the
    numbers, and what makes the grader's reference trajectories worth grading against. Buffers
    torch would never create (grad_avg when not centered, max_exp_avg_sq without amsgrad) must
    stay zero.
    """
    hyper = data.draw(HYPERS[rule], label="hyper")
    p, grads, hessians = _problem(rule, shape, seed, np.float64, scale=scale)
    opt = Optimizer(rule, **hyper)
    full = opt.hyper
    expected, ref_state = p.copy(), {}
    for t, (g, h) in enumerate(zip(grads, hessians, strict=True), start=1):
        opt.step(p, g, h)
        expected = REFERENCES[rule](expected, g, ref_state, full, t, h)
        _assert_close_scaled(p, expected, rtol=1e-12)
    for slot, buffer in opt.state.items():
        if slot in ref_state:
            _assert_close_scaled(buffer, ref_state[slot], rtol=1e-12)
        else:
            assert not buffer.any(), f"{slot} is unused by torch here but became nonzero"


# ---------------------------------------------------------------------------------------------
# Identities between rules
# ---------------------------------------------------------------------------------------------


@given(shape=shapes(), seed=seeds, dtype=dtypes, lr=_LR, wd=_WD,
       dampening=_zero_or(1e-3, 1.0))
def test_momentum_zero_is_gradient_descent(
    shape: tuple[int, ...], seed: int, dtype: type, lr: float, wd: float, dampening: float
) -> None:
    """Heavy ball with mu=0 is plain gradient descent, bit for bit, whatever the dampening
    (as in torch.optim.SGD, which has no buffer at momentum 0 for dampening to scale).

    The lesson on momentum starts from this limit; any drift here would show up as two curves
    that should coincide. Nesterov cannot be checked this way: it requires momentum > 0.
    """
    p, grads, hessians = _problem("gd", shape, seed, dtype)
    q = p.copy()
    hyper = {"lr": lr, "momentum": 0.0, "dampening": dampening, "weight_decay": wd}
    _run("momentum", hyper, p, grads, hessians)
    _run("gd", {"lr": lr, "weight_decay": wd}, q, grads, hessians)
    np.testing.assert_array_equal(p, q)


def test_momentum_zero_ignores_dampening_like_torch() -> None:
    """torch.optim.SGD(momentum=0, dampening=0.5) is plain SGD: dampening only scales a buffer
    that does not exist when momentum is 0. A regression test: the kernel once applied
    (1 - dampening) anyway, so a learner comparing with torch saw half-size steps from step 2 on.
    """
    p, q = np.ones(3), np.ones(3)
    g = np.full(3, 0.5)
    momentum = Optimizer("momentum", lr=0.1, momentum=0.0, dampening=0.5)
    gd = Optimizer("gd", lr=0.1)
    for _ in range(2):
        momentum.step(p, g)
        gd.step(q, g)
    np.testing.assert_array_equal(p, q)  # torch: 0.9 everywhere (the old kernel gave 0.925)
    assert not momentum.state["momentum_buffer"].any()


@given(shape=shapes(), seed=seeds, dtype=dtypes, hyper=st.fixed_dictionaries(_ADAM))
def test_adam_without_decay_is_adamw_without_decay(
    shape: tuple[int, ...], seed: int, dtype: type, hyper: Hyper
) -> None:
    """Adam and AdamW differ only in how weight decay enters; with none they are one rule.

    The AdamW lesson isolates the decoupling by showing this first; it must hold bit for bit.
    """
    hyper = _without_decay(hyper)
    p, grads, hessians = _problem("adam", shape, seed, dtype)
    q = p.copy()
    adam = _run("adam", hyper, p, grads, hessians)
    adamw = _run("adamw", hyper, q, grads, hessians)
    np.testing.assert_array_equal(p, q)
    for slot in adam.state:
        np.testing.assert_array_equal(adam.state[slot], adamw.state[slot])


@given(shape=shapes(), seed=seeds, dtype=dtypes, lr=_LR, wd=st.floats(1e-4, 0.1))
def test_gd_weight_decay_is_gradient_of_l2_penalty(
    shape: tuple[int, ...], seed: int, dtype: type, lr: float, wd: float
) -> None:
    """gd with weight decay wd is gd on the gradient of f + wd/2 |p|^2, i.e. on g + wd*p.

    This is the identity the regularization lesson is built on; the check is bitwise and in the
    array's own dtype, so it also shows float32 arithmetic is not silently promoted.
    """
    p, grads, hessians = _problem("gd", shape, seed, dtype)
    q = p.copy()
    _run("gd", {"lr": lr, "weight_decay": wd}, p, grads, hessians)
    plain = Optimizer("gd", lr=lr)
    for g in grads:
        plain.step(q, g + dtype(wd) * q)
    np.testing.assert_array_equal(p, q)


@given(shape=shapes(), seed=seeds, dtype=dtypes, hyper=st.fixed_dictionaries(_ADAM),
       wd=st.floats(1e-4, 0.1))
def test_adamw_is_shrink_then_adam(
    shape: tuple[int, ...], seed: int, dtype: type, hyper: Hyper, wd: float
) -> None:
    """AdamW's decoupled decay multiplies p by (1 - lr*wd) and then takes an undecayed Adam step.

    Bitwise against that composition, and against the closed-form first step
    p*(1 - lr*wd) - lr * g / (|g| + eps) (m and v bias-corrected back to g and g^2) in float64.
    The point of AdamW is that the decay does not pass through Adam's per-coordinate scaling.
    """
    hyper = {**hyper, "weight_decay": wd}
    p, grads, hessians = _problem("adamw", shape, seed, dtype)
    p0, q = p.copy(), p.copy()
    _run("adamw", hyper, p, grads, hessians)
    adam = Optimizer("adam", **_without_decay(hyper))
    shrink = dtype(1.0 - hyper["lr"] * wd)
    for g in grads:
        q *= shrink
        adam.step(q, g)
    np.testing.assert_array_equal(p, q)

    x0 = p0.astype(np.float64)
    x = x0.copy()
    g = grads[0].astype(np.float64)
    Optimizer("adamw", **hyper).step(x, g)
    lr, b1, b2, eps = hyper["lr"], hyper["beta1"], hyper["beta2"], hyper["eps"]
    m_hat = (1 - b1) * g / (1 - b1)
    v_hat = (1 - b2) * g * g / (1 - b2)
    expected = x0 * (1 - lr * wd) - lr * m_hat / (np.sqrt(v_hat) + eps)
    _assert_close_scaled(x, expected, rtol=1e-12)


# ---------------------------------------------------------------------------------------------
# Facts a learner is taught about single rules
# ---------------------------------------------------------------------------------------------


@given(shape=shapes(), seed=seeds, dtype=dtypes, hyper=HYPERS["adagrad"])
def test_adagrad_accumulator_starts_at_initial_value_and_never_decreases(
    shape: tuple[int, ...], seed: int, dtype: type, hyper: Hyper
) -> None:
    """AdaGrad's `sum` is initial_accumulator_value plus a running sum of squares.

    That it never decreases is why AdaGrad's step sizes only shrink (the lesson's explanation of
    why it stalls on long runs); the first value pins down where the sum starts.
    """
    p, grads, _ = _problem("adagrad", shape, seed, dtype, steps=10)
    opt = Optimizer("adagrad", **hyper)
    p0 = p.copy()
    opt.step(p, grads[0])
    d = grads[0] + dtype(hyper["weight_decay"]) * p0 if hyper["weight_decay"] else grads[0]
    first = dtype(hyper["initial_accumulator_value"]) + d * d
    np.testing.assert_array_equal(opt.state["sum"], first)
    previous = opt.state["sum"].copy()
    for g in grads[1:]:
        opt.step(p, g)
        assert np.all(opt.state["sum"] >= previous)
        previous = opt.state["sum"].copy()


@given(shape=shapes(), seed=seeds, dtype=dtypes, hyper=st.fixed_dictionaries(
    {**_ADAM, "eps": st.floats(1e-12, 1e-8)}), rule=st.sampled_from(["adam", "adamw"]))
def test_adam_first_step_is_lr_times_sign(
    shape: tuple[int, ...], seed: int, dtype: type, hyper: Hyper, rule: str
) -> None:
    """Adam's first step is -lr*g/(|g| + eps): size lr in every coordinate where |g| >> eps,
    whatever beta1 and beta2, against the sign of g.

    Bias correction exists to make this true; a learner is told "Adam's first step is lr in
    every coordinate", and the grader's first-step checks rely on it. Starting at p = 0 makes
    the step exact to read off (weight decay of zero parameters is zero, for both rules).
    """
    rng = np.random.default_rng(seed)
    g = rng.standard_normal(shape).astype(dtype)
    p = np.zeros(shape, dtype)
    Optimizer(rule, **hyper).step(p, g)
    step = -p.astype(np.float64)
    lr = hyper["lr"]
    assert np.all(np.sign(step) == np.sign(g))
    big = np.abs(g) > 1e7 * hyper["eps"]
    rtol = 1e-6 if dtype is np.float64 else 1e-5
    np.testing.assert_allclose(np.abs(step[big]), lr, rtol=rtol)
    assert np.all(np.abs(step) <= lr * (1 + rtol))


@given(shape=shapes(), seed=seeds, dtype=dtypes, hyper=st.fixed_dictionaries(_ADAM),
       rule=st.sampled_from(["adam", "adamw"]))
def test_adam_moments_after_first_step(
    shape: tuple[int, ...], seed: int, dtype: type, hyper: Hyper, rule: str
) -> None:
    """After step 1, exp_avg = (1-beta1) g and exp_avg_sq = (1-beta2) g^2 (biased estimates).

    These are the numbers a learner is asked to compute by hand before bias correction is
    introduced, so the stored buffers must show exactly them.
    """
    hyper = _without_decay(hyper)
    rng = np.random.default_rng(seed)
    p = rng.standard_normal(shape).astype(dtype)
    g = rng.standard_normal(shape).astype(dtype)
    opt = Optimizer(rule, **hyper)
    opt.step(p, g)
    g64 = g.astype(np.float64)
    rtol = _ulps(dtype)
    np.testing.assert_allclose(opt.state["exp_avg"], (1 - hyper["beta1"]) * g64, rtol=rtol)
    np.testing.assert_allclose(opt.state["exp_avg_sq"], (1 - hyper["beta2"]) * g64**2, rtol=rtol)


@given(shape=shapes(), seed=seeds, dtype=dtypes, hyper=HYPERS["rmsprop"])
def test_rmsprop_first_step(shape: tuple[int, ...], seed: int, dtype: type, hyper: Hyper) -> None:
    """Uncentered RMSProp: after step 1, square_avg = (1-alpha) g^2 and the step is
    lr * g / (sqrt((1-alpha) g^2) + eps), i.e. about lr/sqrt(1-alpha) in every coordinate.

    That first step is 10x lr at the default alpha=0.99, a surprise the RMSProp lesson explains;
    the buffer is what a learner inspects to understand it.
    """
    hyper = {**_without_decay(hyper), "centered": False, "momentum": 0.0}
    rng = np.random.default_rng(seed)
    g = rng.standard_normal(shape).astype(dtype)
    p = np.zeros(shape, dtype)
    opt = Optimizer("rmsprop", **hyper)
    opt.step(p, g)
    g64 = g.astype(np.float64)
    rtol = _ulps(dtype)
    square_avg = (1 - hyper["alpha"]) * g64 * g64
    np.testing.assert_allclose(opt.state["square_avg"], square_avg, rtol=rtol)
    np.testing.assert_allclose(-p, hyper["lr"] * g64 / (np.sqrt(square_avg) + hyper["eps"]),
                               rtol=rtol)
    assert not opt.state["grad_avg"].any()
    assert not opt.state["momentum_buffer"].any()


@given(shape=shapes(), seed=seeds, dtype=dtypes, hyper=HYPERS["adadelta"])
def test_adadelta_first_step(shape: tuple[int, ...], seed: int, dtype: type, hyper: Hyper) -> None:
    """AdaDelta's first step is sqrt(eps)/sqrt((1-rho) g^2 + eps) * g, times lr.

    With no past steps the numerator is sqrt(eps) alone, so eps sets the scale of the very first
    move: the lesson's reason AdaDelta starts slowly and "has no learning rate".
    """
    hyper = _without_decay(hyper)
    rng = np.random.default_rng(seed)
    g = rng.standard_normal(shape).astype(dtype)
    p = np.zeros(shape, dtype)
    opt = Optimizer("adadelta", **hyper)
    opt.step(p, g)
    g64 = g.astype(np.float64)
    rho, eps = hyper["rho"], hyper["eps"]
    rtol = _ulps(dtype)
    square_avg = (1 - rho) * g64 * g64
    delta = np.sqrt(eps) / np.sqrt(square_avg + eps) * g64
    np.testing.assert_allclose(opt.state["square_avg"], square_avg, rtol=rtol)
    np.testing.assert_allclose(opt.state["acc_delta"], (1 - rho) * delta * delta, rtol=rtol)
    np.testing.assert_allclose(-p, hyper["lr"] * delta, rtol=rtol)


@given(shape=shapes(), seed=seeds, dtype=dtypes, hyper=st.fixed_dictionaries(
    {**_ADAM, "amsgrad": st.just(True)}), rule=st.sampled_from(["adam", "adamw"]))
def test_amsgrad_max_is_running_maximum(
    shape: tuple[int, ...], seed: int, dtype: type, hyper: Hyper, rule: str
) -> None:
    """AMSGrad's max_exp_avg_sq is the running maximum of exp_avg_sq: never decreasing and never
    below the current exp_avg_sq.

    That is AMSGrad's whole fix (the effective step size can only shrink). The gradients shrink
    over the run, so exp_avg_sq itself falls and the maximum has something to do.
    """
    rng = np.random.default_rng(seed)
    p = rng.standard_normal(shape).astype(dtype)
    opt = Optimizer(rule, **hyper)
    previous = np.zeros(shape, dtype)
    for k in range(10):
        g = (rng.standard_normal(shape) * 10.0 ** (-k / 3)).astype(dtype)
        opt.step(p, g)
        vmax, v = opt.state["max_exp_avg_sq"], opt.state["exp_avg_sq"]
        assert np.all(vmax >= previous)
        assert np.all(vmax >= v)
        np.testing.assert_array_equal(vmax, np.maximum(previous, v))
        previous = vmax.copy()


# ---------------------------------------------------------------------------------------------
# Every rule: dtypes, shapes, float32 accuracy, zero gradients
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("rule", ALL_RULES)
@given(shape=shapes(), seed=seeds, dtype=dtypes, data=st.data())
def test_dtype_and_shape_preserved(
    rule: str, shape: tuple[int, ...], seed: int, dtype: type, data: st.DataObject
) -> None:
    """The parameter keeps its dtype and shape and every buffer has them too: float32 stays
    float32 end to end (the float32-vs-float64 lesson would be meaningless if state upcast)."""
    p, grads, hessians = _problem(rule, shape, seed, dtype)
    opt = _run(rule, data.draw(HYPERS[rule], label="hyper"), p, grads, hessians)
    assert p.dtype == dtype and p.shape == shape
    assert set(opt.state) == set(RULES[rule].slots)
    for slot, buffer in opt.state.items():
        assert buffer.dtype == dtype, slot
        assert buffer.shape == shape, slot
    assert opt.t == STEPS


@pytest.mark.parametrize("rule", ALL_RULES)
@given(shape=shapes(), seed=seeds, data=st.data())
def test_float32_tracks_float64(
    rule: str, shape: tuple[int, ...], seed: int, data: st.DataObject
) -> None:
    """From the same float32 start and gradients, five float32 steps stay within 1e-4 (relative
    to the parameter scale) of the float64 run: float32 costs rounding, not a different answer."""
    hyper = data.draw(HYPERS[rule], label="hyper")
    p32, grads32, hessians = _problem(rule, shape, seed, np.float32)
    p64 = p32.astype(np.float64)
    grads64 = [g.astype(np.float64) for g in grads32]
    _run(rule, hyper, p32, grads32, hessians)
    _run(rule, hyper, p64, grads64, hessians)
    _assert_close_scaled(p32.astype(np.float64), p64, rtol=1e-4)


@pytest.mark.parametrize("rule", ALL_RULES)
@given(shape=shapes(), seed=seeds, dtype=dtypes, data=st.data())
def test_zero_gradient_from_rest_leaves_p_unchanged(
    rule: str, shape: tuple[int, ...], seed: int, dtype: type, data: st.DataObject
) -> None:
    """With fresh state, no weight decay and eps > 0, a zero gradient moves nothing, bitwise.

    A stationary point must stay put; a rule that drifts from rest would draw trajectories that
    leave a minimum. (Excluded: weight decay, which pulls p toward 0 by design; see
    test_adamw_default_decay_moves_p_with_zero_gradient.)
    """
    hyper = _without_decay(data.draw(HYPERS[rule], label="hyper"))
    p, _, hessians = _problem(rule, shape, seed, dtype, steps=1)
    p0 = p.copy()
    Optimizer(rule, **hyper).step(p, np.zeros_like(p), hessians[0])
    np.testing.assert_array_equal(p, p0)


_MEMORYLESS_STEP = {
    "gd": {},
    "adagrad": {},
    "rmsprop": {"momentum": 0.0},
    "adadelta": {},
    "newton": {},
}
_CARRIES_VELOCITY = {
    "momentum": {},
    "nesterov": {},
    "rmsprop": {"momentum": 0.9},
    "adam": {},
    "adamw": {"weight_decay": 0.0},
}


@pytest.mark.parametrize("rule", list(_MEMORYLESS_STEP))
@given(shape=shapes(), seed=seeds, dtype=dtypes, data=st.data())
def test_zero_gradient_after_history_leaves_p_unchanged(
    rule: str, shape: tuple[int, ...], seed: int, dtype: type, data: st.DataObject
) -> None:
    """Rules whose step is the current gradient times a factor (gd, AdaGrad, RMSProp without
    momentum, AdaDelta, Newton) stop dead on a zero gradient even after a history of steps: their
    buffers rescale the step but never supply one.

    Contrast test_zero_gradient_moves_rules_with_velocity: the difference is what "momentum"
    means, and a lesson plots exactly this.
    """
    hyper = {**_without_decay(data.draw(HYPERS[rule], label="hyper")), **_MEMORYLESS_STEP[rule]}
    p, grads, hessians = _problem(rule, shape, seed, dtype, steps=4)
    opt = _run(rule, hyper, p, grads[:3], hessians[:3])
    before = p.copy()
    opt.step(p, np.zeros_like(p), hessians[3])
    np.testing.assert_array_equal(p, before)


@pytest.mark.parametrize("rule", list(_CARRIES_VELOCITY))
@given(shape=shapes(), seed=seeds, dtype=dtypes)
def test_zero_gradient_moves_rules_with_velocity(
    rule: str, shape: tuple[int, ...], seed: int, dtype: type
) -> None:
    """Momentum, Nesterov, RMSProp with momentum and Adam/AdamW (through exp_avg) keep moving on
    a zero gradient after a nonzero one: the velocity they carry is the point of them (defaults,
    weight decay off, so only the carried buffer can move p)."""
    rng = np.random.default_rng(seed)
    p = np.zeros(shape, dtype)
    opt = Optimizer(rule, **_CARRIES_VELOCITY[rule])
    opt.step(p, rng.standard_normal(shape).astype(dtype))
    before = p.copy()
    opt.step(p, np.zeros_like(p))
    assert np.all(p != before)


@given(shape=shapes(), seed=seeds, dtype=dtypes)
def test_adamw_default_decay_moves_p_with_zero_gradient(
    shape: tuple[int, ...], seed: int, dtype: type
) -> None:
    """AdamW's default weight_decay=0.01 shrinks p by (1 - lr*wd) even when the gradient is zero:
    the one exception to "zero gradient, no move" among the defaults, and exactly the shrink."""
    p = np.random.default_rng(seed).standard_normal(shape).astype(dtype)
    p0 = p.copy()
    opt = Optimizer("adamw")
    opt.step(p, np.zeros_like(p))
    np.testing.assert_array_equal(p, p0 * dtype(1 - opt.hyper["lr"] * opt.hyper["weight_decay"]))


# ---------------------------------------------------------------------------------------------
# Newton's method
# ---------------------------------------------------------------------------------------------


@given(shape=shapes(max_size=20), seed=seeds)
def test_newton_solves_a_quadratic_in_one_step(shape: tuple[int, ...], seed: int) -> None:
    """On f(x) = x^T A x / 2 - b^T x with A symmetric positive definite, one Newton step with
    lr=1 from anywhere lands on the minimizer A^-1 b.

    This is the defining property of Newton's method and the baseline every other rule is
    compared against in the second-order lesson.
    """
    rng = np.random.default_rng(seed)
    n = math.prod(shape)
    a = _spd(rng, n)
    b = rng.standard_normal(n)
    x = rng.standard_normal(shape)
    g = (a @ x.reshape(-1) - b).reshape(shape)
    Optimizer("newton", lr=1.0).step(x, g, a)
    x_star = np.linalg.solve(a, b).reshape(shape)
    _assert_close_scaled(x, x_star, rtol=1e-9)


_SINGULAR = {
    "zero": np.zeros((2, 2)),
    "rank one": np.array([[1.0, 2.0], [2.0, 4.0]]),
    "zero direction": np.diag([1.0, 0.0, 2.0]),
}


@pytest.mark.parametrize("hessian", list(_SINGULAR.values()), ids=list(_SINGULAR))
def test_newton_singular_hessian_gives_non_finite_values(hessian: Array) -> None:
    """A singular Hessian makes the Newton system unsolvable; the step must come out inf/nan
    (which the trajectory runner reports as divergence) rather than raise mid-lesson."""
    p = np.ones(hessian.shape[0])
    Optimizer("newton").step(p, np.ones_like(p), hessian)
    assert not np.all(np.isfinite(p))


def test_newton_damping_makes_a_singular_hessian_solvable() -> None:
    """Damping adds damping*I to the Hessian: the fix the lesson offers for the case above."""
    hessian = _SINGULAR["rank one"]
    p = np.ones(2)
    Optimizer("newton", damping=1.0).step(p, np.ones(2), hessian)
    np.testing.assert_allclose(p, 1 - np.linalg.solve(hessian + np.eye(2), np.ones(2)),
                               rtol=1e-12)
