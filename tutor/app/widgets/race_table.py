"""The race's scoreboard: per optimizer, the final loss, the steps it took to come within the
tolerance of the lowest known minimum ("—" if it never did) and whether it diverged."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import DataTable

from tutor import plots
from tutor.app.widgets.playground_form import optimizer_color
from tutor.app.widgets.race_model import TOLERANCE, Result
from tutor.i18n import t

COLUMNS = ("optimizer", "final_loss", "steps", "diverged")


class RaceTable(DataTable[Text]):
    """One row per optimizer of the last race, keyed by the optimizer's name."""

    def __init__(self, lang: str = "en", **kwargs: Any) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.lang = lang
        self.results: tuple[Result, ...] = ()

    def on_mount(self) -> None:
        self._fill()

    def show(self, results: tuple[Result, ...]) -> None:
        self.results = results
        self._fill()

    def set_lang(self, lang: str) -> None:
        self.lang = lang
        self._fill()

    def _fill(self) -> None:
        lang = self.lang
        self.clear(columns=True)
        tol = f"{TOLERANCE:.0e}".replace("e-0", "e-")
        for key in COLUMNS:
            self.add_column(t(f"playground.column.{key}", lang, tol=tol), key=key)
        for r in self.results:
            steps = (t("playground.never", lang) if r.steps_to_tolerance is None
                     else str(r.steps_to_tolerance))
            diverged = (Text(t("playground.yes", lang), style="bold red") if r.diverged
                        else Text(t("playground.no", lang)))
            name = Text(r.optimizer, style=f"bold {plots.hex_color(optimizer_color(r.optimizer))}")
            self.add_row(name, Text(f"{r.final_loss:.4g}", justify="right"),
                         Text(steps, justify="right"), diverged, key=r.optimizer)
