"""A lesson's plot step drawn in the terminal from the engine's numbers.

On mount the widget says "computing…" and a worker thread runs the plot's engine runs and samples
its function (the first run of a session may load or even compile kernels, so this must never
happen on the UI thread); the UI thread then only arranges those numbers into plotext panels
(tutor/plots.py), again on a resize or a change of language.

Titles and legends are drawn by Textual in the widget's border, not by plotext: plotext counts a
Korean character as one cell and would break its own frame. Inside the plot, axes are named with
symbols (x, f(x), t, f) that read the same in every language.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from rich.cells import cell_len
from rich.console import RenderableType
from rich.text import Text
from textual import work
from textual.events import Resize
from textual.markup import escape
from textual.reactive import Reactive
from textual.worker import get_current_worker
from textual_plotext import PlotextPlot

from tutor import plots
from tutor.engine import zoo
from tutor.i18n import t
from tutor.lessons.schema import Plot, RunSpec

if TYPE_CHECKING:
    from tutor.engine.run import Trajectory

MIN_PANEL_WIDTH = 30  # columns each run needs to get a panel of its own


@dataclass(frozen=True)
class Figure:
    """The numbers behind one plot step, computed off the UI thread."""

    function: zoo.ZooFunction
    trajectories: tuple[Trajectory, ...]
    sample: plots.Sample | None  # None for a loss plot, which draws no function
    tangents: tuple[plots.Tangent, ...] = ()


def run_spec(spec: RunSpec) -> Trajectory:
    """A lesson's run, exactly as `tutor run` computes it."""
    from tutor.engine.run import run, run_minibatch  # numba loads here, in the worker

    if spec.batch_size is not None:
        return run_minibatch(spec.optimizer, spec.function, spec.start, spec.steps,
                             spec.batch_size, spec.seed, spec.hyper)
    return run(spec.optimizer, spec.function, spec.start, spec.steps, spec.hyper)


def compute(plot: Plot) -> Figure:
    """Run the plot's engine runs and sample its function (calls kernels: use a worker)."""
    fn = zoo.get(plot.function)
    trajectories = tuple(run_spec(spec) for spec in plot.runs)
    if plot.type == "loss":
        return Figure(fn, trajectories, None)
    tangents = tuple(plots.tangent(fn, at) for at in plot.at) if plot.type == "tangent" else ()
    if plot.window is not None:
        limits = [tuple(w) for w in plot.window]
    else:
        paths = [tr.points for tr in trajectories]
        if tangents:
            paths.append(np.array(plot.at).reshape(-1, 1))
        limits = plots.window(fn.box, paths)
    return Figure(fn, trajectories, plots.sample(fn, limits), tangents)


def _number(value: float | bool) -> str:
    return str(value).lower() if isinstance(value, bool) else f"{value:g}"


def describe_runs(runs: tuple[RunSpec, ...]) -> list[str]:
    """Names for runs in symbols and torch.optim's words, the same in every language: the
    optimizer and the hyperparameters set, then the start or batch size where runs differ."""
    starts_differ = len({r.start for r in runs}) > 1
    batches_differ = len({r.batch_size for r in runs}) > 1
    names = []
    for r in runs:
        parts = [r.optimizer, *(f"{k}={_number(v)}" for k, v in r.hyper.items())]
        if starts_differ:
            parts.append("x₀=" + ",".join(_number(v) for v in r.start))
        if batches_differ and r.batch_size is not None:
            parts.append(f"B={r.batch_size}")
        names.append(" ".join(parts))
    return names


def function_title(fn: zoo.ZooFunction, lang: str) -> str:
    """`quadratic: x² − 4x + 6`; a data-defined loss says what it averages."""
    if fn.sample_expression is not None:
        expression = t("plot.mean_over", lang, n=fn.n_samples,
                       expression=plots.pretty(fn.sample_expression))
    else:
        expression = plots.pretty(fn.expression)
    return t("plot.function_title", lang, name=fn.name, expression=expression)


def legend(entries: list[tuple[plots.RGB, str]]) -> str:
    """Textual markup: a coloured bar before each label."""
    return "  ".join(f"[{plots.hex_color(c)}]━━[/] {escape(label)}" for c, label in entries)


class SafePlot(PlotextPlot):
    """A plotext plot that says "computing…" until its numbers arrive, shows one line in place
    of the plot when they could not be computed, and never lets a plotext error end the app.

    plotext builds in pure Python (tens of milliseconds for a contour map with paths), and
    textual-plotext builds again on every refresh, a focus change or a new border title
    included; the built picture is kept until the figure, the size or the theme changes.
    """

    def __init__(self, lang: str = "en", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.lang = lang
        self.waiting = True  # nothing drawn yet: the numbers are being computed
        self.error: str | None = None  # why the plot could not be computed or drawn
        self._figure_version = 0
        self._built: tuple[tuple[object, ...], RenderableType] | None = None

    def fail(self, err: Exception) -> None:
        """Show `err` in one line where the plot would be."""
        self.error = " ".join(str(err).split()) or type(err).__name__
        self.add_class("-failed")
        self.refresh()

    def drawn(self) -> None:
        """The figure on `self.plt` is complete: show it."""
        self.waiting = False
        self.error = None
        self._figure_version += 1
        self.remove_class("-failed")
        self.refresh()

    def render(self) -> RenderableType:
        if self.error is not None:
            return Text(t("plot.failed", self.lang, error=self.error), justify="center")
        if self.waiting:
            return Text(t("plot.computing", self.lang), justify="center")
        key = (self._figure_version, self.size, self.app.theme, self.theme)
        if self._built is None or self._built[0] != key:
            try:
                self._built = (key, super().render())
            except Exception as err:  # plotext on unusual data: a message, never a crash
                self.error = " ".join(str(err).split()) or type(err).__name__
                return Text(t("plot.failed", self.lang, error=self.error), justify="center")
        return self._built[1]


class PlotView(SafePlot):
    """One plot step (curve, tangent, paths, contour or loss), computed in a worker thread."""

    DEFAULT_CSS = Path(__file__).with_suffix(".tcss").read_text(encoding="utf-8")

    def __init__(self, plot: Plot, lang: str = "en", **kwargs: Any) -> None:
        super().__init__(lang, **kwargs)
        self.spec = plot
        self.figure: Figure | None = None
        self._drawn_side_by_side = False

    def on_mount(self) -> None:
        self.border_title = t("plot.computing", self.lang)
        if isinstance(getattr(type(self.app), "lang", None), Reactive):  # TutorApp's language
            self.watch(self.app, "lang", self.set_lang, init=False)
        self._compute()

    @work(thread=True, exclusive=True, group="plot", exit_on_error=False)
    def _compute(self) -> None:
        worker = get_current_worker()
        try:
            figure = compute(self.spec)
        except Exception as err:  # a plot must never take the app down: say so in its place
            if not worker.is_cancelled:
                self.app.call_from_thread(self._failed, err)
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self._show, figure)

    def _failed(self, err: Exception) -> None:
        self.border_title = ""
        self.fail(err)

    def _show(self, figure: Figure) -> None:
        self.figure = figure
        self._draw()

    def set_lang(self, lang: str) -> None:
        """Show every text in `lang` (the numbers are kept, nothing is recomputed)."""
        self.lang = lang
        if self.figure is not None:
            self._draw()
        elif self.error is None:
            self.border_title = t("plot.computing", lang)
        self.refresh()

    def on_resize(self, _event: Resize) -> None:
        """plotext fits the figure to the new size by itself; only a change between one panel
        and side-by-side panels needs the figure drawn anew."""
        if self.figure is not None and self._side_by_side() != self._drawn_side_by_side:
            self._draw()

    def _labels(self) -> list[str]:
        names = describe_runs(self.spec.runs)
        return [spec.label.get(self.lang) if spec.label else name
                for spec, name in zip(self.spec.runs, names, strict=True)]

    def _side_by_side(self) -> bool:
        """1-D paths of several runs get a panel each, when each panel gets room enough."""
        assert self.figure is not None
        n = len(self.figure.trajectories)
        return (self.spec.type == "paths" and self.figure.function.dim == 1 and n > 1
                and self.size.width // n >= MIN_PANEL_WIDTH)

    def _draw(self) -> None:
        figure = self.figure
        assert figure is not None
        labels = self._labels()
        fn = figure.function
        if figure.sample is None:
            panels = [plots.loss_panel(figure.trajectories)]
            self.border_title = t("plot.loss_title", self.lang, function=function_title(
                fn, self.lang))
        elif self._side_by_side():
            self._drawn_side_by_side = True
            names = describe_runs(self.spec.runs)
            panels = [plots.function_panel(fn, figure.sample, [trajectory],
                                           colors=[plots.color(i)],
                                           title=label if cell_len(label) == len(label)
                                           else names[i])
                      for i, (trajectory, label) in enumerate(
                          zip(figure.trajectories, labels, strict=True))]
            self.border_title = function_title(fn, self.lang)
        else:
            self._drawn_side_by_side = False
            panels = [plots.function_panel(fn, figure.sample, figure.trajectories,
                                           tangents=figure.tangents)]
            self.border_title = function_title(fn, self.lang)
        entries = [(plots.color(i), t("plot.tangent", self.lang, x=f"{line.at:g}",
                                      slope=f"{line.slope:.3g}"))
                   for i, line in enumerate(figure.tangents)]
        for i, (trajectory, label) in enumerate(zip(figure.trajectories, labels, strict=True)):
            if trajectory.diverged:
                label = f"{label} ({t('plot.diverged', self.lang)})"
            entries.append((plots.color(len(figure.tangents) + i), label))
        self.border_subtitle = legend(entries)
        plots.render(self.plt, panels)
        self.drawn()
