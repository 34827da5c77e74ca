"""The engine warm-up at start: it runs behind the first screen, says so while it runs, and a
failing one is reported without ending the app. The kernels themselves are tested in
tests/engine; here `warm` is replaced so the test controls when it ends."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from textual.app import App
from textual.pilot import Pilot

import tutor.engine.warm
from tutor.app.app import TutorApp
from tutor.app.screens.lesson_map import LessonMapScreen
from tutor.progress import Progress

SIZE = (80, 24)


def toasts(app: App) -> str:
    return "\n".join(str(toast.render()) for toast in app.screen.query("Toast"))


async def until(pilot: Pilot, condition: Callable[[], bool]) -> None:
    for _ in range(200):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("timed out")


async def test_warm_up_runs_behind_the_first_screen(store: Progress,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    started, release = threading.Event(), threading.Event()

    def slow_warm() -> None:
        started.set()
        release.wait(30)

    monkeypatch.setattr(tutor.engine.warm, "warm", slow_warm)
    app = TutorApp(store, "en")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, started.is_set)
        assert isinstance(app.screen, LessonMapScreen)  # drawn, and usable, while it warms
        await until(pilot, lambda: "Preparing the numeric engine" in toasts(app))
        await pilot.press("down")
        release.set()
        await until(pilot, lambda: toasts(app) == "")


async def test_a_failed_warm_up_is_reported_not_fatal(store: Progress,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_warm() -> None:
        raise OSError("no space left on device")

    monkeypatch.setattr(tutor.engine.warm, "warm", broken_warm)
    app = TutorApp(store, "ko")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: "no space left on device" in toasts(app))
        assert "수치 엔진을 준비하지 못했습니다" in toasts(app)
        assert app.is_running
