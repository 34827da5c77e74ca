"""`tutor progress` as a table: one row per lesson, in course order, drawn with rich so it stays
readable in a pipe. It reads `Progress.summary()` and the lessons; it never touches the store.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from tutor.i18n import has, t
from tutor.lessons.schema import Lesson

MISTAKES_SHOWN = 3


def mistake_name(misconception: str, lang: str) -> str:
    """The short name of a misconception id; the id itself for one this version does not know."""
    key = f"progress.mistake.{misconception}"
    return t(key, lang) if has(key) else misconception


def _mistakes(counts: dict[str, int], lang: str) -> str:
    top = list(counts.items())[:MISTAKES_SHOWN]  # summary() orders them most frequent first
    return "\n".join(escape(f"{mistake_name(name, lang)} ×{n}") for name, n in top)


def _row(lesson: Lesson, entry: dict[str, Any] | None, lang: str) -> tuple[str, ...]:
    title = escape(lesson.title.get(lang))
    ids = {q.id for q in lesson.questions}
    if entry is None:
        return title, f"0/{len(ids)}", f"[dim]{t('progress.not_started', lang)}[/]", "", ""
    solved = len(ids.intersection(entry["solved"]))
    step = min(entry["position"] + 1, len(lesson.steps))
    return (title, f"{solved}/{len(ids)}", f"{step}/{len(lesson.steps)}",
            _mistakes(entry["mistakes"], lang), str(entry["hints_used"]))


def _row_without_lesson(lesson_id: str, entry: dict[str, Any], lang: str) -> tuple[str, ...]:
    """A lesson the store knows and this course no longer has: its id and the bare counts."""
    return (escape(lesson_id), str(len(entry["solved"])), str(entry["position"] + 1),
            _mistakes(entry["mistakes"], lang), str(entry["hints_used"]))


def show_summary(summary: dict[str, Any], lessons: Sequence[Lesson], lang: str,
                 console: Console | None = None) -> None:
    """Print the summary: every lesson of the course, then any the store knows and the course
    no longer has (by id), and where the app will resume."""
    console = console or Console()
    stored = summary["lessons"]
    by_id = {lesson.id: lesson for lesson in lessons}
    table = Table(title=t("progress.title", lang))
    table.add_column(t("progress.column.lesson", lang), overflow="fold")
    table.add_column(t("progress.column.solved", lang), justify="right")
    table.add_column(t("progress.column.step", lang), justify="right")
    table.add_column(t("progress.column.mistakes", lang), overflow="fold")
    table.add_column(t("progress.column.hints", lang), justify="right")
    for lesson in lessons:
        table.add_row(*_row(lesson, stored.get(lesson.id), lang))
    for lesson_id in sorted(stored.keys() - by_id.keys()):
        table.add_row(*_row_without_lesson(lesson_id, stored[lesson_id], lang))
    console.print(table)
    # Lines holding a path or a title: printed as they are (no markup, never broken mid-path).
    say = {"markup": False, "highlight": False, "soft_wrap": True}
    console.print(t("progress.file", lang, path=summary["path"]), **say)
    last = summary["last_lesson"]
    if last is None:
        console.print(t("progress.empty", lang), **say)
    else:
        title = by_id[last].title.get(lang) if last in by_id else last
        console.print(t("progress.resume", lang, title=title), **say)
