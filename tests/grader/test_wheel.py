"""The wheel `tutor bundle gradescope` carries: what hatchling would build, and pip installs it."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from grader.wheel import build_wheel, wheel_name

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_wheel(tmp_path_factory.mktemp("wheel"))


def test_same_files_as_the_build_backend(wheel: Path, tmp_path: Path) -> None:
    builders = pytest.importorskip("hatchling.builders.wheel")
    (theirs,) = builders.WheelBuilder(str(ROOT)).build(directory=str(tmp_path),
                                                       versions=["standard"])
    assert wheel.name == Path(theirs).name == wheel_name()
    assert set(zipfile.ZipFile(wheel).namelist()) == set(zipfile.ZipFile(theirs).namelist())


def test_record_matches_every_file(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        (record,) = [n for n in names if n.endswith(".dist-info/RECORD")]
        rows = list(csv.reader(io.StringIO(zf.read(record).decode())))
        assert {r[0] for r in rows} == set(names)
        for name, digest, size in rows:
            if name == record:
                continue
            body = zf.read(name)
            expected = base64.urlsafe_b64encode(hashlib.sha256(body).digest()).rstrip(b"=")
            assert digest == f"sha256={expected.decode()}" and int(size) == len(body)


def test_building_twice_gives_the_same_bytes(wheel: Path, tmp_path: Path) -> None:
    assert build_wheel(tmp_path).read_bytes() == wheel.read_bytes()


def test_pip_installs_it_and_it_grades(wheel: Path, tmp_path: Path) -> None:
    """Installed from the wheel alone (its dependencies from this venv), tutor grades a real
    submission: code through the sandbox and its fork server, a worksheet through the keys the
    wheel carries."""
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index",
                    "--quiet", "--target", str(target), str(wheel)], check=True)
    script = ("import sys; sys.path.insert(0, sys.argv.pop(1))\n"
              "import grader, tutor\n"
              "assert all(m.__file__.startswith(sys.path[0]) for m in (grader, tutor))\n"
              "from tutor.cli import main; main()\n")
    solution = ROOT / "tests" / "grader" / "solutions" / "in_place"
    out = subprocess.run([sys.executable, "-c", script, str(target), "grade", str(solution),
                          "--only", "adam,derivatives", "--format", "github"],
                         capture_output=True, text=True, cwd=tmp_path,
                         env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "Points 18/18"
    dist_info = next(target.glob("tutor-*.dist-info"))
    assert "tutor = tutor.cli:main" in (dist_info / "entry_points.txt").read_text()
