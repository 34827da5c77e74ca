"""`tutor bundle gradescope`: the autograder zip Gradescope builds its grading image from.

Gradescope's specification: a zip with `setup.sh` (run once, as root, while the image is built)
and `run_autograder` (run for every submission, with the student's files in
/autograder/submission) at its root; the results go to /autograder/results/results.json.

- `setup.sh` finds a Python >= 3.11 (installing python3.11 with apt if the image has none), makes
  a virtual environment in /autograder/tutor-venv, installs tutor, and compiles its numeric
  kernels once, so no submission waits for a compile. By default the zip carries a wheel of the
  very tutor that wrote it (`grader.wheel`), which setup.sh installs (its dependencies come
  from PyPI): the teacher grades with what they tried, and the PyPI project called `tutor`,
  which is another program, never comes into it. `--package SPEC` installs a pip requirement
  instead (a release, a git URL).
- `run_autograder` runs `tutor grade /autograder/submission --format gradescope --out
  /autograder/results/results.json --min-score 0`; if tutor itself fails and writes nothing, it
  writes a results.json scoring 0 that says so, because Gradescope shows an empty result as an
  error the student cannot read.

Both scripts are POSIX-executable in the zip (mode 0755) and use LF line ends.
"""

from __future__ import annotations

import shlex
import stat
import tempfile
import zipfile
from pathlib import Path

VENV = "/autograder/tutor-venv"
CACHE = "/autograder/tutor-cache"

SETUP = """#!/usr/bin/env bash
# Gradescope runs this once, as root, while it builds the autograder image (written by
# `tutor bundle gradescope`). It installs tutor in a virtual environment and compiles its
# numeric kernels, so grading a submission never waits for a compile.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
TUTOR_PACKAGE={package}

PYTHON=""
for candidate in python3.13 python3.12 python3.11 python3; do
  if command -v "$candidate" >/dev/null 2>&1 && \\
     "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    PYTHON="$(command -v "$candidate")"
    break
  fi
done
if [ -z "$PYTHON" ]; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y python3.11 python3.11-venv
  PYTHON="$(command -v python3.11)"
fi
if ! "$PYTHON" -m venv --help >/dev/null 2>&1; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y python3-venv
fi

"$PYTHON" -m venv {venv}
{venv}/bin/python -m pip install --upgrade pip
{venv}/bin/python -m pip install "$TUTOR_PACKAGE"

# Compile (and cache) every numeric kernel now, where run_autograder will find it.
mkdir -p {cache}
TUTOR_CACHE_DIR={cache} {venv}/bin/python -c "from tutor.engine.warm import warm; warm()"
chmod -R a+rX {venv} {cache}
"""

RUN = """#!/usr/bin/env bash
# Gradescope runs this for every submission (written by `tutor bundle gradescope`): tutor grades
# /autograder/submission in sandboxed child processes and writes results.json.
set -uo pipefail

export TUTOR_CACHE_DIR={cache}
RESULTS=/autograder/results/results.json
mkdir -p /autograder/results
rm -f "$RESULTS"

cd /autograder
{venv}/bin/tutor grade /autograder/submission --format gradescope --out "$RESULTS" \\
  --min-score 0 --seed {seed}
status=$?

if [ ! -s "$RESULTS" ]; then
  # tutor failed before writing anything: say so, with zero points, instead of leaving the
  # student an empty result.
  {venv}/bin/python - "$RESULTS" "$status" <<'PY'
import json, sys
path, status = sys.argv[1], sys.argv[2]
json.dump({{"score": 0, "output": f"The autograder failed (exit code {{status}}) before "
           "writing results; please tell your instructor.", "tests": []}},
          open(path, "w"))
PY
fi
exit 0
"""


def setup_script(package: str | None, wheel: str | None = None) -> str:
    """setup.sh installing the pip requirement `package`, or the file `wheel` next to it."""
    spec = f'"$HERE"/{shlex.quote(wheel)}' if wheel else shlex.quote(package or "")
    return SETUP.format(package=spec, venv=VENV, cache=CACHE)


def run_script(seed: int = 0) -> str:
    return RUN.format(venv=VENV, cache=CACHE, seed=int(seed))


def write_gradescope_bundle(out: Path, package: str | None = None, seed: int = 0) -> Path:
    """Write the autograder zip to `out` (replacing it); returns the path. Without `package`
    the zip carries this tutor as a wheel (`grader.wheel.WheelError` if it cannot be packed)."""
    out = Path(out)
    if out.parent and not out.parent.exists():
        raise FileNotFoundError(f"{out.parent}: no such folder")
    scripts = {"run_autograder": run_script(seed)}
    files: dict[str, bytes] = {}
    if package is None:
        from grader.wheel import build_wheel

        with tempfile.TemporaryDirectory(prefix="tutor-bundle-") as tmp:
            wheel = build_wheel(Path(tmp))
            files[wheel.name] = wheel.read_bytes()
        scripts["setup.sh"] = setup_script(None, wheel.name)
    else:
        scripts["setup.sh"] = setup_script(package)
    tmp_out = out.with_name(out.name + ".tmp")
    with zipfile.ZipFile(tmp_out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, body in [*scripts.items(), *files.items()]:
            entry = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            mode = 0o755 if name in scripts else 0o644
            entry.external_attr = (stat.S_IFREG | mode) << 16
            entry.create_system = 3  # Unix, so the mode above is honoured
            entry.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(entry, body)
    tmp_out.replace(out)
    return out
