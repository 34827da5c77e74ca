"""Drawing zoo functions, optimizer paths, tangent lines and loss curves with plotext.

A picture is made in two stages, so the Textual app never computes on its UI thread:

- sampling (`sample`, `tangent`) evaluates the compiled zoo kernels, which may load or compile
  machine code; the app runs it in a worker thread;
- building panels (`function_panel`, `loss_panel`) and `render` only arrange numbers already
  computed and call plotext.

Functions take the plotext module (or textual-plotext's `plt`, which has the same API) as an
argument, so the command line and the app draw the same pictures. plotext has no contour plot,
so level sets are drawn as the grid cells where the function crosses each level: enough to read a
valley, a bowl or a saddle at terminal resolution. Colours are RGB triples so that a legend drawn
outside plotext (by Textual, which measures wide Korean text correctly) can name the same colour.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from tutor.engine import zoo

if TYPE_CHECKING:
    from tutor.engine.run import Trajectory

LEVELS = 7
RGB = tuple[int, int, int]
# Mid-luminance colours that read on dark and light backgrounds alike, one per optimizer.
PALETTE: tuple[RGB, ...] = (
    (230, 97, 1), (33, 113, 181), (35, 139, 69), (204, 121, 167), (0, 158, 158),
    (177, 89, 40), (128, 100, 200), (170, 150, 0), (214, 39, 40),
)
BACKDROP: RGB = (128, 128, 128)
FOREGROUND = "default"  # plotext's "no colour": the theme's text colour
MAX_WIDEN = 2.0  # a window grows by at most this many box spans on each side to hold a path
MAX_POINTS = 1000  # a path or loss curve is thinned to this many points before drawing
GRID = (256, 128)  # of a window, finer than braille dots in any terminal: see `distinct_cells`
MARK_START = "●"
MARK_MINIMUM = "x"
MARK_DIVERGED = "!"

Limits = tuple[float, float]


@dataclass(frozen=True)
class Series:
    """One line (`lines=True`) or scatter of points in data coordinates."""

    xs: Sequence[float]
    ys: Sequence[float]
    color: RGB | str
    marker: str = "dot"
    lines: bool = True
    label: str | None = None


@dataclass(frozen=True)
class Panel:
    """One plot: what `render` draws in one plotext (sub)figure."""

    series: tuple[Series, ...]
    xlabel: str
    ylabel: str
    xlim: Limits | None = None
    ylim: Limits | None = None
    yticks: tuple[list[float], list[str]] | None = None
    title: str | None = None


@dataclass(frozen=True)
class Sample:
    """A zoo function sampled over a window: its curve (1-D), or the grid points next to its
    level sets (2-D). `limits` holds the x window and the y window (for 1-D, the curve's range)."""

    dim: int
    limits: tuple[Limits, Limits]
    xs: np.ndarray
    ys: np.ndarray


@dataclass(frozen=True)
class Tangent:
    """The tangent line of a 1-D function at `at`: y = value + slope (x - at)."""

    at: float
    value: float
    slope: float


def hex_color(color: RGB) -> str:
    """The colour as `#rrggbb`, for Textual markup."""
    return "#{:02x}{:02x}{:02x}".format(*color)


def color(index: int) -> RGB:
    """The palette's colour for the index-th path, cycling."""
    return PALETTE[index % len(PALETTE)]


_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def pretty(expression: str) -> str:
    """A zoo expression (SymPy syntax) as a reader writes it: x² − 4x + 6, x·sin(x), 0.1x²."""
    text = re.sub(r"\*\*(\d+)", lambda m: m.group(1).translate(_SUPERSCRIPT), expression)
    text = text.replace("**", "^")
    text = re.sub(r"\bpi\b", "π", text)
    text = re.sub(r"(\d|π)\*(?=[A-Za-zπ(])", r"\1", text)
    text = text.replace("*", "·")
    return re.sub(r"(^|[\s(])-", r"\1−", text)


def window(box: Sequence[Limits], paths: Sequence[np.ndarray],
           widen: float = MAX_WIDEN) -> list[Limits]:
    """The plotting box, widened to hold every path (rows of points) with a small margin.

    A path that flies off (a diverging run reaches 1e300) would shrink the function to a dot, so
    each side grows by at most `widen` box spans; the part of a path beyond is clipped.
    """
    limits = []
    for axis, (lo, hi) in enumerate(box):
        span = hi - lo or 1.0
        floor, ceiling = lo - widen * span, hi + widen * span
        for path in paths:
            values = np.asarray(path, dtype=float).reshape(len(path), -1)[:, axis]
            values = values[np.isfinite(values)]
            if values.size:
                lo = min(lo, max(floor, float(values.min())))
                hi = max(hi, min(ceiling, float(values.max())))
        pad = 0.02 * (hi - lo or 1.0)
        limits.append((lo - pad, hi + pad))
    return limits


def level_crossings(xs: np.ndarray, ys: np.ndarray, z: np.ndarray, levels: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Grid points next to which z crosses one of `levels` (z[j, i] is f at xs[i], ys[j])."""
    hit = np.zeros(z.shape, dtype=bool)
    for level in levels:
        above = z > level
        hit[:, :-1] |= above[:, :-1] != above[:, 1:]
        hit[:-1, :] |= above[:-1, :] != above[1:, :]
    rows, cols = np.nonzero(hit)
    return xs[cols], ys[rows]


def contour_levels(z: np.ndarray, count: int = LEVELS) -> np.ndarray:
    """Levels at evenly spaced quantiles: bowls and steep valleys (Rosenbrock) both read well."""
    finite = z[np.isfinite(z)]
    return np.unique(np.quantile(finite, np.linspace(0.03, 0.9, count) ** 2))


def sample(fn: zoo.ZooFunction, limits: Sequence[Limits], width: int = 120,
           height: int = 60) -> Sample:
    """Evaluate `fn` over the window for drawing (calls the compiled kernels)."""
    from tutor.engine import zoo_kernels  # numba loads here, in the caller's (worker) thread

    xs = np.linspace(*limits[0], width)
    if fn.dim == 1:
        z = np.empty((1, width))
        zoo_kernels.value_grid(fn.fid, xs, np.empty(0), z)
        values = z[0]
        finite = values[np.isfinite(values)]
        lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (-1.0, 1.0)
        pad = 0.05 * (hi - lo or 1.0)
        return Sample(1, (tuple(limits[0]), (lo - pad, hi + pad)), xs, values)
    ys = np.linspace(*limits[1], height)
    z = np.empty((height, width))
    zoo_kernels.value_grid(fn.fid, xs, ys, z)
    cx, cy = level_crossings(xs, ys, z, contour_levels(z))
    return Sample(2, (tuple(limits[0]), tuple(limits[1])), cx, cy)


def tangent(fn: zoo.ZooFunction, at: float) -> Tangent:
    """The tangent of a 1-D zoo function at `at` (calls the compiled kernels)."""
    return Tangent(float(at), fn.value([at]), float(fn.grad([at])[0]))


def tangent_segment(line: Tangent, xlim: Limits, ylim: Limits
                    ) -> tuple[list[float], list[float]]:
    """The ends of the part of the tangent line inside the window (empty if it misses it)."""
    lo, hi = xlim
    if line.slope:
        # x where the line meets the lower and the upper y limit, in increasing order
        a, b = sorted(line.at + (y - line.value) / line.slope for y in ylim)
        lo, hi = max(lo, a), min(hi, b)
    elif not ylim[0] <= line.value <= ylim[1]:
        return [], []
    if lo > hi:
        return [], []
    return [lo, hi], [line.value + line.slope * (x - line.at) for x in (lo, hi)]


def thin(n: int, limit: int = MAX_POINTS) -> np.ndarray:
    """Indices of at most `limit` evenly spaced points of n, always the first and the last."""
    if n <= limit:
        return np.arange(n)
    return np.unique(np.round(np.linspace(0, n - 1, limit)).astype(int))


def distinct_cells(xs: np.ndarray, ys: np.ndarray, xlim: Limits, ylim: Limits,
                   grid: tuple[int, int] = GRID) -> np.ndarray:
    """Indices of the points that enter a new cell of a fine grid over the window (and the last).

    plotext draws in pure Python, at a cost per segment, and textual-plotext draws again on
    every refresh; a run that converges spends most of its steps inside one terminal cell.
    Dropping the points that stay in the cell of the point before keeps every visible turn
    (a zigzag across the valley crosses cells at each step) and bounds the work.
    """
    n = len(xs)
    if n <= 2:
        return np.arange(n)
    with np.errstate(all="ignore"):
        cx = np.floor((np.asarray(xs) - xlim[0]) / ((xlim[1] - xlim[0]) or 1.0) * grid[0])
        cy = np.floor((np.asarray(ys) - ylim[0]) / ((ylim[1] - ylim[0]) or 1.0) * grid[1])
    moved = (cx[1:] != cx[:-1]) | (cy[1:] != cy[:-1])
    keep = np.concatenate(([True], moved))
    keep[-1] = True
    return np.nonzero(keep)[0]


def _clip_segment(x0: float, y0: float, x1: float, y1: float, xlim: Limits, ylim: Limits
                  ) -> tuple[float, float] | None:
    """Liang-Barsky: the parameter interval [t0, t1] of the segment inside the window, or None."""
    t0, t1 = 0.0, 1.0
    dx, dy = x1 - x0, y1 - y0
    for p, q in ((-dx, x0 - xlim[0]), (dx, xlim[1] - x0), (-dy, y0 - ylim[0]),
                 (dy, ylim[1] - y0)):
        if p == 0:
            if q < 0:
                return None
            continue
        r = q / p
        if p < 0:
            t0 = max(t0, r)
        else:
            t1 = min(t1, r)
        if t0 > t1:
            return None
    return t0, t1


def clip_polyline(xs: Sequence[float], ys: Sequence[float], xlim: Limits, ylim: Limits
                  ) -> list[tuple[list[float], list[float]]]:
    """The pieces of a path inside the window; segments crossing an edge are cut at it.

    plotext draws a line by visiting every cell between its ends, so a segment to a point at
    1e300 must never reach it.
    """
    pieces: list[tuple[list[float], list[float]]] = []
    px: list[float] = []
    py: list[float] = []

    def flush() -> None:
        nonlocal px, py
        if px:
            pieces.append((px, py))
        px, py = [], []

    if len(xs) == 1 and xlim[0] <= xs[0] <= xlim[1] and ylim[0] <= ys[0] <= ylim[1]:
        return [([float(xs[0])], [float(ys[0])])]
    with np.errstate(all="ignore"):
        for i in range(len(xs) - 1):
            x0, y0, x1, y1 = (float(v) for v in (xs[i], ys[i], xs[i + 1], ys[i + 1]))
            span = _clip_segment(x0, y0, x1, y1, xlim, ylim)
            if span is None or not all(map(math.isfinite, span)):
                flush()
                continue
            t0, t1 = span
            if t0 > 0 or not px:
                flush()
                px, py = [x0 + t0 * (x1 - x0)], [y0 + t0 * (y1 - y0)]
            px.append(x0 + t1 * (x1 - x0))
            py.append(y0 + t1 * (y1 - y0))
            if t1 < 1:
                flush()
    flush()
    return pieces


def _clamp(value: float, limits: Limits) -> float:
    return min(max(value, limits[0]), limits[1])


def path_series(dim: int, trajectory: Trajectory, limits: tuple[Limits, Limits],
                color: RGB, label: str | None = None) -> list[Series]:
    """A run drawn over its function: the path (clipped to the window) and, if it diverged, a
    mark at its last finite point (pulled onto the window's edge if it lies beyond)."""
    keep = thin(len(trajectory.points))
    xs = trajectory.points[keep, 0]
    ys = trajectory.losses[keep] if dim == 1 else trajectory.points[keep, 1]
    keep = distinct_cells(xs, ys, *limits)
    xs, ys = xs[keep], ys[keep]
    series = [Series(px, py, color, label=label if i == 0 else None)
              for i, (px, py) in enumerate(clip_polyline(xs, ys, *limits))]
    if trajectory.diverged and len(xs):
        series.append(Series([_clamp(float(xs[-1]), limits[0])],
                             [_clamp(float(ys[-1]), limits[1])], color, MARK_DIVERGED, False))
    return series


def function_panel(fn: zoo.ZooFunction, drawn: Sample, trajectories: Sequence[Trajectory] = (),
                   colors: Sequence[RGB] | None = None, labels: Sequence[str | None] = (),
                   tangents: Sequence[Tangent] = (), start: Sequence[float] | None = None,
                   title: str | None = None) -> Panel:
    """The function (curve or level sets), its known minima, tangent lines, paths and a start."""
    colors = colors or [color(i) for i in range(len(trajectories) + len(tangents))]
    limits = drawn.limits
    series = [Series(drawn.xs.tolist(), drawn.ys.tolist(), BACKDROP, "braille", drawn.dim == 1)]
    for i, line in enumerate(tangents):
        lx, ly = tangent_segment(line, *limits)
        series.append(Series(lx, ly, colors[i], "braille"))
        series.append(Series([line.at], [line.value], colors[i], MARK_START, False))
    for i, trajectory in enumerate(trajectories):
        label = labels[i] if i < len(labels) else None
        series += path_series(drawn.dim, trajectory, limits, colors[len(tangents) + i], label)
    # Heights on a 1-D curve come from the sampled curve: building a panel calls no kernel.
    def height(point: Sequence[float]) -> float:
        return float(np.interp(point[0], drawn.xs, drawn.ys)) if drawn.dim == 1 else point[1]

    def visible(point: Sequence[float]) -> bool:
        return (limits[0][0] <= point[0] <= limits[0][1]
                and limits[1][0] <= height(point) <= limits[1][1])

    inside = [point for point, _ in fn.minima if visible(point)]
    if inside:
        series.append(Series([p[0] for p in inside], [height(p) for p in inside], FOREGROUND,
                             MARK_MINIMUM, False))
    if start is not None and visible(start):
        series.append(Series([start[0]], [height(start)], FOREGROUND, MARK_START, False))
    ylabel = f"f({fn.variables[0]})" if fn.dim == 1 else fn.variables[1]
    return Panel(tuple(series), fn.variables[0], ylabel, limits[0], limits[1], title=title)


def loss_scale(losses: Sequence[np.ndarray]) -> str:
    """"log" when every loss is positive and they span more than three decades, else "linear"."""
    finite = np.concatenate([np.asarray(v, dtype=float) for v in losses] or [np.empty(0)])
    finite = finite[np.isfinite(finite)]
    if finite.size and finite.min() > 0 and finite.max() / finite.min() > 1e3:
        return "log"
    return "linear"


def _power_of_ten(exponent: int) -> str:
    return "10" + str(exponent).replace("-", "⁻").translate(_SUPERSCRIPT)


def log_ticks(lo: float, hi: float, most: int = 6) -> tuple[list[float], list[str]]:
    """Ticks at whole decades between log10 values lo and hi, at most `most` of them."""
    first, last = math.ceil(lo), math.floor(hi)
    if last < first:  # less than a decade: one tick at the nearest power
        first = last = round((lo + hi) / 2)
    stride = max(1, math.ceil((last - first + 1) / most))
    exponents = list(range(math.ceil(first / stride) * stride, last + 1, stride))
    return [float(e) for e in exponents], [_power_of_ten(e) for e in exponents]


def loss_panel(trajectories: Sequence[Trajectory], colors: Sequence[RGB] | None = None,
               labels: Sequence[str | None] = (), title: str | None = None) -> Panel:
    """Loss against step for every run, on a log scale when the losses span decades.

    The log scale is drawn as log10 of the losses with ticks labelled as powers of ten, rather
    than with plotext's own log scale, which re-applies the logarithm on every build (and
    textual-plotext builds on every refresh).
    """
    colors = colors or [color(i) for i in range(len(trajectories))]
    log = loss_scale([tr.losses for tr in trajectories]) == "log"
    series = []
    for i, trajectory in enumerate(trajectories):
        keep = thin(len(trajectory.losses))
        values = trajectory.losses[keep]
        values = np.log10(values) if log else values
        finite = values[np.isfinite(values)]
        if finite.size:
            cells = distinct_cells(keep, values, (0, len(trajectory.losses)),
                                   (float(finite.min()), float(finite.max())))
            keep, values = keep[cells], values[cells]
        label = labels[i] if i < len(labels) else None
        series.append(Series(keep.tolist(), values.tolist(), colors[i], "braille", label=label))
        if trajectory.diverged and len(keep):
            series.append(Series([int(keep[-1])], [float(values[-1])], colors[i],
                                 MARK_DIVERGED, False))
    steps = max((len(tr.losses) - 1 for tr in trajectories), default=1) or 1
    yticks = None
    if log:
        every = np.concatenate([np.asarray(s.ys, dtype=float) for s in series])
        yticks = log_ticks(float(every.min()), float(every.max()))
    return Panel(tuple(series), "t", "f", (0, steps), None, yticks, title)


def _draw_panel(plt: Any, panel: Panel) -> None:
    for s in panel.series:
        if not len(s.xs):
            continue
        draw_fn = plt.plot if s.lines else plt.scatter
        draw_fn(list(s.xs), list(s.ys), marker=s.marker, color=s.color, label=s.label)
    if panel.yticks is not None:
        plt.yticks(*panel.yticks)
    if panel.xlim is not None:
        plt.xlim(*panel.xlim)
    if panel.ylim is not None:
        plt.ylim(*panel.ylim)
    plt.xlabel(panel.xlabel)
    plt.ylabel(panel.ylabel)
    if panel.title is not None:
        plt.title(panel.title)


def render(plt: Any, panels: Sequence[Panel]) -> None:
    """Clear the figure and draw the panels, side by side when there are several."""
    plt.clear_figure()
    if len(panels) == 1:
        _draw_panel(plt, panels[0])
        return
    plt.subplots(1, len(panels))
    for i, panel in enumerate(panels):
        _draw_panel(plt.subplot(1, i + 1), panel)


@dataclass(frozen=True)
class Canvas:
    """Where the data area of a built plotext figure lies, in character cells, and its limits.

    plotext puts a value v in cell floor(0.5 + (n - 1)(v - lo) / (hi - lo)) of a canvas n cells
    wide, counting rows from the bottom; `to_data` inverts that at a cell's centre, so a mouse
    click on the plot can be read as a point of the function.
    """

    left: int
    top: int
    width: int
    height: int
    xlim: Limits
    ylim: Limits

    def step(self) -> tuple[float, float]:
        """The data distance between neighbouring cells, along x and along y."""
        return ((self.xlim[1] - self.xlim[0]) / max(self.width - 1, 1),
                (self.ylim[1] - self.ylim[0]) / max(self.height - 1, 1))

    def to_data(self, column: int, row: int) -> tuple[float, float] | None:
        """The point at a cell (row 0 at the top of the figure), or None outside the canvas."""
        c, r = column - self.left, self.top + self.height - 1 - row
        if not (0 <= c < self.width and 0 <= r < self.height):
            return None
        dx, dy = self.step()
        return self.xlim[0] + c * dx, self.ylim[0] + r * dy

    def to_cell(self, x: float, y: float) -> tuple[int, int]:
        """The cell (column, row from the top) where plotext draws the point (x, y)."""
        dx, dy = self.step()
        c = math.floor(round(0.5 + (x - self.xlim[0]) / dx, 8))
        r = math.floor(round(0.5 + (y - self.ylim[0]) / dy, 8))
        return self.left + c, self.top + self.height - 1 - r


def canvas(plt: Any) -> Canvas | None:
    """The canvas of the figure's last build, or None before one (or with side-by-side panels).

    This reads plotext's internals (the monitor's canvas area, size and limits after
    `build`), which plotext 5 keeps in place; tests/test_plots.py checks the round trip.
    """
    monitor = plt.monitor
    matrix = getattr(monitor, "matrix", None)
    cols, rows = getattr(matrix, "Cols_canvas", None), getattr(matrix, "Rows_canvas", None)
    if not cols or not rows or None in monitor.xlim[0] or None in monitor.ylim[0]:
        return None
    height = monitor.size[1]
    return Canvas(left=cols.start, top=height - rows.stop, width=len(cols), height=len(rows),
                  xlim=tuple(monitor.xlim[0]), ylim=tuple(monitor.ylim[0]))


def draw(plt: Any, fn: zoo.ZooFunction, trajectories: Sequence[Trajectory],
         width: int = 120, height: int = 60) -> None:
    """Draw `fn` and the paths on the current plotext figure (clear it first)."""
    limits = window(fn.box, [t.points for t in trajectories])
    drawn = sample(fn, limits, width, height)
    panel = function_panel(fn, drawn, trajectories,
                           labels=[t.optimizer for t in trajectories],
                           title=f"{fn.name}: {pretty(fn.expression)}")
    _draw_panel(plt, panel)


def show_trajectories(fn: zoo.ZooFunction, trajectories: Sequence[Trajectory]) -> None:
    """Print the plot to the terminal, sized to it."""
    import plotext as plt

    plt.clear_figure()
    draw(plt, fn, trajectories)
    if sys.stdout.isatty():
        plt.show()
    else:  # no colour codes in a file or a pipe
        print(plt.uncolorize(plt.build()))
