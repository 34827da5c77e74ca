"""The app as a learner drives it, through Pilot, on a real progress file: open a lesson, answer
wrong and right, take a hint, quit, come back to the same step; switch language; and the
edges: unreadable input, three wrong answers, numbers, choices, help, the command palette."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input, OptionList

from tutor.app.app import TutorApp
from tutor.app.screens.help import HelpScreen
from tutor.app.screens.lesson import LessonScreen
from tutor.app.screens.lesson_map import LessonMapScreen
from tutor.app.widgets.question_panel import QuestionPanel
from tutor.lessons.load import get
from tutor.mathcheck.messages import render
from tutor.progress import Progress, ProgressError

SIZE = (80, 24)
LESSON = get("derivatives")
FIRST_QUESTION = next(i for i, s in enumerate(LESSON.steps) if s.kind == "question")
CUBIC = LESSON.steps[FIRST_QUESTION].id  # d/dx (3x³ − 2x + 1), key 9x² − 2


async def settle(pilot: Pilot) -> None:
    """Let judging workers finish and their results reach the screen."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def open_first_question(pilot: Pilot) -> QuestionPanel:
    await pilot.press("enter")  # the map opens on lesson 1: Enter opens it
    await pilot.pause()
    assert isinstance(pilot.app.screen, LessonScreen)
    for _ in range(FIRST_QUESTION):
        await pilot.press("n")
    await settle(pilot)
    return pilot.app.screen.query_one(QuestionPanel)


async def answer(pilot: Pilot, text: str) -> None:
    """Type `text` in the (focused) answer box, replacing what is there, and press Enter."""
    box = pilot.app.screen.query_one(Input)
    assert box.has_focus
    box.value = ""
    await pilot.press(*text, "enter")
    await settle(pilot)


async def test_answer_hint_quit_and_resume(make_app: Callable[..., TutorApp], store: Progress,
                                           db: Path, screen_text: Callable[[App], str]) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, LessonMapScreen)
        panel = await open_first_question(pilot)
        assert panel.question.id == CUBIC
        assert store.position(LESSON.id) == FIRST_QUESTION

        await answer(pilot, "9*x**2")
        text = screen_text(app)
        assert render("misconception.dropped_term", "en") in text
        assert "Read as:" in text and "9⋅x" in text
        state = store.question_state(LESSON.id, CUBIC)
        assert (state.attempts, state.wrong_attempts, state.solved) == (1, 1, False)
        assert state.last_answer == "9*x**2"

        await pilot.press("escape", "h")  # leave the answer box, then ask for a hint
        await pilot.pause()
        assert f"Hint 1: {LESSON.steps[FIRST_QUESTION].hints[0].en}" in screen_text(app)
        assert store.question_state(LESSON.id, CUBIC).hints_used == 1

        await pilot.press("shift+tab")  # from the Check button back to the answer box
        await answer(pilot, "9x^2 - 2")
        text = screen_text(app)
        assert "Correct." in text and "Solved ✓" in text
        assert "Worked solution" in text
        assert store.question_state(LESSON.id, CUBIC).solved
        await pilot.press("q")
    assert app.return_code == 0

    with Progress.open(db) as again:
        app = make_app(progress=again)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert "Continue where you left off: 1. Derivatives" in screen_text(app)
            await pilot.press("enter")
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, LessonScreen) and screen.index == FIRST_QUESTION
            text = screen_text(app)
            assert "Solved ✓" in text and "Correct." in text and "9x^2 - 2" in text
            assert "Hint 1:" in text


async def test_language_switch_rerenders_everything(make_app: Callable[..., TutorApp],
                                                    store: Progress,
                                                    screen_text: Callable[[App], str]) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l")
        await pilot.pause()
        assert app.lang == "ko" and store.setting("lang") == "ko"
        text = screen_text(app)
        assert "레슨 목록" in text and "미분과 접선" in text and "Derivatives" not in text

        await open_first_question(pilot)
        await answer(pilot, "9*x**2")
        assert render("misconception.dropped_term", "ko") in screen_text(app)
        await pilot.press("escape", "l")  # back to English: the verdict is re-rendered too
        await settle(pilot)
        text = screen_text(app)
        assert render("misconception.dropped_term", "en") in text
        assert "Differentiate f(x) = 3x³ − 2x + 1" in text and "Step 4 of 9" in text
        assert store.question_state(LESSON.id, CUBIC).attempts == 1  # re-rendering is no attempt


async def test_unreadable_input_is_explained_and_not_counted(
        make_app: Callable[..., TutorApp], store: Progress,
        screen_text: Callable[[App], str]) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_first_question(pilot)
        await answer(pilot, "f'(x) = 9x^2")
        text = screen_text(app)
        assert "This was not counted as an attempt." in text
        assert "(at character" in text and "^" in text  # the reason, and where
        assert store.question_state(LESSON.id, CUBIC).attempts == 0


async def test_three_wrong_attempts_show_the_solution(make_app: Callable[..., TutorApp],
                                                      store: Progress,
                                                      screen_text: Callable[[App], str]) -> None:
    solution = LESSON.steps[FIRST_QUESTION].solution.en
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_first_question(pilot)
        for wrong in ("9x^2", "9x^3 - 2"):
            await answer(pilot, wrong)
            assert solution not in screen_text(app)
        await answer(pilot, "-9x^2 + 2")
        assert render("misconception.sign_error", "en") in screen_text(app)
        assert "Worked solution" in screen_text(app) and solution in screen_text(app)
        assert store.question_state(LESSON.id, CUBIC).wrong_attempts == 3


async def test_numeric_and_choice_questions(make_app: Callable[..., TutorApp], store: Progress,
                                            screen_text: Callable[[App], str]) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_first_question(pilot)
        await pilot.press("escape", "n")  # the numeric question: the slope at x = 1
        await settle(pilot)
        await answer(pilot, "1.3e-3")
        assert "Not the expected value" in screen_text(app) and "0.0013" in screen_text(app)
        await answer(pilot, "14/2")  # an expression of numbers is read too
        assert "Correct." in screen_text(app)
        assert store.question_state(LESSON.id, "slope-at-one").solved

        choice = next(i for i, s in enumerate(LESSON.steps) if getattr(s, "mode", "") == "choice")
        assert LESSON.steps[choice].answer == 1
        while app.screen.index < choice:
            app.screen.set_focus(None)  # out of any answer box, so that n means "next"
            await pilot.press("n")
            await settle(pilot)
        choices = app.screen.query_one(OptionList)
        assert choices.has_focus and choices.highlighted == 0
        await pilot.press("enter")  # a) is wrong
        await settle(pilot)
        assert "Not this one" in screen_text(app)
        await pilot.press("down", "enter")  # b) is right
        await settle(pilot)
        assert "Correct." in screen_text(app)
        assert store.question_state(LESSON.id, "sign-of-slope").last_answer == "1"


async def test_moving_saves_the_step_and_the_map_shows_it(
        make_app: Callable[..., TutorApp], store: Progress,
        screen_text: Callable[[App], str]) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "n", "n", "b")
        await pilot.pause()
        assert store.position(LESSON.id) == 1
        await pilot.click("#next")
        await pilot.pause()
        assert store.position(LESSON.id) == 2
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LessonMapScreen)
        assert "step 3/9" in screen_text(app)


async def test_help_and_theme_and_palette(make_app: Callable[..., TutorApp], store: Progress,
                                          screen_text: Callable[[App], str]) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert "Typing mathematics" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LessonMapScreen)

        await pilot.press("t")
        await pilot.pause()
        assert app.theme == "textual-light" and store.setting("theme") == "textual-light"

        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Lesson 3", "enter")
        await pilot.pause(0.3)
        assert isinstance(app.screen, LessonScreen) and app.screen.lesson.order == 3


async def test_saved_theme_is_used(store: Progress, make_app: Callable[..., TutorApp]) -> None:
    store.set_setting("theme", "textual-light")
    app = make_app()
    async with app.run_test(size=SIZE):
        assert app.theme == "textual-light"


async def test_a_store_that_fails_is_reported_and_the_app_goes_on(
        make_app: Callable[..., TutorApp], store: Progress,
        monkeypatch: pytest.MonkeyPatch) -> None:
    def full(*args: object) -> None:
        raise ProgressError("io", path=store.path, reason="disk full")

    monkeypatch.setattr(store, "set_setting", full)
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("l")
        await pilot.pause()
        toasts = [str(toast.render()) for toast in app.screen.query("Toast")]
        assert any("disk full" in toast for toast in toasts), toasts
        assert app.lang == "ko" and app.is_running


async def test_a_click_on_a_lesson_opens_it(make_app: Callable[..., TutorApp]) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.click("#lessons", offset=(10, 2))  # the second row, under the border
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen) and app.screen.lesson.order == 2
