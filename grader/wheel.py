"""A wheel of the tutor that is running, for `tutor bundle gradescope` to carry in its zip.

Why not `pip install tutor` on Gradescope: the name `tutor` on PyPI is another project (Open
edX's), and a teacher should grade with exactly the tutor they tried. Building with a PEP 517
backend would need the source tree and the network; this needs neither. It packs the three
packages as they are installed (`tutor`, `grader`, `exercises`: the wheel target of
pyproject.toml, editable installs included) with the installed distribution's own METADATA and
entry points, and writes the WHEEL and RECORD files of the wheel format (PEP 427).
"""

from __future__ import annotations

import base64
import hashlib
import importlib
import importlib.metadata
import zipfile
from pathlib import Path

DISTRIBUTION = "tutor"
PACKAGES = ("tutor", "grader", "exercises")
_SKIP_DIRS = {"__pycache__"}
_SKIP_SUFFIXES = {".pyc", ".pyo"}
_DATE = (2024, 1, 1, 0, 0, 0)  # fixed: the same sources give the same bytes


class WheelError(Exception):
    """The running tutor cannot be packed (its metadata is missing): one line for the user."""


def wheel_name() -> str:
    return f"{DISTRIBUTION}-{_version()}-py3-none-any.whl"


def build_wheel(directory: Path) -> Path:
    """Write the wheel into `directory`; returns its path."""
    version = _version()
    dist = importlib.metadata.distribution(DISTRIBUTION)
    info = f"{DISTRIBUTION}-{version}.dist-info"
    metadata = dist.read_text("METADATA")
    entry_points = dist.read_text("entry_points.txt")
    if not metadata or not entry_points or "tutor.cli:main" not in entry_points:
        raise WheelError("the installed tutor has no metadata to pack; reinstall it with pip")
    files: list[tuple[str, bytes]] = []
    for package in PACKAGES:
        root = Path(importlib.import_module(package).__file__ or "").parent
        for path in sorted(root.rglob("*")):
            rel = path.relative_to(root)
            if (path.is_file() and not _SKIP_DIRS.intersection(rel.parts)
                    and path.suffix not in _SKIP_SUFFIXES):
                files.append((f"{package}/{rel.as_posix()}", path.read_bytes()))
    files += [
        (f"{info}/METADATA", metadata.encode()),
        (f"{info}/entry_points.txt", entry_points.encode()),
        (f"{info}/WHEEL", b"Wheel-Version: 1.0\nGenerator: tutor bundle\n"
                          b"Root-Is-Purelib: true\nTag: py3-none-any\n"),
    ]
    record = "".join(f"{name},sha256={_digest(body)},{len(body)}\n" for name, body in files)
    files.append((f"{info}/RECORD", (record + f"{info}/RECORD,,\n").encode()))
    out = Path(directory) / wheel_name()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, body in files:
            entry = zipfile.ZipInfo(name, date_time=_DATE)
            entry.external_attr = 0o644 << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(entry, body)
    return out


def _version() -> str:
    try:
        return importlib.metadata.version(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        raise WheelError("tutor is not installed as a package (pip install it first)") from None


def _digest(body: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(body).digest()).rstrip(b"=").decode()
