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


@cli.command()
@click.argument("directory", default=".", metavar="[DIR]")
@click.option("--seed", default=0, show_default=True,
              help="Seed of the random inputs, as for tutor grade (a failure replays exactly).")
@click.option("--lang", type=click.Choice(["en", "ko"]), default=None,
              help="Language of the messages (default: tutor --lang, else the locale).")
def watch(directory: str, seed: int, lang: str | None) -> None:
    """Re-grade each exercise of the workspace DIR (default: here) whenever its file is saved.

    Shows the exercise's score, the checks that failed, the bug it looks like, what it printed,
    and the next step, as rustlings' watch mode does. Ctrl+C stops.
    """
    from pathlib import Path

    from tutor.i18n import choose_lang, t

    group = click.get_current_context().find_root().params  # tutor's own --lang, if any
    lang = choose_lang(lang or group.get("lang"), None)
    root = Path(directory)
    if not root.is_dir():
        fail(t("exercises.watch.not_found", lang, path=directory))
    from grader import watch as watching
    from grader.init import is_workspace

    if not is_workspace(root):
        fail(t("exercises.watch.not_workspace", lang, path=directory))
    try:
        watching.run(root, lang=lang, seed=seed, echo=click.echo,
                     clear=click.clear if sys.stdout.isatty() else None)
    except KeyboardInterrupt:
        click.echo("\n" + t("exercises.watch.stopped", lang))


def _grade_lang(lang: str | None) -> str:
    """--lang of the command, else tutor's own --lang, else English (reports are for teachers
    and CI as much as for learners, so the locale does not switch them)."""
    group = click.get_current_context().find_root().params
    chosen = lang or group.get("lang")
    return chosen if chosen in ("en", "ko") else "en"


@cli.command()
@click.argument("paths", nargs=-1, metavar="[PATH]...")
@click.option("--batch", is_flag=True,
              help="Grade a class: each PATH is a folder of submissions (workspace folders and "
                   ".zip files) or one submission; shows a progress bar.")
@click.option("-j", "--jobs", default=1, show_default=True, type=click.IntRange(min=1),
              help="Worker processes for --batch.")
@click.option("--format", "fmt", default="terminal", show_default=True,
              type=click.Choice(["terminal", "json", "gradescope", "junit", "csv", "github"]),
              help="terminal: a readable report; json/gradescope: Gradescope's results.json; "
                   "junit: JUnit XML; csv: the gradebook; github: ends with 'Points X/Y'.")
@click.option("--out", metavar="FILE", type=click.Path(dir_okay=False),
              help="Write the report to FILE instead of stdout.")
@click.option("--seed", default=0, show_default=True, type=click.IntRange(min=0),
              help="Seed of the random inputs: the same seed replays the same inputs.")
@click.option("--min-score", type=float, default=None, metavar="X",
              help="Exit with code 1 when a submission scores below X (default: full marks).")
@click.option("--only", multiple=True, metavar="EXERCISE",
              help="Grade only this exercise (repeatable, or comma-separated: --only adam,gd).")
@click.option("--lang", type=click.Choice(["en", "ko"]), default=None,
              help="Language of the feedback (default: tutor --lang, else English).")
def grade(paths: tuple[str, ...], batch: bool, jobs: int, fmt: str, out: str | None, seed: int,
          min_score: float | None, only: tuple[str, ...], lang: str | None) -> None:
    """Grade the workspace at PATH (default: here), or several; with --batch, a whole class.

    Student code runs only in sandboxed child processes; every score is computed here. Exit
    code 0 when every submission reaches --min-score, 1 when one does not, 2 for a usage error
    (a missing path, an unknown exercise).
    """
    from pathlib import Path

    lang = _grade_lang(lang)
    targets = [Path(p) for p in (paths or (".",))]
    for target in targets:
        if not target.exists():
            fail(f"{target}: no such file or folder")
    from grader.grade import select

    try:
        chosen = select(only)
    except ValueError as err:
        fail(str(err))
    from grader.batch import collect, grade_batch, grade_submission, submission

    # Mistakes that would otherwise surface only after the whole class has been graded.
    count = len(collect(targets)) if batch else len(targets)
    if batch and not count:  # a wrong folder must not pass as a class that scored full marks
        fail(f"no submissions in {', '.join(map(str, targets))}: --batch grades the "
             "workspace folders and .zip files inside each PATH")
    if fmt == "gradescope" and count != 1:
        fail(f"--format gradescope writes one submission's results, not {count}")
    if out and not Path(out).resolve().parent.is_dir():
        fail(f"{out}: no such folder to write the report in")
    if batch:
        results = grade_batch(targets, jobs=jobs, seed=seed, progress=sys.stderr.isatty(),
                              only=only or None, lang=lang)
    else:
        if any(e.kind != "worksheet" for e in chosen):
            from tutor.engine.jit import cache_is_cold

            if cache_is_cold():
                click.echo("Compiling the numeric kernels for this machine, once "
                           "(about 20 s)...", err=True)
        from grader.grade import find_root, locate

        results = []
        for target in targets:
            names = list(only) or None
            if target.is_file() and target.suffix.lower() != ".zip":
                # One exercise's file: grade that exercise of the workspace around it.
                target, name = _exercise_file(target)
                names = [name]
            if target.is_dir() and not any(locate(find_root(target), e.path) for e in chosen):
                click.echo(f"tutor grade: note: no exercise file found in {target} (is it a "
                           "workspace? `tutor init` makes one)", err=True)
            results.append(grade_submission(submission(target), seed=seed, only=names,
                                            lang=lang, workers=3))
    from grader.report import emit, render

    if out:
        text = render(results, fmt, lang=lang)
        try:
            Path(out).write_text(text, encoding="utf-8")
        except OSError as err:
            fail(f"{out}: {err.strerror or err}")
    else:
        emit(results, fmt, lang=lang)
    below = [r for r in results
             if r.score < (r.max_score if min_score is None else min_score) - 1e-9]
    if below:
        sys.exit(1)


def _exercise_file(path: object) -> tuple[object, str]:
    """(the workspace, the exercise) for PATH naming one exercise's file, such as
    optimizers/adam.py; a usage error otherwise."""
    from pathlib import Path

    from grader import info

    path = Path(str(path)).resolve()
    for exercise in info.exercises():
        if path.name == Path(exercise.path).name:
            parts = Path(exercise.path).parts
            root = path.parents[len(parts) - 1] if path.parts[-len(parts):] == parts \
                else path.parent
            return root, exercise.name
    fail(f"{path.name} is not an exercise's file (optimizers/<name>.py, "
         "worksheets/<name>.toml) nor a .zip")


@cli.command()
@click.argument("directory", default=".", metavar="[DIR]")
def init(directory: str) -> None:
    """Create a learner workspace in DIR (default: here): the optimizer stubs, the worksheets,
    a README with the contract, and a GitHub Classroom workflow.

    Never overwrites a file: what already exists is kept and listed as skipped.
    """
    from pathlib import Path

    from grader.init import init_workspace

    root = Path(directory)
    if root.exists() and not root.is_dir():
        fail(f"{directory}: not a folder")
    try:
        result = init_workspace(root)
    except OSError as err:
        fail(f"{directory}: {err.strerror or err}")
    for rel in result.created:
        click.echo(f"created  {rel}")
    for rel in result.skipped:
        click.echo(f"skipped  {rel} (already there, left as it is)")
    click.echo(f"Workspace ready in {root}: {len(result.created)} files created, "
               f"{len(result.skipped)} kept. Next: read README.md, then `tutor grade`.")


def _find_workspace(start: str) -> object:
    from pathlib import Path

    from grader.init import is_workspace

    here = Path(start).resolve()
    for folder in (here, *list(here.parents)[:3]):
        if is_workspace(folder):
            return folder
    return None


@cli.command()
@click.argument("exercise")
@click.option("--dir", "directory", default=".", show_default=True, metavar="DIR",
              help="The workspace (or a folder inside it) whose hints to remember.")
@click.option("--lang", type=click.Choice(["en", "ko"]), default=None,
              help="Language of the hint (default: tutor --lang, else the locale).")
def hint(exercise: str, directory: str, lang: str | None) -> None:
    """Show the next hint for EXERCISE (adam, derivatives, ...); ask again for the one after.

    The hints already shown are remembered in the workspace, in .tutor/hints.json.
    """
    from grader import info
    from grader.init import next_hint
    from grader.messages import text
    from tutor.i18n import choose_lang

    group = click.get_current_context().find_root().params
    lang = choose_lang(lang or group.get("lang"), None)
    if exercise not in info.names():
        fail(f"unknown exercise {exercise!r}; choose one of: {', '.join(info.names())}")
    workspace = _find_workspace(directory)
    if workspace is None:
        fail(f"{directory} is not inside a tutor workspace (no optimizers/ or worksheets/ "
             "folder): run it in the folder `tutor init` made, or pass --dir")
    found = next_hint(workspace, exercise, lang)
    click.echo(text("hint.header", lang, number=found.number, count=found.count,
                    title=found.exercise.title_in(lang), lesson=found.exercise.lesson))
    click.echo(found.text)
    if found.last:
        click.echo(text("hint.last", lang))


@cli.group()
def bundle() -> None:
    """Write the files a grading service needs to run tutor grade."""


@bundle.command("gradescope")
@click.option("--out", default="autograder.zip", show_default=True, metavar="FILE",
              type=click.Path(dir_okay=False), help="Where to write the autograder zip.")
@click.option("--package", default=None, metavar="SPEC",
              help="A pip requirement for setup.sh to install instead of the wheel of this "
                   "tutor the zip carries, such as 'tutor @ git+https://github.com/ORG/tutor'.")
@click.option("--seed", default=0, show_default=True, type=click.IntRange(min=0),
              help="The seed run_autograder passes to tutor grade.")
def bundle_gradescope(out: str, package: str | None, seed: int) -> None:
    """The autograder zip Gradescope expects: setup.sh (installs tutor) and run_autograder
    (grades /autograder/submission into /autograder/results/results.json)."""
    from pathlib import Path

    from grader.bundle import write_gradescope_bundle
    from grader.wheel import WheelError, wheel_name

    try:
        path = write_gradescope_bundle(Path(out), package, seed)
    except OSError as err:
        fail(f"{out}: {err.strerror or err}")
    except WheelError as err:
        fail(str(err))
    installs = package if package is not None else f"{wheel_name()}, inside it"
    click.echo(f"wrote {path} (installs {installs}); upload it as the assignment's autograder "
               "on Gradescope")


@bundle.command("wheel")
@click.option("--out", default=".", show_default=True, metavar="DIR",
              type=click.Path(file_okay=False), help="The folder to write the wheel in.")
def bundle_wheel(out: str) -> None:
    """A wheel of this tutor, for a GitHub Classroom template: commit it and set the workflow's
    TUTOR_PACKAGE to its path (PyPI's `tutor` is another program)."""
    from pathlib import Path

    from grader.wheel import WheelError, build_wheel

    if not Path(out).is_dir():
        fail(f"{out}: no such folder")
    try:
        path = build_wheel(Path(out))
    except WheelError as err:
        fail(str(err))
    except OSError as err:
        fail(f"{out}: {err.strerror or err}")
    click.echo(f"wrote {path}")
