"""A plot step: its caption, and the plot `PlotView` draws from the engine's numbers."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from tutor.lessons.schema import Plot


class PlotStep(Vertical):
    """The caption, in the learner's language, above the plot."""

    def __init__(self, step: Plot, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.step = step

    def compose(self) -> ComposeResult:
        # Imported here, not at the top: plot_view loads the numeric engine (numba), which the
        # app's first screen must not wait for; by the first plot the warm-up has loaded it.
        from tutor.app.widgets.plot_view import PlotView

        lang = self.app.lang
        yield Static(self.step.caption.get(lang), markup=False, classes="caption")
        yield PlotView(self.step, lang)

    def on_mount(self) -> None:
        self.watch(self.app, "lang", self._relabel, init=False)

    def _relabel(self, lang: str) -> None:
        from tutor.app.widgets.plot_view import PlotView

        self.query_one(".caption", Static).update(self.step.caption.get(lang))
        self.query_one(PlotView).set_lang(lang)
