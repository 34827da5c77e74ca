"""The optimizer playground: race optimizers on a zoo function and compare them.

The form (left) holds the settings; the map, the scoreboard and the loss curves (right) show the
last race. Every race runs in one worker thread (engine numbers never touch the UI thread, not
even a first JIT compile); a newer race replaces one still running. The screen only wires
messages: the form asks for a race, the map reports a moved start, the worker hands back a Race.
It opens on a race that is worth watching (presets in widgets/playground_presets.toml).
"""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.reactive import Reactive
from textual.screen import Screen
from textual.widgets import Header
from textual.worker import get_current_worker

from tutor.app.widgets.footer import LocalizedFooter
from tutor.app.widgets.playground_form import PlaygroundForm
from tutor.app.widgets.playground_loss import PlaygroundLoss
from tutor.app.widgets.playground_map import PlaygroundMap
from tutor.app.widgets.race_model import Race, RaceSettings, run_race
from tutor.app.widgets.race_table import RaceTable
from tutor.i18n import t


class PlaygroundScreen(Screen):
    """Pick a function, optimizers, hyperparameters, a start and steps; watch them race."""

    CSS_PATH = "playground.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "run", "playground.key.run"),
        Binding("escape", "back", "playground.key.back"),
    ]
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-narrow"), (100, "-wide")]
    VERTICAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-short"), (34, "-tall")]

    def __init__(self) -> None:
        super().__init__()
        self.race: Race | None = None  # the last race shown

    @property
    def lang(self) -> str:
        return str(getattr(self.app, "lang", "en"))

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="playground"):
            yield PlaygroundForm(self.lang, id="form")
            with VerticalScroll(id="results"):
                yield PlaygroundMap(self.lang, id="map")
                yield RaceTable(self.lang, id="table")
                yield PlaygroundLoss(self.lang, id="loss")
        yield LocalizedFooter()

    def on_mount(self) -> None:
        if isinstance(getattr(type(self.app), "lang", None), Reactive):
            self.watch(self.app, "lang", self._relabel, init=False)
        self.sub_title = t("playground.title", self.lang)
        self.query_one(PlaygroundMap).focus()  # arrows move the start, `r` runs: ready to play
        self.query_one(PlaygroundForm).request_run()

    def _relabel(self, lang: str) -> None:
        self.sub_title = t("playground.title", lang)
        self.query_one(PlaygroundForm).set_lang(lang)
        self.query_one(PlaygroundMap).set_lang(lang)
        self.query_one(RaceTable).set_lang(lang)
        self.query_one(PlaygroundLoss).set_lang(lang)

    # --- actions ------------------------------------------------------------------------------

    def action_run(self) -> None:
        self.query_one(PlaygroundForm).request_run()

    def action_back(self) -> None:
        self.dismiss()

    # --- messages -----------------------------------------------------------------------------

    @on(PlaygroundForm.RunRequested)
    def _run_requested(self, message: PlaygroundForm.RunRequested) -> None:
        settings = message.settings
        board = self.query_one(PlaygroundMap)
        board.set_start(settings.function, settings.start)
        board.computing()
        self._race(settings)

    @on(PlaygroundForm.FunctionChanged)
    def _function_changed(self, _message: PlaygroundForm.FunctionChanged) -> None:
        self.query_one(PlaygroundForm).request_run()

    @on(PlaygroundForm.StartChanged)
    def _start_typed(self, message: PlaygroundForm.StartChanged) -> None:
        self.query_one(PlaygroundMap).set_start(message.function, message.point)

    @on(PlaygroundMap.StartMoved)
    def _start_moved(self, message: PlaygroundMap.StartMoved) -> None:
        form = self.query_one(PlaygroundForm)
        form.set_start(message.point)
        form.request_run()

    # --- the race -----------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="race", exit_on_error=False)
    def _race(self, settings: RaceSettings) -> None:
        worker = get_current_worker()
        try:
            race = run_race(settings)
        except Exception as err:  # an engine failure is shown on the map, never a crash
            if not worker.is_cancelled:
                self.app.call_from_thread(self.query_one(PlaygroundMap).fail, err)
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self._show, race)

    def _show(self, race: Race) -> None:
        self.race = race
        self.query_one(PlaygroundMap).show_race(race)
        self.query_one(RaceTable).show(race.results)
        self.query_one(PlaygroundLoss).show_race(race)
