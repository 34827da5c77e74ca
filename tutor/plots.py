"""Drawing zoo functions and optimizer paths with plotext.

Functions take the plotext module (or textual-plotext's `plt`, which has the same API) as an
argument, so the command line and the Textual app draw the same pictures.
plotext has no contour plot, so level sets are drawn as the grid cells where the function
crosses each level: enough to read a valley, a bowl or a saddle at terminal resolution.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import numpy as np

from tutor.engine import zoo, zoo_kernels
from tutor.engine.run import Trajectory

LEVELS = 7
COLORS = ("red", "blue", "green", "orange", "magenta", "cyan", "yellow", "white")


def window(fn: zoo.ZooFunction, trajectories: Sequence[Trajectory]) -> list[tuple[float, float]]:
    """The function's plotting box, widened to hold every path (with a small margin)."""
    limits = []
    for axis, (lo, hi) in enumerate(fn.box):
        for trajectory in trajectories:
            if len(trajectory.points):
                lo = min(lo, float(trajectory.points[:, axis].min()))
                hi = max(hi, float(trajectory.points[:, axis].max()))
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


def draw(plt: Any, fn: zoo.ZooFunction, trajectories: Sequence[Trajectory],
         width: int = 120, height: int = 60) -> None:
    """Draw `fn` and the paths on the current plotext figure (clear it first)."""
    limits = window(fn, trajectories)
    xs = np.linspace(*limits[0], width)
    if fn.dim == 1:
        values = np.array([fn.value([x]) for x in xs])
        plt.plot(xs.tolist(), values.tolist(), color="gray", label=fn.expression)
        for color, trajectory in zip(COLORS, trajectories, strict=False):
            plt.plot(trajectory.points[:, 0].tolist(), trajectory.losses.tolist(),
                     marker="dot", color=color, label=trajectory.optimizer)
        plt.ylabel("f")
    else:
        ys = np.linspace(*limits[1], height)
        z = np.empty((height, width))
        zoo_kernels.value_grid(fn.fid, xs, ys, z)
        cx, cy = level_crossings(xs, ys, z, contour_levels(z))
        plt.scatter(cx.tolist(), cy.tolist(), marker="braille", color="gray")
        for color, trajectory in zip(COLORS, trajectories, strict=False):
            plt.plot(trajectory.points[:, 0].tolist(), trajectory.points[:, 1].tolist(),
                     marker="dot", color=color, label=trajectory.optimizer)
        for point, _kind in fn.minima:
            plt.scatter([point[0]], [point[1]], marker="x", color="white")
        plt.ylabel(fn.variables[1])
        plt.ylim(*limits[1])
    plt.xlim(*limits[0])
    plt.xlabel(fn.variables[0])
    plt.title(f"{fn.name}: {fn.expression}")


def show_trajectories(fn: zoo.ZooFunction, trajectories: Sequence[Trajectory]) -> None:
    """Print the plot to the terminal, sized to it."""
    import plotext as plt

    plt.clear_figure()
    draw(plt, fn, trajectories)
    if sys.stdout.isatty():
        plt.show()
    else:  # no colour codes in a file or a pipe
        print(plt.uncolorize(plt.build()))
