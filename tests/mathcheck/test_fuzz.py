"""Property tests: whatever is typed, a check returns a Verdict or raises MathInputError, runs
nothing, and finishes within a bound."""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import AbstractContextManager, suppress

from hypothesis import given, settings
from hypothesis import strategies as st

from tutor.mathcheck import MathInputError, Verdict, check
from tutor.mathcheck.equivalence import SYMBOLIC_TIMEOUT
from tutor.mathcheck.parse import parse

Sealed = Callable[[], AbstractContextManager[list[str]]]

BOUND = SYMBOLIC_TIMEOUT + 3.0  # the symbolic child's deadline plus generous slack

# Pieces of plausible answers, so that most generated strings get past the lexer and exercise
# the grammar, the builder, the equivalence rule and the diagnosis.
PIECES = ["x", "y", "2", "3", "0", "1.5", ".5", "10", "999", "+", "-", "−", "*", "·", "/", "^",
          "**", "(", ")", "(", ")", ",", " ", "sin", "cos", "tanh", "ln", "exp", "sqrt", "√",
          "abs", "relu", "sigmoid", "e", "π", "pi", "²", "³", "⁻¹", "xy", "e^", "1000", "9^9"]
plausible = st.lists(st.sampled_from(PIECES), max_size=24).map("".join)


def _grow(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    joined = st.sampled_from(["+", "-", "*", "/", "^", " ", "·", "−", ""])
    function = st.sampled_from(["sin", "cos", "ln", "√", "exp", "tanh", "sqrt", "abs", "relu"])
    return st.one_of(
        st.tuples(inner, joined, inner).map("".join),
        st.tuples(function, inner).map(lambda t: f"{t[0]}({t[1]})"),
        st.tuples(function, inner).map(" ".join),
        inner.map(lambda s: f"({s})"),
        inner.map(lambda s: f"-{s}"),
        inner.map(lambda s: f"{s}²"),
    )


# Mostly well-formed expressions (some refused as ambiguous), to reach the later stages.
wellformed = st.recursive(st.sampled_from(["x", "y", "2", "3", "0.5", "e", "π", "10", "1000"]),
                          _grow, max_leaves=12)


def checked(typed: str) -> Verdict | None:
    start = time.perf_counter()
    try:
        verdict = check(typed, of="x^2 y + sin(x)", wrt=("x", "y"))
    except MathInputError as err:
        assert err.source == "answer" and str(err)
        verdict = None
    assert time.perf_counter() - start < BOUND, typed
    return verdict


@settings(max_examples=300)
@given(st.text(max_size=80))
def test_parser_on_any_text_raises_only_math_input_error(sealed: Sealed, typed: str) -> None:
    with sealed() as knocked, suppress(MathInputError):
        parse(typed, ("x", "y"))
    assert knocked == []


@settings(max_examples=300)
@given(plausible)
def test_parser_on_plausible_text_raises_only_math_input_error(sealed: Sealed,
                                                              typed: str) -> None:
    with sealed() as knocked, suppress(MathInputError):
        parse(typed, ("x", "y"))
    assert knocked == []


@settings(max_examples=40)
@given(st.text(max_size=40))
def test_check_on_any_text_is_bounded(typed: str) -> None:
    checked(typed)


@settings(max_examples=40)
@given(plausible)
def test_check_on_plausible_text_is_bounded(typed: str) -> None:
    checked(typed)


@settings(max_examples=60)
@given(wellformed)
def test_check_on_wellformed_expressions_is_bounded(typed: str) -> None:
    verdict = checked(typed)
    if verdict is not None:
        assert set(verdict.as_dict()) == {"equivalent", "feedback", "misconception", "canonical"}


keys = st.one_of(wellformed, st.lists(wellformed, min_size=2, max_size=3).map(", ".join))


@settings(max_examples=60)
@given(st.one_of(wellformed, keys), keys)
def test_check_against_any_key_is_bounded(answer: str, key: str) -> None:
    start = time.perf_counter()
    with suppress(MathInputError):
        check(answer, expected=key, variables=("x", "y"))
    assert time.perf_counter() - start < BOUND
