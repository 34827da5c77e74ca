"""The Exercises screen: live status of the workspace in the current folder, the named bug, hints,
and the way between an exercise and its lesson. The first tests replace the grader with a stand-in
(the screen's logic, fast); the last grades for real: a stub replaced by a correct solution turns
to full marks on the screen without a key pressed."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

import grader.watch
from grader import info
from grader.grade import CheckResult, ExerciseResult, WorkspaceResult
from tutor.app.app import TutorApp
from tutor.app.screens.exercises import ExercisesScreen
from tutor.app.screens.lesson import LessonScreen

ROOT = Path(__file__).resolve().parents[2]
SOLUTIONS = ROOT / "tests" / "grader" / "solutions" / "in_place"


def make_workspace(folder: Path) -> Path:
    for part in ("optimizers", "worksheets"):
        shutil.copytree(ROOT / "exercises" / part, folder / part,
                        ignore=shutil.ignore_patterns("__pycache__"))
    return folder


def fake_result(name: str, text: str) -> ExerciseResult:
    """Full marks if the file holds "SOLVED", Adam's missing bias correction if "BUGGY"."""
    exercise = info.get(name)
    if "SOLVED" in text:
        return ExerciseResult(name, exercise.title["en"], exercise.points, exercise.points, (),
                              (), None, "", 0.1, exercise.kind)
    checks: tuple[CheckResult, ...] = ()
    diagnoses: tuple[str, ...] = ()
    if "BUGGY" in text:
        checks = (CheckResult("60 steps carried", 0, 4, False, "step 1 differs",
                              "no_bias_correction"),)
        diagnoses = ("no_bias_correction",)
    return ExerciseResult(name, exercise.title["en"], 6.0 if checks else 0.0, exercise.points,
                          checks, diagnoses, None, "", 0.1, exercise.kind)


@pytest.fixture
def fake_grader(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, ...]]:
    rounds: list[tuple[str, ...]] = []

    def grade(root: Path, names, seed: int = 0, lang: str = "en") -> WorkspaceResult:
        names = tuple(names or info.names())
        rounds.append(names)
        results = tuple(fake_result(n, (Path(root) / info.get(n).path).read_text())
                        for n in names)
        return WorkspaceResult(Path(root), "me", sum(r.score for r in results),
                               sum(r.max_score for r in results), results, 0.1)

    monkeypatch.setattr(grader.watch, "grade", grade)
    return rounds


async def settle(pilot: Pilot, screen: ExercisesScreen, rounds: int, timeout: float) -> None:
    """Wait until the screen has finished `rounds` grading rounds and has nothing pending."""
    deadline = time.monotonic() + timeout
    while screen.rounds < rounds or screen.grading or screen.pending:
        assert time.monotonic() < deadline, f"{screen.rounds} rounds after {timeout} s"
        await pilot.pause(0.1)


def save(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


async def test_status_bug_hints_and_live_regrading(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_grader: list,
        make_app: Callable[..., TutorApp], screen_text: Callable) -> None:
    ws = make_workspace(tmp_path / "ws")
    save(ws / "optimizers" / "adam.py", "# BUGGY\n")
    monkeypatch.chdir(ws)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("e")
        screen = app.screen
        assert isinstance(screen, ExercisesScreen)
        await settle(pilot, screen, 1, timeout=10)
        text = screen_text(app)
        assert "Exercises" in text and str(ws) in text
        assert "adam" in text and "✗ 6/10" in text and "✗ 0/8" in text
        # Opened on the first unfinished exercise, with the next step.
        assert "derivatives: Derivatives (worksheets/derivatives.toml): ✗ 0/8" in text
        assert "tutor hint derivatives" in text
        # The named bug of the highlighted exercise.
        screen.select("adam")
        await pilot.pause()
        text = screen_text(app)
        assert "Looks like:" in text and "60 steps carried (0/4): step 1 differs" in text
        # Hints one at a time.
        assert "Press h for a hint (0 of" in text
        await pilot.press("h")
        text = screen_text(app)
        assert "Hint 1/" in text and "Hint 2/" not in text
        # A file saved: only that exercise is graded again, without a key pressed.
        save(ws / "optimizers" / "gd.py", "# SOLVED\n")
        deadline = time.monotonic() + 10
        while "✓ 10/10" not in screen_text(app):
            assert time.monotonic() < deadline, screen_text(app)
            await pilot.pause(0.2)
        assert fake_grader[-1] == ("gd",)
        assert "1/14 exercises done" in screen_text(app)
        # Korean re-labels everything.
        await pilot.press("l")
        assert "연습 문제" in screen_text(app)
        await pilot.press("l")
        await pilot.press("escape")
        assert not isinstance(app.screen, ExercisesScreen)


async def test_from_exercise_to_lesson_and_back(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_grader: list,
        make_app: Callable[..., TutorApp]) -> None:
    monkeypatch.chdir(make_workspace(tmp_path / "ws"))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("e")
        screen = app.screen
        assert isinstance(screen, ExercisesScreen)
        await settle(pilot, screen, 1, timeout=10)
        screen.select("nesterov")
        await pilot.press("o")
        assert isinstance(app.screen, LessonScreen) and app.screen.lesson.id == "momentum"
        await pilot.press("e")  # back to the same Exercises screen, not a second one
        assert app.screen is screen
        assert sum(isinstance(s, ExercisesScreen) for s in app.screen_stack) == 1
        await pilot.press("escape")
        # From a lesson opened on the map, `e` opens the Exercises screen on its exercise.
        await app.action_lesson_map()
        from tutor.app.messages import LessonChosen

        app.post_message(LessonChosen("adam"))
        await pilot.pause(0.2)
        assert isinstance(app.screen, LessonScreen)
        await pilot.press("e")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ExercisesScreen)
        option = screen.query_one("#exercises").highlighted_option
        assert option is not None and option.id == "adam"
        await settle(pilot, screen, 1, timeout=10)
        assert screen.query_one("#exercises").highlighted_option.id == "adam"  # kept
        await pilot.press("o")  # the lesson below is adam's: back to it
        assert isinstance(app.screen, LessonScreen) and len(app.screen_stack) == 2


async def test_outside_a_workspace_it_says_how_to_make_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_grader: list,
        make_app: Callable[..., TutorApp], screen_text: Callable) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("e")
        await pilot.pause(0.3)
        text = screen_text(app)
        assert "tutor init" in text and "not graded" in text
        assert fake_grader == []  # nothing to grade


async def test_the_palette_opens_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                    fake_grader: list, make_app: Callable[..., TutorApp]) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        commands = [c.title for c in app.get_system_commands(app.screen)]
        assert "Exercises" in commands
        await pilot.press("ctrl+p")
        await pilot.pause(0.2)
        for key in "Exercises":
            await pilot.press(key)
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert isinstance(app.screen, ExercisesScreen)


async def test_real_grading_turns_a_saved_solution_to_full_marks(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_app: Callable[..., TutorApp],
        screen_text: Callable) -> None:
    ws = make_workspace(tmp_path / "ws")
    monkeypatch.chdir(ws)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("e")
        screen = app.screen
        assert isinstance(screen, ExercisesScreen)
        await settle(pilot, screen, 1, timeout=120)
        assert screen.board.results["momentum"] is not None
        assert screen.board.results["momentum"].score == 0
        shutil.copy(SOLUTIONS / "optimizers" / "momentum.py", ws / "optimizers" / "momentum.py")
        deadline = time.monotonic() + 60
        while not (screen.board.results["momentum"].score == 10 and not screen.grading):
            assert time.monotonic() < deadline, screen_text(app)
            await pilot.pause(0.2)
        screen.select("momentum")
        await pilot.pause()
        assert "momentum: Momentum (optimizers/momentum.py): ✓ 10/10" in screen_text(app)
