"""The public API others call: check's arguments, the Verdict's shape, and its errors."""

from __future__ import annotations

import dataclasses

import pytest

from tutor.mathcheck import MathInputError, Verdict, check

KEYS = {"equivalent", "feedback", "misconception", "canonical"}


def test_verdict_shape() -> None:
    verdict = check("9x² − 2", of="3*x**3 - 2*x + 1")
    assert verdict == Verdict(True, "Correct.", None, "9*x**2 - 2", verdict.pretty)
    assert verdict.pretty == "   2    \n9⋅x  - 2"  # SymPy's two-dimensional Unicode form
    assert verdict.as_dict() == {"equivalent": True, "feedback": "Correct.",
                                 "misconception": None, "canonical": "9*x**2 - 2"}
    with pytest.raises(dataclasses.FrozenInstanceError):
        verdict.equivalent = False  # type: ignore[misc]


def test_korean_feedback() -> None:
    assert check("9x^2 - 2", of="3x^3 - 2x + 1", lang="ko").feedback == "정답입니다."
    wrong = check("9x^2", of="3x^3 - 2x + 1", lang="ko")
    assert wrong.misconception == "dropped_term" and "빠진 항" in wrong.feedback


def test_gradient_is_a_tuple() -> None:
    assert check("(2y, 2x)", of="2xy", wrt=("x", "y")).equivalent
    assert check("2y, 2x", of="2xy", wrt=["x", "y"]).equivalent
    assert check("(2y, 2x)", expected="(2y, 2x)", variables=("x", "y")).equivalent


def test_tuple_keys_that_are_not_gradients() -> None:
    verdict = check("(1, 2)", expected="(1, -2)")
    assert verdict.misconception == "sign_error"
    assert verdict.feedback.startswith("In component 2: A sign is wrong")
    assert check("(2x, 3)", expected="(2x, 3)").equivalent


def test_answers_of_the_wrong_shape() -> None:
    scalar = check("2y", of="2xy", wrt=("x", "y"))
    assert not scalar.equivalent and "2 components" in scalar.feedback
    assert check("2xy", of="2xy", wrt=("x", "y")).misconception == "not_differentiated"
    pair = check("(2y, 2x)", of="2xy", wrt=("x",), variables=("x", "y"))
    assert not pair.equivalent and pair.feedback == "Give one expression, not a tuple."


def test_expected_is_the_key_and_of_feeds_the_diagnosis() -> None:
    assert check("6x", expected="6x", of="3x^2").equivalent
    assert check("3x", expected="6x", of="3x^2").misconception == "power_rule"
    assert check("3x", expected="6x").misconception == "constant_factor"


def test_answer_may_use_only_the_question_variables() -> None:
    with pytest.raises(MathInputError) as caught:
        check("2y", of="x^2")
    assert caught.value.key == "unknown_name"
    assert check("2x + a", of="x^2 + a x", variables=("x", "a")).equivalent


@pytest.mark.parametrize(("kwargs", "complaint"), [
    ({}, "give the key"),
    ({"of": "x^2", "wrt": ()}, "at least one"),
    ({"of": "x^2", "wrt": ("y",), "variables": ("x",)}, "not among"),
    ({"of": "x^2", "wrt": ("e",)}, "cannot be a variable"),
    ({"of": "x^2", "wrt": ("x_1",)}, "cannot be a variable"),
    ({"of": "x^2", "lang": "fr"}, "unknown language"),
    ({"of": "(x, x)"}, "not a tuple"),
])
def test_malformed_questions_raise_value_error(kwargs: dict, complaint: str) -> None:
    with pytest.raises(ValueError, match=complaint) as caught:
        check("2x", **kwargs)
    assert not isinstance(caught.value, MathInputError)
