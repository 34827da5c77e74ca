"""The update rules against torch.optim, replayed from recorded trajectories.

`data/torch_golden.json` holds torch.optim (torch 2.x, foreach=False) trajectories written by
`scripts/make_golden.py`; torch is not needed to run these tests. Torch was fed our own gradients
(the zoo's, or the tensor function below), so the comparison isolates the update arithmetic.

Tolerances, and why they are not zero:
    torch's CPU kernels (this build: AVX2) contract `a + b*c` into fused multiply-adds, in
    `add(alpha=...)`, `addcmul` and `lerp`; numba, without fastmath, rounds the product first.
    Adam's bias corrections also round differently: torch computes `beta**step` with C `pow` on
    a float step and `bc2**0.5`, numba `beta**t` with an integer t by repeated squaring, and
    `math.sqrt`. Each is an ulp or so per operation, so trajectories agree to rounding, not bit
    for bit (85 of the 296 float64 zoo scenarios happen to agree bit for bit).

    float64: rtol 1e-9, atol 1e-12 * scale (scale = max(1, largest |coordinate| of the run)).
        The worst scenario today differs by 2.8e-15 relative (13 ulps of its scale: Adam on
        xsinx), a margin of over 300x. Still tight: changing lr by one part in 1e7 fails every
        float64 scenario.
    float32: rtol 1e-5, atol 1e-5 * scale.
        Needed today: 6.6e-7 (momentum with dampening on Rosenbrock, 6.6 float32 ulps of scale);
        the tensor runs need 1.2e-7. The bound is set by what the generator guarantees rather than
        by today's worst case: it refuses any scenario where a one-ulp nudge per step grows past
        50 ulps (6e-6), so two implementations that each round correctly stay within ~1e-5.
        Changing lr by one part in 1e3 fails every float32 scenario.

The generator keeps only such well-conditioned scenarios. An adaptive rule at the rounding floor
of its minimum divides noise by noise (RMSprop with weight decay on a separable loss, for one), and
there a one-ulp difference grows to order one; no tolerance could compare those runs.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tutor.engine import zoo
from tutor.engine.optim import RULES, Optimizer, resolve_hyper
from tutor.engine.run import run

DATA = Path(__file__).resolve().parent / "data" / "torch_golden.json"

RTOL = {"float64": 1e-9, "float32": 1e-5}
ATOL_PER_SCALE = {"float64": 1e-12, "float32": 1e-5}

# The tensor scenarios' parameter starts here and is pulled towards C by the elementwise gradient
# g = p - C + 0.1*sin(3p) (the derivative of a strongly convex loss, sum (p-C)^2/2 - cos(3p)/30).
TENSOR_START = [
    [0.9, -1.3, 2.2, 0.05],
    [-0.4, 1.7, -2.5, 3.1],
    [0.0, -0.75, 1.1, -1.9],
]
TENSOR_TARGET = np.array([
    [0.5, 0.25, -1.0, 1.5],
    [-2.0, 0.75, 0.0, 1.25],
    [2.5, -0.5, 0.125, -3.0],
])


def tensor_grad(p: np.ndarray) -> np.ndarray:
    """The gradient torch was fed: computed in float64 at p, cast to p's dtype (as run.py does)."""
    x = p.astype(np.float64)
    return (x - TENSOR_TARGET + 0.1 * np.sin(3.0 * x)).astype(p.dtype)


@cache
def golden() -> dict[str, Any]:
    return json.loads(DATA.read_text(encoding="utf-8"))


SCENARIOS: list[dict[str, Any]] = golden()["scenarios"]
ZOO = [s for s in SCENARIOS if s["function"] != "tensor"]
TENSOR = [s for s in SCENARIOS if s["function"] == "tensor"]
TORCH_RULES = sorted(name for name, rule in RULES.items() if rule.torch_name is not None)


def _ids(scenarios: list[dict[str, Any]]) -> list[str]:
    return [s["id"] for s in scenarios]


def _assert_matches(actual: np.ndarray, case: dict[str, Any]) -> None:
    expected = np.array(case["points"], dtype=np.float64)
    assert actual.shape == expected.shape, f"{case['id']}: {actual.shape} vs {expected.shape}"
    scale = max(1.0, float(np.abs(expected).max()))
    dtype = case["dtype"]
    np.testing.assert_allclose(actual, expected, rtol=RTOL[dtype],
                               atol=ATOL_PER_SCALE[dtype] * scale, err_msg=case["id"])


@pytest.mark.parametrize("case", ZOO, ids=_ids(ZOO))
def test_zoo_trajectory_matches_torch(case: dict[str, Any]) -> None:
    traj = run(case["rule"], case["function"], case["start"], case["steps"], case["hyper"],
               dtype=case["dtype"])
    assert not traj.diverged
    _assert_matches(traj.points, case)


@pytest.mark.parametrize("case", TENSOR, ids=_ids(TENSOR))
def test_tensor_steps_match_torch(case: dict[str, Any]) -> None:
    """The Optimizer class on a (3, 4) array: shape handling plus the elementwise arithmetic."""
    p = np.array(case["start"], dtype=case["dtype"])
    opt = Optimizer(case["rule"], **case["hyper"])
    points = [p.astype(np.float64)]
    for _ in range(case["steps"]):
        opt.step(p, tensor_grad(p))
        assert p.dtype == np.dtype(case["dtype"]) and p.shape == (3, 4)
        points.append(p.astype(np.float64))
    _assert_matches(np.array(points), case)


def test_tensor_definition_matches_the_recorded_one() -> None:
    """The gradient above is the one the generator fed torch (else every tensor case is moot)."""
    recorded = golden()["tensor"]
    assert recorded["start"] == TENSOR_START
    assert recorded["c"] == TENSOR_TARGET.tolist()
    assert recorded["grad"].startswith("g = p - c + 0.1*sin(3*p)")
    assert all(case["start"] == TENSOR_START for case in TENSOR)


def test_recorded_gradients_are_the_zoo_gradients() -> None:
    """Torch saw our zoo's gradient at its own points. If the zoo changes (regenerated kernels),
    this names the functions to re-record, separately from any failure of the update rules."""
    mismatched = set()
    for case in ZOO:
        fn = zoo.get(case["function"])
        dtype = np.dtype(case["dtype"])
        points = np.array(case["points"])
        recorded = np.array(case["grads"])
        ours = np.array([fn.grad(x).astype(dtype) for x in points[:-1]], dtype=np.float64)
        scale = max(1.0, float(np.abs(recorded).max()))
        if not np.allclose(ours, recorded, rtol=1e-12 if dtype == np.float64 else 2e-7,
                           atol=1e-12 * scale):
            mismatched.add(case["function"])
    assert not mismatched, f"zoo gradients changed for: {sorted(mismatched)}"


def test_every_torch_backed_rule_is_covered() -> None:
    """Each rule with a torch counterpart is recorded in both dtypes, on the zoo and the tensor,
    against the right torch class."""
    for name in TORCH_RULES:
        mine = [s for s in SCENARIOS if s["rule"] == name]
        assert {(s["function"] == "tensor", s["dtype"]) for s in mine} == {
            (t, d) for t in (False, True) for d in ("float64", "float32")
        }, name
        assert {s["torch"]["class"] for s in mine} == {RULES[name].torch_name}, name
    assert {s["rule"] for s in SCENARIOS} == set(TORCH_RULES)


def test_every_hyperparameter_is_varied() -> None:
    """Each hyperparameter of each torch-backed rule takes a non-default value somewhere (bar
    Nesterov's dampening, which torch requires to be 0), and both branches of torch.lerp run:
    weight 1 - beta1 (Adam) or 1 - alpha (centred RMSprop) below and at or above 0.5."""
    for name in TORCH_RULES:
        rule = RULES[name]
        resolved = [resolve_hyper(rule, s["hyper"]) for s in SCENARIOS if s["rule"] == name]
        for key, default in rule.defaults.items():
            if (name, key) == ("nesterov", "dampening"):
                continue
            assert any(h[key] != default for h in resolved), f"{name}: {key} never varied"
    for name, key in (("adam", "beta1"), ("adamw", "beta1"), ("rmsprop", "alpha")):
        weights = {1.0 - resolve_hyper(RULES[name], s["hyper"])[key] < 0.5
                   for s in SCENARIOS if s["rule"] == name
                   and (key != "alpha" or resolve_hyper(RULES[name], s["hyper"])["centered"])}
        assert weights == {True, False}, f"{name}: only one lerp branch is exercised"


def test_torch_arguments_are_our_hyperparameters() -> None:
    """The recorded torch kwargs say the same as our hyperparameters (a check on the generator's
    translation, so that a mismatch there cannot pass for a kernel bug)."""
    for case in SCENARIOS:
        ours = resolve_hyper(RULES[case["rule"]], case["hyper"])
        kwargs = dict(case["torch"]["kwargs"])
        if "betas" in kwargs:
            kwargs["beta1"], kwargs["beta2"] = kwargs.pop("betas")
        if case["torch"]["class"] == "SGD":
            assert kwargs.pop("nesterov") == (case["rule"] == "nesterov"), case["id"]
        if case["rule"] == "gd":
            assert kwargs.pop("momentum") == 0.0 and kwargs.pop("dampening") == 0.0, case["id"]
        assert kwargs == ours, case["id"]
