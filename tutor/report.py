"""Terminal reports of engine results, drawn with rich so they degrade to plain text in a pipe."""

from __future__ import annotations

import numpy as np
from rich.console import Console
from rich.table import Table

from tutor.engine import zoo
from tutor.engine.run import Trajectory

ROWS = 11


def trajectory_table(trajectory: Trajectory, steps: int, console: Console | None = None) -> None:
    """A short table: about a dozen evenly spaced steps, always the first and the last."""
    console = console or Console()
    fn = zoo.get(trajectory.function)
    last = len(trajectory.points) - 1
    shown = np.unique(np.round(np.linspace(0, last, min(ROWS, last + 1))).astype(int))
    hyper = ", ".join(f"{k}={v}" for k, v in trajectory.hyper.items())
    console.print(f"[bold]{trajectory.optimizer}[/] on [bold]{fn.name}[/]: "
                  f"{fn.expression.replace('**', '^')}")
    table = Table(caption=hyper)
    table.add_column("step", justify="right")
    for variable in fn.variables:
        table.add_column(variable, justify="right")
    table.add_column("loss", justify="right")
    for t in shown:
        point = trajectory.points[t]
        table.add_row(str(t), *(f"{v:.6g}" for v in point), f"{trajectory.losses[t]:.6g}")
    console.print(table)
    if trajectory.diverged:
        console.print(f"[bold red]diverged[/]: the step after step {last} reached inf or nan "
                      f"(of {steps} steps asked for); try a smaller lr.")
    elif fn.minima:
        final = trajectory.points[-1]
        nearest = min(fn.minima, key=lambda m: float(np.linalg.norm(final - np.array(m[0]))))
        distance = float(np.linalg.norm(final - np.array(nearest[0])))
        where = ", ".join(f"{v:g}" for v in nearest[0])
        console.print(f"final loss {trajectory.losses[-1]:.6g}; distance to the nearest known "
                      f"{nearest[1]} minimum ({where}): {distance:.3g}")
