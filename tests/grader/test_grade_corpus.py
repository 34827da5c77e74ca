"""The corpus, graded for real: each submission runs in the sandbox, as `tutor grade` runs it.

`corpus/expected.toml` lists every case with its exact expected score, the diagnosis it must
carry first, and for the hostile ones the kind of failure. Hostile submissions never score:
whatever they do costs that exercise and nothing else. The four correct styles in `solutions/`
score full marks. Limits are short (a hang costs about 4 s) so the suite stays quick.
"""

from __future__ import annotations

import shutil
import sys
import tomllib
from dataclasses import replace
from pathlib import Path

import pytest

from grader import info
from grader.grade import grade_workspace
from grader.sandbox import Limits

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
SOLUTIONS = HERE / "solutions"
STYLES = sorted(p.name for p in SOLUTIONS.iterdir() if p.is_dir())
FAST = Limits(call_timeout=1.0, exercise_timeout=4.0, cpu_seconds=10)
CASES = tomllib.loads((CORPUS / "expected.toml").read_text(encoding="utf-8"))["case"]

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the sandbox needs POSIX")


def test_the_table_lists_every_folder() -> None:
    folders = {p.name for p in CORPUS.iterdir() if p.is_dir() and not p.name.startswith(".")}
    assert folders == {c["name"] for c in CASES}
    for case in CASES:
        exercise = info.get(case["exercise"])
        assert (CORPUS / case["name"] / exercise.path).is_file(), case["name"]
        assert 0 <= case["score"] <= exercise.points
        if "hostile" in case["name"]:
            assert case["score"] == 0
        else:
            assert case.get("diagnosis") or case.get("failure"), \
                f"{case['name']}: a known bug must be named"


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_corpus_case(case: dict) -> None:
    limits = replace(FAST, **case.get("limits", {}))
    result = grade_workspace(CORPUS / case["name"], only=[case["exercise"]], limits=limits)
    (ex,) = result.exercises
    assert ex.name == case["exercise"]
    assert ex.score == pytest.approx(case["score"]), [(c.name, c.message) for c in ex.checks]
    assert result.score == ex.score and result.max_score == ex.max_score
    if "diagnosis" in case:
        assert ex.diagnoses[:1] == (case["diagnosis"],)
    if "failure" in case:
        assert ex.failure is not None and case["failure"] in ex.failure
    else:
        assert ex.failure is None
    assert ex.score < ex.max_score  # every case in the corpus is wrong somewhere


@pytest.mark.parametrize("style", STYLES)
def test_the_reference_solutions_score_full_marks(style: str) -> None:
    result = grade_workspace(SOLUTIONS / style)
    assert [(e.name, e.score) for e in result.exercises if not e.passed] == []
    assert result.score == result.max_score == 134
    assert all(e.diagnoses == () and e.failure is None for e in result.exercises)


def _workspace_with(tmp_path: Path, hostile: str) -> Path:
    ws = tmp_path / "ws"
    shutil.copytree(SOLUTIONS / "in_place", ws)
    shutil.copy(CORPUS / hostile / "optimizers" / "gd.py", ws / "optimizers" / "gd.py")
    return ws


@pytest.mark.parametrize("hostile", ["hostile_crash", "hostile_fake_results",
                                     "hostile_signals_parent", "hostile_exit_at_import"])
def test_a_hostile_exercise_costs_only_its_own_points(tmp_path: Path, hostile: str) -> None:
    ws = _workspace_with(tmp_path, hostile)
    only = ["gd", "momentum", "adam", "derivatives"]
    result = grade_workspace(ws, only=only, limits=FAST)
    scores = {e.name: e.score for e in result.exercises}
    assert scores == {"derivatives": 8, "gd": 0, "momentum": 10, "adam": 10}
    assert result.score == 28 and result.max_score == 38


def test_the_grader_survives_a_child_that_signals_it() -> None:
    """The child tries SIGTERM and SIGKILL on its parent and the parent's group: this process
    (the grader) is still here, and the exercise scores 0."""
    result = grade_workspace(CORPUS / "hostile_signals_parent", only=["gd"], limits=FAST)
    assert result.score == 0


def test_printed_results_never_reach_the_report_as_results() -> None:
    """A child printing 'Points 134/134' (and JSON, and XML) changes nothing: the github
    report's last line is the real score, and the forged line sits in the indented output."""
    from grader.report import render

    result = grade_workspace(CORPUS / "hostile_fake_results", only=["gd"], limits=FAST)
    text = render([result], "github")
    lines = [line for line in text.splitlines() if line.strip()]
    assert lines[-1] == "Points 0/10"
    assert any("| Points 134/134" in line for line in lines[:-1])
    assert sum(line.startswith("Points ") for line in lines) == 1


def test_loose_files_are_found(tmp_path: Path) -> None:
    """A Gradescope upload of loose files (adam.py at the root) is graded as the workspace."""
    shutil.copy(SOLUTIONS / "new_arrays" / "optimizers" / "adam.py", tmp_path / "adam.py")
    shutil.copy(SOLUTIONS / "new_arrays" / "worksheets" / "partials.toml",
                tmp_path / "partials.toml")
    result = grade_workspace(tmp_path, only=["adam", "partials", "gd"])
    assert {e.name: e.score for e in result.exercises} == {"partials": 8, "adam": 10, "gd": 0}
    gd = next(e for e in result.exercises if e.name == "gd")
    assert gd.failure == "missing: optimizers/gd.py is not in the submission"


def test_a_zipped_folder_level_is_skipped(tmp_path: Path) -> None:
    """A workspace inside one more folder (a zip of the folder, a checkout) is found."""
    shutil.copytree(SOLUTIONS / "sources_form", tmp_path / "alice" / "workspace")
    result = grade_workspace(tmp_path / "alice", only=["momentum"])
    assert result.score == 10 and result.student == "alice"


def test_the_same_seed_replays_the_same_feedback() -> None:
    case = CORPUS / "adam_eps_inside_sqrt"
    one = grade_workspace(case, only=["adam"], seed=5, limits=FAST).exercises[0]
    two = grade_workspace(case, only=["adam"], seed=5, limits=FAST).exercises[0]
    other = grade_workspace(case, only=["adam"], seed=6, limits=FAST).exercises[0]
    assert [c.message for c in one.checks] == [c.message for c in two.checks]
    random = {c.name: c.message for c in other.checks}["random_states"]
    assert random != {c.name: c.message for c in one.checks}["random_states"] or random == ""


def test_unknown_exercise_names_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown exercise 'adamw'"):
        grade_workspace(SOLUTIONS / "in_place", only=["adamw"])
