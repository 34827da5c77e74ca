"""The progress store on a real SQLite file: round trips, resuming, durability under SIGKILL,
damaged / newer / foreign files, unusable paths, a second process, and the migration hook."""

from __future__ import annotations

import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path

import pytest

from tutor import progress as progress_module
from tutor.progress import (
    LessonProgress,
    Progress,
    ProgressError,
    QuestionState,
    default_path,
)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "data" / "progress.sqlite3"


@pytest.fixture
def store(db: Path) -> Iterator[Progress]:
    with Progress.open(db) as opened:
        yield opened


def _fill(store: Progress, answers: int = 1) -> None:
    """Some of everything, `answers` extra attempts to make the file span many pages."""
    store.set_position("derivatives", 3)
    store.record_attempt("derivatives", "q1", "2x^3", False, "power_rule")
    store.record_attempt("derivatives", "q1", "3x", False, "power_rule")
    store.record_attempt("derivatives", "q1", "-3x^2", False, "sign_error")
    store.record_attempt("derivatives", "q1", "3x^2", True, None)
    store.record_hint("derivatives", "q2")
    for i in range(answers):
        store.record_attempt("chain-rule", f"q{i % 5}", f"answer number {i} " * 8, i % 2 == 0,
                             None)
    store.set_setting("lang", "ko")


# --- round trips and resuming -----------------------------------------------------------------

def test_a_new_store_is_empty(store: Progress, db: Path) -> None:
    assert store.path == db and db.is_file()
    assert store.notice is None
    assert store.position("derivatives") == 0
    assert store.question_state("derivatives", "q1") == QuestionState(0, 0, False, 0, None)
    assert store.lesson_progress("derivatives", ["q1", "q2"]) == LessonProgress(0, 2, 0, False)
    assert store.last_lesson() is None
    assert store.setting("lang") is None and store.setting("lang", "en") == "en"
    assert store.summary() == {"path": str(db), "schema_version": 1, "last_lesson": None,
                               "lessons": {}}


def test_round_trip(store: Progress) -> None:
    _fill(store)
    assert store.position("derivatives") == 3
    assert store.question_state("derivatives", "q1") == QuestionState(
        attempts=4, wrong_attempts=3, solved=True, hints_used=0, last_answer="3x^2")
    assert store.question_state("derivatives", "q2") == QuestionState(0, 0, False, 1, None)
    assert store.record_hint("derivatives", "q2") == 2
    assert store.record_hint("derivatives", "q3") == 1
    # Solved counts only the questions asked about; a wrong answer after a right one stays solved.
    store.record_attempt("derivatives", "q1", "x", False, None)
    assert store.lesson_progress("derivatives", ["q1", "q2", "q9"]) == LessonProgress(
        solved=1, total=3, position=3, started=True)
    assert store.question_state("derivatives", "q1").solved
    assert store.setting("lang") == "ko"
    store.set_setting("lang", "en")
    assert store.setting("lang") == "en"


def test_a_hint_alone_starts_a_lesson_and_moves_the_resume_point(store: Progress) -> None:
    store.set_position("derivatives", 2)
    store.record_attempt("gradient-descent", "q1", "0.1", True, None)
    assert store.last_lesson() == "gradient-descent"
    store.record_hint("chain-rule", "q1")
    assert store.last_lesson() == "chain-rule"
    assert store.lesson_progress("chain-rule", ["q1"]).started
    store.set_position("derivatives", 4)
    assert store.last_lesson() == "derivatives"
    store.set_setting("theme", "light")  # a setting is no lesson activity
    assert store.last_lesson() == "derivatives"


def test_resume_after_reopening(db: Path) -> None:
    with Progress.open(db) as first:
        _fill(first, answers=10)
        before = first.summary()
    with Progress.open(db) as again:
        assert again.notice is None
        assert again.summary() == before
        assert again.position("derivatives") == 3
        assert again.last_lesson() == "chain-rule"
        assert again.question_state("derivatives", "q1").last_answer == "3x^2"
        assert again.setting("lang") == "ko"


def test_summary_shape(store: Progress) -> None:
    _fill(store, answers=4)
    summary = store.summary()
    assert summary["last_lesson"] == "chain-rule"
    assert list(summary["lessons"]) == ["chain-rule", "derivatives"]
    lesson = summary["lessons"]["derivatives"]
    assert set(lesson) == {"position", "attempts", "wrong_attempts", "hints_used", "solved",
                           "mistakes", "last_active", "questions"}
    assert (lesson["position"], lesson["attempts"], lesson["wrong_attempts"],
            lesson["hints_used"]) == (3, 4, 3, 1)
    assert lesson["solved"] == ["q1"]
    assert list(lesson["mistakes"].items()) == [("power_rule", 2), ("sign_error", 1)]
    assert lesson["questions"]["q2"] == {"attempts": 0, "wrong_attempts": 0, "solved": False,
                                         "hints_used": 1, "last_answer": None}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT[\d:.]+\+00:00", lesson["last_active"])
    assert summary["lessons"]["chain-rule"]["solved"] == ["q0", "q2"]


def test_the_file_is_wal_with_a_schema_version(store: Progress, db: Path) -> None:
    _fill(store)
    raw = sqlite3.connect(db)
    try:
        assert raw.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert raw.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() \
            == ("1",)
        # Committed already: another connection sees every write while the store is still open.
        assert raw.execute("SELECT count(*) FROM attempts").fetchone() == (5,)
    finally:
        raw.close()


def test_reset_keeps_a_copy_and_the_settings(store: Progress, db: Path) -> None:
    _fill(store, answers=3)
    before = store.summary()
    backup = store.reset()
    assert backup.parent == db.parent and backup.name.startswith("progress.sqlite3.reset-")
    assert store.summary()["lessons"] == {} and store.last_lesson() is None
    assert store.setting("lang") == "ko"
    with Progress.open(backup) as kept:
        assert kept.summary()["lessons"] == before["lessons"]
    assert store.reset() != backup  # a second reset in the same second gets its own name


def test_a_negative_step_is_refused(store: Progress) -> None:
    with pytest.raises(ValueError):
        store.set_position("derivatives", -1)


def test_default_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TUTOR_DB", str(tmp_path / "mine.db"))
    assert default_path() == tmp_path / "mine.db"
    monkeypatch.delenv("TUTOR_DB")
    from platformdirs import user_data_path

    assert default_path() == user_data_path("tutor", appauthor=False) / "progress.sqlite3"


# --- a kill loses nothing ---------------------------------------------------------------------

WRITER = """
import sys
from pathlib import Path
from tutor.progress import Progress

store = Progress.open(Path(sys.argv[1]))
for i in range(int(sys.argv[2])):
    store.set_position("lesson", i)
    store.record_attempt("lesson", f"q{i}", str(i), i % 2 == 0, None)
    print(i, flush=True)
"""


@pytest.mark.parametrize("read", [1, 40])
def test_sigkill_right_after_a_write_loses_nothing(db: Path, read: int) -> None:
    """The child reports each write once it has returned; killed with SIGKILL (no cleanup, no
    close) after `read` reports, every reported write is in the file."""
    child = subprocess.Popen([sys.executable, "-c", WRITER, str(db), "100000"],
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    lines = [child.stdout.readline() for _ in range(read)]
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    assert lines == [f"{i}\n" for i in range(read)]
    with Progress.open(db) as store:
        assert store.notice is None
        summary = store.summary()["lessons"]["lesson"]
        assert summary["attempts"] >= read
        assert store.position("lesson") >= read - 1
        for i in range(read):
            assert store.question_state("lesson", f"q{i}").last_answer == str(i)


# --- a second process -------------------------------------------------------------------------

SECOND = """
import sys
from pathlib import Path
from tutor.progress import Progress

with Progress.open(Path(sys.argv[1])) as store:
    print(store.position("derivatives"), flush=True)
    sys.stdin.readline()
    store.record_attempt("chain-rule", "q1", "from the second", True, None)
    store.set_position("chain-rule", 7)
    print(store.position("derivatives"), flush=True)
"""


def test_two_processes_share_the_file(store: Progress, db: Path) -> None:
    store.set_position("derivatives", 2)
    child = subprocess.Popen([sys.executable, "-c", SECOND, str(db)], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    assert child.stdin is not None and child.stdout is not None
    assert child.stdout.readline() == "2\n"
    store.set_position("derivatives", 5)  # written while the other process holds the file open
    child.stdin.write("go\n")
    child.stdin.flush()
    assert child.stdout.readline() == "5\n"
    assert child.wait(timeout=30) == 0
    assert store.position("chain-rule") == 7
    assert store.question_state("chain-rule", "q1").last_answer == "from the second"


# --- files the store must not use as they are -------------------------------------------------

def _backups(db: Path, tag: str) -> list[Path]:
    return sorted(p for p in db.parent.glob(f"{db.name}.{tag}-*")
                  if not p.name.endswith(("-wal", "-shm")))


def _assert_damaged_file_was_set_aside(db: Path, original: bytes) -> None:
    with Progress.open(db) as store:
        assert store.notice is not None and store.notice.key == "corrupt"
        (backup,) = _backups(db, "corrupt")
        assert re.fullmatch(r"progress\.sqlite3\.corrupt-\d{8}T\d{6}Z", backup.name)
        assert backup.read_bytes() == original
        assert str(backup) in str(store.notice) and str(db) in str(store.notice)
        assert str(backup) in store.notice.message("ko")
        assert store.notice.message("ko") != store.notice.message("en")
        # A fresh store, usable at once.
        assert store.summary()["lessons"] == {}
        store.set_position("derivatives", 1)
    with Progress.open(db) as again:  # told once: the next open is a normal one
        assert again.notice is None
        assert again.position("derivatives") == 1


def test_random_bytes_are_set_aside_with_a_notice(db: Path) -> None:
    db.parent.mkdir(parents=True)
    original = random.Random(4).randbytes(20_000)
    db.write_bytes(original)
    _assert_damaged_file_was_set_aside(db, original)


@pytest.mark.parametrize("keep", [0.5, 0.9, 50])
def test_a_truncated_database_is_set_aside_with_a_notice(db: Path, keep: float) -> None:
    with Progress.open(db) as store:
        _fill(store, answers=2000)
    whole = db.read_bytes()
    assert len(whole) > 100_000 and not db.with_name(db.name + "-wal").exists()
    original = whole[:int(len(whole) * keep) if keep < 1 else int(keep)]
    db.write_bytes(original)
    _assert_damaged_file_was_set_aside(db, original)


def test_the_wal_of_a_damaged_file_goes_with_it(db: Path) -> None:
    db.parent.mkdir(parents=True)
    db.write_bytes(b"not a database at all" * 100)
    wal = db.with_name(db.name + "-wal")
    wal.write_bytes(b"stale log")
    with Progress.open(db) as store:
        assert store.notice is not None
    (backup,) = _backups(db, "corrupt")
    assert backup.with_name(backup.name + "-wal").read_bytes() == b"stale log"


def _newer(db: Path) -> bytes:
    with Progress.open(db) as store:
        _fill(store)
    raw = sqlite3.connect(db)
    raw.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    raw.commit()
    raw.close()
    return db.read_bytes()


def test_a_newer_file_is_refused_and_left_alone(db: Path) -> None:
    original = _newer(db)
    with pytest.raises(ProgressError) as caught:
        Progress.open(db)
    assert caught.value.key == "newer"
    assert "newer" in str(caught.value) and str(db) in str(caught.value)
    assert "2" in caught.value.message("ko")
    assert db.read_bytes() == original
    assert not _backups(db, "corrupt")


def test_a_foreign_database_is_refused_and_left_alone(db: Path) -> None:
    db.parent.mkdir(parents=True)
    raw = sqlite3.connect(db)
    raw.execute("CREATE TABLE songs (title TEXT)")
    raw.commit()
    raw.close()
    original = db.read_bytes()
    with pytest.raises(ProgressError) as caught:
        Progress.open(db)
    assert caught.value.key == "foreign"
    assert db.read_bytes() == original


def test_an_empty_file_becomes_a_store(db: Path) -> None:
    db.parent.mkdir(parents=True)
    db.touch()
    with Progress.open(db) as store:
        assert store.notice is None
        store.set_position("derivatives", 1)


def test_a_folder_is_not_a_file(tmp_path: Path) -> None:
    with pytest.raises(ProgressError) as caught:
        Progress.open(tmp_path)
    assert caught.value.key == "is_directory"
    assert "folder" in str(caught.value) and "--db" in str(caught.value)


def test_a_file_in_the_way_of_the_folders(tmp_path: Path) -> None:
    (tmp_path / "notes").write_text("mine")
    with pytest.raises(ProgressError) as caught:
        Progress.open(tmp_path / "notes" / "sub" / "progress.sqlite3")
    assert caught.value.key == "not_a_folder"
    assert str(tmp_path / "notes") in str(caught.value)
    assert (tmp_path / "notes").read_text() == "mine"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to read-only folders")
def test_a_read_only_folder(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir(mode=0o500)
    try:
        with pytest.raises(ProgressError) as caught:
            Progress.open(folder / "progress.sqlite3")
        assert caught.value.key == "unwritable"
    finally:
        folder.chmod(0o700)


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc")
def test_a_place_nobody_can_write() -> None:
    """/proc takes no new files, not even from root."""
    with pytest.raises(ProgressError) as caught:
        Progress.open(Path("/proc/tutor-progress.sqlite3"))
    assert caught.value.key == "unwritable"
    assert "--db" in str(caught.value)


# --- the migration hook -----------------------------------------------------------------------

def test_every_older_version_has_a_migration() -> None:
    assert set(progress_module.MIGRATIONS) == set(range(1, progress_module.SCHEMA_VERSION))


def test_an_older_file_is_migrated_after_a_copy(db: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    with Progress.open(db) as store:
        _fill(store)

    def add_column(conn: sqlite3.Connection) -> None:
        conn.execute("ALTER TABLE attempts ADD COLUMN seconds REAL")

    monkeypatch.setattr(progress_module, "SCHEMA_VERSION", 2)
    monkeypatch.setattr(progress_module, "MIGRATIONS", {1: add_column})
    with Progress.open(db) as store:
        assert store.summary()["schema_version"] == 2
        assert store.question_state("derivatives", "q1").attempts == 4
    raw = sqlite3.connect(db)
    columns = [row[1] for row in raw.execute("PRAGMA table_info(attempts)")]
    version = raw.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    raw.close()
    assert "seconds" in columns and version == ("2",)
    (copy,) = _backups(db, "pre-v1")
    kept = sqlite3.connect(copy)
    assert kept.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == ("1",)
    kept.close()


def test_a_failed_migration_leaves_the_old_version(db: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    with Progress.open(db) as store:
        _fill(store)

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("ALTER TABLE attempts ADD COLUMN seconds REAL")
        conn.execute("ALTER TABLE no_such_table ADD COLUMN x")

    monkeypatch.setattr(progress_module, "SCHEMA_VERSION", 2)
    monkeypatch.setattr(progress_module, "MIGRATIONS", {1: broken})
    with pytest.raises(ProgressError):
        Progress.open(db)
    monkeypatch.undo()
    with Progress.open(db) as store:  # still version 1, and readable by this tutor
        assert store.question_state("derivatives", "q1").attempts == 4
        assert store.summary()["schema_version"] == 1


# --- the messages -----------------------------------------------------------------------------

def test_every_progress_text_has_both_languages_with_the_same_fields() -> None:
    table = tomllib.loads(files("tutor.locales").joinpath("ui.toml").read_text("utf-8"))

    def texts(node: dict, prefix: str) -> Iterator[tuple[str, dict]]:
        if "en" in node:
            yield prefix, node
            return
        for name, sub in node.items():
            yield from texts(sub, f"{prefix}.{name}")

    found = dict(texts(table["progress"], "progress"))
    assert len(found) > 20
    for key, text in found.items():
        assert set(text) == {"en", "ko"}, key
        fields = [set(re.findall(r"\{(\w+)\}", text[lang])) for lang in ("en", "ko")]
        assert fields[0] == fields[1], key
    source = Path(progress_module.__file__).read_text("utf-8")
    for key in set(re.findall(r'ProgressError\("(\w+)"', source)):
        assert f"progress.error.{key}" in found, key
    from tutor.mathcheck.mistakes import MISCONCEPTIONS

    for name in MISCONCEPTIONS:
        assert f"progress.mistake.{name}" in found, name
