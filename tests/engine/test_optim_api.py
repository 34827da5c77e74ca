"""The optimizer layer's contract: what it accepts, what it rejects, and how errors read.

Learners type optimizer names and hyperparameters on the command line and in exercise files, so
every mistake must end in an error that names the valid choices, never in a silent wrong run or a
numba traceback. Arrays are stepped in place, so anything that would make the update land in a
copy (a non-contiguous or read-only parameter) must be refused up front.
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
import pytest

from tutor.engine.optim import (
    RULES,
    HyperError,
    Optimizer,
    UnknownOptimizer,
    get_rule,
    parse_value,
    resolve_hyper,
)

# ---------------------------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------------------------


def test_errors_are_value_errors() -> None:
    """Callers (the CLI, the grader) may catch ValueError for every bad-input case."""
    assert issubclass(HyperError, ValueError)
    assert issubclass(UnknownOptimizer, ValueError)


@pytest.mark.parametrize("name", ["sgd", "Adam", "adam ", "", "lbfgs"])
def test_unknown_optimizer_lists_every_rule(name: str) -> None:
    """A typo gets the full menu back, so the learner can correct it without opening the docs
    (names match exactly: torch's spelling "Adam" is not silently accepted or rejected vaguely)."""
    with pytest.raises(UnknownOptimizer) as info:
        Optimizer(name)
    message = str(info.value)
    assert repr(name) in message
    menu = message.split(repr(name), 1)[1]
    for rule in RULES:
        assert re.search(rf"\b{rule}\b", menu), rule
    with pytest.raises(UnknownOptimizer):
        get_rule(name)


@pytest.mark.parametrize("rule", list(RULES))
def test_every_rule_constructs_with_its_defaults(rule: str) -> None:
    """The defaults themselves must pass validation (nesterov's momentum default is 0.9)."""
    opt = Optimizer(rule)
    assert opt.hyper == RULES[rule].defaults
    assert opt.t == 0
    assert opt.state == {}


# ---------------------------------------------------------------------------------------------
# Hyperparameters
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("rule", list(RULES))
def test_unknown_hyperparameter_names_the_valid_ones(rule: str) -> None:
    """torch's `betas=(0.9, 0.999)` or a misspelled key must not be ignored; the message lists
    exactly what this rule takes."""
    with pytest.raises(HyperError) as info:
        Optimizer(rule, betas=0.9)
    message = str(info.value)
    assert rule in message and "'betas'" in message
    menu = message.split("'betas'", 1)[1]
    for key in RULES[rule].defaults:
        assert re.search(rf"\b{key}\b", menu), key


@pytest.mark.parametrize(
    ("rule", "hyper"),
    [
        ("gd", {"lr": -0.1}),
        ("adam", {"lr": -1e-3}),
        ("adam", {"beta1": 1.0}),
        ("adam", {"beta2": 1.0}),
        ("adamw", {"beta1": -0.1}),
        ("adam", {"eps": -1e-8}),
        ("adadelta", {"rho": 1.5}),
        ("adadelta", {"rho": -0.5}),
        ("rmsprop", {"alpha": -0.5}),
        ("rmsprop", {"momentum": -0.9}),
        ("momentum", {"weight_decay": -1e-4}),
        ("adagrad", {"initial_accumulator_value": -1.0}),
        ("adagrad", {"lr_decay": -0.1}),
        ("newton", {"damping": -1.0}),
        ("gd", {"lr": math.nan}),
        ("gd", {"lr": math.inf}),
        ("adam", {"beta2": math.nan}),
        ("adam", {"lr": "nan"}),
        ("momentum", {"momentum": "-inf"}),
    ],
)
def test_out_of_range_values_rejected(rule: str, hyper: dict[str, Any]) -> None:
    """The ranges torch.optim's constructors enforce (plus finiteness): a negative learning rate
    or beta1 = 1 would otherwise produce a run that ascends or never corrects its bias."""
    with pytest.raises(HyperError) as info:
        Optimizer(rule, **hyper)
    assert next(iter(hyper)) in str(info.value)


@pytest.mark.parametrize(
    ("rule", "hyper"),
    [
        ("adam", {"beta1": 0.0, "beta2": 0.0}),
        ("adadelta", {"rho": 1.0}),
        ("adadelta", {"rho": 0.0}),
        ("gd", {"lr": 0.0}),
        ("momentum", {"momentum": 0.0}),
    ],
)
def test_boundary_values_accepted(rule: str, hyper: dict[str, Any]) -> None:
    """The closed ends of torch's ranges are legal: rho may be 1, betas and lr may be 0."""
    resolved = Optimizer(rule, **hyper).hyper
    assert {key: resolved[key] for key in hyper} == hyper


@pytest.mark.parametrize(
    ("text", "expected"),
    [("true", True), ("True", True), (" yes ", True), ("1", True), ("on", True),
     ("false", False), ("0", False), ("No", False), ("off", False)],
)
def test_booleans_parsed_from_strings(text: str, expected: bool) -> None:
    """Command-line flags arrive as text: amsgrad=true and centered=0 must mean what they say."""
    assert Optimizer("adam", amsgrad=text).hyper["amsgrad"] is expected
    assert Optimizer("rmsprop", centered=text).hyper["centered"] is expected
    assert parse_value("amsgrad", text, False) is expected


def test_numbers_parsed_from_strings() -> None:
    """lr=1e-2 typed on the command line is the float 0.01; a bare int is a float too."""
    assert Optimizer("adam", lr="1e-2").hyper["lr"] == 0.01
    assert Optimizer("gd", lr=1).hyper["lr"] == 1.0
    assert isinstance(Optimizer("gd", lr=1).hyper["lr"], float)
    assert Optimizer("gd", lr=np.float32(0.5)).hyper["lr"] == 0.5


@pytest.mark.parametrize(
    ("rule", "hyper"),
    [
        ("adam", {"amsgrad": "maybe"}),
        ("adam", {"amsgrad": 1}),
        ("adam", {"amsgrad": 1.0}),
        ("adam", {"lr": "fast"}),
        ("adam", {"lr": True}),
        ("adam", {"lr": None}),
        ("adam", {"lr": [1e-3]}),
        ("rmsprop", {"centered": "2"}),
    ],
)
def test_wrong_types_rejected(rule: str, hyper: dict[str, Any]) -> None:
    """A flag must be a boolean (or its spelling) and a number a number: lr=True or amsgrad=1
    is almost certainly a mistake, and silently coercing it would hide it."""
    with pytest.raises(HyperError) as info:
        Optimizer(rule, **hyper)
    assert next(iter(hyper)) in str(info.value)


def test_numpy_booleans_accepted_for_flags() -> None:
    """Exercise files built with NumPy may pass np.bool_ flags."""
    assert Optimizer("adam", amsgrad=np.True_).hyper["amsgrad"] is True


@pytest.mark.parametrize("hyper", [{"momentum": 0.0}, {"dampening": 0.1}])
def test_nesterov_needs_momentum_and_no_dampening(hyper: dict[str, Any]) -> None:
    """torch.optim.SGD refuses nesterov with momentum 0 or dampening != 0: the look-ahead is
    undefined without velocity, and the formula assumes an undamped buffer."""
    with pytest.raises(HyperError, match="nesterov"):
        Optimizer("nesterov", **hyper)


def test_resolve_hyper_does_not_mutate_defaults() -> None:
    """Overrides for one optimizer must not leak into the shared defaults of the next."""
    rule = get_rule("adam")
    before = dict(rule.defaults)
    hyper = resolve_hyper(rule, {"lr": 0.5, "amsgrad": "true"})
    assert hyper["lr"] == 0.5 and hyper["amsgrad"] is True
    assert rule.defaults == before
    assert resolve_hyper(rule) == before
    assert get_rule("adamw").defaults["weight_decay"] == 1e-2


# ---------------------------------------------------------------------------------------------
# Arrays
# ---------------------------------------------------------------------------------------------


def test_gradient_must_match_parameter() -> None:
    """A gradient of another shape or dtype is a bug in the learner's code; it must be named,
    not broadcast or cast."""
    opt = Optimizer("adam")
    p = np.zeros((2, 3))
    for g in (np.zeros(6), np.zeros((3, 2)), np.zeros((2, 3), np.float32)):
        with pytest.raises(ValueError, match="does not match"):
            opt.step(p, g)
    assert opt.t == 0 and opt.state == {}
    assert not p.any()


def test_shape_and_dtype_fixed_by_first_step() -> None:
    """Like a torch optimizer bound to one parameter: state made for one shape and dtype cannot
    be reused for another, and a refused step changes neither p, the state nor the step count."""
    opt = Optimizer("momentum", lr=0.1)
    opt.step(np.zeros(3), np.ones(3))
    buffer = opt.state["momentum_buffer"].copy()
    for p in (np.zeros(4), np.zeros((3, 1)), np.zeros(3, np.float32)):
        with pytest.raises(ValueError, match="holds state") as info:
            opt.step(p, np.ones_like(p))
        assert str(p.shape) in str(info.value)
        assert not p.any()
    assert opt.t == 1
    np.testing.assert_array_equal(opt.state["momentum_buffer"], buffer)


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.float16, np.complex128, bool])
def test_non_float_arrays_rejected(dtype: type) -> None:
    """Only float32 and float64 are stepped: an integer parameter cannot hold p - lr*g, and
    float16/complex are outside what the kernels are compiled for."""
    p = np.zeros(3, dtype)
    with pytest.raises(TypeError, match="float32 or float64"):
        Optimizer("gd").step(p, np.ones(3, dtype))


def test_non_arrays_rejected() -> None:
    """Lists and scalars would be copied on the way in, so an in-place update would be lost."""
    with pytest.raises(TypeError, match="numpy arrays"):
        Optimizer("gd").step([0.0, 1.0], np.ones(2))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="numpy arrays"):
        Optimizer("gd").step(np.zeros(2), [1.0, 1.0])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "make",
    [
        lambda: np.zeros(6)[::2],
        lambda: np.zeros((3, 2)).T,
        lambda: np.asfortranarray(np.zeros((2, 3))),
    ],
    ids=["strided", "transposed", "fortran"],
)
def test_non_contiguous_parameter_rejected(make: Any) -> None:
    """The kernels update a flat view of p; a non-contiguous p would flatten to a copy and the
    update would vanish, so it is refused up front."""
    p = make()
    with pytest.raises(ValueError, match="C-contiguous"):
        Optimizer("gd").step(p, np.ones(p.shape))


def test_read_only_parameter_rejected() -> None:
    """An in-place update of a read-only array must fail loudly, not in the kernel."""
    p = np.zeros(3)
    p.flags.writeable = False
    with pytest.raises(ValueError, match="writeable"):
        Optimizer("gd").step(p, np.ones(3))


def test_non_contiguous_gradient_is_fine() -> None:
    """The gradient is only read, so a strided view of it gives the same step as a copy."""
    g_full = np.arange(12.0).reshape(3, 4)
    p, q = np.zeros((3, 2)), np.zeros((3, 2))
    Optimizer("adam").step(p, g_full[:, ::2])
    Optimizer("adam").step(q, np.ascontiguousarray(g_full[:, ::2]))
    np.testing.assert_array_equal(p, q)


def test_newton_requires_a_hessian_of_the_right_size() -> None:
    """Newton cannot step without second derivatives; say so instead of failing in the solver."""
    with pytest.raises(ValueError, match="Hessian"):
        Optimizer("newton").step(np.zeros(2), np.ones(2))
    with pytest.raises(ValueError):
        Optimizer("newton").step(np.zeros(2), np.ones(2), np.eye(3))


def test_first_order_rules_ignore_a_hessian() -> None:
    """The trajectory runner may pass a Hessian to every rule; first-order rules must not care."""
    p, q = np.zeros(2), np.zeros(2)
    Optimizer("adam").step(p, np.ones(2), np.eye(2))
    Optimizer("adam").step(q, np.ones(2))
    np.testing.assert_array_equal(p, q)


# ---------------------------------------------------------------------------------------------
# State
# ---------------------------------------------------------------------------------------------


def test_state_is_named_like_torch_and_shaped_like_p() -> None:
    """Learners compare `.state` with torch's optimizer.state[p], so the names and shapes match;
    rules without buffers (gd, Newton) show an empty dict, not the internal placeholder row."""
    p = np.zeros((2, 3))
    opt = Optimizer("adam")
    opt.step(p, np.ones_like(p))
    assert set(opt.state) == {"exp_avg", "exp_avg_sq", "max_exp_avg_sq"}
    assert all(buffer.shape == (2, 3) for buffer in opt.state.values())
    gd = Optimizer("gd")
    gd.step(p, np.ones_like(p))
    assert gd.state == {}
    assert gd.t == 1


def test_state_views_alias_the_real_buffers() -> None:
    """`.state` returns views: a buffer fetched before a step shows the values after it, and a
    learner who edits a buffer (say, zeroes the velocity) changes the next step accordingly."""
    lr, mu = 0.1, 0.9
    p = np.zeros((2, 2))
    opt = Optimizer("momentum", lr=lr, momentum=mu)
    opt.step(p, np.ones_like(p))
    buffer = opt.state["momentum_buffer"]
    np.testing.assert_array_equal(buffer, np.ones((2, 2)))  # torch: buf = g on step 1
    opt.step(p, np.ones_like(p))
    np.testing.assert_array_equal(buffer, np.full((2, 2), mu + 1.0))  # the old view saw it

    buffer[...] = 0.0  # write through the view: the next step starts with zero velocity
    before = p.copy()
    g = np.full((2, 2), 2.0)
    opt.step(p, g)
    np.testing.assert_array_equal(opt.state["momentum_buffer"], g)
    np.testing.assert_array_equal(p, before - lr * g)
    assert np.shares_memory(opt.state["momentum_buffer"], buffer)


def test_adagrad_state_starts_at_initial_accumulator_value() -> None:
    """torch fills Adagrad's `sum` with initial_accumulator_value when the state is created; a
    zero first gradient must leave exactly that value visible."""
    opt = Optimizer("adagrad", initial_accumulator_value=0.25)
    p = np.ones(3, np.float32)
    opt.step(p, np.zeros_like(p))
    np.testing.assert_array_equal(opt.state["sum"], np.full(3, 0.25, np.float32))
    np.testing.assert_array_equal(p, np.ones(3, np.float32))


def test_step_counter_drives_bias_correction() -> None:
    """`t` counts completed steps; Adam's bias correction reads it, so two optimizers that took
    the same number of steps on the same gradients agree exactly."""
    a, b = Optimizer("adam"), Optimizer("adam")
    p, q = np.zeros(3), np.zeros(3)
    for _ in range(3):
        a.step(p, np.ones(3))
        b.step(q, np.ones(3))
    assert a.t == b.t == 3
    np.testing.assert_array_equal(p, q)
