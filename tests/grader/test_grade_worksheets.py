"""Worksheets: the learner's TOML is data; answers go to tutor.mathcheck; keys come from
grader/keys/worksheets.toml only."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from grader import info
from grader.worksheets import MAX_FILE_BYTES, grade_worksheet

ROOT = Path(__file__).resolve().parents[2]
BLANK = ROOT / "exercises" / "worksheets" / "derivatives.toml"
SOLVED = Path(__file__).resolve().parent / "solutions" / "in_place" / "worksheets"


def workspace(tmp_path: Path, text: str, name: str = "derivatives") -> Path:
    (tmp_path / "worksheets").mkdir(exist_ok=True)
    (tmp_path / "worksheets" / f"{name}.toml").write_text(text, encoding="utf-8")
    return tmp_path


def fill(answers: list[str]) -> str:
    it = iter(answers)
    return re.sub(r'^answer = ""$', lambda m: f"answer = {next(it)}",
                  BLANK.read_text(encoding="utf-8"), flags=re.M)


def test_empty_answers_score_zero_without_calling_the_checker(tmp_path, monkeypatch) -> None:
    import tutor.mathcheck

    def boom(*args, **kwargs):
        raise AssertionError("the checker must not see an empty answer")

    monkeypatch.setattr(tutor.mathcheck, "check", boom)
    ws = workspace(tmp_path, fill(['""', '"   "', '""', '""']))
    result = grade_worksheet(ws, info.get("derivatives"))
    assert result.score == 0 and result.failure is None
    assert [c.message for c in result.checks] == ["not answered yet"] * 4


def test_right_wrong_and_unreadable_answers(tmp_path: Path) -> None:
    ws = workspace(tmp_path, fill(['"9x² − 2"', '"4x^3 - 10x"', '"2cos(x) + 3sin(x) + e^x"',
                                   '"4/x - 1/x^^2"']))
    result = grade_worksheet(ws, info.get("derivatives"))
    by_id = {c.name: c for c in result.checks}
    assert by_id["cubic"].passed and by_id["trig-exp"].passed
    assert not by_id["quartic"].passed and by_id["quartic"].diagnosis == "dropped_term"
    assert not by_id["log-reciprocal"].passed and by_id["log-reciprocal"].diagnosis is None
    assert by_id["log-reciprocal"].message  # MathInputError's own words
    assert result.score == 4 and result.diagnoses == ("dropped_term",)


def test_korean_feedback(tmp_path: Path) -> None:
    ws = workspace(tmp_path, fill(['"9x^3 - 2"', '""', '""', '""']))
    result = grade_worksheet(ws, info.get("derivatives"), lang="ko")
    assert re.search(r"[가-힣]", result.checks[0].message)
    assert re.search(r"[가-힣]", result.checks[1].message)


def test_code_is_never_run(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    ws = workspace(tmp_path, fill([f"\"__import__('os').system('touch {marker}')\"",
                                   "\"exec('x')\"", '"lambda: 1"', '"().__class__"']))
    result = grade_worksheet(ws, info.get("derivatives"))
    assert result.score == 0
    assert not marker.exists()


def test_the_keys_variables_are_used_not_the_learners(tmp_path: Path) -> None:
    """A learner who adds `y` to a question's variables cannot change what is accepted."""
    text = fill(['"9x^2 - 2 + 0*y"', '""', '""', '""']).replace(
        'variables = ["x"]', 'variables = ["x", "y"]', 1)
    result = grade_worksheet(workspace(tmp_path, text), info.get("derivatives"))
    assert not result.checks[0].passed
    assert "y" in result.checks[0].message


@pytest.mark.parametrize(("text", "reason"), [
    ('answer = "oops', "could not be read"),
    ("\udcff".encode("utf-8", "surrogateescape").decode("latin-1"), "could not be read"),
    ("title = 'no questions'\n", "no [[question]] tables"),
])
def test_a_broken_file_costs_that_worksheet(tmp_path: Path, text: str, reason: str) -> None:
    ws = workspace(tmp_path, text)
    result = grade_worksheet(ws, info.get("derivatives"))
    assert result.score == 0 and reason in (result.failure or "")


def test_a_huge_file_is_not_read(tmp_path: Path) -> None:
    ws = workspace(tmp_path, "# " + "x" * MAX_FILE_BYTES + "\n")
    result = grade_worksheet(ws, info.get("derivatives"))
    assert result.score == 0 and "larger than" in (result.failure or "")


def test_missing_questions_and_files(tmp_path: Path) -> None:
    text = BLANK.read_text(encoding="utf-8").replace('id = "cubic"', 'id = "renamed"')
    result = grade_worksheet(workspace(tmp_path, text), info.get("derivatives"))
    assert result.checks[0].message == "question cubic is missing from the worksheet"
    missing = grade_worksheet(tmp_path, info.get("partials"))
    assert missing.failure == "worksheets/partials.toml is not in the submission"


def test_every_solved_worksheet_scores_full(tmp_path: Path) -> None:
    shutil.copytree(SOLVED, tmp_path / "worksheets")
    for exercise in info.exercises():
        if exercise.kind == "worksheet":
            result = grade_worksheet(tmp_path, exercise)
            assert result.score == exercise.points, [c.message for c in result.checks]
