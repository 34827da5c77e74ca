"""The learner's progress: answers, attempts, mistakes named, hints used and the position in each
lesson, kept in one SQLite file (stdlib sqlite3) so the app resumes where the learner left off.

Durability. Every write is its own transaction, committed before the call returns, in WAL mode
with `synchronous=FULL`: a crash or a kill loses nothing a call has written, only the answer
still being typed. WAL also lets a second process (`tutor progress` while the app runs) read and
write the same file; writers wait up to `BUSY_TIMEOUT` seconds for each other.

What `Progress.open` does with a file it cannot use, always saying so and never resetting
silently (docs/progress.md):
- damaged (not an SQLite file, or one failing `PRAGMA quick_check`): the file is moved aside to
  `<name>.corrupt-<UTC timestamp>` (its `-wal` beside it, as `...-wal`), a fresh store is
  created in its place, and `Progress.notice` carries the message the app shows once and
  `tutor progress` prints (exit code 2). The learner keeps working; the bytes are kept.
- written by a newer tutor (a higher `schema_version`), or an SQLite file that is not a
  progress store: `ProgressError`, and the file is not modified.
- a folder where the file should be, or a place that cannot be written: `ProgressError`.
An older `schema_version` is upgraded by the steps in `MIGRATIONS`, after a copy is kept.

Threads. A `Progress` belongs to the thread that opened it (sqlite3's default
`check_same_thread`): the app calls it from its UI thread only; workers send messages instead.

Messages (`ProgressError`, `Notice`) are keys into `tutor/locales/ui.toml` with fields, so the
app and the CLI render them in the learner's language; `str()` gives English.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

SCHEMA_VERSION = 1
BUSY_TIMEOUT = 5.0  # seconds a writer waits for another process's transaction
FILE_NAME = "progress.sqlite3"

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE attempts (
    id INTEGER PRIMARY KEY,
    lesson_id TEXT NOT NULL,
    question_id TEXT NOT NULL,
    answer TEXT NOT NULL,
    correct INTEGER NOT NULL,
    misconception TEXT,
    at TEXT NOT NULL
);
CREATE INDEX attempts_by_question ON attempts (lesson_id, question_id);
CREATE TABLE hints (
    lesson_id TEXT NOT NULL,
    question_id TEXT NOT NULL,
    used INTEGER NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (lesson_id, question_id)
);
CREATE TABLE positions (lesson_id TEXT PRIMARY KEY, step INTEGER NOT NULL, at TEXT NOT NULL);
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
_PROGRESS_TABLES = ("attempts", "hints", "positions")  # what reset() empties; settings stay

# MIGRATIONS[v] turns a version-v database into version v + 1. It runs inside the transaction
# that records v + 1, so a kill mid-upgrade leaves version v intact. Add one when SCHEMA_VERSION
# goes up; open() keeps a copy of the file (`<name>.pre-v<v>-<timestamp>`) before the first step.
MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {}

# SQLite primary result codes (an extended code carries one in its low byte).
_CORRUPT = {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB}
_BUSY = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}
_UNWRITABLE = {sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM,
               sqlite3.SQLITE_IOERR, sqlite3.SQLITE_FULL}


def _render(key: str, lang: str, fields: Mapping[str, object]) -> str:
    from tutor.i18n import t

    return t(f"progress.{key}", lang, **fields)


class ProgressError(Exception):
    """The store cannot be used; the message says why and what the learner can do.

    `key` names the case (`progress.error.<key>` in ui.toml: is_directory, not_a_folder,
    unwritable, newer, foreign, busy, io, set_aside); `message(lang)` renders it in a language,
    `str()` in English.
    """

    def __init__(self, key: str, **fields: object) -> None:
        self.key = key
        self.fields = fields
        super().__init__(self.message("en"))

    def message(self, lang: str) -> str:
        return _render(f"error.{self.key}", lang, self.fields)


@dataclass(frozen=True)
class Notice:
    """Something `open` had to do that the learner must be told once (today: a damaged file
    moved aside, `key` "corrupt", fields `path` and `backup`)."""

    key: str
    fields: Mapping[str, object] = field(default_factory=dict)

    def message(self, lang: str) -> str:
        return _render(f"notice.{self.key}", lang, self.fields)

    def __str__(self) -> str:
        return self.message("en")


@dataclass(frozen=True)
class QuestionState:
    attempts: int
    wrong_attempts: int
    solved: bool
    hints_used: int
    last_answer: str | None


@dataclass(frozen=True)
class LessonProgress:
    solved: int
    total: int
    position: int
    started: bool


def default_path() -> Path:
    """`TUTOR_DB` if set, else `progress.sqlite3` in the platform's user data folder."""
    given = os.environ.get("TUTOR_DB", "").strip()
    if given:
        return Path(given).expanduser()
    from platformdirs import user_data_path

    return user_data_path("tutor", appauthor=False) / FILE_NAME


def _now() -> datetime:
    return datetime.now(UTC)


def _stamp() -> str:
    return _now().strftime("%Y%m%dT%H%M%SZ")


def _code(err: sqlite3.Error) -> int:
    return getattr(err, "sqlite_errorcode", 0) & 0xFF


def _free_name(path: Path, tag: str) -> Path:
    """`<name>.<tag>-<UTC timestamp>` next to `path`, numbered if that name is taken."""
    base = f"{path.name}.{tag}-{_stamp()}"
    candidate, n = path.with_name(base), 1
    while candidate.exists():
        candidate, n = path.with_name(f"{base}-{n}"), n + 1
    return candidate


def _sidecars(path: Path) -> tuple[Path, Path]:
    return path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")


class _Damaged(Exception):
    """Raised inside open() when the file is not a readable SQLite database."""


class Progress:
    """One learner's progress file. Create it with `Progress.open(path)`; see the module doc."""

    def __init__(self, conn: sqlite3.Connection, path: Path, notice: Notice | None) -> None:
        self._conn = conn
        self.path = path
        self.notice = notice

    # --- opening ------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path | None = None) -> Progress:
        """Open (creating folders, file and schema as needed) the store at `path` or
        `default_path()`. Raises ProgressError for a file it must not or cannot use."""
        path = (default_path() if path is None else Path(path)).expanduser()
        if path.is_dir():
            raise ProgressError("is_directory", path=path)
        blocking = next((p for p in path.parents if p.exists() and not p.is_dir()), None)
        if blocking is not None:
            raise ProgressError("not_a_folder", path=path, blocking=blocking)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise ProgressError("unwritable", path=path, reason=err.strerror or err) from None
        notice = None
        try:
            _inspect(path)
        except _Damaged:
            notice = Notice("corrupt", {"path": path, "backup": _set_aside(path)})
        return cls(_connect(path), path, notice)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- writing: one committed transaction per call -----------------------------------------

    @contextmanager
    def _write(self, lesson_id: str | None = None) -> Iterator[sqlite3.Connection]:
        """A transaction committed on exit; `lesson_id` becomes the last lesson touched."""
        with _errors(self.path), _transaction(self._conn):
            yield self._conn
            if lesson_id is not None:
                _put_meta(self._conn, "last_lesson", lesson_id)

    def set_position(self, lesson_id: str, step: int) -> None:
        if step < 0:
            raise ValueError(f"a step is 0 or more, not {step}")
        with self._write(lesson_id) as conn:
            conn.execute(
                "INSERT INTO positions VALUES (?, ?, ?) "
                "ON CONFLICT (lesson_id) DO UPDATE SET step = excluded.step, at = excluded.at",
                (lesson_id, step, _now().isoformat()),
            )

    def record_attempt(self, lesson_id: str, question_id: str, answer: str, correct: bool,
                       misconception: str | None) -> None:
        with self._write(lesson_id) as conn:
            conn.execute(
                "INSERT INTO attempts (lesson_id, question_id, answer, correct, misconception, at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (lesson_id, question_id, answer, int(correct), misconception,
                 _now().isoformat()),
            )

    def record_hint(self, lesson_id: str, question_id: str) -> int:
        """Count one more hint shown for the question; returns the hints used so far."""
        with self._write(lesson_id) as conn:
            conn.execute(
                "INSERT INTO hints VALUES (?, ?, 1, ?) ON CONFLICT (lesson_id, question_id) "
                "DO UPDATE SET used = used + 1, at = excluded.at",
                (lesson_id, question_id, _now().isoformat()),
            )
            return conn.execute("SELECT used FROM hints WHERE lesson_id = ? AND question_id = ?",
                                (lesson_id, question_id)).fetchone()[0]

    def set_setting(self, key: str, value: str) -> None:
        with self._write() as conn:
            conn.execute("INSERT INTO settings VALUES (?, ?) "
                         "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, value))

    def reset(self) -> Path:
        """Forget all progress (answers, hints, positions; settings stay) after keeping a copy
        of the file, `<name>.reset-<UTC timestamp>`, which is returned."""
        backup = _free_name(self.path, "reset")
        with _errors(self.path):
            target = sqlite3.connect(backup)
            try:
                self._conn.backup(target)
            finally:
                target.close()
        with self._write() as conn:
            for table in _PROGRESS_TABLES:
                conn.execute(f"DELETE FROM {table}")
            conn.execute("DELETE FROM meta WHERE key = 'last_lesson'")
        return backup

    # --- reading ------------------------------------------------------------------------------

    def _rows(self, sql: str, args: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        with _errors(self.path):
            return self._conn.execute(sql, args).fetchall()

    def position(self, lesson_id: str) -> int:
        """The step the learner was on (0 for a lesson never opened)."""
        rows = self._rows("SELECT step FROM positions WHERE lesson_id = ?", (lesson_id,))
        return rows[0][0] if rows else 0

    def question_state(self, lesson_id: str, question_id: str) -> QuestionState:
        (attempts, wrong, solved), = self._rows(
            "SELECT count(*), coalesce(sum(1 - correct), 0), coalesce(max(correct), 0) "
            "FROM attempts WHERE lesson_id = ? AND question_id = ?", (lesson_id, question_id))
        last = self._rows("SELECT answer FROM attempts WHERE lesson_id = ? AND question_id = ? "
                          "ORDER BY id DESC LIMIT 1", (lesson_id, question_id))
        hints = self._rows("SELECT used FROM hints WHERE lesson_id = ? AND question_id = ?",
                           (lesson_id, question_id))
        return QuestionState(attempts=attempts, wrong_attempts=wrong, solved=bool(solved),
                             hints_used=hints[0][0] if hints else 0,
                             last_answer=last[0][0] if last else None)

    def lesson_progress(self, lesson_id: str, question_ids: Sequence[str]) -> LessonProgress:
        """How far the learner is in a lesson whose questions are `question_ids`."""
        solved = {q for (q,) in self._rows(
            "SELECT DISTINCT question_id FROM attempts WHERE lesson_id = ? AND correct = 1",
            (lesson_id,))}
        started = self._rows(
            "SELECT 1 WHERE EXISTS (SELECT 1 FROM positions WHERE lesson_id = ?1) "
            "OR EXISTS (SELECT 1 FROM attempts WHERE lesson_id = ?1) "
            "OR EXISTS (SELECT 1 FROM hints WHERE lesson_id = ?1)", (lesson_id,))
        return LessonProgress(solved=len(solved & set(question_ids)), total=len(question_ids),
                              position=self.position(lesson_id), started=bool(started))

    def last_lesson(self) -> str | None:
        """The lesson the learner last did anything in: where the app resumes."""
        rows = self._rows("SELECT value FROM meta WHERE key = 'last_lesson'")
        return rows[0][0] if rows else None

    def setting(self, key: str, default: str | None = None) -> str | None:
        rows = self._rows("SELECT value FROM settings WHERE key = ?", (key,))
        return rows[0][0] if rows else default

    def summary(self) -> dict[str, Any]:
        """Everything stored, by lesson: what `tutor progress --json` prints (docs/progress.md).

        Per lesson: position, attempts, wrong_attempts, hints_used, solved (question ids),
        mistakes (misconception -> times named, most frequent first), last_active (UTC ISO
        time) and questions (question id -> the fields of QuestionState).
        """
        lessons: dict[str, dict[str, Any]] = {}

        def lesson(lesson_id: str) -> dict[str, Any]:
            return lessons.setdefault(lesson_id, {
                "position": 0, "attempts": 0, "wrong_attempts": 0, "hints_used": 0,
                "solved": [], "mistakes": {}, "last_active": None, "questions": {}})

        def question(lesson_id: str, question_id: str) -> dict[str, Any]:
            return lesson(lesson_id)["questions"].setdefault(question_id, {
                "attempts": 0, "wrong_attempts": 0, "solved": False, "hints_used": 0,
                "last_answer": None})

        def touched(entry: dict[str, Any], at: str) -> None:
            entry["last_active"] = max(entry["last_active"] or at, at)

        for lesson_id, step, at in self._rows("SELECT lesson_id, step, at FROM positions"):
            lesson(lesson_id)["position"] = step
            touched(lesson(lesson_id), at)
        for lesson_id, question_id, answer, correct, misconception, at in self._rows(
                "SELECT lesson_id, question_id, answer, correct, misconception, at "
                "FROM attempts ORDER BY id"):
            entry, q = lesson(lesson_id), question(lesson_id, question_id)
            for d in (entry, q):
                d["attempts"] += 1
                d["wrong_attempts"] += not correct
            q["solved"] = q["solved"] or bool(correct)
            q["last_answer"] = answer
            if misconception:
                entry["mistakes"][misconception] = entry["mistakes"].get(misconception, 0) + 1
            touched(entry, at)
        for lesson_id, question_id, used, at in self._rows(
                "SELECT lesson_id, question_id, used, at FROM hints"):
            lesson(lesson_id)["hints_used"] += used
            question(lesson_id, question_id)["hints_used"] = used
            touched(lesson(lesson_id), at)
        for entry in lessons.values():
            entry["solved"] = sorted(q for q, s in entry["questions"].items() if s["solved"])
            entry["mistakes"] = dict(sorted(entry["mistakes"].items(),
                                            key=lambda item: (-item[1], item[0])))
        return {"path": str(self.path), "schema_version": SCHEMA_VERSION,
                "last_lesson": self.last_lesson(), "lessons": dict(sorted(lessons.items()))}


# --- opening, in steps ------------------------------------------------------------------------

@contextmanager
def _errors(path: Path) -> Iterator[None]:
    """sqlite3 errors after opening, as ProgressError with a message fit for the learner."""
    try:
        yield
    except sqlite3.Error as err:
        key = "busy" if _code(err) in _BUSY else "io"
        raise ProgressError(key, path=path, reason=err) from err
    except OSError as err:
        raise ProgressError("io", path=path, reason=err.strerror or err) from err


def _inspect(path: Path) -> None:
    """Check an existing file without writing to it: raise _Damaged if SQLite cannot read it,
    ProgressError if it is newer or not ours. A missing or empty file passes (it is new)."""
    if not path.exists() or path.stat().st_size == 0:
        return
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True,
                               timeout=BUSY_TIMEOUT)
    except sqlite3.Error as err:
        raise ProgressError("unwritable", path=path, reason=err) from None
    try:
        if conn.execute("PRAGMA quick_check").fetchall() != [("ok",)]:
            raise _Damaged
        _version(conn, path)
    except sqlite3.DatabaseError as err:
        if _code(err) in _CORRUPT:
            raise _Damaged from None
        raise ProgressError("busy" if _code(err) in _BUSY else "io", path=path,
                            reason=err) from None
    finally:
        conn.close()


def _version(conn: sqlite3.Connection, path: Path) -> int | None:
    """The file's schema_version, None for an empty database; ProgressError if it is newer than
    this tutor reads or the database is not a progress store."""
    tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = "
                                               "'table' AND name NOT LIKE 'sqlite_%'")}
    if not tables:
        return None
    row = (conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
           if "meta" in tables else None)
    if row is None or not str(row[0]).isdigit():
        raise ProgressError("foreign", path=path)
    found = int(row[0])
    if found > SCHEMA_VERSION:
        raise ProgressError("newer", path=path, found=found, supported=SCHEMA_VERSION)
    return found


def _set_aside(path: Path) -> Path:
    """Move a damaged file (and its WAL) to `<name>.corrupt-<timestamp>`; return that path."""
    backup = _free_name(path, "corrupt")
    wal, shm = _sidecars(path)
    try:
        path.rename(backup)
        if wal.exists() and wal.stat().st_size:  # it may hold the last writes: keep it
            wal.rename(backup.with_name(backup.name + "-wal"))
        wal.unlink(missing_ok=True)
        shm.unlink(missing_ok=True)
    except OSError as err:
        raise ProgressError("set_aside", path=path, reason=err.strerror or err) from None
    return backup


def _connect(path: Path) -> sqlite3.Connection:
    """The read-write connection, with the schema created or upgraded."""
    conn = None
    try:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT, isolation_level=None)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        with _transaction(conn):
            found = _version(conn, path)
            if found is None:
                for statement in filter(str.strip, _SCHEMA.split(";")):
                    conn.execute(statement)
                _put_meta(conn, "schema_version", str(SCHEMA_VERSION))
        if found is not None and found < SCHEMA_VERSION:
            _migrate(conn, path, found)
    except (sqlite3.Error, ProgressError) as err:
        if conn is not None:
            conn.close()
        if isinstance(err, ProgressError):
            raise
        key = {**dict.fromkeys(_BUSY, "busy"), **dict.fromkeys(_UNWRITABLE, "unwritable")}
        raise ProgressError(key.get(_code(err), "io"), path=path, reason=err) from None
    return conn


def _migrate(conn: sqlite3.Connection, path: Path, found: int) -> None:
    """Upgrade a version-`found` file step by step, after keeping a copy of it."""
    target = sqlite3.connect(_free_name(path, f"pre-v{found}"))
    try:
        conn.backup(target)
    finally:
        target.close()
    for version in range(found, SCHEMA_VERSION):
        with _transaction(conn):
            MIGRATIONS[version](conn)
            _put_meta(conn, "schema_version", str(version + 1))


@contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """BEGIN IMMEDIATE (take the write lock up front, so two writers queue rather than fail on
    an upgrade from reading) and COMMIT on exit, ROLLBACK on any error."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        if conn.in_transaction:  # SQLite may have rolled back already (disk full, I/O error)
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _put_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute("INSERT INTO meta VALUES (?, ?) "
                 "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, value))
