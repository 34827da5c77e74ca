"""The Exercises screen: every graded exercise with its live status, as `tutor watch` shows it.

The workspace is the folder the app was started in, if it is one (it has `optimizers/`, as
`tutor init` makes it); otherwise the screen says how to create one. Everything is graded once
when the screen opens, then the workspace's files are polled every second (`grader.watch.Watcher`)
and each exercise whose file changed is graded again. Grading runs in a thread worker, one round
at a time (files saved meanwhile wait for the next round): `grader.grade.grade_workspace` runs
the submission in sandboxed children and is never called on the UI thread.

Keys: `o` (or Enter) opens the exercise's lesson, `h` reveals the next hint, `r` grades all again,
Esc goes back. From a lesson, `e` opens this screen on that lesson's exercise (`open_exercises`).
"""

from __future__ import annotations

from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, OptionList, Static
from textual.worker import get_current_worker

from grader import info
from grader.init import is_workspace
from grader.watch import Board, Watcher, render_next, render_progress
from tutor.app.widgets.exercise_detail import ExerciseDetail
from tutor.app.widgets.exercise_list import ExerciseList
from tutor.app.widgets.footer import LocalizedFooter
from tutor.i18n import t

if TYPE_CHECKING:
    from grader.grade import WorkspaceResult

POLL_SECONDS = 1.0


class ExercisesScreen(Screen):
    """The exercises of `workspace` (default: the current folder) with their live status.
    `exercise` is highlighted first (else the first unfinished one)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("o", "lesson", "exercises.key.lesson"),
        Binding("h", "hint", "exercises.key.hint"),
        Binding("r", "regrade", "exercises.key.regrade"),
        Binding("escape", "back", "exercises.key.back"),
    ]
    CSS_PATH = "exercises.tcss"

    def __init__(self, workspace: Path | None = None, exercise: str | None = None) -> None:
        super().__init__()
        folder = Path.cwd() if workspace is None else Path(workspace)
        self.folder = folder
        self.workspace: Path | None = folder if is_workspace(folder) else None
        self.board = Board()
        self.first = exercise
        self.hints_shown: dict[str, int] = {}
        self.errors: dict[str, str] = {}
        self.grading: tuple[str, ...] = ()  # the round being graded
        self.pending: set[str] = set()  # changed while a round was running
        self.rounds = 0  # rounds finished (tests wait on it)
        self.watcher: Watcher | None = None

    @property
    def lang(self) -> str:
        return str(getattr(self.app, "lang", "en"))

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="workspace", markup=False)
        yield ExerciseList(id="exercises")
        with VerticalScroll(id="detail-scroll"):
            yield ExerciseDetail(id="detail")
        yield LocalizedFooter()

    def on_mount(self) -> None:
        listing = self.query_one(ExerciseList)
        names = info.names()
        listing.highlighted = names.index(self.first) if self.first in names else 0
        listing.focus()
        self.watch(self.app, "lang", self._relabel)
        if self.workspace is not None:
            self.watcher = Watcher(self.workspace)
            self.set_interval(POLL_SECONDS, self._poll)
            self._request(names)

    # --- showing ------------------------------------------------------------------------------

    def _relabel(self, lang: str) -> None:
        self.sub_title = t("exercises.title", lang)
        line = self.query_one("#workspace", Static)
        line.set_class(self.workspace is None, "-missing")
        if self.workspace is None:
            line.update(t("exercises.no_workspace", lang, path=self.folder))
        else:
            line.update(t("exercises.workspace", lang, path=self.workspace) + "  "
                        + render_progress(self.board, lang))
        self.query_one(ExerciseList).show(self.board.results, self.grading, lang)
        self._show_detail()

    def _highlighted(self) -> info.Exercise:
        option = self.query_one(ExerciseList).highlighted_option
        return info.get(str(option.id)) if option is not None else info.exercises()[0]

    def _show_detail(self) -> None:
        exercise = self._highlighted()
        result = self.board.results.get(exercise.name)
        graded = self.workspace is not None and result is not None
        self.query_one(ExerciseDetail).show(
            exercise, result, lang=self.lang, grading=exercise.name in self.grading,
            error=self.errors.get(exercise.name),
            hints_shown=self.hints_shown.get(exercise.name, 0),
            next_step=render_next(self.board, exercise.name, self.lang) if graded else "")

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show_detail()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.action_lesson()

    # --- actions ------------------------------------------------------------------------------

    def action_lesson(self) -> None:
        """The highlighted exercise's lesson: back to it if it is the screen below, else opened
        over this one (Esc there comes back here)."""
        from tutor.app.screens.lesson import LessonScreen
        from tutor.lessons.load import get
        from tutor.lessons.schema import LessonError

        lesson_id = self._highlighted().lesson
        stack = self.app.screen_stack
        below = stack[-2] if len(stack) > 1 else None
        if isinstance(below, LessonScreen) and below.lesson.id == lesson_id:
            self.dismiss()
            return
        try:
            lesson = get(lesson_id)
        except LessonError:
            return
        self.app.push_screen(LessonScreen(lesson, self.app.progress))  # type: ignore[attr-defined]

    def action_hint(self) -> None:
        exercise = self._highlighted()
        shown = self.hints_shown.get(exercise.name, 0)
        self.hints_shown[exercise.name] = min(shown + 1, len(exercise.hints))
        self._show_detail()

    def action_regrade(self) -> None:
        if self.workspace is not None:
            self._request(info.names())

    def action_back(self) -> None:
        self.dismiss()

    def select(self, exercise: str) -> None:
        """Highlight `exercise` (from a lesson's `e`)."""
        names = info.names()
        if exercise in names:
            self.query_one(ExerciseList).highlighted = names.index(exercise)

    # --- grading ------------------------------------------------------------------------------

    def _poll(self) -> None:
        if self.watcher is not None and (changed := self.watcher.poll()):
            self._request(changed)

    def _request(self, names: list[str]) -> None:
        """Grade `names` now, or after the round that is running."""
        self.pending.update(names)
        if not self.grading:
            self._start()

    def _start(self) -> None:
        self.grading = tuple(n for n in info.names() if n in self.pending)
        self.pending.clear()
        self._relabel(self.lang)
        self._grade(self.workspace, self.grading, self.lang)

    @work(thread=True, group="exercises-grade", exit_on_error=False)
    def _grade(self, workspace: Path, names: tuple[str, ...], lang: str) -> None:
        worker = get_current_worker()
        try:
            from grader.watch import grade

            graded: WorkspaceResult | None = grade(workspace, names, 0, lang)
            error = None
        except Exception as err:  # the grader failing must not end the app: say so
            graded, error = None, " ".join(str(err).split()) or type(err).__name__
        if not worker.is_cancelled:
            with suppress(RuntimeError):  # the app closed meanwhile
                self.app.call_from_thread(self._graded, names, graded, error)

    def _graded(self, names: tuple[str, ...], graded: WorkspaceResult | None,
                error: str | None) -> None:
        for name in names:
            self.errors.pop(name, None)
            if error is not None:
                self.errors[name] = error
        if graded is not None:
            self.board.update(graded)
        self.grading = ()
        self.rounds += 1
        if self.first is None and self.rounds == 1 and (step := self.board.next_step()):
            self.select(step.name)  # opened without a choice: on the first unfinished one
        if self.pending:
            self._start()
        elif self.is_mounted:
            self._relabel(self.lang)


def open_exercises(app: App) -> None:
    """The app's `e`: the Exercises screen, on the exercise of the lesson being read. From a
    lesson opened on the Exercises screen, back to that screen rather than a second one."""
    from tutor.app.screens.lesson import LessonScreen

    screen = app.screen
    if isinstance(screen, ExercisesScreen):
        return
    lesson = screen.lesson.id if isinstance(screen, LessonScreen) else None
    exercise = next((e.name for e in info.exercises() if e.lesson == lesson), None)
    stack = app.screen_stack
    below = stack[-2] if len(stack) > 1 else None
    if isinstance(below, ExercisesScreen):
        app.pop_screen()
        if exercise is not None:
            below.select(exercise)
        return
    app.push_screen(ExercisesScreen(exercise=exercise))
