"""The equivalence rule: numbers first, a symbolic proof in a child killed at its deadline, and
the numbers deciding when the proof does not come (docs/mathcheck.md, "Deciding equivalence")."""

from __future__ import annotations

import multiprocessing
import time

import pytest
import sympy as sp

from tutor.mathcheck import check
from tutor.mathcheck.equivalence import Decision, decide, prove_zero
from tutor.mathcheck.numeric import sample_points, value
from tutor.mathcheck.parse import parse, symbol

x, y = symbol("x"), symbol("y")
POINTS = sample_points([x, y])

EQUIVALENT = [
    ("sech^2 x", {"of": "tanh x"}),
    ("1/cosh(x)^2", {"of": "tanh x"}),
    ("1 - tanh(x)^2", {"of": "tanh x"}),
    ("sigmoid(x)(1 - sigmoid(x))", {"of": "sigmoid(x)"}),
    ("e^(-x)/(1+e^(-x))^2", {"of": "sigmoid(x)"}),
    ("(x+1)e^x", {"of": "x e^x"}),
    ("e^x + x e^x", {"of": "x e^x"}),
    ("2x cos(x^2)", {"of": "sin(x^2)"}),
    ("6(2x-1)^2", {"of": "(2x-1)^3"}),
    ("24x^2 - 24x + 6", {"of": "(2x-1)^3"}),
    ("1/(2√x)", {"of": "sqrt(x)"}),
    ("0.5x^-0.5", {"of": "sqrt(x)"}),
    ("√x/(2x)", {"of": "sqrt(x)"}),
    ("1/x", {"of": "ln(x)"}),
    ("x^x (ln x + 1)", {"of": "x^x"}),
    ("x/abs(x)", {"of": "abs(x)"}),
    ("heaviside(x)", {"of": "relu(x)"}),
    ("2^x ln 2", {"of": "2^x"}),
    ("1/(1+x^2)", {"of": "arctan x"}),
    ("(6x - 12, 2y - 4)", {"of": "3(x-2)^2 + (y-2)^2", "wrt": ("x", "y")}),
    ("(y^2 + y cos(xy), 2xy + x cos(xy))", {"of": "x y^2 + sin(xy)", "wrt": ("x", "y")}),
    ("sin(x)^2 + cos(x)^2", {"expected": "1"}),
    ("2 sin x cos x", {"expected": "sin(2x)"}),
]


@pytest.mark.parametrize(("answer", "key"), EQUIVALENT)
def test_equivalent_forms_are_accepted(answer: str, key: dict) -> None:
    verdict = check(answer, **key)
    assert verdict.equivalent, verdict
    assert verdict.misconception is None and verdict.feedback == "Correct."


NOT_EQUIVALENT = [
    ("abs(x)", {"expected": "x"}),         # equal for x > 0 only: the signed points tell
    ("x", {"of": "abs(x)"}),
    ("0.3333333x", {"expected": "x/3"}),   # close, but not the same number
    ("0.333x", {"expected": "x/3"}),
    ("2x + 1e", {"of": "x^2"}),
]


@pytest.mark.parametrize(("answer", "key"), NOT_EQUIVALENT)
def test_near_misses_are_not_equivalent(answer: str, key: dict) -> None:
    assert not check(answer, **key).equivalent


def test_each_path_of_the_rule() -> None:
    decisions = decide([
        (parse("9x^2 - 2"), parse("9x^2 - 2")),
        (parse("x + 1"), parse("x")),
        (parse("sin(x)^2 + cos(x)^2"), sp.S.One),
    ], POINTS)
    assert decisions == [Decision(True, "exact"), Decision(False, "numeric"),
                         Decision(True, "symbolic")]


def test_comparison_is_on_the_expected_values_real_domain() -> None:
    # log(x^2) = 2 log(x) wherever 2 log(x) is real (x > 0); not the other way round.
    [forward] = decide([(sp.log(x**2), 2 * sp.log(x))], POINTS)
    [backward] = decide([(2 * sp.log(x), sp.log(x**2))], POINTS)
    assert forward.equivalent is True and backward == Decision(False, "numeric")


# Equal, but proving it means expanding two products of 2001 terms: seconds of work.
SLOW = ((x + 1) ** 1000 * (x - 1) ** 1000, (x**2 - 1) ** 1000)


def test_numbers_decide_when_the_proof_times_out() -> None:
    start = time.perf_counter()
    [decision] = decide([SLOW], POINTS, timeout=0.5)
    assert decision == Decision(True, "numeric")
    assert time.perf_counter() - start < 2.0
    assert multiprocessing.active_children() == []


def test_the_child_is_killed_at_the_deadline() -> None:
    start = time.perf_counter()
    assert prove_zero([SLOW[0] - SLOW[1], x - x], 0.3) == [False, False]
    assert time.perf_counter() - start < 1.5
    assert multiprocessing.active_children() == []


def test_undecided_without_points_or_proof() -> None:
    huge = sp.exp(sp.exp(x + 1000))  # overflows at every sample point
    [decision] = decide([(x * huge, (x + 1) * huge)], POINTS, timeout=0.5)
    assert decision == Decision(None, "undecided")
    verdict = check("x e^(e^(x+1000))", expected="(x+1) e^(e^(x+1000))")
    assert not verdict.equivalent and verdict.misconception is None
    assert "could not be checked" in verdict.feedback


def test_numeric_values_never_raise() -> None:
    assert value(sp.log(x), {x: 0j}) is None
    assert value(sp.exp(x), {x: 1e6 + 0j}) is None
    assert value(sp.Abs(x), {x: 1j}) is None
    assert value(sp.DiracDelta(x), {x: 1 + 0j}) is None
    assert value(sp.sqrt(x), {x: -4 + 0j}) == pytest.approx(2j)


def _check_in_worker(results: multiprocessing.Queue) -> None:
    results.put(check("sech^2 x", of="tanh x").equivalent)


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="needs fork")
def test_checks_work_inside_a_daemonic_worker() -> None:
    """A daemonic process may not start children: the numbers decide there."""
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    worker = context.Process(target=_check_in_worker, args=(results,), daemon=True)
    worker.start()
    assert results.get(timeout=30) is True
    worker.join()
