"""Grading a class: safe zip extraction, a batch of 60 submissions with two worker processes,
broken submissions that cost only themselves, and a worker process that dies."""

from __future__ import annotations

import os
import shutil
import stat
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from grader import batch
from grader.batch import UnsafeZip, collect, extract_zip, grade_batch
from grader.sandbox import Limits

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
SOLUTIONS = HERE / "solutions"
FAST = Limits(call_timeout=1.0, exercise_timeout=4.0, cpu_seconds=10)
CASES = {c["name"]: c for c in
         tomllib.loads((CORPUS / "expected.toml").read_text(encoding="utf-8"))["case"]}
SLOW = {"hostile_hang", "hostile_correct_then_hang"}  # 4 s each: left out of the batch

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the sandbox needs POSIX")


def zip_folder(folder: Path, archive: Path, prefix: str = "") -> Path:
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                zf.write(path, prefix + path.relative_to(folder).as_posix())
    return archive


# --- zips ----------------------------------------------------------------------------------------

def make_zip(path: Path, entries: list[tuple[str | zipfile.ZipInfo, bytes]]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries:
            zf.writestr(name, data)
    return path


@pytest.mark.parametrize(("name", "reason"), [
    ("../evil.py", "outside"),
    ("ok/../../evil.py", "outside"),
    ("/etc/evil.py", "absolute"),
    ("C:/evil.py", "absolute"),
    ("..\\evil.py", "outside"),
])
def test_paths_outside_are_refused(tmp_path: Path, name: str, reason: str) -> None:
    archive = make_zip(tmp_path / "a.zip", [("optimizers/gd.py", b"x = 1\n"), (name, b"boom")])
    (tmp_path / "out").mkdir()
    with pytest.raises(UnsafeZip, match=reason):
        extract_zip(archive, tmp_path / "out")
    assert not (tmp_path / "evil.py").exists()


def test_symlinks_are_refused(tmp_path: Path) -> None:
    link = zipfile.ZipInfo("optimizers/gd.py")
    link.create_system = 3
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    archive = make_zip(tmp_path / "a.zip", [(link, b"/etc/passwd")])
    (tmp_path / "out").mkdir()
    with pytest.raises(UnsafeZip, match="symbolic link"):
        extract_zip(archive, tmp_path / "out")


def test_zip_bombs_are_refused(tmp_path: Path, monkeypatch) -> None:
    archive = make_zip(tmp_path / "bomb.zip", [("optimizers/gd.py", b"\0" * (8 << 20))])
    (tmp_path / "out").mkdir()
    with pytest.raises(UnsafeZip, match="zip bomb"):
        extract_zip(archive, tmp_path / "out")
    # the size is counted while reading, whatever the header says
    monkeypatch.setattr(batch, "MAX_RATIO", 10**9)
    monkeypatch.setattr(batch, "MAX_BYTES", 1 << 20)
    shutil.rmtree(tmp_path / "out")
    (tmp_path / "out").mkdir()
    with pytest.raises(UnsafeZip, match="more than 1 MiB"):
        extract_zip(archive, tmp_path / "out")


def test_too_many_members_and_duplicates(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(batch, "MAX_MEMBERS", 5)
    many = make_zip(tmp_path / "many.zip", [(f"f{i}.txt", b"x") for i in range(6)])
    (tmp_path / "out").mkdir()
    with pytest.raises(UnsafeZip, match="more than 5 entries"):
        extract_zip(many, tmp_path / "out")
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate name
        twice = make_zip(tmp_path / "twice.zip", [("a.py", b"1"), ("a.py", b"2")])
    shutil.rmtree(tmp_path / "out")
    (tmp_path / "out").mkdir()
    with pytest.raises(UnsafeZip, match="twice"):
        extract_zip(twice, tmp_path / "out")


def test_a_normal_zip_with_a_macos_folder(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "a.zip", [
        ("ws/optimizers/gd.py", b"def step(params, grad, state, *, lr=1e-3):\n"
                                b"    return params - lr * grad\n"),
        ("__MACOSX/ws/optimizers/._gd.py", b"\0\0"), ("ws/.DS_Store", b"\0")])
    (tmp_path / "out").mkdir()
    extract_zip(archive, tmp_path / "out")
    assert sorted(p.relative_to(tmp_path / "out").as_posix()
                  for p in (tmp_path / "out").rglob("*") if p.is_file()) == ["ws/optimizers/gd.py"]


def test_collect_expands_a_class_folder(tmp_path: Path) -> None:
    (tmp_path / "class" / "bob" / "optimizers").mkdir(parents=True)
    (tmp_path / "class" / "alice.zip").write_bytes(b"")
    (tmp_path / "class" / ".git").mkdir()
    (tmp_path / "class" / "notes.txt").write_text("x")
    subs = collect([tmp_path / "class"])
    assert [(s.student, s.is_zip) for s in subs] == [("alice", True), ("bob", False)]
    assert [s.student for s in collect([tmp_path / "class" / "bob"])] == ["bob"]
    with pytest.raises(FileNotFoundError):
        collect([tmp_path / "nope"])


# --- a class -------------------------------------------------------------------------------------

def test_a_batch_of_60_in_parallel(tmp_path: Path) -> None:
    """56 corpus cases (folders and zips), a zipped full solution, a zipped case nested one
    folder deep, a file that is not a zip and a zip that points outside: graded with -j 2, in
    order, each with its expected score; the broken ones score 0 and stop nothing."""
    klass = tmp_path / "class"
    klass.mkdir()
    expected: dict[str, float] = {}
    for i, name in enumerate(sorted(n for n in CASES if n not in SLOW)):
        target = klass / name
        if i % 3 == 0:
            zip_folder(CORPUS / name, klass / f"{name}.zip")
        else:
            shutil.copytree(CORPUS / name, target)
        expected[name] = CASES[name]["score"]
    zip_folder(SOLUTIONS / "sources_form", klass / "zz_full.zip")
    expected["zz_full"] = 134
    zip_folder(CORPUS / "adam_no_bias_correction", klass / "zz_nested.zip", prefix="me/ws/")
    expected["zz_nested"] = CASES["adam_no_bias_correction"]["score"]
    (klass / "zz_broken.zip").write_bytes(b"PK\x03\x04 this is not a zip")
    expected["zz_broken"] = 0
    make_zip(klass / "zz_slip.zip", [("../../escape.py", b"x")])
    expected["zz_slip"] = 0
    assert len(expected) >= 60

    results = grade_batch([klass], jobs=2, seed=0, progress=False, limits=FAST)
    assert [r.student for r in results] == sorted(expected)
    scores = {r.student: r.score for r in results}
    assert scores == pytest.approx(expected)
    by_name = {r.student: r for r in results}
    assert "not a readable zip" in by_name["zz_broken"].failure
    assert "outside" in by_name["zz_slip"].failure
    assert all(r.max_score == 134 for r in results)
    assert not (tmp_path / "escape.py").exists()
    assert by_name["zz_nested"].exercises[-2].diagnoses == ("no_bias_correction",)


_REAL = batch.grade_submission


def dies_for_mallory(submission, **kwargs):
    if submission.student == "mallory":
        os._exit(3)  # the worker process dies, as if the grader were killed
    return _REAL(submission, **kwargs)


def test_a_dying_worker_costs_only_its_submission(tmp_path: Path, monkeypatch) -> None:
    for name in ("alice", "bob", "carol", "mallory", "trent"):
        (tmp_path / name / "worksheets").mkdir(parents=True)
    shutil.copy(SOLUTIONS / "in_place" / "worksheets" / "partials.toml",
                tmp_path / "alice" / "worksheets")
    monkeypatch.setattr(batch, "grade_submission", dies_for_mallory)
    results = grade_batch([tmp_path], jobs=2, seed=0, progress=False, only=["partials"])
    assert [r.student for r in results] == ["alice", "bob", "carol", "mallory", "trent"]
    assert [r.score for r in results] == [8, 0, 0, 0, 0]
    mallory = results[3]
    assert mallory.failure == "the grading process died while grading this submission"
    assert results[0].failure is None


def test_progress_and_unknown_names(tmp_path: Path) -> None:
    (tmp_path / "a" / "worksheets").mkdir(parents=True)
    with pytest.raises(ValueError):
        grade_batch([tmp_path], jobs=1, only=["nope"])
    results = grade_batch([tmp_path], jobs=1, progress=True, only=["partials"])
    assert [r.student for r in results] == ["a"]


def test_a_broken_zip_is_reported_in_the_feedback_language(tmp_path: Path) -> None:
    """The exercises of a submission that could not be opened carry the titles of --lang,
    like those of every graded submission next to it in the same report."""
    (tmp_path / "broken.zip").write_bytes(b"not a zip")
    (result,) = grade_batch([tmp_path], jobs=1, only=["gd", "derivatives"], lang="ko")
    assert result.failure is not None and "읽을 수 없는 zip 파일" in result.failure
    assert result.failure.endswith("채점하지 않았습니다")
    assert [e.title for e in result.exercises] == ["미분", "경사 하강법"]
    (english,) = grade_batch([tmp_path], jobs=1, only=["gd"])
    assert english.failure.startswith("broken.zip: not a readable zip file (")
