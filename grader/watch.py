"""Watch mode (`tutor watch`): re-grade the exercise being edited each time it is saved.

Like rustlings' watch mode: the workspace's files are polled (modification time, size and inode
of `optimizers/*.py` and `worksheets/*.toml`, every half second, so no file-watching dependency
is needed and editors that save by renaming are seen too); every exercise whose file changed is
graded again with `grader.grade.grade_workspace(only=...)`, and its result is shown with the next
step: fix this one (and `tutor hint NAME`), or the next unfinished exercise in info.toml order.

Nothing here grades: `grade_workspace` does, with the student's code in its sandboxed children.
The pieces are separate so that they are testable without a terminal:

- `Watcher(root).poll() -> list[str]`: the names of the exercises whose files changed since
  the last poll (in teaching order);
- `Board`: the last result of every exercise, and `Board.next_step(current)`;
- `render_exercise`, `render_next`, `render_progress`: the texts, in English or Korean
  (ui.toml's `exercises.` section, which the app's Exercises screen shares);
- `run(root, ...)`: the loop the CLI command runs; Ctrl+C ends it (the caller catches it).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from grader import info
from tutor.i18n import t

if TYPE_CHECKING:
    from grader.grade import ExerciseResult, WorkspaceResult

WATCHED = ("optimizers/*.py", "worksheets/*.toml")
POLL_SECONDS = 0.5
SETTLE_SECONDS = 0.15  # an editor may write a file in several pieces: wait, then look again
OUTPUT_LINES = 15  # of the captured output, the last lines shown
FAILED_SHOWN = 3  # failed checks shown with their message; the others by name
EPS = 1e-9


def points(value: float) -> str:
    """A score as people write it: 10, 2.5, 3.33."""
    return f"{round(value, 2):g}"


def finished(result: ExerciseResult | None) -> bool:
    return (result is not None and result.failure is None
            and result.score >= result.max_score - EPS)


def describe_bug(diagnosis: str, lang: str) -> str:
    """A diagnosis id in plain words (grader.diagnose), or the id if it has no words yet."""
    try:
        from grader.diagnose import describe

        return describe(diagnosis, lang)
    except Exception:  # the messages file is the core's: never let a missing text break watch
        return diagnosis.replace("_", " ")


# --- which files changed ------------------------------------------------------------------------

Stamp = tuple[int, int, int]  # mtime_ns, size, inode


class Watcher:
    """Polls the workspace's exercise files; `poll()` names the exercises whose file was
    modified, created, replaced or deleted since the previous poll (or since construction)."""

    def __init__(self, root: Path, patterns: Sequence[str] = WATCHED) -> None:
        self.root = Path(root)
        self.patterns = tuple(patterns)
        self._by_path = {e.path: e.name for e in info.exercises()}
        self._stamps = self._scan()

    def _scan(self) -> dict[str, Stamp]:
        stamps: dict[str, Stamp] = {}
        for pattern in self.patterns:
            for path in self.root.glob(pattern):
                try:
                    st = path.stat()
                except OSError:  # deleted between the listing and the stat
                    continue
                stamps[path.relative_to(self.root).as_posix()] = (st.st_mtime_ns, st.st_size,
                                                                 st.st_ino)
        return stamps

    def poll(self) -> list[str]:
        now = self._scan()
        changed = {path for path in now.keys() | self._stamps.keys()
                   if now.get(path) != self._stamps.get(path)}
        self._stamps = now
        names = {self._by_path[path] for path in changed if path in self._by_path}
        return [e.name for e in info.exercises() if e.name in names]


# --- what is known of every exercise ------------------------------------------------------------

@dataclass
class Board:
    """The last result of each exercise (None until graded)."""

    results: dict[str, ExerciseResult | None] = field(
        default_factory=lambda: {name: None for name in info.names()})

    def update(self, graded: WorkspaceResult | Iterable[ExerciseResult]) -> list[str]:
        """Take new results; the names updated, in the order given."""
        exercises = getattr(graded, "exercises", graded)
        names = []
        for result in exercises:
            self.results[result.name] = result
            names.append(result.name)
        return names

    def score(self) -> tuple[float, float]:
        got = sum(r.score for r in self.results.values() if r is not None)
        return got, sum(e.points for e in info.exercises())

    def done(self) -> int:
        return sum(finished(r) for r in self.results.values())

    def next_step(self, current: str | None = None) -> info.Exercise | None:
        """What to work on: `current` while it is unfinished, else the first unfinished
        exercise after it in teaching order (wrapping round); None when all are done."""
        order = list(info.exercises())
        start = 0
        if current is not None:
            start = next(i for i, e in enumerate(order) if e.name == current)
            if not finished(self.results.get(current)):
                return order[start]
        for exercise in order[start:] + order[:start]:
            if not finished(self.results.get(exercise.name)):
                return exercise
        return None


# --- the texts ----------------------------------------------------------------------------------

def status_text(result: ExerciseResult | None, lang: str) -> str:
    """✓ 10/10, ✗ 3/10, or not graded."""
    if result is None:
        return t("exercises.status.unknown", lang)
    mark = "✓" if finished(result) else "✗"
    return f"{mark} {points(result.score)}/{points(result.max_score)}"


def render_exercise(result: ExerciseResult, lang: str = "en", *,
                    output_lines: int = OUTPUT_LINES) -> str:
    """One exercise's result: header with the score, why it failed if it did (the failure, each
    failed check with its message and the named bug), and the end of its captured output."""
    exercise = info.get(result.name)
    lines = [t("exercises.watch.header", lang, name=result.name,
               title=exercise.title_in(lang), path=exercise.path,
               status=status_text(result, lang), seconds=f"{result.duration:.1f}")]
    if result.failure:
        lines.append("  " + t("exercises.watch.failure", lang, failure=result.failure))
    failed = [c for c in result.checks if not c.passed]
    passed = len(result.checks) - len(failed)
    if result.checks:
        lines.append("  " + t("exercises.watch.checks", lang, passed=passed,
                              total=len(result.checks)))
    for check in failed[:FAILED_SHOWN]:
        lines.append(f"  ✗ {check.name} ({points(check.points)}/{points(check.max_points)})"
                     + (f": {check.message}" if check.message else ""))
        if check.diagnosis:
            lines.append("      " + t("exercises.watch.bug", lang,
                                      bug=describe_bug(check.diagnosis, lang)))
    if len(failed) > FAILED_SHOWN:
        lines.append("  " + t("exercises.watch.also_failed", lang,
                              names=", ".join(c.name for c in failed[FAILED_SHOWN:])))
    named = [d for d in result.diagnoses
             if d not in {c.diagnosis for c in failed[:FAILED_SHOWN]}]
    for diagnosis in named:
        lines.append("  " + t("exercises.watch.bug", lang, bug=describe_bug(diagnosis, lang)))
    output = result.output.rstrip()
    if output:
        shown = output.splitlines()
        lines.append("  " + t("exercises.watch.output", lang))
        if len(shown) > output_lines:
            lines.append("    │ …")
        lines += [f"    │ {line}" for line in shown[-output_lines:]]
    return "\n".join(lines)


def render_next(board: Board, current: str | None, lang: str = "en") -> str:
    """The next step: this exercise again (with its hint command), the next unfinished one, or
    all done."""
    step = board.next_step(current)
    if step is None:
        got, total = board.score()
        return t("exercises.watch.all_done", lang, score=points(got), total=points(total))
    key = "exercises.watch.next_same" if step.name == current else "exercises.watch.next"
    return t(key, lang, name=step.name, title=step.title_in(lang), path=step.path)


def render_progress(board: Board, lang: str = "en") -> str:
    got, total = board.score()
    return t("exercises.watch.progress", lang, done=board.done(), count=len(board.results),
             score=points(got), total=points(total))


# --- the loop -----------------------------------------------------------------------------------

def grade(root: Path, names: Sequence[str] | None, seed: int = 0,
          lang: str = "en") -> WorkspaceResult:
    from grader.grade import grade_workspace

    return grade_workspace(root, only=list(names) if names is not None else None, seed=seed,
                           lang=lang)


def run(root: Path, *, lang: str = "en", seed: int = 0, echo: Callable[[str], None] = print,
        clear: Callable[[], None] | None = None, interval: float = POLL_SECONDS,
        grader: Callable[..., WorkspaceResult] = grade,
        until: Callable[[], bool] = lambda: False) -> None:
    """Grade everything once and show where to start, then re-grade each exercise whose file
    changes, until `until()` is true (the CLI stops it with Ctrl+C instead)."""
    root = Path(root)
    watcher = Watcher(root)
    board = Board()
    echo(t("exercises.watch.start", lang, path=root))
    board.update(grader(root, None, seed, lang))
    step = board.next_step()
    first = board.results.get(step.name) if step else None
    _show(board, [first] if first is not None else [], lang, echo, clear)
    while not until():
        time.sleep(interval)
        changed = watcher.poll()
        if not changed:
            continue
        time.sleep(SETTLE_SECONDS)
        again = watcher.poll()
        changed = [e.name for e in info.exercises() if e.name in {*changed, *again}]
        echo(t("exercises.watch.grading", lang, names=", ".join(changed)))
        board.update(grader(root, changed, seed, lang))
        _show(board, [r for name in changed if (r := board.results.get(name)) is not None],
              lang, echo, clear)


def _show(board: Board, shown: Sequence[ExerciseResult], lang: str,
          echo: Callable[[str], None], clear: Callable[[], None] | None) -> None:
    """The results just graded, the whole workspace's progress and the next step."""
    if clear is not None:
        clear()
    stamp = datetime.now().strftime("%H:%M:%S")
    echo("")
    echo(f"[{stamp}] " + render_progress(board, lang))
    for result in shown:
        echo(render_exercise(result, lang))
    echo(render_next(board, shown[-1].name if shown else None, lang))
    echo(t("exercises.watch.waiting", lang))
