"""The exercises of info.toml in teaching order, each with its live status: ✓ 10/10, ✗ 3/10,
grading…, or not graded."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING

from rich.table import Table
from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from grader import info
from grader.watch import status_text
from tutor.i18n import t

if TYPE_CHECKING:
    from grader.grade import ExerciseResult


class ExerciseList(OptionList):
    """One option per exercise, its id the exercise's name. `show()` re-draws the rows."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(*(Option(Content(""), id=e.name) for e in info.exercises()), **kwargs)

    def show(self, results: Mapping[str, ExerciseResult | None], grading: Collection[str],
             lang: str) -> None:
        for index, exercise in enumerate(info.exercises()):
            self.replace_option_prompt_at_index(
                index, _row(exercise, results.get(exercise.name), exercise.name in grading,
                            lang))


def _row(exercise: info.Exercise, result: ExerciseResult | None, grading: bool,
         lang: str) -> Table:
    """A grid row with fixed-width columns, so the rows line up in both languages."""
    status = t("exercises.status.grading", lang) if grading else status_text(result, lang)
    row = Table.grid(expand=True, padding=(0, 1))
    row.add_column(width=3, justify="right")
    row.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
    row.add_column(width=14, no_wrap=True, overflow="ellipsis")
    row.add_column(width=11, justify="right", no_wrap=True)
    row.add_row(f"{exercise.order}.", exercise.title_in(lang), exercise.name, status)
    return row
