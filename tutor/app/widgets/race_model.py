"""The optimizer playground's model: reading the form, running the race, scoring the runs.

No Textual here: the form validates with these parsers, a worker thread calls `run_race`, and the
tests call both directly. Parse errors carry a ui.toml key and its fields rather than a sentence,
so the form shows them in the learner's language; the engine's own messages (a hyperparameter out
of range) come through as the detail.
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import numpy as np

from tutor import plots
from tutor.engine import zoo
from tutor.engine.optim import RULES, get_rule, resolve_hyper

if TYPE_CHECKING:
    from tutor.engine.run import Trajectory

TOLERANCE = 1e-6
MAX_STEPS = 20_000
_PAIR = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)=(\S+)$")


class SettingsError(ValueError):
    """A form field that cannot be read: `key` names the ui.toml text, `fields` fill it in."""

    def __init__(self, key: str, **fields: Any) -> None:
        super().__init__(key)
        self.key = key
        self.fields = fields


@cache
def presets() -> dict[str, Any]:
    """The playground's opening race and per-function starts (playground_presets.toml)."""
    text = resources.files("tutor.app.widgets").joinpath("playground_presets.toml")
    return tomllib.loads(text.read_text(encoding="utf-8"))


def optimizers() -> list[str]:
    """Every optimizer the engine has, in its order."""
    return list(RULES)


def parse_hyper(optimizer: str, text: str) -> dict[str, float | bool]:
    """`lr=0.01 momentum=0.9` (spaces or commas between pairs), checked as torch.optim would."""
    given: dict[str, str] = {}
    for pair in filter(None, re.split(r"[\s,]+", text.strip())):
        match = _PAIR.match(pair)
        if match is None:
            raise SettingsError("playground.error.pairs", optimizer=optimizer, text=pair)
        given[match.group(1)] = match.group(2)
    try:
        hyper = resolve_hyper(get_rule(optimizer), given)
    except ValueError as err:
        raise SettingsError("playground.error.hyper", optimizer=optimizer, error=err) from None
    return {key: hyper[key] for key in given}


def parse_start(text: str, fn: zoo.ZooFunction) -> tuple[float, ...]:
    """`-1.2, 1` as a point of `fn` (as many finite numbers as it has variables)."""
    example = ", ".join(f"{v:g}" for v in presets()["start"].get(fn.name, (0.0,) * fn.dim))
    fail = SettingsError("playground.error.start", count=fn.dim,
                         variables=", ".join(fn.variables), example=example)
    try:
        point = tuple(float(part) for part in re.split(r"[\s,]+", text.strip()) if part)
    except ValueError:
        raise fail from None
    if len(point) != fn.dim or not all(map(math.isfinite, point)):
        raise fail
    return point


def parse_steps(text: str) -> int:
    """A whole number of steps from 1 to MAX_STEPS."""
    try:
        steps = int(text.strip())
    except ValueError:
        steps = 0
    if not 1 <= steps <= MAX_STEPS:
        raise SettingsError("playground.error.steps", max=MAX_STEPS)
    return steps


def format_point(point: tuple[float, ...] | list[float]) -> str:
    """A point as the start field shows it: `-1.2, 1`."""
    return ", ".join(f"{v:.6g}" for v in point)


def snap(value: float, step: float) -> float:
    """`value` rounded to the precision a move of `step` can show (one more digit than the
    step's first), so a start moved on the map reads 0.35, not 0.35000000000000003."""
    digits = max(0, 1 - math.floor(math.log10(abs(step)))) if step else 6
    return round(value, digits) + 0.0  # + 0.0 turns -0.0 into 0.0


def _text(value: float | bool) -> str:
    return str(value).lower() if isinstance(value, bool) else f"{value:g}"


@dataclass(frozen=True)
class RaceSettings:
    """Everything a race needs, already validated."""

    function: str
    entries: tuple[tuple[str, dict[str, float | bool]], ...]  # (optimizer, hyper given)
    start: tuple[float, ...]
    steps: int


@dataclass(frozen=True)
class Result:
    """One optimizer's run and how it scored."""

    optimizer: str
    hyper: dict[str, float | bool]
    trajectory: Trajectory
    steps_to_tolerance: int | None

    @property
    def final_loss(self) -> float:
        return float(self.trajectory.losses[-1])

    @property
    def diverged(self) -> bool:
        return self.trajectory.diverged

    @property
    def label(self) -> str:
        """The optimizer and the hyperparameters typed for it: `momentum lr=0.002`."""
        return " ".join([self.optimizer, *(f"{k}={_text(v)}" for k, v in self.hyper.items())])


@dataclass(frozen=True)
class Race:
    """The settings, every result, and the function sampled for the map."""

    settings: RaceSettings
    results: tuple[Result, ...]
    sample: plots.Sample


def lowest_minimum(fn: zoo.ZooFunction) -> float | None:
    """The smallest value at the function's known minima; None for a function without any."""
    return min((fn.value(point) for point, _ in fn.minima), default=None)


def steps_to_reach(losses: np.ndarray, best: float | None, tol: float = TOLERANCE) -> int | None:
    """The first step whose loss is within `tol` of `best`; None if no step is (or no best)."""
    if best is None:
        return None
    close = np.nonzero(np.abs(np.asarray(losses) - best) < tol)[0]
    return int(close[0]) if len(close) else None


def map_window(fn: zoo.ZooFunction, start: tuple[float, ...]) -> list[plots.Limits]:
    """The map's window: the function's box, grown to hold the start. Paths do not move it, so
    the map stays put while the learner moves the start around."""
    return plots.window(fn.box, [np.array([start])])


@lru_cache(maxsize=32)
def _sample(function: str, limits: tuple[plots.Limits, ...]) -> plots.Sample:
    return plots.sample(zoo.get(function), limits)


def run_race(settings: RaceSettings) -> Race:
    """Run every optimizer from the same start (engine numbers; call it off the UI thread)."""
    from tutor.engine.run import run  # numba loads here, in the worker

    fn = zoo.get(settings.function)
    best = lowest_minimum(fn)
    results = []
    for optimizer, hyper in settings.entries:
        trajectory = run(optimizer, fn.name, settings.start, settings.steps, hyper)
        results.append(Result(optimizer, hyper, trajectory,
                              steps_to_reach(trajectory.losses, best)))
    limits = tuple(map_window(fn, settings.start))
    return Race(settings, tuple(results), _sample(fn.name, limits))
