"""The `tutor` command. It imports the layer a command needs only inside that command, so that
`tutor --help` and every `--help` start without loading numba, sympy, textual or plotext.

Errors a user can cause (an unknown name, a malformed value) leave as one line on stderr and exit
code 2, never as a traceback.
"""

from __future__ import annotations

import json
import sys
from typing import NoReturn

import click

from tutor import __version__

USAGE_ERROR = 2


def fail(message: str) -> NoReturn:
    """Leave with one readable line, as a usage error does."""
    raise click.UsageError(message)


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tutor")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Learn, and grade, the mathematics of training neural networks in the terminal."""
    if ctx.invoked_subcommand is None:
        click.echo(ctx.get_help())


def _parse_start(text: str) -> list[float]:
    try:
        return [float(part) for part in text.split(",")]
    except ValueError:
        fail(f"--start takes numbers separated by commas, such as 4 or -1.2,1; not {text!r}")


def _parse_sets(pairs: tuple[str, ...]) -> dict[str, str]:
    given: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip() or not value.strip():
            fail(f"--set takes KEY=VALUE, such as lr=0.1; not {pair!r}")
        given[key.strip()] = value.strip()
    return given


@cli.command()
@click.argument("optimizer")
@click.option("--function", "-f", "function", required=True, metavar="NAME",
              help="A function from the zoo: quadratic, rosenbrock, linreg, ...")
@click.option("--start", "-s", required=True, metavar="X[,Y]",
              help="The starting point, comma-separated (negative values as typed: -1.2,1).")
@click.option("--steps", "-n", default=50, show_default=True, type=click.IntRange(min=0),
              help="Number of update steps.")
@click.option("--set", "sets", multiple=True, metavar="KEY=VALUE",
              help="A hyperparameter by torch.optim's name (lr, momentum, eps, ...; "
                   "beta1/beta2 for Adam's betas). Repeatable.")
@click.option("--dtype", type=click.Choice(["float64", "float32"]), default="float64",
              show_default=True, help="Arithmetic of the update.")
@click.option("--batch-size", type=click.IntRange(min=1), default=None,
              help="Mini-batch SGD over the function's dataset (linreg): 1 is SGD.")
@click.option("--seed", default=0, show_default=True, help="Shuffling seed for --batch-size.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--plot", is_flag=True, help="Draw the path in the terminal.")
def run(optimizer: str, function: str, start: str, steps: int, sets: tuple[str, ...],
        dtype: str, batch_size: int | None, seed: int, as_json: bool, plot: bool) -> None:
    """Run OPTIMIZER on a zoo function and show its path.

    OPTIMIZER is one of gd, momentum, nesterov, adagrad, rmsprop, adadelta, adam, adamw, newton.
    """
    from tutor.engine import zoo
    from tutor.engine.optim import get_rule, resolve_hyper

    point = _parse_start(start)
    given = _parse_sets(sets)
    try:
        resolve_hyper(get_rule(optimizer), given)
        fn = zoo.get(function)
    except ValueError as err:
        fail(str(err))
    from tutor.engine.jit import cache_is_cold

    if cache_is_cold():
        click.echo("Compiling the numeric kernels for this machine, once (about 20 s)...",
                   err=True)
    from tutor.engine.run import run as run_trajectory
    from tutor.engine.run import run_minibatch

    try:
        if batch_size is None:
            trajectory = run_trajectory(optimizer, fn.name, point, steps, given, dtype)
        else:
            trajectory = run_minibatch(optimizer, fn.name, point, steps, batch_size, seed,
                                       given, dtype)
    except ValueError as err:
        fail(str(err))
    if as_json:
        click.echo(json.dumps(trajectory.as_dict()))
        return
    from tutor.report import trajectory_table

    trajectory_table(trajectory, steps)
    if plot:
        from tutor.plots import show_trajectories

        show_trajectories(fn, [trajectory])


def main() -> None:
    """Entry point: click's own errors are cut to one line, like ours."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as err:
        command = err.ctx.command_path if getattr(err, "ctx", None) else "tutor"
        click.echo(f"{command}: error: {err.format_message()}", err=True)
        sys.exit(err.exit_code)
