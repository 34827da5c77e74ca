"""Grade a class: many submissions (workspace folders and .zip files), in worker processes.

    from grader.batch import grade_batch
    results = grade_batch([Path("class/")], jobs=2, seed=0, progress=True)

A path may be one submission (a workspace folder or a .zip) or a folder of them (each
sub-folder and .zip file inside is one submission, in name order). Before any worker starts, the
numba cache is warmed once in this process (`tutor.engine.warm.warm`), and the workers are
forked from it (where fork exists), so none of them compiles or even loads a kernel again.
Each worker grades one submission at a time with its own sandbox children.

Zips are extracted to a temporary folder, never trusted: absolute paths, `..`, drive letters,
symlinks, encrypted members, more than `MAX_MEMBERS` entries, more than `MAX_BYTES` unpacked
(counted while reading, not taken from the header) or a member compressed more than
`MAX_RATIO` times reject the whole submission with a message, and it scores 0. macOS's
`__MACOSX/` entries are skipped.

One broken submission never stops the batch: an unreadable zip, a grader error and even a
worker process that dies (the pool is rebuilt, and the submissions that were in flight are
graded again one by one to find the culprit) each cost only that submission.
"""

from __future__ import annotations

import shutil
import stat
import tempfile
import time
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from grader.grade import WorkspaceResult, failed_workspace, grade_workspace, select
from grader.init import is_workspace
from grader.messages import text

if TYPE_CHECKING:
    from grader.sandbox import Limits

MAX_MEMBERS = 2000
MAX_BYTES = 64 << 20
MAX_RATIO = 200
_CHUNK = 1 << 16


class UnsafeZip(Exception):
    """A zip that will not be extracted. `key` names the reason in messages.toml (`zip.*`);
    str() is the English line, `text(lang)` the learner's."""

    def __init__(self, key: str, **fields: object) -> None:
        self.key = key
        self.fields = fields
        super().__init__(self.text("en"))

    def text(self, lang: str) -> str:
        return text(f"zip.{self.key}", lang, **self.fields)


@dataclass(frozen=True)
class Submission:
    path: Path
    student: str

    @property
    def is_zip(self) -> bool:
        return self.path.suffix.lower() == ".zip"


def collect(paths: Iterable[Path | str]) -> list[Submission]:
    """The submissions named by `paths` (see the module's docstring); FileNotFoundError for a
    path that does not exist."""
    found: list[Submission] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise FileNotFoundError(f"{path}: no such file or folder")
        if path.is_file() or is_workspace(path):
            found.append(Submission(path, _student(path)))
        else:
            for entry in sorted(path.iterdir(), key=lambda p: p.name):
                if entry.name.startswith((".", "__")) or entry.is_symlink():
                    continue
                if entry.is_dir() or (entry.is_file() and entry.suffix.lower() == ".zip"):
                    found.append(Submission(entry, _student(entry)))
    return found


def submission(path: Path | str) -> Submission:
    """One submission: a workspace folder or a .zip file."""
    return Submission(Path(path), _student(Path(path)))


def _student(path: Path) -> str:
    from grader.grade import clean_text

    name = path.resolve().name if path.name in ("", ".", "..") else path.name
    return clean_text(name[:-4] if name.lower().endswith(".zip") else name)


def extract_zip(archive: Path, dest: Path) -> None:
    """Extract `archive` into the empty folder `dest`, or raise UnsafeZip."""
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError, ValueError) as err:
        raise UnsafeZip("unreadable", error=err) from None
    with zf:
        members = zf.infolist()
        if len(members) > MAX_MEMBERS:
            raise UnsafeZip("too_many", limit=MAX_MEMBERS)
        total = 0
        for info in members:
            parts = _safe_parts(info.filename)
            if parts is None:
                continue
            if info.flag_bits & 0x1:
                raise UnsafeZip("encrypted", name=repr(info.filename))
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                raise UnsafeZip("symlink", name=repr(info.filename))
            if mode and not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)) and stat.S_IFMT(mode):
                raise UnsafeZip("not_regular", name=repr(info.filename))
            target = dest.joinpath(*parts)
            if info.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            if (info.compress_size and info.file_size > (1 << 20)
                    and info.file_size > MAX_RATIO * info.compress_size):
                ratio = info.file_size // max(1, info.compress_size)
                raise UnsafeZip("bomb", name=repr(info.filename), ratio=ratio)
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                with zf.open(info) as src, open(target, "xb") as out:
                    while True:
                        chunk = src.read(_CHUNK)
                        if not chunk:
                            break
                        total += len(chunk)
                        if total > MAX_BYTES:
                            raise UnsafeZip("too_big", limit=MAX_BYTES >> 20)
                        out.write(chunk)
            except FileExistsError:
                raise UnsafeZip("duplicate", name=repr(info.filename)) from None
            except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError,
                    RuntimeError, OSError, ValueError) as err:
                if isinstance(err, UnsafeZip):
                    raise
                raise UnsafeZip("unreadable_member", name=repr(info.filename),
                                error=err) from None


def _safe_parts(name: str) -> tuple[str, ...] | None:
    """The path parts of a member, None for one to skip; UnsafeZip if it points outside."""
    if "\x00" in name:
        raise UnsafeZip("nul")
    normal = name.replace("\\", "/")
    if normal.startswith("/") or (len(normal) > 1 and normal[1] == ":"):
        raise UnsafeZip("absolute", name=repr(name))
    parts = tuple(p for p in PurePosixPath(normal).parts if p not in ("", "."))
    if any(p == ".." for p in parts):
        raise UnsafeZip("outside", name=repr(name))
    if not parts or parts[0] == "__MACOSX" or parts[-1] == ".DS_Store":
        return None
    return parts


def grade_submission(submission: Submission, *, seed: int = 0,
                     only: Sequence[str] | None = None, limits: Limits | None = None,
                     lang: str = "en", workers: int = 1) -> WorkspaceResult:
    """Grade one submission (a folder, or a zip extracted to a temporary folder). Never raises
    for what the submission holds."""
    started = time.monotonic()
    select(only)  # an unknown exercise name is the caller's mistake: ValueError, before grading
    try:
        if not submission.is_zip:
            result = grade_workspace(submission.path, only=only, seed=seed, limits=limits,
                                     lang=lang, workers=workers)
            return _named(result, submission)
        tmp = tempfile.mkdtemp(prefix="tutor-zip-")
        try:
            root = Path(tmp) / "submission"
            root.mkdir()
            try:
                extract_zip(submission.path, root)
            except UnsafeZip as err:
                reason = text("zip.not_graded", lang, name=submission.path.name,
                              reason=err.text(lang))
                return failed_workspace(submission.path, submission.student, reason, only,
                                        time.monotonic() - started, lang)
            result = grade_workspace(root, only=only, seed=seed, limits=limits, lang=lang,
                                     workers=workers)
            return _named(result, submission)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    except Exception as err:  # the grader's own failure must not stop a class
        return failed_workspace(submission.path, submission.student,
                                f"the grader failed on this submission: {type(err).__name__}: "
                                f"{err}", only, time.monotonic() - started, lang)


def _named(result: WorkspaceResult, submission: Submission) -> WorkspaceResult:
    from dataclasses import replace

    return replace(result, path=submission.path, student=submission.student)


def _warm(only: Sequence[str] | None) -> None:
    """Compile or load every kernel once, here, before any worker is forked."""
    if not any(e.kind != "worksheet" for e in select(only)):
        return
    from tutor.engine.jit import cache_is_cold

    if cache_is_cold():
        import sys

        print("Compiling the numeric kernels for this machine, once (about 20 s)...",
              file=sys.stderr)
    from tutor.engine.warm import warm

    warm()


def grade_batch(paths: Sequence[Path | str], *, jobs: int = 1, seed: int = 0,
                progress: bool | None = False, only: Sequence[str] | None = None,
                limits: Limits | None = None, lang: str = "en") -> list[WorkspaceResult]:
    """Grade every submission under `paths` with `jobs` worker processes; results in the
    submissions' order. FileNotFoundError for a missing path, ValueError for an unknown
    exercise in `only`; nothing a submission does raises."""
    select(only)  # fail early on a wrong name
    submissions = collect(paths)
    if not submissions:
        return []
    _warm(only)
    kwargs = {"seed": seed, "only": only, "limits": limits, "lang": lang}
    results: list[WorkspaceResult | None] = [None] * len(submissions)
    bar = _Progress(len(submissions)) if progress else None
    try:
        if jobs <= 1 or len(submissions) == 1:
            if bar:
                bar.start()
            for i, sub in enumerate(submissions):
                results[i] = grade_submission(sub, workers=2, **kwargs)
                if bar:
                    bar.advance(sub.student)
        else:
            _parallel(submissions, results, jobs, kwargs, bar)
    finally:
        if bar:
            bar.stop()
    return [r for r in results if r is not None]


def _context():
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def _parallel(submissions: list[Submission], results: list[WorkspaceResult | None], jobs: int,
              kwargs: dict, bar: _Progress | None) -> None:
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    todo = list(range(len(submissions)))
    lone = False  # after a worker died: one submission per pool, to find the one that kills
    while todo:
        batch = todo if not lone else todo[:1]
        # Workers are forked before the progress bar's thread runs (fork and threads mix badly).
        if bar:
            bar.stop()
        pool = ProcessPoolExecutor(max_workers=1 if lone else min(jobs, len(batch)),
                                   mp_context=_context())
        broken = False
        try:
            futures = {pool.submit(grade_submission, submissions[i], workers=1, **kwargs): i
                       for i in batch}
            if bar:
                bar.start()
            for future in as_completed(futures):
                i = futures[future]
                try:
                    results[i] = future.result()
                except BrokenProcessPool:
                    broken = True
                    continue
                except ValueError:
                    raise
                except Exception as err:
                    sub = submissions[i]
                    results[i] = failed_workspace(sub.path, sub.student,
                                                  f"the grader failed on this submission: "
                                                  f"{type(err).__name__}: {err}",
                                                  kwargs["only"], lang=kwargs["lang"])
                if bar:
                    bar.advance(submissions[i].student)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        if broken and lone:
            i = batch[0]
            if results[i] is None:
                sub = submissions[i]
                results[i] = failed_workspace(sub.path, sub.student,
                                              "the grading process died while grading this "
                                              "submission", kwargs["only"],
                                              lang=kwargs["lang"])
                if bar:
                    bar.advance(sub.student)
        lone = lone or broken
        todo = [i for i in todo if results[i] is None]


class _Progress:
    """A rich progress bar on stderr (stdout carries the report)."""

    def __init__(self, total: int) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.progress = Progress(TextColumn("grading"), BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn(), TimeRemainingColumn(),
                                 TextColumn("{task.description}"),
                                 console=Console(stderr=True), transient=False)
        self.task = self.progress.add_task("", total=total)
        self.running = False

    def start(self) -> None:
        if not self.running:
            self.progress.start()
            self.running = True

    def stop(self) -> None:
        if self.running:
            self.progress.stop()
            self.running = False

    def advance(self, student: str) -> None:
        from rich.markup import escape

        self.progress.update(self.task, advance=1, description=escape(student[:40]))


__all__ = ["MAX_BYTES", "MAX_MEMBERS", "MAX_RATIO", "Submission", "UnsafeZip", "collect",
           "extract_zip", "grade_batch", "grade_submission", "submission"]
