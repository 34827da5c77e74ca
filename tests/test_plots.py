"""The pure helpers behind every plot: level sets, windows, tangents, clipping, thinning, scales,
the click-to-point geometry, and that the pictures build with plotext as the CLI and app use it."""

from __future__ import annotations

import math

import numpy as np
import plotext
import pytest
from textual_plotext.plot import Plot

from tutor import plots
from tutor.engine import zoo
from tutor.engine.run import run


def test_level_crossings_find_the_circle() -> None:
    xs = ys = np.linspace(-2, 2, 81)
    z = xs[None, :] ** 2 + ys[:, None] ** 2
    cx, cy = plots.level_crossings(xs, ys, z, np.array([1.0]))
    radius = np.hypot(cx, cy)
    assert len(cx) > 40
    assert np.all(np.abs(radius - 1) <= 0.05 * 1.5)  # within a grid cell and a half
    # every quadrant of the circle is there
    assert {(bool(x > 0), bool(y > 0)) for x, y in zip(cx, cy, strict=True)} == {
        (True, True), (True, False), (False, True), (False, False)}
    none_x, _ = plots.level_crossings(xs, ys, z, np.array([100.0]))
    assert len(none_x) == 0


def test_contour_levels_are_increasing_and_inside_the_values() -> None:
    z = np.array([[0.0, 1.0], [10.0, np.inf]])
    levels = plots.contour_levels(z)
    assert np.all(np.diff(levels) > 0) and levels[0] >= 0 and levels[-1] <= 10


def test_window_widens_to_hold_paths_but_not_without_limit() -> None:
    box = [(-1.0, 5.0)]
    assert plots.window(box, []) == [pytest.approx((-1.12, 5.12))]
    lo, hi = plots.window(box, [np.array([[4.0], [-3.0], [2.0]])])[0]
    assert lo == pytest.approx(-3.0 - 0.02 * 8) and hi == pytest.approx(5.0 + 0.02 * 8)
    # a diverging path (1e300) grows the window by at most MAX_WIDEN box spans per side
    lo, hi = plots.window(box, [np.array([[1e300], [-1e300]])])[0]
    span = 6.0 * (1 + 2 * plots.MAX_WIDEN)
    assert lo == pytest.approx(-1.0 - 6 * plots.MAX_WIDEN - 0.02 * span)
    assert hi == pytest.approx(5.0 + 6 * plots.MAX_WIDEN + 0.02 * span)
    two = plots.window([(0.0, 1.0), (0.0, 1.0)], [np.array([[0.5, 2.0]])])
    assert two[0] == pytest.approx((-0.02, 1.02)) and two[1][1] == pytest.approx(2.04)


def test_tangent_line_values() -> None:
    fn = zoo.get("quadratic")  # x² − 4x + 6: f(3) = 3, f'(3) = 2
    line = plots.tangent(fn, 3.0)
    assert (line.at, line.value, line.slope) == (3.0, pytest.approx(3.0), pytest.approx(2.0))
    xs, ys = plots.tangent_segment(line, (-1.0, 5.0), (0.0, 7.0))
    assert xs == pytest.approx([1.5, 5.0]) and ys == pytest.approx([0.0, 7.0])
    assert plots.tangent(zoo.get("tanh"), 0.0).slope == pytest.approx(1.0)
    flat = plots.Tangent(2.0, 2.0, 0.0)
    assert plots.tangent_segment(flat, (-1.0, 5.0), (0.0, 7.0)) == ([-1.0, 5.0], [2.0, 2.0])
    assert plots.tangent_segment(flat, (-1.0, 5.0), (3.0, 7.0)) == ([], [])
    steep = plots.Tangent(0.0, 0.0, 100.0)  # leaves the window through the top and bottom
    xs, ys = plots.tangent_segment(steep, (-1.0, 1.0), (-1.0, 1.0))
    assert xs == pytest.approx([-0.01, 0.01]) and ys == pytest.approx([-1.0, 1.0])


def test_clip_polyline_cuts_at_the_edges() -> None:
    window = ((0.0, 1.0), (0.0, 1.0))
    inside = plots.clip_polyline([0.1, 0.5, 0.9], [0.1, 0.5, 0.2], *window)
    assert inside == [([0.1, 0.5, 0.9], [0.1, 0.5, 0.2])]
    # out through the right edge and back in: two pieces, each cut at the edge
    pieces = plots.clip_polyline([0.5, 1.5, 0.5], [0.5, 0.5, 0.9], *window)
    assert len(pieces) == 2
    assert pieces[0] == ([0.5, 1.0], [0.5, 0.5])
    assert pieces[1][0] == pytest.approx([1.0, 0.5])
    assert pieces[1][1] == pytest.approx([0.7, 0.9])
    # a jump to 1e300 ends at the edge instead of at 1e300
    (xs, ys), = plots.clip_polyline([0.5, 1e300], [0.5, 0.5], *window)
    assert xs == [0.5, 1.0] and ys == [0.5, 0.5]
    assert plots.clip_polyline([2.0, 3.0], [2.0, 3.0], *window) == []
    assert plots.clip_polyline([0.5], [0.5], *window) == [([0.5], [0.5])]


def test_thin_keeps_the_ends() -> None:
    assert plots.thin(5, 10).tolist() == [0, 1, 2, 3, 4]
    kept = plots.thin(20001, 1000)
    assert len(kept) <= 1000 and kept[0] == 0 and kept[-1] == 20000
    assert np.all(np.diff(kept) > 0)


def test_loss_scale_and_log_ticks() -> None:
    assert plots.loss_scale([np.array([24.0, 1e-8])]) == "log"
    assert plots.loss_scale([np.array([4.0, 0.02])]) == "linear"  # under three decades
    assert plots.loss_scale([np.array([1.0, 0.0, 1e-9])]) == "linear"  # a zero has no log
    assert plots.loss_scale([np.array([-1.0, 5.0])]) == "linear"
    positions, labels = plots.log_ticks(-8.2, 1.4)
    assert positions == [-8.0, -6.0, -4.0, -2.0, 0.0] and labels[0] == "10⁻⁸"
    assert labels[-1] == "10⁰"
    assert plots.log_ticks(-28.6, 1.0)[1] == ["10⁻²⁵", "10⁻²⁰", "10⁻¹⁵", "10⁻¹⁰", "10⁻⁵",
                                              "10⁰"]
    assert plots.log_ticks(0.2, 0.4) == ([0.0], ["10⁰"])


def test_pretty_expressions() -> None:
    assert plots.pretty("x**2 - 4*x + 6") == "x² − 4x + 6"
    assert plots.pretty("(1 - x)**2 + 100*(y - x**2)**2") == "(1 − x)² + 100(y − x²)²"
    assert plots.pretty("x*cos(pi*x) + 0.2*cos(5*pi*x)") == "x·cos(πx) + 0.2cos(5πx)"
    assert plots.pretty("0.1*x**2 + 2*y**2") == "0.1x² + 2y²"
    assert plots.pretty("-x**3") == "−x³"
    assert "**" not in plots.pretty("(x**2 + y - 11)**2 + (x + y**2 - 7)**2")


def test_canvas_round_trip_of_a_built_figure() -> None:
    plt = Plot()
    plt.plotsize(60, 20)
    plt.scatter([0.37], [2.2], marker="@")
    plt.xlim(-1, 4)
    plt.ylim(-2, 10)
    plt.xlabel("x")
    plt.ylabel("y")
    assert plots.canvas(plt) is None  # nothing built yet
    lines = plotext.uncolorize(plt.build()).splitlines()
    area = plots.canvas(plt)
    assert area is not None and area.xlim == (-1.0, 4.0) and area.ylim == (-2.0, 10.0)
    row = next(i for i, line in enumerate(lines) if "@" in line)
    column = lines[row].index("@")
    assert area.to_cell(0.37, 2.2) == (column, row)
    x, y = area.to_data(column, row)
    dx, dy = area.step()
    assert abs(x - 0.37) <= dx / 2 and abs(y - 2.2) <= dy / 2
    assert lines[row][area.left - 1] in "│┤"  # the y axis is just left of the canvas
    assert area.to_data(0, row) is None and area.to_data(column, len(lines) - 1) is None
    for c in range(area.left, area.left + area.width, 7):  # every cell maps back to itself
        for r in range(area.top, area.top + area.height, 3):
            assert area.to_cell(*area.to_data(c, r)) == (c, r)


def test_panels_render_side_by_side() -> None:
    fn = zoo.get("quadratic")
    runs = [run("gd", "quadratic", [4.0], 6, {"lr": lr}) for lr in (0.2, 1.0)]
    drawn = plots.sample(fn, plots.window(fn.box, [t.points for t in runs]))
    panels = [plots.function_panel(fn, drawn, [t], colors=[plots.color(i)], title=f"run {i}")
              for i, t in enumerate(runs)]
    plt = Plot()
    plt.plotsize(100, 20)
    plots.render(plt, panels)
    text = plotext.uncolorize(plt.build())
    assert "run 0" in text and "run 1" in text
    assert text.splitlines()[1].count("┌") == 2
    plots.render(plt, panels[:1])  # and back to one panel on the same figure
    assert plotext.uncolorize(plt.build()).splitlines()[1].count("┌") == 1


def test_loss_panel_draws_a_diverging_run_on_a_log_scale() -> None:
    runs = [run("gd", "quadratic", [4.0], 3000, {"lr": 1.5}),
            run("gd", "quadratic", [4.0], 50, {"lr": 0.2})]
    assert runs[0].diverged
    panel = plots.loss_panel(runs)
    assert panel.yticks is not None  # 2.0 up to about 1e300: a log scale
    marks = [s for s in panel.series if s.marker == plots.MARK_DIVERGED]
    assert len(marks) == 1 and marks[0].xs == [len(runs[0].losses) - 1]
    plt = Plot()
    plt.plotsize(80, 20)
    plots.render(plt, [panel])
    first = plt.build()
    assert first == plt.build()  # building again (every refresh does) changes nothing


def test_function_panel_marks_minima_start_and_divergence() -> None:
    fn = zoo.get("rosenbrock")
    paths = [run("gd", "rosenbrock", [-1.2, 1.0], 1000, {"lr": 0.01}),
             run("momentum", "rosenbrock", [-1.2, 1.0], 200, {"lr": 0.002})]
    drawn = plots.sample(fn, plots.window(fn.box, []))
    panel = plots.function_panel(fn, drawn, paths, start=(-1.2, 1.0))
    markers = [s.marker for s in panel.series]
    assert markers.count(plots.MARK_MINIMUM) == 1 and markers.count(plots.MARK_START) == 1
    assert markers.count(plots.MARK_DIVERGED) == 1
    (lo_x, hi_x), (lo_y, hi_y) = panel.xlim, panel.ylim
    for s in panel.series:  # everything drawn lies in the window: nothing reaches 1e300
        assert all(lo_x <= x <= hi_x for x in s.xs) and all(lo_y <= y <= hi_y for y in s.ys)


def test_draw_and_show_keep_working_for_the_command_line(capsys: pytest.CaptureFixture[str]
                                                         ) -> None:
    fn = zoo.get("bowl")
    plots.show_trajectories(fn, [run("adam", "bowl", [-0.5, 4.0], 40, {"lr": 0.3})])
    out = capsys.readouterr().out
    assert "bowl: 3(x − 2)² + (y − 2)²" in out and "adam" in out
    assert "\x1b[" not in out  # not a terminal: no colour codes
    assert math.isfinite(len(out)) and "Traceback" not in out


def test_distinct_cells_keep_every_turn_and_drop_the_crawl() -> None:
    window = ((0.0, 1.0), (0.0, 1.0))
    # a zigzag across the window: every step changes cell, so every point stays
    zig = np.array([0.1, 0.9] * 10), np.linspace(0.0, 1.0, 20)
    assert plots.distinct_cells(*zig, *window).tolist() == list(range(20))
    # a converging run: many steps inside one cell collapse to the first (and the last)
    xs = 0.5 + 0.4 * 0.5 ** np.arange(60)
    kept = plots.distinct_cells(xs, np.full(60, 0.5), *window)
    assert kept[0] == 0 and kept[-1] == 59 and len(kept) < 15
    assert np.all(np.diff(xs[kept][:-1]) < 0)  # still in order along the path
    assert plots.distinct_cells(np.array([0.2]), np.array([0.2]), *window).tolist() == [0]
