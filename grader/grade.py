"""Grade one workspace: every exercise, its checks, its score and the bug it most likely has.

Public API (`tutor grade`, `tutor watch` and the app's Exercises screen use it)::

    from grader.grade import grade_workspace
    result = grade_workspace(Path("my-workspace"), only=["adam"], seed=0)
    result.score, result.max_score
    for ex in result.exercises:            # ExerciseResult, in teaching order
        ex.name, ex.score, ex.max_score, ex.failure, ex.diagnoses
        for c in ex.checks:                # CheckResult
            c.name, c.passed, c.points, c.max_points, c.message, c.diagnosis

- `ExerciseResult.failure` is set when the exercise could not be graded at all (its file is
  missing, does not import, the child crashed, hung, exited, flooded its output, ...): the
  exercise then scores 0 and `checks` may be empty.
- `diagnosis` / `diagnoses` are stable ids (grader/diagnose.py); `grader.diagnose.describe(id,
  lang)` words them. `ExerciseResult.output` is what the submission printed (already truncated
  and with control characters escaped by the sandbox; still escape it for markup).
- Optimizer exercises run only in sandboxed children (grader.sandbox); worksheets are read as
  data and checked with tutor.mathcheck. Importing this module imports neither numba nor sympy.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from grader.sandbox import Limits

MAX_OUTPUT_CHARS = 8000  # of a submission's printed output kept per exercise
_SURROGATES = re.compile("[\ud800-\udfff]")


def clean_text(text: str) -> str:
    """Student text made printable: lone surrogates (from a JSON escape in an exception message,
    or an undecodable file name) become U+FFFD, since writing them to a UTF-8 stream raises."""
    return _SURROGATES.sub("\ufffd", text)


@dataclass(frozen=True)
class CheckResult:
    name: str
    points: float
    max_points: float
    passed: bool
    message: str
    diagnosis: str | None = None


@dataclass(frozen=True)
class ExerciseResult:
    name: str
    title: str
    score: float
    max_score: float
    checks: tuple[CheckResult, ...]
    diagnoses: tuple[str, ...]
    failure: str | None
    output: str
    duration: float
    kind: str = "optimizer"  # "optimizer" | "minibatch" | "worksheet"

    @property
    def passed(self) -> bool:
        return self.failure is None and self.score >= self.max_score - 1e-9


@dataclass(frozen=True)
class WorkspaceResult:
    path: Path
    student: str
    score: float
    max_score: float
    exercises: tuple[ExerciseResult, ...]
    duration: float
    failure: str | None = None  # the submission itself could not be opened (a broken zip, ...)


def default_limits() -> Limits:
    """The grader's limits per exercise: a correct exercise needs well under a second."""
    from grader.sandbox import Limits

    return Limits(call_timeout=5.0, exercise_timeout=20.0, cpu_seconds=20)


def select(only: Sequence[str] | None) -> list:
    """The exercises to grade, in teaching order; ValueError naming the valid ones."""
    from grader import info

    everything = list(info.exercises())
    if not only:
        return everything
    wanted = []
    for name in only:
        for part in str(name).split(","):
            part = part.strip()
            if part and part not in wanted:
                wanted.append(part)
    if not wanted:
        # `--only ""` (an empty shell variable) or `--only ,` must not grade nothing and pass.
        raise ValueError(f"--only names no exercise; choose from: {', '.join(info.names())}")
    unknown = [n for n in wanted if n not in info.names()]
    if unknown:
        raise ValueError(f"unknown exercise {', '.join(map(repr, unknown))}; choose from: "
                         f"{', '.join(info.names())}")
    return [e for e in everything if e.name in wanted]


def find_root(path: Path) -> Path:
    """The workspace inside `path`: `path` itself, or its only sub-folder when `path` holds just
    one folder (a zip of the workspace folder, a repository checkout inside a folder)."""
    current = path
    for _ in range(3):
        if (current / "optimizers").is_dir() or (current / "worksheets").is_dir():
            return current
        try:
            entries = [e for e in current.iterdir() if not e.name.startswith((".", "__"))]
        except OSError:
            return path
        dirs = [e for e in entries if e.is_dir() and not e.is_symlink()]
        if len(dirs) == 1 and len(entries) == 1:
            current = dirs[0]
        else:
            break
    return path


def locate(root: Path, relpath: str) -> str | None:
    """Where the file of an exercise is, relative to `root`: its contract path, or else the one
    file of that name anywhere below (a Gradescope upload of loose files); None if absent or
    ambiguous. Symlinks are never followed."""
    direct = root / relpath
    if direct.is_file() and not direct.is_symlink():
        return relpath
    name = Path(relpath).name
    found = []
    for folder, _dirs, files in _walk(root):
        if name in files:
            candidate = folder / name
            if candidate.is_file() and not candidate.is_symlink():
                found.append(candidate.relative_to(root).as_posix())
    return found[0] if len(found) == 1 else None


def _walk(root: Path, max_entries: int = 5000):
    import os

    seen = 0
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d != "__pycache__"]
        seen += len(dirs) + len(files)
        if seen > max_entries:
            return
        yield Path(folder), dirs, files


def grade_workspace(path: Path, *, only: Sequence[str] | None = None, seed: int = 0,
                    limits: Limits | None = None, lang: str = "en",
                    workers: int = 3) -> WorkspaceResult:
    """Grade the workspace at `path` (all exercises, or those named in `only`).

    `seed` chooses the random inputs (the same seed replays the same inputs exactly); `limits`
    are the sandbox's limits per exercise (default: `default_limits()`); `workers` exercises
    run side by side, each in its own sandboxed child (1: one after the other, as the batch's
    worker processes do). Never raises for what the submission contains; raises ValueError for
    an unknown name in `only`.
    """
    started = time.monotonic()
    chosen = select(only)
    path = Path(path)
    root = find_root(path)
    student = clean_text(path.name if path.name not in ("", ".", "..") else
                         path.resolve().name or str(path))
    code = [e for e in chosen if e.kind != "worksheet"]
    sheets = [e for e in chosen if e.kind == "worksheet"]
    by_name: dict[str, ExerciseResult] = {}
    limits = limits or default_limits()
    pool = None
    futures = {}
    helper = _start_sheet_helper(root, sheets, lang) if (sheets and code and workers > 1) \
        else None
    if code:
        from grader.checks import grade_exercise

        if workers > 1 and len(code) > 1:
            # Children start while the parent checks worksheets: each exercise has a sandbox
            # of its own, and the threads mostly wait on their children's pipes.
            from concurrent.futures import ThreadPoolExecutor

            pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="grade")
            futures = {e.name: pool.submit(grade_exercise, root, e, seed=seed, limits=limits,
                                           lang=lang) for e in code}
        else:
            for e in code:
                by_name[e.name] = grade_exercise(root, e, seed=seed, limits=limits, lang=lang)
    try:
        if helper is not None:
            by_name.update(helper.results())
        missing = [e for e in sheets if e.name not in by_name]
        if missing:
            from grader.worksheets import grade_worksheet

            for exercise in missing:
                by_name[exercise.name] = grade_worksheet(root, exercise, lang=lang)
        for name, future in futures.items():
            by_name[name] = future.result()
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        if helper is not None:
            helper.close()
    results = [by_name[e.name] for e in chosen]
    return WorkspaceResult(
        path=path, student=student,
        score=round(sum(r.score for r in results), 6),
        max_score=round(sum(r.max_score for r in results), 6),
        exercises=tuple(results), duration=time.monotonic() - started,
    )


class _SheetHelper:
    """The worksheets graded in a forked process, side by side with the code exercises.

    A fresh `tutor grade` would otherwise import SymPy and run the symbolic checks on the same
    interpreter lock as the numba loading and the comparisons (about 1.5 s of CPU in series).
    Used only where it is safe and pays: fork exists, this process runs no other thread yet,
    SymPy is not loaded (a long-lived caller such as `tutor watch` has it warm and checks in
    process), and only for the first grade of a process. If the helper fails in any way, the
    worksheets are graded here instead.
    """

    def __init__(self, process, conn) -> None:
        self.process = process
        self.conn = conn

    def results(self, timeout: float = 300.0) -> dict[str, ExerciseResult]:
        try:
            if self.conn.poll(timeout):
                found = self.conn.recv()
                if isinstance(found, dict):
                    return found
        except (EOFError, OSError, ValueError, TypeError, AttributeError):
            pass
        return {}

    def close(self) -> None:
        self.conn.close()
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()


def _sheet_helper_main(conn, root: Path, names: list[str], lang: str) -> None:
    from grader import info
    from grader.worksheets import grade_worksheet

    try:
        conn.send({n: grade_worksheet(root, info.get(n), lang=lang) for n in names})
    finally:
        conn.close()


_helper_used = False


def _start_sheet_helper(root: Path, sheets: list, lang: str) -> _SheetHelper | None:
    """Once per process at most: a process that grades again (a benchmark, a notebook) is
    better served by SymPy warm in process from its second round on."""
    import multiprocessing
    import sys
    import threading

    global _helper_used
    if (_helper_used or "sympy" in sys.modules or threading.active_count() != 1
            or "fork" not in multiprocessing.get_all_start_methods()):
        return None
    _helper_used = True
    try:
        context = multiprocessing.get_context("fork")
        receiver, sender = context.Pipe(duplex=False)
        process = context.Process(target=_sheet_helper_main,
                                  args=(sender, root, [e.name for e in sheets], lang))
        process.start()
        sender.close()
    except (OSError, ValueError, AssertionError):  # no processes left, or inside a daemon
        return None
    return _SheetHelper(process, receiver)


def failed_workspace(path: Path, student: str, reason: str, only: Sequence[str] | None = None,
                     duration: float = 0.0, lang: str = "en") -> WorkspaceResult:
    """A submission that could not be opened at all: every exercise 0, with the reason."""
    chosen = select(only)
    exercises = tuple(
        ExerciseResult(name=e.name, title=e.title_in(lang), score=0.0, max_score=e.points,
                       checks=(), diagnoses=(), failure=reason, output="", duration=0.0,
                       kind=e.kind)
        for e in chosen)
    return WorkspaceResult(path=Path(path), student=student, score=0.0,
                           max_score=sum(e.points for e in chosen), exercises=exercises,
                           duration=duration, failure=reason)
