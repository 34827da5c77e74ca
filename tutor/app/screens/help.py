"""Help, over whatever screen it was opened on: the keys and how to type mathematics."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Markdown, Static

from tutor.i18n import t


class HelpScreen(ModalScreen[None]):
    """A dialog closed with Esc, `?` or its button."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "help.close"),
        Binding("question_mark", "close", "help.close", show=False),
    ]

    def compose(self) -> ComposeResult:
        lang = self.app.lang
        with Vertical(id="dialog"):
            yield Static(t("help.title", lang), id="help-title", markup=False)
            with VerticalScroll():
                yield Markdown(t("help.body", lang))
            yield Button(t("help.close", lang), id="close", compact=True)

    def on_mount(self) -> None:
        self.watch(self.app, "lang", self._relabel, init=False)
        self.query_one(VerticalScroll).focus()

    def _relabel(self, lang: str) -> None:
        self.query_one("#help-title", Static).update(t("help.title", lang))
        self.query_one(Markdown).update(t("help.body", lang))
        self.query_one("#close", Button).label = t("help.close", lang)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss()

    def action_close(self) -> None:
        self.dismiss()
