"""The playground's loss curves: every optimizer's loss against step, in its own colour, on a log
scale when the losses span decades (a race on Rosenbrock runs from 24 down to 1e-8)."""

from __future__ import annotations

from typing import Any

from tutor import plots
from tutor.app.widgets.playground_form import optimizer_color
from tutor.app.widgets.plot_view import SafePlot, function_title, legend
from tutor.app.widgets.race_model import Race
from tutor.engine import zoo
from tutor.i18n import t


class PlaygroundLoss(SafePlot):
    """Loss against step for the last race."""

    def __init__(self, lang: str = "en", **kwargs: Any) -> None:
        super().__init__(lang, **kwargs)
        self.race: Race | None = None

    def show_race(self, race: Race) -> None:
        self.race = race
        self._draw()

    def set_lang(self, lang: str) -> None:
        self.lang = lang
        self._draw()
        self.refresh()

    def _draw(self) -> None:
        race = self.race
        if race is None:
            return
        fn = zoo.get(race.settings.function)
        self.border_title = t("plot.loss_title", self.lang, function=function_title(fn, self.lang))
        self.border_subtitle = legend([
            (optimizer_color(r.optimizer),
             f"{r.label} ({t('plot.diverged', self.lang)})" if r.diverged else r.label)
            for r in race.results])
        colors = [optimizer_color(r.optimizer) for r in race.results]
        plots.render(self.plt, [plots.loss_panel([r.trajectory for r in race.results], colors)])
        self.drawn()
