"""The exercises' metadata (`exercises/info.toml`) and the worksheet keys, read as plain data.

Imports only the standard library, so `tutor hint` and `tutor init` stay instant and every
`--help` stays light. `grader.grade` and `grader.worksheets` read the same tables through here.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

KINDS = ("worksheet", "optimizer", "minibatch")


@dataclass(frozen=True)
class Exercise:
    """One `[[exercise]]` table of info.toml."""

    name: str
    kind: str  # "worksheet" | "optimizer" | "minibatch"
    path: str  # relative to the workspace root (and to the `exercises` package)
    title: dict[str, str]
    lesson: str
    points: float
    order: int
    hints: tuple[dict[str, str], ...]
    rule: str | None = None

    def title_in(self, lang: str) -> str:
        return self.title.get(lang) or self.title["en"]

    @property
    def function(self) -> str:
        """The function the learner writes: `epoch` for mini-batch SGD, else `step`."""
        return "epoch" if self.kind == "minibatch" else "step"


@cache
def exercises() -> tuple[Exercise, ...]:
    """Every exercise in teaching order."""
    text = files("exercises").joinpath("info.toml").read_text(encoding="utf-8")
    table = tomllib.loads(text)
    found = []
    for raw in table["exercise"]:
        found.append(Exercise(
            name=raw["name"], kind=raw["kind"], path=raw["path"], title=dict(raw["title"]),
            lesson=raw["lesson"], points=float(raw["points"]), order=int(raw["order"]),
            hints=tuple(dict(h) for h in raw.get("hints", ())), rule=raw.get("rule"),
        ))
    return tuple(sorted(found, key=lambda e: e.order))


def names() -> list[str]:
    return [e.name for e in exercises()]


def get(name: str) -> Exercise:
    """The exercise called `name`; KeyError with the valid names otherwise."""
    for e in exercises():
        if e.name == name:
            return e
    raise KeyError(f"unknown exercise {name!r}; choose one of: {', '.join(names())}")


@cache
def worksheet_keys() -> dict[str, dict[str, dict[str, Any]]]:
    """`grader/keys/worksheets.toml` as {worksheet: {question id: key table}} (in file order)."""
    text = files("grader").joinpath("keys", "worksheets.toml").read_text(encoding="utf-8")
    return {name: sheet for name, sheet in tomllib.loads(text).items() if isinstance(sheet, dict)}
