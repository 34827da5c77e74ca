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
@click.option("--db", metavar="PATH", type=click.Path(dir_okay=False),
              help="The progress file (default: $TUTOR_DB, else the user data folder).")
@click.option("--lang", type=click.Choice(["en", "ko"]), default=None,
              help="Language of the app (default: the last one chosen, else the locale).")
@click.pass_context
def cli(ctx: click.Context, db: str | None, lang: str | None) -> None:
    """Learn, and grade, the mathematics of training neural networks in the terminal.

    With no command, opens the tutor app: lessons, questions, plots and the optimizer playground.
    """
    if ctx.invoked_subcommand is None:
        _open_app(db, lang)


def _open_app(db: str | None, lang: str | None) -> None:
    """Open the Textual app on the progress store; textual is imported only here."""
    import os
    from pathlib import Path

    # Textual reads keys from stdin and draws on stderr; textual-serve runs the app on pipes
    # and names its web driver.
    streams = {"stdin": sys.stdin, "stdout": sys.stdout, "stderr": sys.stderr}
    not_tty = [name for name, stream in streams.items() if not stream or not stream.isatty()]
    if not_tty and "TEXTUAL_DRIVER" not in os.environ:
        fail(f"the app needs a terminal, and {' and '.join(not_tty)} "
             f"{'is' if len(not_tty) == 1 else 'are'} not one: run `tutor` in a terminal, "
             "`tutor serve` for a browser, or `tutor --help` for the commands")
    from tutor.i18n import choose_lang
    from tutor.progress import Progress, ProgressError

    try:
        store = Progress.open(Path(db) if db else None)
    except ProgressError as err:
        fail(err.message(choose_lang(lang, None)))
    with store:
        from tutor.app.app import TutorApp

        TutorApp(store, choose_lang(lang, store.setting("lang"))).run()


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The address to listen on; the default serves this machine only.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535),
              help="The port to listen on.")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int) -> None:
    """Serve the tutor app in a web browser (textual-serve), with tutor's --db and --lang."""
    import shlex

    from textual_serve.server import Server

    group = ctx.find_root().params  # tutor's own --db/--lang, passed on to every app it runs
    command = [sys.executable, "-m", "tutor"]
    for name in ("db", "lang"):
        if group.get(name):
            command += [f"--{name}", str(group[name])]
    server = Server(shlex.join(command), host=host, port=port, title="tutor")
    click.echo(f"tutor: serving the app at {server.public_url} (Ctrl+C stops)")
    server.serve()


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


class _LeadingMinusCommand(click.Command):
    """A command whose argument may start with '-', as an answer like -sin(x) does.

    click would read `-sin(x)` as the short options -s, -i, -n (and `-tanh(x)` as -h, help).
    Here an argument with a single leading '-' that is no option of the command, and not the
    value of one, is moved after '--', where click takes it as positional. A '--' marks only the
    next argument as positional, so options may follow it: `tutor check -- -sin(x) --diff ...`.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        options = [p for p in self.get_params(ctx) if isinstance(p, click.Option)]
        names = {name for p in options for name in (*p.opts, *p.secondary_opts)}
        takes_value = {name for p in options if not p.is_flag for name in p.opts}
        kept: list[str] = []
        moved: list[str] = []
        rest = list(args)
        while rest:
            arg = rest.pop(0)
            if arg == "--":
                moved += rest[:1]
                del rest[:1]
            elif arg in takes_value:
                kept += [arg, *rest[:1]]
                del rest[:1]
            elif arg[:1] == "-" and arg[:2] != "--" and len(arg) > 1 and arg not in names:
                moved.append(arg)
            else:
                kept.append(arg)
        return super().parse_args(ctx, [*kept, "--", *moved] if moved else kept)


@cli.command(cls=_LeadingMinusCommand)
@click.argument("answer")
@click.option("--expected", metavar="EXPR", help="The key: an expression ANSWER must equal.")
@click.option("--diff", "of", metavar="FUNC",
              help="The key is the derivative of FUNC (the gradient, a tuple, if --wrt names "
                   "several variables).")
@click.option("--wrt", default="x", show_default=True, metavar="VAR[,VAR...]",
              help="The variables: what --diff differentiates in, and the names ANSWER may use.")
@click.option("--json", "as_json", is_flag=True,
              help="Print one JSON object: equivalent, feedback, misconception, canonical.")
@click.option("--lang", type=click.Choice(["en", "ko"]), default="en", show_default=True,
              help="Language of the feedback.")
def check(answer: str, expected: str | None, of: str | None, wrt: str, as_json: bool,
          lang: str) -> None:
    """Check ANSWER, typed as a learner would: 3x^2, sin x, e^(2x), (2y, 2x).

    Exit code 0 if ANSWER is equivalent to the key, 1 if not, 2 if an input cannot be read.
    An ANSWER starting with '-' may be given as it is or after '--'.
    """
    if (expected is None) == (of is None):
        fail("give the key as exactly one of --expected EXPR or --diff FUNC")
    names = [name.strip() for name in wrt.split(",")]
    from tutor.mathcheck import MathInputError
    from tutor.mathcheck import check as check_answer
    from tutor.mathcheck.messages import render

    try:
        verdict = check_answer(answer, expected=expected, of=of, wrt=names, lang=lang)
    except MathInputError as err:
        label = {"answer": "ANSWER", "expected": "--expected", "of": "--diff"}[err.source]
        fail(f"{label}: {err}")
    except ValueError as err:
        fail(str(err))
    if as_json:
        click.echo(json.dumps(verdict.as_dict(), ensure_ascii=False))
    else:
        click.echo(render("feedback.read_as", lang, canonical=verdict.canonical))
        click.echo(verdict.feedback)
    if not verdict.equivalent:
        sys.exit(1)


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


@cli.command()
@click.option("--json", "as_json", is_flag=True,
              help="Print everything stored as one JSON object (see docs/progress.md).")
@click.option("--reset", is_flag=True,
              help="Forget all progress, after asking; a copy of the file is kept first.")
@click.option("--yes", "-y", is_flag=True, help="With --reset: do not ask.")
@click.option("--db", metavar="PATH", type=click.Path(),
              help="The progress file (default: $TUTOR_DB, else the user data folder).")
@click.option("--lang", type=click.Choice(["en", "ko"]), default=None,
              help="Language of the summary (default: tutor --lang, the saved choice, the locale).")
def progress(as_json: bool, reset: bool, yes: bool, db: str | None, lang: str | None) -> None:
    """Show the learner's progress, lesson by lesson; or reset it.

    A damaged, newer or unusable progress file is reported in one line, exit code 2; a damaged
    one has been moved aside (the line says where) and the store starts fresh.
    """
    from pathlib import Path

    from tutor.i18n import choose_lang, t
    from tutor.progress import Progress, ProgressError

    group = click.get_current_context().find_root().params  # tutor's own --db/--lang, if any
    given = lang or group.get("lang")
    lang = choose_lang(given, None)
    if reset and not yes and not sys.stdin.isatty():
        fail(t("progress.reset.no_tty", lang))
    path = db or group.get("db")
    try:
        with Progress.open(Path(path) if path else None) as store:
            if store.notice is not None:
                fail(store.notice.message(lang))
            lang = choose_lang(given, store.setting("lang"))
            if reset:
                if not yes and not click.confirm(t("progress.reset.confirm", lang,
                                                   path=store.path)):
                    click.echo(t("progress.reset.declined", lang))
                    sys.exit(1)
                click.echo(t("progress.reset.done", lang, backup=store.reset()))
            elif as_json:
                click.echo(json.dumps(store.summary(), ensure_ascii=False, indent=2))
            else:
                from tutor.lessons.load import lessons
                from tutor.lessons.schema import LessonError
                from tutor.progress_view import show_summary

                try:
                    course = lessons()
                except LessonError as err:
                    fail(str(err))
                show_summary(store.summary(), course, lang)
    except ProgressError as err:
        fail(err.message(lang))
