"""`tutor progress` as users run it: a real child process on a real SQLite file."""

from __future__ import annotations

import json
import os
import pty
import random
import select
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tutor.lessons.load import lessons
from tutor.progress import Progress

HEAVY = ("numba", "sympy", "textual", "plotext")


def tutor(*args: str, stdin: int | None = subprocess.DEVNULL,
          env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`tutor ...` with stdin not a terminal (as in CI), TUTOR_DB unset unless given."""
    environ = {k: v for k, v in os.environ.items() if k != "TUTOR_DB"}
    return subprocess.run([sys.executable, "-m", "tutor", *args], capture_output=True, text=True,
                          timeout=120, stdin=stdin, env={**environ, **(env or {})})


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A store with some work in the first lesson: one question solved after two mistakes."""
    path = tmp_path / "progress.sqlite3"
    first = lessons()[0]
    question = first.questions[0].id
    with Progress.open(path) as store:
        store.set_position(first.id, 2)
        store.record_attempt(first.id, question, "x^3", False, "not_differentiated")
        store.record_attempt(first.id, question, "2x", False, "power_rule")
        store.record_attempt(first.id, question, "x^3", False, "not_differentiated")
        store.record_hint(first.id, question)
        store.record_attempt(first.id, question, "right", True, None)
    return path


def _one_line_error(out: subprocess.CompletedProcess[str]) -> str:
    assert out.returncode == 2, out
    assert out.stdout == "" and "Traceback" not in out.stderr
    assert out.stderr.count("\n") == 1 and "tutor progress: error: " in out.stderr
    return out.stderr


def test_help_imports_nothing_heavy() -> None:
    probe = (
        "import sys\n"
        "sys.argv = ['tutor', 'progress', '--help']\n"
        "from tutor.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"print('LOADED', [m for m in {HEAVY!r} if m in sys.modules])\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         timeout=60)
    assert "--reset" in out.stdout and "--json" in out.stdout
    assert "LOADED []" in out.stdout, out.stdout + out.stderr


def test_json_is_the_summary(db: Path) -> None:
    out = tutor("progress", "--json", "--db", str(db))
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    with Progress.open(db) as store:
        assert data == store.summary()
    assert set(data) == {"path", "schema_version", "last_lesson", "lessons"}
    first = lessons()[0]
    entry = data["lessons"][first.id]
    assert set(entry) == {"position", "attempts", "wrong_attempts", "hints_used", "solved",
                          "mistakes", "last_active", "questions"}
    assert entry["mistakes"] == {"not_differentiated": 2, "power_rule": 1}
    assert data["last_lesson"] == first.id


def test_the_summary_names_lessons_and_mistakes_in_both_languages(db: Path) -> None:
    first = lessons()[0]
    english = tutor("progress", "--db", str(db), "--lang", "en")
    assert english.returncode == 0, english.stderr
    assert first.title.en.split()[0] in english.stdout
    assert f"1/{len(first.questions)}" in english.stdout
    assert f"3/{len(first.steps)}" in english.stdout  # position 2 is the third step
    assert "not differentiated ×2" in english.stdout and "power rule ×1" in english.stdout
    assert "not started" in english.stdout and f"File: {db}\n" in english.stdout
    korean = tutor("progress", "--db", str(db), "--lang", "ko")
    assert korean.returncode == 0, korean.stderr
    assert first.title.ko.split()[0] in korean.stdout and "미분하지 않음 ×2" in korean.stdout


def test_the_saved_language_is_the_default(db: Path) -> None:
    with Progress.open(db) as store:
        store.set_setting("lang", "ko")
    out = tutor("progress", "--db", str(db), env={"LANG": "en_US.UTF-8", "LC_ALL": ""})
    assert "시작 전" in out.stdout


def test_tutor_db_selects_the_file_and_db_overrides_it(db: Path, tmp_path: Path) -> None:
    from_env = json.loads(tutor("progress", "--json", env={"TUTOR_DB": str(db)}).stdout)
    assert from_env["path"] == str(db) and from_env["lessons"]
    other = tmp_path / "other" / "p.sqlite3"
    given = json.loads(tutor("progress", "--json", "--db", str(other),
                             env={"TUTOR_DB": str(db)}).stdout)
    assert given["path"] == str(other) and given["lessons"] == {}


def test_the_groups_db_and_lang_apply(db: Path) -> None:
    out = tutor("--db", str(db), "--lang", "ko", "progress")
    assert out.returncode == 0, out.stderr
    assert lessons()[0].title.ko.split()[0] in out.stdout and "미분하지 않음 ×2" in out.stdout


def test_reset_with_yes_keeps_a_copy(db: Path) -> None:
    before = json.loads(tutor("progress", "--json", "--db", str(db)).stdout)
    out = tutor("progress", "--reset", "--yes", "--db", str(db))
    assert out.returncode == 0, out.stderr
    (backup,) = db.parent.glob("progress.sqlite3.reset-*")
    assert str(backup) in out.stdout
    after = json.loads(tutor("progress", "--json", "--db", str(db)).stdout)
    assert after["lessons"] == {} and after["last_lesson"] is None
    kept = json.loads(tutor("progress", "--json", "--db", str(backup)).stdout)
    assert kept["lessons"] == before["lessons"]


def test_reset_without_yes_and_no_terminal_refuses(db: Path) -> None:
    original = db.read_bytes()
    message = _one_line_error(tutor("progress", "--reset", "--db", str(db)))
    assert "--yes" in message
    assert db.read_bytes() == original
    assert not list(db.parent.glob("*.reset-*"))


def _on_a_terminal(answer: str, *args: str) -> tuple[int, str]:
    """Run `tutor ...` with a pseudo-terminal as stdin/stdout, type `answer` at the prompt."""
    leader, follower = pty.openpty()
    child = subprocess.Popen([sys.executable, "-m", "tutor", *args], stdin=follower,
                             stdout=follower, stderr=follower, close_fds=True)
    os.close(follower)
    seen = b""
    try:
        while b"[y/N]" not in seen:
            ready, _, _ = select.select([leader], [], [], 60)
            assert ready, seen
            seen += os.read(leader, 4096)
        os.write(leader, answer.encode() + b"\n")
        while True:
            ready, _, _ = select.select([leader], [], [], 60)
            try:
                chunk = os.read(leader, 4096) if ready else b""
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            seen += chunk
    finally:
        os.close(leader)
    return child.wait(timeout=60), seen.decode()


@pytest.mark.parametrize(("answer", "code", "reset"), [("n", 1, False), ("y", 0, True)])
def test_reset_asks_on_a_terminal(db: Path, answer: str, code: int, reset: bool) -> None:
    returncode, text = _on_a_terminal(answer, "progress", "--reset", "--db", str(db))
    assert returncode == code, text
    assert ("Progress reset" in text) is reset and ("Nothing was reset" in text) is not reset
    with Progress.open(db) as store:
        assert bool(store.summary()["lessons"]) is not reset


def test_a_damaged_file_is_one_line_and_a_backup(tmp_path: Path) -> None:
    db = tmp_path / "progress.sqlite3"
    original = random.Random(7).randbytes(9000)
    db.write_bytes(original)
    message = _one_line_error(tutor("progress", "--db", str(db)))
    (backup,) = tmp_path.glob("progress.sqlite3.corrupt-*")
    assert backup.read_bytes() == original
    assert str(backup) in message and "damaged" in message
    fresh = tutor("progress", "--json", "--db", str(db))  # said once; then a fresh store
    assert fresh.returncode == 0 and json.loads(fresh.stdout)["lessons"] == {}


def test_a_damaged_file_in_korean(tmp_path: Path) -> None:
    db = tmp_path / "progress.sqlite3"
    db.write_bytes(b"\x00garbage" * 500)
    message = _one_line_error(tutor("progress", "--db", str(db), "--lang", "ko"))
    assert "손상" in message


def test_a_newer_file_is_one_line_and_untouched(db: Path) -> None:
    raw = sqlite3.connect(db)
    raw.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    raw.commit()
    raw.close()
    original = db.read_bytes()
    for args in (["--json"], ["--reset", "--yes"], []):
        message = _one_line_error(tutor("progress", *args, "--db", str(db)))
        assert "newer" in message and "99" in message
    assert db.read_bytes() == original
    assert not [p for p in db.parent.iterdir() if ".corrupt-" in p.name or ".reset-" in p.name]


def test_a_folder_is_one_line(tmp_path: Path) -> None:
    assert "folder" in _one_line_error(tutor("progress", "--db", str(tmp_path)))
