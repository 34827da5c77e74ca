"""`tutor watch`: the poller, the board and the texts (no terminal, no grading), then the real
command in a subprocess: a stub replaced by a correct solution is graded again at once and shows
its full score; Ctrl+C ends it cleanly."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from grader import info
from grader.grade import CheckResult, ExerciseResult
from grader.init import is_workspace
from grader.watch import Board, Watcher, render_exercise, render_next, run

ROOT = Path(__file__).resolve().parents[2]
SOLUTIONS = ROOT / "tests" / "grader" / "solutions" / "in_place"


def make_workspace(folder: Path) -> Path:
    """A fresh workspace with the stubs and empty worksheets, as `tutor init` makes one."""
    for part in ("optimizers", "worksheets"):
        shutil.copytree(ROOT / "exercises" / part, folder / part,
                        ignore=shutil.ignore_patterns("__pycache__"))
    return folder


def result(name: str, score: float, *, failure: str | None = None,
           checks: tuple[CheckResult, ...] = (), output: str = "",
           diagnoses: tuple[str, ...] = ()) -> ExerciseResult:
    exercise = info.get(name)
    return ExerciseResult(name=name, title=exercise.title["en"], score=score,
                          max_score=exercise.points, checks=checks, diagnoses=diagnoses,
                          failure=failure, output=output, duration=0.4, kind=exercise.kind)


def touch(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    later = time.time() + 5  # a new mtime even where the clock is coarse
    os.utime(path, (later, later))


# --- without grading ----------------------------------------------------------------------------

def test_the_watcher_names_the_exercises_whose_files_changed(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    watcher = Watcher(ws)
    assert watcher.poll() == []
    touch(ws / "optimizers" / "adam.py", "def step(): pass\n")
    touch(ws / "worksheets" / "derivatives.toml", "")
    assert watcher.poll() == ["derivatives", "adam"]  # teaching order
    assert watcher.poll() == []
    (ws / "optimizers" / "gd.py").unlink()
    (ws / "optimizers" / "notes.py").write_text("x = 1\n")  # no exercise's file: ignored
    assert watcher.poll() == ["gd"]
    replacement = ws / "optimizers" / "momentum.py.tmp"  # an editor that saves by renaming
    replacement.write_text("def step(): return 1\n")
    replacement.replace(ws / "optimizers" / "momentum.py")
    assert watcher.poll() == ["momentum"]


def test_the_next_step_is_this_exercise_until_done_then_the_next_unfinished() -> None:
    board = Board()
    first = info.exercises()[0].name
    assert board.next_step().name == first
    board.update([result("gd", 3.0)])
    assert board.next_step("gd").name == "gd"
    board.update([result("gd", 10.0)])
    assert board.next_step("gd").name == "minibatch_sgd"
    for exercise in info.exercises():
        board.update([result(exercise.name, exercise.points)])
    board.update([result("newton", 0.0, failure="SyntaxError: invalid syntax (line 3)")])
    assert board.next_step("newton").name == "newton"
    board.update([result("newton", 10.0)])
    assert board.next_step("newton") is None
    assert "All exercises done" in render_next(board, "newton")


def test_a_result_shows_score_failed_checks_named_bug_output_and_hint() -> None:
    checks = (CheckResult("single step, float64", 2, 2, True, ""),
              CheckResult("60 steps carried on rosenbrock", 0, 3, False,
                          "step 1: expected 0.999, got 0.968", "no_bias_correction"))
    shown = render_exercise(result("adam", 7.0, checks=checks, output="hello\n",
                                   diagnoses=("no_bias_correction",)))
    assert "adam: Adam" in shown and "✗ 7/10" in shown
    assert "1 of 2 checks passed" in shown
    assert "60 steps carried on rosenbrock (0/3): step 1: expected 0.999" in shown
    assert shown.count("Looks like:") == 1  # the bug is named once
    assert "│ hello" in shown
    board = Board()
    board.update([result("adam", 7.0)])
    assert "tutor hint adam" in render_next(board, "adam")
    assert "✓ 10/10" in render_exercise(result("gd", 10.0))
    assert "Not graded: boom" in render_exercise(result("gd", 0.0, failure="boom"))
    assert "힌트" not in render_next(board, "adam", "ko") and "tutor hint adam" in \
        render_next(board, "adam", "ko")


def test_run_grades_everything_then_only_what_changed(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    calls: list[list[str] | None] = []
    lines: list[str] = []

    def grader(root: Path, names, seed: int, lang: str):
        calls.append(None if names is None else list(names))
        chosen = names or info.names()
        if names:  # the second round: the learner has saved gd.py in the meantime
            return type("R", (), {"exercises": [result(n, 10.0) for n in chosen]})()
        touch(ws / "optimizers" / "gd.py", "def step(p, g, s, *, lr=1e-3):\n    return p\n")
        return type("R", (), {"exercises": [result(n, 0.0) for n in chosen]})()

    run(ws, echo=lines.append, interval=0.01, grader=grader, until=lambda: len(calls) >= 2)
    assert calls == [None, ["gd"]]
    text = "\n".join(lines)
    assert "gd: Gradient descent (optimizers/gd.py): ✓ 10/10" in text
    assert "Next: minibatch_sgd" in text  # the next unfinished one after gd


def test_is_workspace(tmp_path: Path) -> None:
    assert not is_workspace(tmp_path)
    assert is_workspace(make_workspace(tmp_path))
    sheets_only = tmp_path / "sheets-only"
    (sheets_only / "worksheets").mkdir(parents=True)
    assert is_workspace(sheets_only)  # a class may hand out only the worksheets


# --- the command --------------------------------------------------------------------------------

def tutor(*args: str, **kwargs) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "LANG": "C.UTF-8", "LC_ALL": ""}
    return subprocess.Popen([sys.executable, "-m", "tutor", *args], text=True, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)


def test_a_missing_folder_is_one_line_and_exit_2(tmp_path: Path) -> None:
    proc = tutor("watch", str(tmp_path / "nowhere"))
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert len(err.strip().splitlines()) == 1 and "does not exist" in err and "tutor init" in err
    proc = tutor("watch", str(tmp_path))  # a folder, but no workspace
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2 and "not an exercises workspace" in err


def wait_for(path: Path, pattern: str, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = path.read_text(encoding="utf-8", errors="replace")
        if re.search(pattern, text, re.MULTILINE):
            return text
        time.sleep(0.1)
    raise AssertionError(f"no {pattern!r} within {timeout} s in:\n{path.read_text()}")


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child process")
def test_watch_regrades_a_saved_solution_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws")
    log = tmp_path / "out.txt"
    with log.open("w", encoding="utf-8") as out:
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "LANG": "C.UTF-8", "LC_ALL": ""}
        proc = subprocess.Popen([sys.executable, "-m", "tutor", "watch", str(ws)], text=True,
                                env=env, stdout=out, stderr=subprocess.PIPE)
        try:
            # The first round grades the whole workspace (stubs: nothing passes).
            wait_for(log, r"^Waiting for you to save", timeout=120)
            shutil.copy(SOLUTIONS / "optimizers" / "momentum.py", ws / "optimizers" / "momentum.py")
            saved = time.monotonic()
            text = wait_for(log, r"^momentum: Momentum \(optimizers/momentum\.py\): ✓ 10/10",
                            timeout=60)
            took = time.monotonic() - saved
            assert took < 15, f"re-graded {took:.1f} s after the save"
            after = text.split("momentum: Momentum (optimizers/momentum.py): ✓ 10/10")[1]
            assert re.search(r"^Next: nesterov \(Nesterov momentum\): edit optimizers/nesterov"
                             r"\.py; stuck\? tutor hint nesterov", after, re.MULTILINE)
            assert "1/14 exercises done, 10/134 points" in text.split("Grading momentum")[-1]
        finally:
            proc.send_signal(signal.SIGINT)
            try:
                _, err = proc.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                raise
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    assert "Stopped watching." in log.read_text(encoding="utf-8")
