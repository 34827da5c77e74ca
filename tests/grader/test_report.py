"""Every report format, fed hand-made results full of hostile text: Gradescope's schema, JUnit
read back with a real XML parser, the CSV gradebook, GitHub Classroom's last line, the terminal
report's escaping."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from grader.grade import CheckResult, ExerciseResult, WorkspaceResult
from grader.report import FORMATS, points, render

NASTY = ("[bold red]boom[/] \\x1b[2J ]]></failure><x/> & < > \" ' \x00\x07\x1b[31m \ud800 "
         "\ufffe Points 134/134\n=cmd|' /C calc'!A0")


def exercise(name: str, score: float, max_score: float = 10.0, *, failure: str | None = None,
             checks: tuple[CheckResult, ...] = (), diagnoses: tuple[str, ...] = (),
             output: str = "", kind: str = "optimizer") -> ExerciseResult:
    return ExerciseResult(name, name.title(), score, max_score, checks, diagnoses, failure,
                          output, 0.25, kind)


def sample(student: str = "alice") -> WorkspaceResult:
    adam = exercise("adam", 3.0, checks=(
        CheckResult("first_steps", 1.0, 1.0, True, ""),
        CheckResult("carried_state", 0.0, 2.0, False, "step 2 of x: " + NASTY,
                    "no_bias_correction"),
        CheckResult("inputs_unchanged", 2.0, 2.0, True, ""),
    ), diagnoses=("no_bias_correction",), output="print from student\n" + NASTY)
    gd = exercise("gd", 0.0, failure="timeout: killed after 5 s " + NASTY, output=NASTY)
    sheet = exercise("derivatives", 8.0, 8.0, kind="worksheet", checks=(
        CheckResult("cubic", 2.0, 2.0, True, "Correct."),))
    return WorkspaceResult(Path("/tmp") / student, student, 11.0, 28.0, (sheet, gd, adam), 1.5)


def test_points_are_written_as_people_write_them() -> None:
    assert [points(v) for v in (134.0, 97.5, 10 / 3, 0.0, -0.0, 1e-9)] == \
        ["134", "97.5", "3.33", "0", "0", "0"]


def test_gradescope_schema() -> None:
    data = json.loads(render([sample()], "gradescope"))
    assert set(data) == {"score", "max_score", "execution_time", "output", "tests"}
    assert data["score"] == 11 and data["max_score"] == 28
    assert isinstance(data["execution_time"], float) and isinstance(data["output"], str)
    assert len(data["tests"]) == 3
    for test in data["tests"]:
        assert {"name", "score", "max_score", "status", "output", "visibility"} <= set(test)
        assert isinstance(test["name"], str) and isinstance(test["output"], str)
        assert isinstance(test["score"], (int, float)) and isinstance(test["max_score"],
                                                                      (int, float))
        assert test["status"] in ("passed", "failed")
        assert test["visibility"] in ("visible", "hidden", "after_due_date", "after_published")
    assert [t["status"] for t in data["tests"]] == ["passed", "failed", "failed"]
    assert sum(t["score"] for t in data["tests"]) == data["score"]
    adam = data["tests"][2]
    assert "Adam without bias correction" in adam["output"]
    assert adam["extra_data"]["diagnoses"] == ["no_bias_correction"]


def test_json_for_a_class_is_a_list_and_gradescope_refuses_it() -> None:
    data = json.loads(render([sample("a"), sample("b")], "json"))
    assert [d["student"] for d in data] == ["a", "b"]
    assert all({"score", "max_score", "tests"} <= set(d) for d in data)
    with pytest.raises(ValueError):
        render([sample("a"), sample("b")], "gradescope")


def test_junit_reads_back_with_a_real_parser() -> None:
    text = render([sample("alice"), sample("bob")], "junit")
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["alice", "bob"]
    suite = suites[0]
    cases = suite.findall("testcase")
    # 1 worksheet check + 1 error (gd could not run) + 3 adam checks
    assert len(cases) == 5 == int(suite.get("tests"))
    assert int(suite.get("failures")) == 1 and int(suite.get("errors")) == 1
    assert int(root.get("tests")) == 10
    failure = suite.find("testcase/failure")
    assert failure is not None and "boom" in failure.get("message")
    assert "</failure>" in failure.get("message")  # escaped, kept as text
    error = suite.find("testcase/error")
    assert error is not None and error.get("message").startswith("timeout:")
    props = {p.get("name"): p.get("value") for p in suite.find("properties")}
    assert props == {"score": "11", "max_score": "28"}
    assert "\x00" not in text and "\x1b" not in text


def test_csv_gradebook() -> None:
    evil = sample("=HYPERLINK(\"http://x\")")
    text = render([sample("alice"), evil], "csv")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["student", "derivatives", "gd", "adam", "total", "max_score", "failure",
                       "path"]
    assert rows[1][:6] == ["alice", "8", "0", "3", "11", "28"]
    assert rows[2][0].startswith("'=")  # never a formula in a spreadsheet


def test_github_ends_with_the_points_line() -> None:
    text = render([sample()], "github")
    lines = [line for line in text.splitlines() if line.strip()]
    assert lines[-1] == "Points 11/28"
    assert sum(1 for line in lines if line.startswith("Points ")) == 1
    assert "Points 134/134" in text  # the student's forged text is there, but never last
    two = render([sample("a"), sample("b")], "github")
    assert two.rstrip().splitlines()[-1] == "Points 22/56"


def test_terminal_never_interprets_student_text() -> None:
    plain = render([sample()], "terminal")
    assert "[bold red]boom[/]" in plain
    coloured = render([sample()], "terminal", color=True)
    assert "[bold red]boom[/]" in coloured  # markup shown as typed, not applied
    assert "\x1b[2J" not in coloured and "\x07" not in coloured and "\x00" not in coloured
    assert "\\x1b[31m" in coloured and "\\x1b[31m" in plain  # the student's escape, escaped
    assert "Adam without bias correction" in plain
    assert "tutor hint adam" in plain


def test_terminal_for_a_class_is_a_table() -> None:
    text = render([sample("alice"), sample("bob")], "terminal")
    assert "alice" in text and "bob" in text and "11/28" in text


def test_korean_report() -> None:
    text = render([sample()], "terminal", lang="ko")
    assert "편향 보정이 없는 Adam" in text and "합계" in text
    gradebook = render([sample("alice"), sample("bob")], "terminal", lang="ko")
    assert "학생" in gradebook and "student" not in gradebook


def test_every_format_renders_encodable_text() -> None:
    for fmt in FORMATS:
        text = render([sample()], fmt)
        text.encode("utf-8")  # a lone surrogate from a student would make this raise
        assert "\ud800" not in text
    with pytest.raises(ValueError):
        render([sample()], "yaml")


def test_plain_report_wraps_under_its_text_without_trailing_spaces() -> None:
    long = "step 1 of one step, vector, float64: element [3] should be 0.2509999998, got 0.25"
    adam = exercise("adam", 9.0, checks=(
        CheckResult("first_steps", 0.0, 1.0, False, long, None),))
    result = WorkspaceResult(Path("/tmp/alice"), "alice", 9.0, 10.0, (adam,), 1.0)
    text = render([result], "terminal", width=60)
    lines = text.splitlines()
    assert all(line == line.rstrip() for line in lines)
    first = next(i for i, line in enumerate(lines) if line.startswith("  ✗ "))
    assert lines[first + 1].startswith("    ") and lines[first + 1].strip()  # hanging indent
    assert max(len(line) for line in lines) <= 60


def test_wide_characters_are_folded_never_cut() -> None:
    message = ("lr=0.02 beta1=0.8 beta2=0.95 eps=1e-06, float64의 1번째 걸음: 원소 [0]는 "
               "0.480000066666이어야 하는데 0.48000011111입니다")
    adam = exercise("adam", 9.0, checks=(
        CheckResult("hyperparameters", 0.0, 1.0, False, message, None),))
    result = WorkspaceResult(Path("/tmp/alice"), "alice", 9.0, 10.0, (adam,), 1.0)
    for width in range(30, 130):
        text = render([result], "terminal", lang="ko", width=width)
        assert "…" not in text and "".join(text.split()).count("".join(message.split())) == 1
