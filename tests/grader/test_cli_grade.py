"""`tutor grade`, `tutor init`, `tutor hint` and `tutor bundle` as users run them: a real
process, its stdout, stderr and exit code."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
SOLUTIONS = HERE / "solutions"
CORPUS = HERE / "corpus"
HEAVY = ("numba", "sympy", "textual")


def tutor(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tutor", *args], capture_output=True,
                          text=True, timeout=300, cwd=cwd)


@pytest.mark.parametrize("argv", [["grade", "--help"], ["init", "--help"], ["hint", "--help"],
                                  ["bundle", "--help"], ["bundle", "gradescope", "--help"]])
def test_help_imports_nothing_heavy(argv: list[str]) -> None:
    probe = (
        "import sys\n"
        f"sys.argv = ['tutor', *{argv!r}]\n"
        "from tutor.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"loaded = [m for m in {HEAVY!r} if m in sys.modules]\n"
        "print('LOADED', loaded)\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         timeout=60)
    assert "LOADED []" in out.stdout, out.stdout + out.stderr
    assert "Usage:" in out.stdout


def test_init_never_overwrites(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    out = tutor("init", str(ws))
    assert out.returncode == 0, out.stderr
    for rel in ("optimizers/adam.py", "worksheets/derivatives.toml", "README.md",
                ".github/workflows/classroom.yml"):
        assert (ws / rel).is_file(), rel
    assert not (ws / "info.toml").exists() and not (ws / "optimizers" / "__init__.py").exists()
    (ws / "optimizers" / "adam.py").write_text("# my work\n", encoding="utf-8")
    (ws / "README.md").unlink()
    again = tutor("init", str(ws))
    assert again.returncode == 0
    assert (ws / "optimizers" / "adam.py").read_text(encoding="utf-8") == "# my work\n"
    assert "skipped  optimizers/adam.py" in again.stdout
    assert "created  README.md" in again.stdout
    assert tutor("init", str(ws / "README.md")).returncode == 2


def test_hints_one_after_another(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    assert tutor("init", str(ws)).returncode == 0
    first = tutor("hint", "adam", cwd=ws / "optimizers")  # from inside the workspace, too
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("Hint 1 of 3 for Adam (lesson: adam)")
    assert tutor("hint", "adam", cwd=ws).stdout.startswith("Hint 2 of 3")
    third = tutor("hint", "adam", cwd=ws)
    assert third.stdout.startswith("Hint 3 of 3") and "last hint" in third.stdout
    assert tutor("hint", "adam", cwd=ws).stdout.startswith("Hint 3 of 3")
    assert json.loads((ws / ".tutor" / "hints.json").read_text()) == {"adam": 3}
    ko = tutor("hint", "gd", "--lang", "ko", cwd=ws)
    assert "힌트 1/" in ko.stdout
    (ws / ".tutor" / "hints.json").write_text("{not json")
    assert tutor("hint", "adam", cwd=ws).stdout.startswith("Hint 1 of 3")


def test_hint_errors(tmp_path: Path) -> None:
    unknown = tutor("hint", "adamw", cwd=tmp_path)
    assert unknown.returncode == 2 and "unknown exercise 'adamw'" in unknown.stderr
    outside = tutor("hint", "adam", cwd=tmp_path)
    assert outside.returncode == 2 and "not inside a tutor workspace" in outside.stderr
    assert len(outside.stderr.strip().splitlines()) == 1


def test_grade_missing_path_is_one_line(tmp_path: Path) -> None:
    out = tutor("grade", str(tmp_path / "nope"))
    assert out.returncode == 2
    (line,) = out.stderr.strip().splitlines()
    assert line.endswith(f"grade: error: {tmp_path / 'nope'}: no such file or folder")
    bad = tutor("grade", str(tmp_path), "--only", "adamw")
    assert bad.returncode == 2 and "unknown exercise" in bad.stderr


def test_grade_github_format_and_exit_codes(tmp_path: Path) -> None:
    ws = SOLUTIONS / "in_place"
    full = tutor("grade", str(ws), "--only", "gd,derivatives", "--format", "github")
    assert full.returncode == 0, full.stderr
    assert full.stdout.rstrip().splitlines()[-1] == "Points 18/18"
    case = CORPUS / "adam_eps_inside_sqrt"
    below = tutor("grade", str(case), "--only", "adam", "--format", "github")
    assert below.returncode == 1
    assert below.stdout.rstrip().splitlines()[-1] == "Points 5/10"
    assert tutor("grade", str(case), "--only", "adam", "--min-score", "5").returncode == 0
    assert tutor("grade", str(case), "--only", "adam", "--min-score", "5.5").returncode == 1


def test_grade_the_current_folder_gradescope_to_a_file(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    shutil.copytree(SOLUTIONS / "float32_careful", ws)
    results = tmp_path / "results.json"
    out = tutor("grade", "--only", "newton", "--format", "gradescope", "--out", str(results),
                cwd=ws)
    assert out.returncode == 0, out.stderr
    assert out.stdout == ""
    data = json.loads(results.read_text(encoding="utf-8"))
    assert data["score"] == 10 and data["max_score"] == 10
    assert data["tests"][0]["status"] == "passed"


def test_grade_a_class_to_a_gradebook_and_junit(tmp_path: Path) -> None:
    klass = tmp_path / "class"
    klass.mkdir()
    for name in ("momentum_wrong_sign", "momentum_dampened"):
        shutil.copytree(CORPUS / name, klass / name)
    shutil.copytree(SOLUTIONS / "new_arrays", klass / "ok")
    out = tutor("grade", str(klass), "--batch", "-j", "2", "--only", "momentum",
                "--format", "csv")
    assert out.returncode == 1, out.stderr  # two of them are below full marks
    rows = [line.split(",") for line in out.stdout.strip().splitlines()]
    assert rows[0][:4] == ["student", "momentum", "total", "max_score"]
    assert [(r[0], r[1]) for r in rows[1:]] == [("momentum_dampened", "0"),
                                               ("momentum_wrong_sign", "0"), ("ok", "10")]
    junit = tutor("grade", str(klass), "--batch", "--only", "momentum", "--format", "junit",
                  "--min-score", "0")
    assert junit.returncode == 0
    root = ET.fromstring(junit.stdout)
    assert [s.get("name") for s in root.findall("testsuite")] == [
        "momentum_dampened", "momentum_wrong_sign", "ok"]
    gs = tutor("grade", str(klass), "--batch", "--only", "momentum", "--format", "gradescope")
    assert gs.returncode == 2 and "one submission" in gs.stderr


def test_grade_an_unwritten_workspace(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    assert tutor("init", str(ws)).returncode == 0
    out = tutor("grade", "--only", "adam,derivatives", cwd=ws)
    assert out.returncode == 1
    assert "adam is not written yet" in out.stdout
    assert "not answered yet" in out.stdout
    assert "0/18" in out.stdout


def test_bundle_gradescope(tmp_path: Path) -> None:
    target = tmp_path / "autograder.zip"
    out = tutor("bundle", "gradescope", "--out", str(target), "--package",
                "tutor @ git+https://github.com/example/tutor@v0.1.0")
    assert out.returncode == 0, out.stderr
    with zipfile.ZipFile(target) as zf:
        assert sorted(zf.namelist()) == ["run_autograder", "setup.sh"]
        for info in zf.infolist():
            assert (info.external_attr >> 16) & 0o777 == 0o755
        setup = zf.read("setup.sh").decode()
        run = zf.read("run_autograder").decode()
    assert setup.startswith("#!/usr/bin/env bash") and run.startswith("#!/usr/bin/env bash")
    assert "TUTOR_PACKAGE='tutor @ git+https://github.com/example/tutor@v0.1.0'" in setup
    assert "warm()" in setup
    assert ("tutor grade /autograder/submission --format gradescope --out \"$RESULTS\""
            in run)
    assert "RESULTS=/autograder/results/results.json" in run
    for script in (setup, run):
        check = subprocess.run(["bash", "-n"], input=script, text=True, capture_output=True)
        assert check.returncode == 0, check.stderr


def test_run_autograder_writes_results_when_tutor_fails(tmp_path: Path) -> None:
    """The fallback of run_autograder: no results.json from tutor becomes a zero with a
    message (run here with a fake tutor that fails, paths moved into tmp_path)."""
    from grader.bundle import VENV, run_script

    fake = tmp_path / "venv"
    (fake / "bin").mkdir(parents=True)
    (fake / "bin" / "tutor").write_text("#!/bin/sh\nexit 3\n")
    (fake / "bin" / "tutor").chmod(0o755)
    (fake / "bin" / "python").symlink_to(sys.executable)
    script = run_script().replace(VENV, str(fake)).replace("/autograder", str(tmp_path))
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    data = json.loads((tmp_path / "results" / "results.json").read_text())
    assert data["score"] == 0 and "exit code 3" in data["output"]


def test_grade_one_exercise_file(tmp_path: Path) -> None:
    """`tutor grade optimizers/adam.py` grades that exercise of the workspace around it."""
    ws = tmp_path / "ws"
    shutil.copytree(SOLUTIONS / "in_place", ws)
    out = tutor("grade", "optimizers/adam.py", "--format", "github", cwd=ws)
    assert out.returncode == 0, out.stderr
    assert out.stdout.rstrip().splitlines()[-1] == "Points 10/10"
    other = tutor("grade", "test_batch.py", cwd=HERE)
    assert other.returncode == 2 and "not an exercise's file" in other.stderr


def test_an_empty_only_is_a_usage_error(tmp_path: Path) -> None:
    """`--only "$EXERCISES"` with an empty variable graded nothing and passed with 0/0."""
    for value in ("", ","):
        out = tutor("grade", str(SOLUTIONS / "in_place"), "--only", value, "--format", "github")
        assert out.returncode == 2, out.stdout
        (line,) = out.stderr.strip().splitlines()
        assert "--only names no exercise; choose from: derivatives" in line


def test_a_class_folder_without_submissions_is_a_usage_error(tmp_path: Path) -> None:
    """A wrong folder (empty, or a workspace's optimizers/) was an empty gradebook, exit 0."""
    empty = tmp_path / "class"
    empty.mkdir()
    wrong = tmp_path / "ws" / "optimizers"
    shutil.copytree(SOLUTIONS / "in_place" / "optimizers", wrong)
    for folder in (empty, wrong):
        out = tutor("grade", str(folder), "--batch", "--format", "csv")
        assert out.returncode == 2, out.stdout
        (line,) = out.stderr.strip().splitlines()
        assert f"no submissions in {folder}" in line


def test_report_mistakes_fail_before_grading(tmp_path: Path) -> None:
    """An --out folder that does not exist, or --format gradescope for two submissions, are
    refused before a submission is graded (here two that hang at import: 5 s each)."""
    hang = str(CORPUS / "hostile_hang_at_import")
    klass = tmp_path / "class"
    for name in ("a", "b"):
        shutil.copytree(hang, klass / name)
    nowhere = tmp_path / "missing" / "gradebook.csv"
    cases = [
        ([hang, hang, "--out", str(nowhere)], f"{nowhere}: no such folder"),
        ([hang, hang, "--format", "gradescope"], "not 2"),
        ([str(klass), "--batch", "--format", "gradescope"], "not 2"),
    ]
    for extra, expected in cases:
        started = time.monotonic()
        out = tutor("grade", "--only", "gd", *extra)
        assert out.returncode == 2, out.stdout
        assert time.monotonic() - started < 6, "graded before refusing"
        (line,) = out.stderr.strip().splitlines()
        assert expected in line
    assert not nowhere.parent.exists()


def test_bundle_carries_this_tutor_as_a_wheel(tmp_path: Path) -> None:
    """Without --package, setup.sh installs the wheel in the zip: never PyPI's `tutor`, which
    is another program."""
    from grader.wheel import build_wheel, wheel_name

    out = tutor("bundle", "gradescope", "--out", str(tmp_path / "a.zip"))
    assert out.returncode == 0 and out.stderr == "", out.stderr
    assert wheel_name() in out.stdout
    source = tmp_path / "source"  # where Gradescope unpacks the autograder zip
    with zipfile.ZipFile(tmp_path / "a.zip") as zf:
        assert sorted(zf.namelist()) == sorted(["run_autograder", "setup.sh", wheel_name()])
        zf.extractall(source)
    assert (source / wheel_name()).read_bytes() == build_wheel(tmp_path).read_bytes()
    setup = (source / "setup.sh").read_text()
    assert "pypi" not in setup.lower() and "tutor==" not in setup
    # The lines that choose what to install, run from another folder, name the wheel.
    head = "\n".join(line for line in setup.splitlines()
                     if line.startswith(("HERE=", "TUTOR_PACKAGE=")))
    shown = subprocess.run(["bash", "-c", f'{head}\necho "$TUTOR_PACKAGE"',
                            str(source / "setup.sh")], capture_output=True, text=True, cwd="/")
    assert shown.stdout.strip() == str(source / wheel_name())


def test_bundle_wheel_for_a_classroom_template(tmp_path: Path) -> None:
    from grader.wheel import build_wheel, wheel_name

    (tmp_path / "ref").mkdir()
    out = tutor("bundle", "wheel", "--out", str(tmp_path))
    assert out.returncode == 0, out.stderr
    assert (tmp_path / wheel_name()).read_bytes() == build_wheel(tmp_path / "ref").read_bytes()
    missing = tutor("bundle", "wheel", "--out", str(tmp_path / "nowhere"))
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1
