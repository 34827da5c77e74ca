"""Snapshots of the main screens at 80x24, in English and Korean (pytest-textual-snapshot).

Deterministic by construction: a fresh progress file, no engine warm-up (so no notice comes and
goes), the answer box's cursor not blinking, and every worker finished before the picture.
Update after an intended change with `pytest tests/app --snapshot-update`, then look at the
SVGs in __snapshots__/.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from tutor.app.app import TutorApp
from tutor.lessons.load import get
from tutor.progress import Progress

SIZE = (80, 24)
LESSON = get("derivatives")
FIRST_QUESTION = next(i for i, s in enumerate(LESSON.steps) if s.kind == "question")


async def still(pilot: Pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    for box in pilot.app.screen.query(Input):
        box.cursor_blink = False
    await pilot.pause()


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_lesson_map(snap_compare: Callable[..., bool], make_app: Callable[..., TutorApp],
                    lang: str) -> None:
    assert snap_compare(make_app(lang), terminal_size=SIZE, run_before=still)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_lesson_explain_step(snap_compare: Callable[..., bool],
                             make_app: Callable[..., TutorApp], lang: str) -> None:
    async def open_lesson(pilot: Pilot) -> None:
        await pilot.press("enter")
        await still(pilot)

    assert snap_compare(make_app(lang), terminal_size=SIZE, run_before=open_lesson)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_lesson_question_step(snap_compare: Callable[..., bool],
                              make_app: Callable[..., TutorApp], store: Progress,
                              lang: str) -> None:
    """A wrong answer checked: the verdict with the named mistake and how it was read."""
    store.set_position(LESSON.id, FIRST_QUESTION)

    async def answer_wrong(pilot: Pilot) -> None:
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press(*"9x^2", "enter")
        await still(pilot)

    assert snap_compare(make_app(lang), terminal_size=SIZE, run_before=answer_wrong)
