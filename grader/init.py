"""A learner's workspace: `tutor init` creates it, `tutor hint` remembers the hints shown in it.

`init_workspace(dest)` copies from the installed `exercises` package: `optimizers/*.py`,
`worksheets/*.toml`, and the contents of `exercises/workspace/` (README.md and
.github/workflows/classroom.yml) at the root. It never overwrites: each file is created with
O_EXCL, and a file that already exists is left as it is and reported as skipped, so running it
again over a half-done workspace only restores what is missing.

Hints: `next_hint(workspace, name)` returns the next hint of an exercise and records it in
`<workspace>/.tutor/hints.json` ({"adam": 2}: two hints shown). A damaged state file counts as
empty; it is replaced atomically. Standard library only (no numpy): these commands are instant.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from grader import info

STATE_DIR = ".tutor"
HINTS_FILE = "hints.json"


@dataclass
class InitResult:
    root: Path
    created: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def _template() -> list[tuple[str, Traversable]]:
    """(path in the workspace, source) for every file a workspace starts with."""
    pkg = files("exercises")
    out: list[tuple[str, Traversable]] = []
    for folder in ("optimizers", "worksheets"):
        for entry in sorted(pkg.joinpath(folder).iterdir(), key=lambda e: e.name):
            if entry.is_file() and entry.name.endswith((".py", ".toml")) \
                    and not entry.name.startswith(("_", ".")):
                out.append((f"{folder}/{entry.name}", entry))

    def walk(node: Traversable, prefix: str) -> None:
        for entry in sorted(node.iterdir(), key=lambda e: e.name):
            if entry.name == "__pycache__":
                continue
            rel = f"{prefix}{entry.name}"
            if entry.is_dir():
                walk(entry, rel + "/")
            elif entry.is_file():
                out.append((rel, entry))

    walk(pkg.joinpath("workspace"), "")
    return out


def init_workspace(dest: Path) -> InitResult:
    """Create a workspace at `dest` (made if needed); never overwrite. OSError if `dest` is a
    file or cannot be written."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    result = InitResult(dest)
    for rel, source in _template():
        target = dest / rel
        if target.exists() or target.is_symlink():
            result.skipped.append(rel)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        data = source.read_bytes()
        try:
            with open(target, "xb") as out:
                out.write(data)
        except FileExistsError:
            result.skipped.append(rel)
            continue
        result.created.append(rel)
    return result


def is_workspace(folder: Path) -> bool:
    """A learner workspace, as `tutor init` lays it out: `optimizers/` or `worksheets/` (one is
    enough: a class may hand out only the worksheets)."""
    return (folder / "optimizers").is_dir() or (folder / "worksheets").is_dir()


# --- hints ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Hint:
    exercise: info.Exercise
    number: int  # 1-based
    count: int
    text: str
    last: bool


def _state_path(workspace: Path) -> Path:
    return Path(workspace) / STATE_DIR / HINTS_FILE


def hints_shown(workspace: Path) -> dict[str, int]:
    try:
        raw = json.loads(_state_path(workspace).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(raw, dict):
        return {}
    return {k: v for k, v in raw.items() if isinstance(k, str) and isinstance(v, int)
            and not isinstance(v, bool) and v >= 0}


def next_hint(workspace: Path, name: str, lang: str = "en") -> Hint:
    """The next hint of exercise `name` (KeyError for an unknown name), recorded as shown.
    After the last one it keeps returning the last one."""
    exercise = info.get(name)
    shown = hints_shown(workspace)
    count = len(exercise.hints)
    number = min(shown.get(name, 0) + 1, count)
    hint = exercise.hints[number - 1]
    shown[name] = number
    _save(workspace, shown)
    return Hint(exercise, number, count, hint.get(lang) or hint["en"], number == count)


def _save(workspace: Path, shown: dict[str, int]) -> None:
    path = _state_path(workspace)
    try:
        path.parent.mkdir(exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(shown, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only workspace still gets its hint, just not remembered
