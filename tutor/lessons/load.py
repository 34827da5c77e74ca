"""Finding and reading the lesson files shipped in `tutor/lessons/content/`."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources

from tutor.lessons.schema import Lesson, LessonError, build


@cache
def lessons() -> tuple[Lesson, ...]:
    """Every lesson, in teaching order; a malformed file raises LessonError naming it."""
    found = []
    for entry in sorted(resources.files("tutor.lessons").joinpath("content").iterdir(),
                        key=lambda e: e.name):
        if not entry.name.endswith(".toml"):
            continue
        try:
            table = tomllib.loads(entry.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as err:
            raise LessonError(f"{entry.name}: not valid TOML: {err}") from None
        found.append(build(table, entry.name))
    found.sort(key=lambda lesson: lesson.order)
    ids = [lesson.id for lesson in found]
    if len(ids) != len(set(ids)):
        raise LessonError("two lesson files share an id")
    return tuple(found)


def get(lesson_id: str) -> Lesson:
    for lesson in lessons():
        if lesson.id == lesson_id:
            return lesson
    known = ", ".join(lesson.id for lesson in lessons())
    raise LessonError(f"no lesson {lesson_id!r}; lessons: {known}")
