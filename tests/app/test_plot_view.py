"""PlotView draws every plot step of the real lessons, in a real Textual app, from a worker; says
"computing…" until then; shows an engine error as one line; marks a diverging run; relabels on a
language switch without recomputing; and puts 1-D runs side by side when there is room."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rich.text import Text
from textual.app import App, ComposeResult
from textual.pilot import Pilot

from tutor.app.app import TutorApp
from tutor.app.widgets.plot_view import PlotView, compute, describe_runs
from tutor.lessons.load import lessons
from tutor.lessons.schema import Plot, RunSpec
from tutor.lessons.schema import Text as Words

PLOTS = [(lesson.id, i, step) for lesson in lessons() for i, step in enumerate(lesson.steps)
         if isinstance(step, Plot)]
CAPTION = Words(en="a caption", ko="설명")


class PlotApp(App[None]):
    """The smallest app that shows one plot."""

    def __init__(self, plot: Plot, lang: str = "en") -> None:
        super().__init__()
        self.plot = plot
        self.lang = lang

    def compose(self) -> ComposeResult:
        yield PlotView(self.plot, self.lang, id="plot")


async def drawn(pilot: Pilot) -> PlotView:
    """The plot once its worker has finished and its numbers reached the screen."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    return pilot.app.query_one(PlotView)


def plot_of(kind: str, function: str, *runs: RunSpec, at: tuple[float, ...] = ()) -> Plot:
    return Plot(kind="plot", caption=CAPTION, type=kind, function=function, runs=runs, at=at)


def test_the_lessons_use_every_plot_type_but_the_bare_curve() -> None:
    assert {step.type for *_, step in PLOTS} >= {"tangent", "paths", "contour", "loss"}


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize(("lesson_id", "index", "plot"), PLOTS,
                         ids=[f"{lid}/{i}" for lid, i, _ in PLOTS])
async def test_lesson_plot_draws(lesson_id: str, index: int, plot: Plot, lang: str) -> None:
    app = PlotApp(plot, lang)
    async with app.run_test(size=(100, 30)) as pilot:
        view = await drawn(pilot)
        assert view.error is None, view.error
        assert view.figure is not None and not view.waiting
        assert len(view.figure.trajectories) == len(plot.runs)
        assert view.border_title and "computing" not in view.border_title
        assert "**" not in view.border_title  # formulas as a reader writes them
        assert "┌" in view.plt.build()  # plotext built a framed figure
        rendered = view.render()
        assert not isinstance(rendered, Text) or "could not" not in rendered.plain
        for spec in plot.runs:
            label = spec.label.get(lang) if spec.label else describe_runs((spec,))[0]
            assert label.split()[0] in view.border_subtitle


async def test_a_bare_curve_draws() -> None:
    app = PlotApp(plot_of("curve", "xsinx"))
    async with app.run_test(size=(80, 24)) as pilot:
        view = await drawn(pilot)
        assert view.error is None and view.border_title == "xsinx: x·sin(x)"


async def test_computing_state_shows_before_the_numbers_arrive() -> None:
    app = PlotApp(next(step for *_, step in PLOTS if step.type == "contour"))
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.query_one(PlotView)
        if view.figure is None:  # a warm machine may already be done
            assert view.waiting and "computing" in str(view.render())
        await drawn(pilot)
        assert view.figure is not None and "computing" not in str(view.border_title)


async def test_an_engine_error_is_one_line_in_the_plot_not_a_crash() -> None:
    app = PlotApp(plot_of("paths", "quadratic", RunSpec("gd", "quadratic", (1.0, 2.0), 5)))
    async with app.run_test(size=(80, 24)) as pilot:
        view = await drawn(pilot)
        assert view.error is not None and "coordinate" in view.error
        assert view.has_class("-failed")
        message = view.render()
        assert isinstance(message, Text) and "\n" not in message.plain
        assert message.plain.startswith("This plot could not be drawn: quadratic takes 1")


async def test_a_diverging_run_is_drawn_and_marked() -> None:
    app = PlotApp(plot_of("paths", "quadratic",
                          RunSpec("gd", "quadratic", (4.0,), 3000, {"lr": 1.5})))
    async with app.run_test(size=(80, 24)) as pilot:
        view = await drawn(pilot)
        assert view.error is None
        assert view.figure is not None and view.figure.trajectories[0].diverged
        assert "(diverged)" in view.border_subtitle
        assert "!" in view.plt.build()  # the last finite point, marked at the window's edge


async def test_language_switch_relabels_without_recomputing() -> None:
    plot = next(step for *_, step in PLOTS if step.runs and step.runs[0].label
                and step.runs[0].label.en != step.runs[0].label.ko)
    app = PlotApp(plot)
    async with app.run_test(size=(100, 30)) as pilot:
        view = await drawn(pilot)
        figure = view.figure
        assert plot.runs[0].label.en in view.border_subtitle
        view.set_lang("ko")
        await pilot.pause()
        assert view.figure is figure
        assert plot.runs[0].label.ko in view.border_subtitle


@pytest.mark.parametrize(("width", "panels"), [(80, 1), (120, 3)])
async def test_side_by_side_only_when_each_run_has_room(width: int, panels: int) -> None:
    plot = next(step for *_, step in PLOTS if step.type == "paths" and len(step.runs) == 3
                and compute(step).function.dim == 1)
    app = PlotApp(plot)
    async with app.run_test(size=(width, 24)) as pilot:
        view = await drawn(pilot)
        top = view.plt.build().splitlines()[:2]  # subplot titles, if any, come first
        assert max(line.count("┌") for line in top) == panels


def test_runs_without_labels_are_named_by_optimizer_and_hyperparameters() -> None:
    runs = (RunSpec("gd", "xsinx", (2.5,), 20, {"lr": 0.25}),
            RunSpec("gd", "xsinx", (1.5,), 20, {"lr": 0.25}))
    assert describe_runs(runs) == ["gd lr=0.25 x₀=2.5", "gd lr=0.25 x₀=1.5"]
    assert describe_runs(runs[:1]) == ["gd lr=0.25"]
    batches = (RunSpec("gd", "linreg", (0.0, 0.0), 9, {}, batch_size=1),
               RunSpec("gd", "linreg", (0.0, 0.0), 9, {}, batch_size=7))
    assert describe_runs(batches) == ["gd B=1", "gd B=7"]


async def test_refreshes_reuse_the_built_picture_until_size_or_theme_change() -> None:
    app = PlotApp(next(step for *_, step in PLOTS if step.type == "contour"))
    async with app.run_test(size=(80, 24)) as pilot:
        view = await drawn(pilot)
        builds = []
        build = view.plt.build
        view.plt.build = lambda: builds.append(1) or build()  # type: ignore[method-assign]
        for _ in range(3):
            view.refresh()
            view.border_title = "another title"
            await pilot.pause()
        assert builds == []
        await pilot.resize_terminal(90, 26)
        await pilot.pause()
        assert len(builds) == 1
        app.theme = "textual-light"
        await pilot.pause()
        assert len(builds) == 2


async def test_the_apps_language_switch_reaches_the_plot(
        make_app: Callable[..., TutorApp]) -> None:
    """In TutorApp, `lang` is reactive: a plot follows it without being told."""
    plot = next(step for *_, step in PLOTS if step.runs and step.runs[0].label
                and step.runs[0].label.en != step.runs[0].label.ko)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        view = PlotView(plot, app.lang)
        await app.screen.mount(view)
        view = await drawn(pilot)
        app.lang = "ko"
        await pilot.pause()
        assert plot.runs[0].label.ko in view.border_subtitle
