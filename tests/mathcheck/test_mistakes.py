"""Wrong answers and the misconception each must be diagnosed as, with its feedback in both
languages; and the differentiator behind the diagnosis, which must be right when nothing slips."""

from __future__ import annotations

import pytest
import sympy as sp

from tutor.mathcheck import MISCONCEPTIONS, check
from tutor.mathcheck.derive import Slip, derive
from tutor.mathcheck.parse import parse, symbol

CUBIC = "3x^3 - 2x + 1"
POLY = "3xy^2 + 4x^3 - 5y^2 + 1"
BOWL = "3(x-2)^2 + (y-2)^2"
XY = {"variables": ("x", "y")}

MISTAKES = [
    # (answer, key arguments, misconception)
    ("6xy - 10y", {"of": POLY, "wrt": ("x",), **XY}, "wrong_variable"),
    ("3y^2 + 12x^2", {"of": POLY, "wrt": ("y",), **XY}, "wrong_variable"),
    ("2(y-2)", {"of": BOWL, "wrt": ("x",), **XY}, "wrong_variable"),
    ("(2(y-2), 6(x-2))", {"of": BOWL, "wrt": ("x", "y")}, "wrong_variable"),
    ("3y^2 + 12x^2 - 10y", {"of": POLY, "wrt": ("x",), **XY}, "partial_not_constant"),
    ("3y^2 + 6xy + 12x^2 - 10y", {"of": POLY, "wrt": ("x",), **XY}, "partial_not_constant"),
    ("6xy + 12x^2 - 10y", {"of": POLY, "wrt": ("y",), **XY}, "partial_not_constant"),
    ("6(x-2) + 2(y-2)", {"of": BOWL, "wrt": ("x",), **XY}, "partial_not_constant"),
    ("e^x", {"of": "x e^x"}, "product_rule"),
    ("2x cos x", {"of": "x^2 sin x"}, "product_rule"),
    ("-sin x · 2x", {"of": "x^2 cos x"}, "product_rule"),
    ("3(2x-1)^2", {"of": "(2x-1)^3"}, "chain_rule_inner"),
    ("cos(x^2)", {"of": "sin(x^2)"}, "chain_rule_inner"),
    ("e^(2x)", {"of": "e^(2x)"}, "chain_rule_inner"),
    ("cos(2x)", {"of": "sin(2x)"}, "chain_rule_inner"),
    ("1/(3x+1)", {"of": "ln(3x+1)"}, "chain_rule_inner"),
    ("3 sin(x^2)^2", {"of": "sin(x^2)^3"}, "chain_rule_inner"),
    ("3 sin(x^2)^2 cos(x^2)", {"of": "sin(x^2)^3"}, "chain_rule_inner"),
    ("3x^3 - 2x + 1", {"of": CUBIC}, "not_differentiated"),
    ("x e^x", {"of": "x e^x"}, "not_differentiated"),
    ("tanh x", {"of": "tanh(x)"}, "not_differentiated"),
    ("9x^3 - 2", {"of": CUBIC}, "power_rule"),
    ("3x^2 - 2", {"of": CUBIC}, "power_rule"),
    ("9x^4 - 2", {"of": CUBIC}, "power_rule"),
    ("9x^2 - 2x", {"of": CUBIC}, "power_rule"),
    ("3(x-2)", {"of": BOWL, "wrt": ("x",), **XY}, "power_rule"),
    ("-9x^2 + 2", {"of": CUBIC}, "sign_error"),
    ("9x^2 + 2", {"of": CUBIC}, "sign_error"),
    ("sin x", {"of": "cos x"}, "sign_error"),
    ("1 + tanh^2 x", {"of": "tanh(x)"}, "sign_error"),
    ("tanh^2 x - 1", {"of": "tanh(x)"}, "sign_error"),
    ("-6(2x-1)^2", {"of": "(2x-1)^3"}, "sign_error"),
    ("-2x cos(x^2)", {"of": "sin(x^2)"}, "sign_error"),
    ("(2x, 2y)", {"of": "x^2 - y^2", "wrt": ("x", "y")}, "sign_error"),
    ("-2x + 3", {"expected": "2x - 3"}, "sign_error"),
    ("9x^2", {"of": CUBIC}, "dropped_term"),
    ("-2", {"of": CUBIC}, "dropped_term"),
    ("12x^2", {"of": POLY, "wrt": ("x",), **XY}, "dropped_term"),
    ("x e^x", {"expected": "e^x + x e^x"}, "dropped_term"),
    ("-tanh(x)^2", {"of": "tanh(x)"}, "dropped_term"),
    ("18x^2 - 4", {"of": CUBIC}, "constant_factor"),
    ("6(x-2)^2", {"of": "(x-2)^3"}, "constant_factor"),
    ("2 - 2 tanh^2 x", {"of": "tanh(x)"}, "constant_factor"),
    ("(x + 1) e^x / 2", {"of": "x e^x"}, "constant_factor"),
    ("4x - 6", {"expected": "2x - 3"}, "constant_factor"),
]


@pytest.mark.parametrize(("answer", "key", "misconception"), MISTAKES,
                         ids=[f"{m}:{a}" for a, _, m in MISTAKES])
def test_mistake_is_named(answer: str, key: dict, misconception: str) -> None:
    verdict = check(answer, **key)
    assert not verdict.equivalent
    assert verdict.misconception == misconception, verdict


def test_every_misconception_has_cases() -> None:
    named = [m for _, _, m in MISTAKES]
    assert set(named) == set(MISCONCEPTIONS)
    assert all(named.count(m) >= 3 for m in MISCONCEPTIONS)


def test_feedback_names_the_mistake_in_the_learners_language() -> None:
    en = check("3(2x-1)^2", of="(2x-1)^3")
    ko = check("3(2x-1)^2", of="(2x-1)^3", lang="ko")
    assert "chain rule" in en.feedback and "연쇄법칙" in ko.feedback
    factor = check("18x^2 - 4", of=CUBIC)
    assert "2 times" in factor.feedback
    half = check("(x + 1) e^x / 2", of="x e^x", lang="ko")
    assert "1/2배" in half.feedback
    partial = check("3y^2 + 12x^2 - 10y", of=POLY, wrt=("x",), variables=("x", "y"))
    assert "respect to x" in partial.feedback and "(y)" in partial.feedback
    gradient = check("(2x, 2y)", of="x^2 - y^2", wrt=("x", "y"))
    assert gradient.feedback.startswith("In the ∂/∂y component")


def test_unrecognised_mistake_gets_plain_feedback() -> None:
    verdict = check("cosh x", of="tanh(x)")
    assert not verdict.equivalent and verdict.misconception is None
    assert verdict.feedback == "Not equivalent to the expected answer."


FUNCTIONS = ["3x^3 - 2x + 1", "(2x-1)^3", "sin(x^2)^3", "x e^x", "tanh x", "ln(3x+1)", "x^x",
             "sqrt(x) cos(2x)", "2^x", "sigmoid(x)", "x y^2 + sin(xy)", "abs(x) + relu(x)"]


@pytest.mark.parametrize("typed", FUNCTIONS)
def test_derive_without_a_slip_is_the_derivative(typed: str) -> None:
    f = parse(typed, ("x", "y"))
    x = symbol("x")
    derivative, _ = derive(f, x)
    assert sp.simplify(derivative - sp.diff(f, x)) == 0


def test_slips_apply_everywhere_or_at_one_site() -> None:
    f = parse("x^3 + x^2", ("x",))
    x = symbol("x")
    _, sites = derive(f, x)
    assert sites["power"] == 2
    assert derive(f, x, Slip("power_same_exponent"))[0] == 3 * x**3 + 2 * x**2
    once = {derive(f, x, Slip("power_same_exponent", k))[0] for k in range(2)}
    assert once == {3 * x**3 + 2 * x, 3 * x**2 + 2 * x**2}
