"""The highlighted exercise: its file and lesson, its score, the checks it failed, the bug its
outputs match, what it printed, and the hints revealed so far."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Static

from grader import info
from grader.watch import render_exercise
from tutor.i18n import t

if TYPE_CHECKING:
    from grader.grade import ExerciseResult


class ExerciseDetail(Static):
    """Plain text (no markup: messages and output come from the submission)."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__("", markup=False, **kwargs)

    def show(self, exercise: info.Exercise, result: ExerciseResult | None, *, lang: str,
             grading: bool = False, error: str | None = None, hints_shown: int = 0,
             next_step: str = "") -> None:
        parts: list[str] = []
        if error is not None:
            parts.append(t("exercises.detail.error", lang, error=error))
        if result is not None:
            parts.append(render_exercise(result, lang, output_lines=8))
        else:
            parts.append(f"{exercise.name}: {exercise.title_in(lang)} ({exercise.path})")
            if error is None:
                parts.append(t("exercises.status.grading" if grading
                               else "exercises.detail.not_graded", lang))
        lesson = _lesson_title(exercise.lesson, lang)
        if lesson is not None:
            parts.append(t("exercises.detail.lesson", lang, lesson=lesson))
        if next_step:
            parts.append(next_step)
        hints = exercise.hints
        for n, hint in enumerate(hints[:hints_shown], start=1):
            parts.append(t("exercises.detail.hint", lang, n=n, total=len(hints),
                           hint=hint.get(lang) or hint["en"]))
        if hints_shown < len(hints):
            parts.append(t("exercises.detail.more_hints", lang, shown=hints_shown,
                           total=len(hints)))
        self.update("\n\n".join(parts))


def _lesson_title(lesson_id: str, lang: str) -> str | None:
    from tutor.lessons.load import get
    from tutor.lessons.schema import LessonError

    try:
        return get(lesson_id).title.get(lang)
    except LessonError:
        return None
