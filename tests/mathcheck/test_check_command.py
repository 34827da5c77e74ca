"""`tutor check` as users run it: through `tutor.cli.main`, its output and its exit code.

Most cases call `main()` in this process (the same path as the console script, without paying
a SymPy import per case); a few run a real child process end to end.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable

import pytest

from tutor.cli import main

Runner = Callable[..., tuple[int, str, str]]


@pytest.fixture
def tutor(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Runner:
    """Run `tutor check ARGS...` in-process: (exit code, stdout, stderr)."""
    def run(*args: str) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "argv", ["tutor", "check", *args])
        try:
            main()
            code = 0
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else 1
        out = capsys.readouterr()
        return code, out.out, out.err
    return run


def child(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tutor", "check", *args],
                          capture_output=True, text=True, timeout=60)


def test_end_to_end_exit_codes() -> None:
    right = child("9x^2 - 2", "--diff", "3x^3 - 2x + 1")
    assert right.returncode == 0, right.stderr
    assert right.stdout.splitlines() == ["Read as: 9*x**2 - 2", "Correct."]
    wrong = child("-cos(x)", "--diff", "sin(x)", "--json")
    assert wrong.returncode == 1 and json.loads(wrong.stdout)["misconception"] == "sign_error"
    unreadable = child("x.__class__", "--diff", "x^2", "--json")
    assert unreadable.returncode == 2 and unreadable.stdout == ""
    assert unreadable.stderr.count("\n") == 1 and "Traceback" not in unreadable.stderr
    assert "check: error: ANSWER: A dot can only be" in unreadable.stderr


def test_plain_output_and_exit_codes(tutor: Runner) -> None:
    assert tutor("9x^2 - 2", "--diff", "3x^3 - 2x + 1") == (
        0, "Read as: 9*x**2 - 2\nCorrect.\n", "")
    code, out, _ = tutor("9x^3 - 2", "--diff", "3x^3 - 2x + 1")
    assert code == 1 and "power rule" in out


def test_json_has_exactly_the_documented_keys(tutor: Runner) -> None:
    code, out, _ = tutor("(2y, 2x)", "--diff", "2xy", "--wrt", "x,y", "--json")
    assert code == 0
    assert json.loads(out) == {"equivalent": True, "feedback": "Correct.",
                               "misconception": None, "canonical": "(2*y, 2*x)"}
    code, out, _ = tutor("(3y^2 + 12x^2 - 10y, 6xy - 10y)", "--diff", "3xy^2 + 4x^3 - 5y^2 + 1",
                         "--wrt", "x, y", "--json")
    data = json.loads(out)
    assert code == 1 and set(data) == {"equivalent", "feedback", "misconception", "canonical"}
    assert data["misconception"] == "partial_not_constant" and not data["equivalent"]


def test_korean_feedback(tutor: Runner) -> None:
    code, out, _ = tutor("sin(x)", "--diff", "cos(x)", "--lang", "ko", "--json")
    data = json.loads(out)
    assert code == 1 and data["misconception"] == "sign_error" and "부호" in data["feedback"]
    code, out, _ = tutor("-sin x", "--diff", "cos(x)", "--lang", "ko")
    assert code == 0 and out == "읽은 식: -sin(x)\n정답입니다.\n"


@pytest.mark.parametrize("argv", [
    ["-sin(x)", "--diff", "cos(x)"],
    ["--", "-sin(x)", "--diff", "cos(x)"],
    ["--diff", "cos(x)", "-sin(x)"],
    ["--diff", "cos(x)", "--", "-sin(x)"],
    ["--expected=-sin(x)", "-sin(x)"],
    ["--expected", "-sin(x)", "-sin(x)"],
])
def test_an_answer_may_start_with_a_minus(tutor: Runner, argv: list[str]) -> None:
    code, out, err = tutor(*argv, "--json")
    assert code == 0, err
    assert json.loads(out)["canonical"] == "-sin(x)"


def test_minus_h_inside_an_answer_is_not_help(tutor: Runner) -> None:
    code, out, _ = tutor("-tanh(x)^2", "--diff", "tanh(x)", "--json")
    assert code == 1 and json.loads(out)["misconception"] == "dropped_term"


@pytest.mark.parametrize(("argv", "message"), [
    (["2x"], "exactly one of --expected EXPR or --diff FUNC"),
    (["2x", "--diff", "x^2", "--expected", "2x"], "exactly one of"),
    (["2x", "--diff", "x^^2"], "--diff: Unexpected “^”"),
    (["2x", "--expected", "2x)"], "--expected: This closing bracket"),
    (["2x)", "--expected", "2x", "--json"], "ANSWER: This closing bracket"),
    (["2x", "--diff", "x^2", "--wrt", "x,pi"], "'pi' cannot be a variable name"),
    (["2x", "--diff", "x^2", "--lang", "fr"], "Invalid value for '--lang'"),
    (["2x", "--diff", "x^2", "--bogus"], "No such option"),
    (["1/2x", "--diff", "x^2", "--lang", "ko"], "ANSWER: “/” 뒤에"),
])
def test_usage_errors_are_one_line_with_exit_code_2(tutor: Runner, argv: list[str],
                                                   message: str) -> None:
    code, out, err = tutor(*argv)
    assert code == 2 and out == ""
    assert err.startswith("tutor check: error: ") and err.count("\n") == 1
    assert message in err, err


def test_help_imports_nothing_heavy() -> None:
    probe = ("import sys\nsys.argv = ['tutor', 'check', '--help']\n"
             "from tutor.cli import main\ntry:\n    main()\nexcept SystemExit:\n    pass\n"
             "print('LOADED', [m for m in ('sympy', 'numba', 'textual') if m in sys.modules])\n")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         timeout=60)
    assert "LOADED []" in out.stdout and "--diff FUNC" in out.stdout, out.stdout + out.stderr
