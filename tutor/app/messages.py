"""Messages that cross screens: a widget says what happened, the app decides what to do."""

from __future__ import annotations

from textual.message import Message


class LessonChosen(Message):
    """A lesson was picked (on the map or in the command palette): the app opens it."""

    def __init__(self, lesson_id: str) -> None:
        super().__init__()
        self.lesson_id = lesson_id
