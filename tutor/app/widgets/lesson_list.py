"""The thirteen lessons in teaching order, each with how far the learner has got in it."""

from __future__ import annotations

from rich.table import Table
from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tutor.i18n import t
from tutor.lessons.load import lessons
from tutor.lessons.schema import Lesson
from tutor.progress import LessonProgress, Progress


class LessonList(OptionList):
    """One option per lesson, its id the lesson's id: number, title, questions solved, and
    where the learner is. `refresh_rows()` re-reads the progress store (after a lesson)."""

    def __init__(self, progress: Progress, **kwargs: object) -> None:
        super().__init__(*(Option(Content(""), id=lesson.id) for lesson in lessons()), **kwargs)
        self.progress = progress

    def on_mount(self) -> None:
        self.watch(self.app, "lang", self._relabel)

    def refresh_rows(self) -> None:
        self._relabel(self.app.lang)

    def _relabel(self, lang: str) -> None:
        for index, lesson in enumerate(lessons()):
            done = self.progress.lesson_progress(lesson.id, [q.id for q in lesson.questions])
            self.replace_option_prompt_at_index(index, _row(lesson, done, lang))


def _row(lesson: Lesson, done: LessonProgress, lang: str) -> Table:
    """A grid row whose fixed-width columns line up from one lesson to the next, whatever the
    title's language (Korean letters take two cells)."""
    if done.total and done.solved == done.total:
        status = t("map.status.done", lang)
    elif done.started:
        status = t("map.status.step", lang, step=done.position + 1, steps=len(lesson.steps))
    else:
        status = t("map.status.new", lang)
    row = Table.grid(expand=True, padding=(0, 1))
    row.add_column(width=3, justify="right")
    row.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
    row.add_column(width=11, justify="right", no_wrap=True)
    row.add_column(width=13, justify="right", no_wrap=True)
    row.add_row(f"{lesson.order}.", lesson.title.get(lang),
                t("map.solved", lang, solved=done.solved, total=done.total), status)
    return row
