"""`TutorApp`: the lesson map first, lessons over it, help and the playground on keys.

The app owns the two things every screen shares: the progress store (used from this UI thread
only; workers post messages instead) and the language, a reactive every screen and widget with
text watches, so a switch re-renders everything visible. Once the first screen is drawn, a
background thread compiles or loads the numeric kernels (and imports SymPy for the checker) while
the learner reads, so no plot and no answer waits for them later.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import suppress
from threading import Thread
from typing import ClassVar, TypeVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.reactive import reactive
from textual.screen import Screen

from tutor.app.commands import LessonCommands
from tutor.app.messages import LessonChosen
from tutor.app.screens.help import HelpScreen
from tutor.app.screens.lesson import LessonScreen
from tutor.app.screens.lesson_map import LessonMapScreen
from tutor.i18n import LANGS, t
from tutor.lessons.load import get
from tutor.progress import Progress, ProgressError

T = TypeVar("T")
THEMES = ("textual-dark", "textual-light")


class TutorApp(App[None]):
    """The tutor. `warm_engine=False` skips the kernel warm-up (tests, snapshots)."""

    CSS_PATH = "app.tcss"
    TITLE = "tutor"
    COMMANDS = App.COMMANDS | {LessonCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "app.key.quit"),
        Binding("question_mark", "help", "app.key.help", key_display="?"),
        Binding("l", "toggle_lang", "app.key.lang"),
        Binding("t", "toggle_dark", "app.key.theme", show=False),
        Binding("p", "playground", "app.key.playground"),
        Binding("e", "exercises", "exercises.key.open", show=False),
        Binding("ctrl+p", "command_palette", "app.key.palette", priority=True),
    ]

    lang: reactive[str] = reactive("en", init=False)

    def __init__(self, progress: Progress, lang: str = "en", *, warm_engine: bool = True) -> None:
        super().__init__()
        self.progress = progress
        self.warm_engine = warm_engine
        self.set_reactive(TutorApp.lang, lang if lang in LANGS else "en")
        saved_theme = progress.setting("theme")
        if saved_theme in THEMES:
            self.theme = saved_theme

    def get_default_screen(self) -> Screen:
        return LessonMapScreen(self.progress)

    def on_mount(self) -> None:
        if self.warm_engine:
            self.call_after_refresh(self._warm)

    def write(self, method: Callable[..., T], *args: object) -> T | None:
        """Call a progress store method; a store that fails says so in a notification (the
        learner keeps the screen) instead of ending the app with a traceback."""
        try:
            return method(*args)
        except ProgressError as err:
            self.notify(err.message(self.lang), severity="error", timeout=10, markup=False)
            return None

    # --- language and theme -------------------------------------------------------------------

    def watch_lang(self, lang: str) -> None:
        self.write(self.progress.set_setting, "lang", lang)
        self.refresh_bindings()

    def watch_theme(self, theme: str) -> None:
        if theme in THEMES:
            self.write(self.progress.set_setting, "theme", theme)

    def action_toggle_lang(self) -> None:
        self.lang = "ko" if self.lang == "en" else "en"

    # --- screens ------------------------------------------------------------------------------

    async def on_lesson_chosen(self, message: LessonChosen) -> None:
        """Open a lesson over the map (from the palette, whatever screen was on top)."""
        while len(self.screen_stack) > 1:
            await self.pop_screen()
        await self.push_screen(LessonScreen(get(message.lesson_id), self.progress))

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_playground(self) -> None:
        from tutor.app.screens.playground import PlaygroundScreen

        if not isinstance(self.screen, PlaygroundScreen):
            self.push_screen(PlaygroundScreen())

    def action_exercises(self) -> None:
        from tutor.app.screens.exercises import open_exercises

        open_exercises(self)

    async def action_lesson_map(self) -> None:
        while len(self.screen_stack) > 1:
            await self.pop_screen()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The palette's own commands, in the learner's language (the lessons come from
        LessonCommands)."""
        lang = self.lang
        for name, action in (("map", self.action_lesson_map),
                             ("playground", self.action_playground),
                             ("lang", self.action_toggle_lang),
                             ("theme", self.action_toggle_dark),
                             ("help", self.action_help),
                             ("quit", self.action_quit)):
            yield SystemCommand(t(f"app.command.{name}", lang),
                                t(f"app.command.{name}_help", lang), action)
        yield SystemCommand(t("exercises.command", lang), t("exercises.command_help", lang),
                            self.action_exercises)

    # --- warming the engine -------------------------------------------------------------------

    def _warm(self) -> None:
        """Start the warm-up in a daemon thread, not a Textual thread worker: those run in
        asyncio's default executor, which the app waits for on exit, so `q` during a first
        compile (about 20 s) would hang. A daemon thread ends with the app; numba writes each
        cache file whole (to a temporary name, then renamed), so stopping it loses no more than
        the kernel being compiled."""
        self.notify(t("app.warming", self.lang), timeout=600, markup=False)
        Thread(target=self._warm_engine, name="tutor-warm", daemon=True).start()

    def _warm_engine(self) -> None:
        """Load SymPy for the checker, then compile or load every numeric kernel."""
        error = None
        try:
            import tutor.mathcheck  # noqa: F401  (the import is the point: SymPy loads here)
            from tutor.engine.warm import warm

            warm()
        except Exception as err:  # a warm-up that fails must not end the app: plots will say
            error = " ".join(str(err).split()) or type(err).__name__
        with suppress(RuntimeError):  # the app closed meanwhile: nobody to tell
            self.call_from_thread(self._warmed, error)

    def _warmed(self, error: str | None) -> None:
        self.clear_notifications()
        if error is not None:
            self.notify(t("app.warm_failed", self.lang, error=error), severity="warning",
                        timeout=10, markup=False)
