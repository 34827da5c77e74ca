"""Judging answers in each mode, without the UI: what the question panel shows comes from here."""

from __future__ import annotations

import pytest

from tutor.app.grading import Judgement, Unreadable, judge, read_number
from tutor.lessons.load import get
from tutor.lessons.schema import Question

QUESTIONS = {q.id: q for q in get("derivatives").questions}
CUBIC, SLOPE, TANGENT, SIGN = (QUESTIONS[k] for k in ("cubic-derivative", "slope-at-one",
                                                      "tangent-line", "sign-of-slope"))


@pytest.mark.parametrize(("typed", "value"), [
    ("7", 7.0), (" -4 ", -4.0), ("0.0013", 0.0013), ("1.3e-3", 0.0013), ("1.3E-3", 0.0013),
    ("−4", -4.0), ("2/3", 2 / 3), ("9·1² − 2", 7.0), ("sqrt(4)", 2.0), ("(1/2)^2", 0.25),
])
def test_numbers_are_read_as_people_type_them(typed: str, value: float) -> None:
    assert read_number(typed, "en") == pytest.approx(value, rel=1e-15)


@pytest.mark.parametrize("typed", ["", "x", "nan", "inf", "1e400", "(1, 2)", "sqrt(-1)", "7,5",
                                   "seven"])
def test_what_is_no_real_number_is_unreadable(typed: str) -> None:
    with pytest.raises(Unreadable) as caught:
        read_number(typed, "ko")
    assert caught.value.message("en") == "Type one real number, such as 7, -0.25, 1.3e-3 or 2/3."
    assert "실수 하나" in caught.value.message("ko")


def test_numeric_answers_count_within_the_tolerance() -> None:
    assert judge(SLOPE, "7", "en") == Judgement(True, "Correct.", None, "7")
    wrong = judge(SLOPE, "7.01", "en")
    assert not wrong.correct and "±1e-09" in wrong.feedback and wrong.read_as == "7.01"


def test_symbolic_answers_name_the_mistake_and_show_the_reading() -> None:
    verdict = judge(CUBIC, "9x^2", "en")
    assert (verdict.correct, verdict.misconception) == (False, "dropped_term")
    assert "9⋅x" in verdict.read_as
    assert judge(CUBIC, "9x² − 2", "ko").correct
    tangent = judge(TANGENT, "-2x + 3", "en")  # a key given as is (no `of`)
    assert (tangent.correct, tangent.misconception) == (False, "sign_error")


def test_unreadable_symbolic_input_says_why_and_where_in_both_languages() -> None:
    with pytest.raises(Unreadable) as caught:
        judge(CUBIC, "x = 9x^2", "en")
    err = caught.value
    assert "“=”" in err.message("en") and "“=”" in err.message("ko")
    assert err.pointer() == "x = 9x^2\n  ^"


def test_choices_are_judged_by_index_and_read_back_in_the_language() -> None:
    assert judge(SIGN, str(SIGN.answer), "en").correct
    wrong = judge(SIGN, "0", "ko")
    assert not wrong.correct and wrong.read_as == SIGN.choices[0].ko


def test_every_lesson_key_is_judged_correct() -> None:
    """The stored key of every question of every lesson passes its own check."""
    from tutor.lessons.load import lessons

    for lesson in lessons():
        for question in lesson.questions:
            assert isinstance(question, Question)
            key = str(question.answer)
            assert judge(question, key, "en").correct, (lesson.id, question.id)


def test_a_stored_choice_the_lesson_no_longer_has_is_unreadable() -> None:
    with pytest.raises(Unreadable):
        judge(SIGN, str(len(SIGN.choices)), "en")
