"""The playground's controls: a zoo function, optimizers with their hyperparameters, the start
and the number of steps.

The form reads and checks every field with race_model's parsers each time one changes, marks a
field it cannot read and says why in one line; it posts `RunRequested` with settings it has
already validated, so whoever runs the race never sees bad input. It talks to the screen only
through its messages and the two setters `set_start` and `set_lang`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, SelectionList, Static
from textual.widgets.selection_list import Selection

from tutor import plots
from tutor.app.widgets.race_model import (
    RaceSettings,
    SettingsError,
    format_point,
    optimizers,
    parse_hyper,
    parse_start,
    parse_steps,
    presets,
)
from tutor.engine import zoo
from tutor.i18n import t

T = TypeVar("T")

def optimizer_color(name: str) -> plots.RGB:
    """Each optimizer keeps one colour everywhere: in this list, on the map, in the table."""
    return plots.color(optimizers().index(name))


def swatch(name: str) -> Text:
    """A coloured bar and the optimizer's name."""
    return Text.assemble(("━━ ", plots.hex_color(optimizer_color(name))), name)


class PlaygroundForm(VerticalScroll):
    """The race's settings, checked as they are typed."""

    class RunRequested(Message):
        """The learner asked for a race, and every field reads."""

        def __init__(self, settings: RaceSettings) -> None:
            super().__init__()
            self.settings = settings

    class StartChanged(Message):
        """A start that reads was typed (the map moves its marker; nothing runs yet)."""

        def __init__(self, function: str, point: tuple[float, ...]) -> None:
            super().__init__()
            self.function = function
            self.point = point

    class FunctionChanged(Message):
        """Another zoo function was chosen; the start field already holds its preset start."""

        def __init__(self, function: str) -> None:
            super().__init__()
            self.function = function

    def __init__(self, lang: str = "en", **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.lang = lang

    def compose(self) -> ComposeResult:
        opening = presets()["open"]
        yield Label(id="function-label", classes="heading")
        yield Select([(name, name) for name in zoo.names()], value=opening["function"],
                     allow_blank=False, compact=True, id="function")
        yield Label(id="optimizers-label", classes="heading")
        yield SelectionList[str](*(Selection(swatch(name), name, name in opening["optimizers"])
                                   for name in optimizers()), id="optimizers")
        yield Label(id="hyper-label", classes="heading")
        for name in optimizers():
            with Horizontal(id=f"row-{name}", classes="hyper-row"):
                yield Label(name, classes="hyper-name")
                yield Input(presets()["hyper"][name], compact=True, id=f"hyper-{name}",
                            classes="hyper")
        with Horizontal(classes="field-row"):
            yield Label(id="start-label", classes="field-label")
            yield Input(format_point(presets()["start"][opening["function"]]), compact=True,
                        id="start")
        with Horizontal(classes="field-row"):
            yield Label(id="steps-label", classes="field-label")
            yield Input(str(opening["steps"]), compact=True, id="steps", type="integer")
        yield Static(id="error", markup=False)
        yield Button("", id="run", compact=True, variant="primary")

    def on_mount(self) -> None:
        self._show_rows()
        self.set_lang(self.lang)

    # --- reading the fields -------------------------------------------------------------------

    @property
    def function(self) -> zoo.ZooFunction:
        return zoo.get(str(self.query_one("#function", Select).value))

    def selected(self) -> list[str]:
        """The ticked optimizers, in the engine's order."""
        ticked = set(self.query_one("#optimizers", SelectionList).selected)
        return [name for name in optimizers() if name in ticked]

    def settings(self) -> RaceSettings:
        """Every field read and checked; SettingsError names the first that cannot be read
        (and the field is marked)."""
        for field in self.query(Input):
            field.remove_class("-bad")
        fn = self.function
        chosen = self.selected()
        if not chosen:
            raise SettingsError("playground.error.none")
        entries = []
        for name in chosen:
            entries.append((name, self._read(f"#hyper-{name}",
                                             lambda text, name=name: parse_hyper(name, text))))
        start = self._read("#start", lambda text: parse_start(text, fn))
        steps = self._read("#steps", parse_steps)
        return RaceSettings(fn.name, tuple(entries), start, steps)

    def _read(self, selector: str, parse: Callable[[str], T]) -> T:
        field = self.query_one(selector, Input)
        try:
            return parse(field.value)
        except SettingsError:
            field.add_class("-bad")
            raise

    def check(self) -> RaceSettings | None:
        """The settings, or None after showing in one line why they cannot be read."""
        error = self.query_one("#error", Static)
        try:
            settings = self.settings()
        except SettingsError as err:
            error.update(t(err.key, self.lang, **err.fields))
            error.add_class("-shown")
            return None
        error.update("")
        error.remove_class("-shown")
        return settings

    def request_run(self) -> None:
        """Post RunRequested if every field reads; otherwise the message is already shown."""
        settings = self.check()
        if settings is not None:
            self.post_message(self.RunRequested(settings))

    # --- setters the screen uses ----------------------------------------------------------------

    def set_start(self, point: tuple[float, ...]) -> None:
        self.query_one("#start", Input).value = format_point(point)

    def set_lang(self, lang: str) -> None:
        self.lang = lang
        self.query_one("#function-label", Label).update(t("playground.function", lang))
        self.query_one("#optimizers-label", Label).update(t("playground.optimizers", lang))
        self.query_one("#hyper-label", Label).update(t("playground.hyper", lang))
        self._label_start()
        self.query_one("#steps-label", Label).update(t("playground.steps", lang))
        self.query_one("#run", Button).label = t("playground.run", lang)
        if self.query_one("#error", Static).has_class("-shown"):
            self.check()

    def _label_start(self) -> None:
        variables = ", ".join(self.function.variables)
        self.query_one("#start-label", Label).update(t("playground.start", self.lang,
                                                       variables=variables))

    def _show_rows(self) -> None:
        """Show the hyperparameter field of each ticked optimizer only."""
        chosen = set(self.selected())
        for name in optimizers():
            self.query_one(f"#row-{name}", Widget).display = name in chosen

    # --- events -------------------------------------------------------------------------------

    @on(Select.Changed, "#function")
    def _function_changed(self, event: Select.Changed) -> None:
        event.stop()
        fn = self.function
        self.set_start(tuple(presets()["start"].get(fn.name, [0.0] * fn.dim)))
        self._label_start()
        self.post_message(self.FunctionChanged(fn.name))

    @on(SelectionList.SelectedChanged, "#optimizers")
    def _optimizers_changed(self, event: SelectionList.SelectedChanged) -> None:
        event.stop()
        self._show_rows()
        self.check()

    @on(Input.Changed)
    def _field_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.check()
        if event.input.id == "start":
            fn = self.function
            try:
                point = parse_start(event.value, fn)
            except SettingsError:
                return
            self.post_message(self.StartChanged(fn.name, point))

    @on(Input.Submitted)
    def _field_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.request_run()

    @on(Button.Pressed, "#run")
    def _run_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.request_run()
