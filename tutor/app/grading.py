"""Judging one answer to a lesson question, in any of the three modes, in the learner's language.

The question panel calls `judge` from a worker thread: symbolic answers go to `tutor.mathcheck`
(SymPy: slow to import, sometimes slow to decide), numbers are read here, a choice is an index.
Nothing here touches the UI or the progress store, so it is tested without either.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tutor.i18n import t
from tutor.lessons.schema import Question

# tutor.mathcheck is imported inside the functions: importing any of its modules runs the
# package's __init__, which loads SymPy (half a second the app's first screen must not wait).
if TYPE_CHECKING:
    from tutor.mathcheck import MathInputError


@dataclass(frozen=True)
class Judgement:
    """The outcome of a readable answer: `feedback` names the mistake when the checker found
    one (`misconception` is then its id), `read_as` shows how the answer was read."""

    correct: bool
    feedback: str
    misconception: str | None
    read_as: str


class Unreadable(ValueError):
    """An answer that could not be read; it is not an attempt. `message(lang)` says why, in any
    language (so a language switch re-renders it), `pointer()` shows where."""

    def __init__(self, text: str, cause: MathInputError | None = None) -> None:
        self.text = text
        self.cause = cause
        super().__init__(self.message("en"))

    def message(self, lang: str) -> str:
        return self.cause.message(lang) if self.cause else t("question.not_a_number", lang)

    def pointer(self) -> str:
        return self.cause.pointer() if self.cause else self.text


def judge(question: Question, answer: str, lang: str) -> Judgement:
    """Judge `answer` (typed text; for a choice, the chosen index as text). Raises Unreadable."""
    if question.mode == "symbolic":
        return _symbolic(question, answer, lang)
    if question.mode == "numeric":
        value = read_number(answer, lang)
        if abs(value - question.answer) <= question.tolerance:
            return Judgement(True, t("question.correct", lang), None, f"{value:.12g}")
        return Judgement(False, t("question.numeric_wrong", lang,
                                  tolerance=f"{question.tolerance:g}"), None, f"{value:.12g}")
    if not answer.isdigit() or int(answer) >= len(question.choices):
        raise Unreadable(answer)  # a stored answer from a version of the lesson with more choices
    chosen = int(answer)
    read_as = question.choices[chosen].get(lang)
    if chosen == question.answer:
        return Judgement(True, t("question.correct", lang), None, read_as)
    return Judgement(False, t("question.choice_wrong", lang), None, read_as)


def _symbolic(question: Question, answer: str, lang: str) -> Judgement:
    from tutor.mathcheck import MathInputError, check

    try:
        verdict = check(answer, expected=question.answer, of=question.of,
                        wrt=question.wrt or ("x",), variables=question.variables, lang=lang)
    except MathInputError as err:
        raise Unreadable(answer, err) from None
    return Judgement(verdict.equivalent, verdict.feedback, verdict.misconception, verdict.pretty)


def read_number(text: str, lang: str) -> float:
    """A real number as people type one: `7`, `-0.25`, `1.3e-3`, `−4` (Unicode minus), or an
    arithmetic expression of numbers the math checker reads (`2/3`, `9·1² − 2`, `sqrt(2)/2`).

    Python's float() goes first because the checker refuses scientific notation (in an
    expression `1e-3` is ambiguous with Euler's e); infinities and NaN are not answers.
    """
    try:
        value = float(text.strip().replace("−", "-"))
    except ValueError:
        value = _evaluate(text, lang)
    if not math.isfinite(value):
        raise Unreadable(text)
    return value


def _evaluate(text: str, lang: str) -> float:
    from tutor.mathcheck.parse import parse

    try:
        return float(parse(text, (), lang=lang))
    # Unreadable text (MathInputError is a ValueError), a tuple, or a complex number such as
    # sqrt(-1): for a question that wants a number, "type a number" says more than the
    # parser's account of what it could not read.
    except (TypeError, ValueError):
        raise Unreadable(text) from None
