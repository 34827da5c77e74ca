"""What learners type and how it is read: each accepted notation with its canonical reading, and
each ambiguous form refused with a message that points at the problem."""

from __future__ import annotations

import pytest
import sympy as sp

from tutor.mathcheck import MathInputError
from tutor.mathcheck.parse import parse, symbol

VARS = ("x", "y")

ACCEPTED = [
    ("3x^2", "3*x**2"),
    ("3x**2", "3*x**2"),
    ("3x²", "3*x**2"),
    ("3·x^2", "3*x**2"),
    ("3×x^2", "3*x**2"),
    ("3 * x ^ 2", "3*x**2"),
    ("2(x-1)", "2*x - 2"),
    ("(x+1)(x-1)", "(x - 1)*(x + 1)"),
    ("x(x+1)", "x*(x + 1)"),
    ("xy", "x*y"),
    ("2xy", "2*x*y"),
    ("x y", "x*y"),
    ("3·x·y²", "3*x*y**2"),
    ("e^x", "exp(x)"),
    ("e^(2x)", "exp(2*x)"),
    ("e^-x", "exp(-x)"),
    ("e^x y", "y*exp(x)"),
    ("e^x(1+x)", "(x + 1)*exp(x)"),
    ("e^x sin x", "exp(x)*sin(x)"),
    ("exp(2x)", "exp(2*x)"),
    ("e", "E"),
    ("ln(x)", "log(x)"),
    ("ln x", "log(x)"),
    ("log(x)", "log(x)"),
    ("π x", "pi*x"),
    ("2π", "2*pi"),
    ("pi x", "pi*x"),
    ("sin x", "sin(x)"),
    ("sin 2x", "sin(2*x)"),
    ("sin2x", "sin(2*x)"),
    ("sin x^2", "sin(x**2)"),
    ("sin(x)^2", "sin(x)**2"),
    ("sin^2 x", "sin(x)**2"),
    ("sin²x", "sin(x)**2"),
    ("sin x cos x", "sin(x)*cos(x)"),
    ("x sin x", "x*sin(x)"),
    ("xsinx", "x*sin(x)"),
    ("ln x/x", "log(x)/x"),
    ("−x", "-x"),
    ("x − y", "x - y"),
    ("x – y", "x - y"),
    ("−x²", "-x**2"),
    ("-x^2", "-x**2"),
    ("--x", "x"),
    ("(2y, 2x)", "(2*y, 2*x)"),
    ("2y, 2x", "(2*y, 2*x)"),
    ("√x", "sqrt(x)"),
    ("√(x+1)", "sqrt(x + 1)"),
    ("2√x", "2*sqrt(x)"),
    ("sqrt x", "sqrt(x)"),
    ("x^-1", "1/x"),
    ("x⁻¹", "1/x"),
    ("x^(1/2)", "sqrt(x)"),
    ("x^0.5", "sqrt(x)"),
    ("0.5x", "x/2"),
    (".5x", "x/2"),
    ("2.50", "5/2"),
    ("007", "7"),
    ("1/2*x", "x/2"),
    ("(1/2)x", "x/2"),
    ("x/2", "x/2"),
    ("1/(2x)", "1/(2*x)"),
    ("x ÷ 2", "x/2"),
    ("x^1/2", "x/2"),
    ("x^2y", "x**2*y"),
    ("2^-1", "1/2"),
    ("x^2^3", "x**8"),
    ("tanh^2 x", "tanh(x)**2"),
    ("1 - tanh²x", "1 - tanh(x)**2"),
    ("sech^2(x)", "sech(x)**2"),
    ("sigmoid(x)", "1/(1 + exp(-x))"),
    ("relu(x)", "Max(0, x)"),
    ("abs(x)", "Abs(x)"),
    ("arctan x", "atan(x)"),
    ("x³ + 2x² − x + 1", "x**3 + 2*x**2 - x + 1"),
    ("  x\t+ 1 ", "x + 1"),
]


@pytest.mark.parametrize(("typed", "canonical"), ACCEPTED)
def test_accepted_notation_reads_as_documented(typed: str, canonical: str) -> None:
    assert sp.sstr(parse(typed, VARS)) == canonical


def test_variables_are_real_symbols_and_decimals_exact() -> None:
    x = symbol("x")
    assert parse("x", VARS) == x and x.is_real
    assert parse("0.1", VARS) == sp.Rational(1, 10)
    assert not parse("0.1x + 0.2", VARS).atoms(sp.Float)


def test_variable_names_with_digits_and_greek() -> None:
    assert sp.sstr(parse("2w1 + θ", ("w1", "θ"))) == "2*w1 + θ"


REFUSED = [
    # typed, error key, 0-based position it points at
    ("1/2x", "ambiguous_division", 1),
    ("1/2 x", "ambiguous_division", 1),
    ("x/2(x+1)", "ambiguous_division", 1),
    ("e^2x", "ambiguous_power", 3),
    ("e^xy", "ambiguous_power", 3),
    ("e^-2x", "ambiguous_power", 4),
    ("x2", "number_after", 1),
    ("(x+1)2", "number_after", 5),
    ("2 3", "number_after", 2),
    ("1e-3", "scientific", 0),
    ("2E5", "scientific", 0),
    ("sin^-1 x", "function_power", 3),
    ("sin", "missing_argument", 0),
    ("sin + x", "missing_argument", 0),
    ("x +", "missing_operand", 3),
    ("3x^^2", "unexpected", 3),
    ("(x, y) + 1", "misplaced_comma", 2),
    ("sin(x, y)", "one_argument", 5),
    ("x = 2", "equals", 2),
    ("|x|", "bar", 0),
    ("[x]", "bracket", 0),
    ("f'(x)", "unknown_name", 0),
    ("z", "unknown_name", 0),
    ("Sin(x)", "unknown_name", 0),
    ("x²³⁻", "superscript", 1),
    ("(x", "unclosed", 0),
    ("x)", "unopened", 1),
    ("", "empty", None),
]


@pytest.mark.parametrize(("typed", "key", "position"), REFUSED)
def test_refused_forms_point_at_the_problem(typed: str, key: str, position: int | None) -> None:
    with pytest.raises(MathInputError) as caught:
        parse(typed, VARS)
    err = caught.value
    assert (err.key, err.position) == (key, position), str(err)
    assert "\n" not in str(err)
    if position is not None:
        assert f"(at character {position + 1})" in str(err)
        assert err.pointer() == f"{typed}\n{' ' * position}^"


def test_error_messages_follow_the_language() -> None:
    with pytest.raises(MathInputError) as caught:
        parse("1/2x", VARS, lang="ko")
    assert "모호" in str(caught.value) and "2번째 글자" in str(caught.value)
    assert "ambiguous" in caught.value.message("en")
