"""The shape of a lesson file, as typed dataclasses built from TOML with explicit checks.

Lessons are data (`content/NN-slug.toml`); this module turns one parsed file into objects the
app can trust, and rejects a malformed file with a message naming the file and the field.
Every text carries English and Korean. Formulas a test re-derives (answer keys, numeric claims)
are kept in fields of their own, beside the prose, so the tests can find every one of them.
See docs/lessons.md for the format, field by field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

LANGS = ("en", "ko")
SCHEMA_VERSION = 1
MODES = ("symbolic", "numeric", "choice")
PLOT_TYPES = ("curve", "tangent", "paths", "contour", "loss")
RUN_TAKES = ("point", "loss", "diverged", "steps")


class LessonError(ValueError):
    """A lesson file that does not follow the schema; the message says where."""


@dataclass(frozen=True)
class Text:
    """One text in every language we teach in."""

    en: str
    ko: str

    def get(self, lang: str) -> str:
        return self.ko if lang == "ko" else self.en


@dataclass(frozen=True)
class RunSpec:
    """An engine run: an optimizer on a zoo function, as `tutor run` would do it."""

    optimizer: str
    function: str
    start: tuple[float, ...]
    steps: int
    hyper: dict[str, float | bool] = field(default_factory=dict)
    batch_size: int | None = None
    seed: int = 0
    label: Text | None = None


@dataclass(frozen=True)
class Derivation:
    """How a test recomputes a number: a SymPy expression, or an engine run and what to read.

    `take`: "point" (coordinate `index` of the final point), "loss" (final loss), "diverged"
    (1 or 0) or "steps" (number of steps until the loss is within `tol` of the function's lowest
    known minimum, or the run's length if never).
    """

    expr: str | None = None
    run: RunSpec | None = None
    take: str = "point"
    index: int = 0
    tol: float = 1e-6


@dataclass(frozen=True)
class Claim:
    """A number stated in the prose (`text`, verbatim in both languages) and how to recompute it."""

    text: str
    value: float
    tolerance: float
    derive: Derivation


@dataclass(frozen=True)
class Mistake:
    """A wrong answer a learner is likely to type and the misconception it must be diagnosed as."""

    answer: str
    misconception: str


@dataclass(frozen=True)
class Explain:
    kind: Literal["explain", "example"]
    title: Text | None
    text: Text


@dataclass(frozen=True)
class Plot:
    kind: Literal["plot"]
    caption: Text
    type: str
    function: str
    runs: tuple[RunSpec, ...] = ()
    at: tuple[float, ...] = ()
    window: tuple[tuple[float, float], ...] | None = None


@dataclass(frozen=True)
class Question:
    """A question; `answer` is an expression (symbolic), a number (numeric) or an index (choice).

    Symbolic keys are either the derivative of `of` with respect to `wrt` (a gradient tuple when
    there are several), which the tests re-derive with sympy.diff, or come with `derive`, a SymPy
    expression the tests check equivalent.
    """

    kind: Literal["question"]
    id: str
    mode: str
    prompt: Text
    hints: tuple[Text, ...]
    solution: Text
    answer: Any
    variables: tuple[str, ...] = ()
    of: str | None = None
    wrt: tuple[str, ...] = ()
    tolerance: float = 0.0
    derive: Derivation | None = None
    choices: tuple[Text, ...] = ()
    mistakes: tuple[Mistake, ...] = ()


Step = Explain | Plot | Question


@dataclass(frozen=True)
class Lesson:
    id: str
    order: int
    title: Text
    summary: Text
    sources: tuple[str, ...]
    steps: tuple[Step, ...]
    claims: tuple[Claim, ...] = ()

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(s for s in self.steps if isinstance(s, Question))


class _Reader:
    """Reads one table with a path for messages; every accessor names what is wrong and where."""

    def __init__(self, table: Any, where: str) -> None:
        if not isinstance(table, dict):
            raise LessonError(f"{where}: expected a table")
        self.table = table
        self.where = where

    def fail(self, key: str, problem: str) -> LessonError:
        return LessonError(f"{self.where}.{key}: {problem}")

    def has(self, key: str) -> bool:
        return key in self.table

    def raw(self, key: str, kinds: type | tuple[type, ...], default: Any = ...) -> Any:
        if key not in self.table:
            if default is ...:
                raise self.fail(key, "missing")
            return default
        value = self.table[key]
        allowed = kinds if isinstance(kinds, tuple) else (kinds,)
        if isinstance(value, bool) and bool not in allowed:
            raise self.fail(key, f"expected {kinds}, got a boolean")
        if not isinstance(value, kinds):
            raise self.fail(key, f"expected {kinds}, got {type(value).__name__}")
        return value

    def text(self, key: str, optional: bool = False) -> Text | None:
        if optional and key not in self.table:
            return None
        sub = self.sub(key)
        values = {}
        for lang in LANGS:
            value = sub.raw(lang, str)
            if not value.strip():
                raise sub.fail(lang, "empty text")
            values[lang] = value
        extra = set(sub.table) - set(LANGS)
        if extra:
            raise sub.fail(sorted(extra)[0], f"unknown language; use {', '.join(LANGS)}")
        return Text(**values)

    def texts(self, key: str) -> tuple[Text, ...]:
        items = self.raw(key, list)
        return tuple(_Reader({"t": item}, f"{self.where}.{key}[{i}]").text("t")
                     for i, item in enumerate(items))

    def sub(self, key: str) -> _Reader:
        return _Reader(self.raw(key, dict), f"{self.where}.{key}")

    def numbers(self, key: str, default: Any = ...) -> tuple[float, ...]:
        values = self.raw(key, list, default)
        if any(isinstance(v, bool) or not isinstance(v, int | float) for v in values):
            raise self.fail(key, "expected a list of numbers")
        return tuple(float(v) for v in values)

    def strings(self, key: str, default: Any = ...) -> tuple[str, ...]:
        values = self.raw(key, list, default)
        if not all(isinstance(v, str) for v in values):
            raise self.fail(key, "expected a list of strings")
        return tuple(values)

    def choice(self, key: str, allowed: tuple[str, ...], default: Any = ...) -> str:
        value = self.raw(key, str, default)
        if value not in allowed:
            raise self.fail(key, f"{value!r} is not one of {', '.join(allowed)}")
        return value


def _run(r: _Reader) -> RunSpec:
    hyper = r.raw("hyper", dict, {})
    if not all(isinstance(v, int | float | bool) for v in hyper.values()):
        raise r.fail("hyper", "values must be numbers or booleans")
    return RunSpec(
        optimizer=r.raw("optimizer", str),
        function=r.raw("function", str),
        start=r.numbers("start"),
        steps=r.raw("steps", int),
        hyper=dict(hyper),
        batch_size=r.raw("batch_size", int, None),
        seed=r.raw("seed", int, 0),
        label=r.text("label", optional=True),
    )


def _derivation(r: _Reader) -> Derivation:
    expr = r.raw("expr", str, None)
    run = _run(r.sub("run")) if r.has("run") else None
    if (expr is None) == (run is None):
        raise LessonError(f"{r.where}: give exactly one of expr or run")
    return Derivation(expr=expr, run=run, take=r.choice("take", RUN_TAKES, "point"),
                      index=r.raw("index", int, 0), tol=float(r.raw("tol", int | float, 1e-6)))


def _question(r: _Reader) -> Question:
    mode = r.choice("mode", MODES)
    common = {
        "kind": "question",
        "id": r.raw("id", str),
        "mode": mode,
        "prompt": r.text("prompt"),
        "hints": r.texts("hints"),
        "solution": r.text("solution"),
        "mistakes": tuple(
            Mistake(answer=m.raw("answer", str), misconception=m.raw("misconception", str))
            for m in (_Reader(t, f"{r.where}.mistakes[{i}]")
                      for i, t in enumerate(r.raw("mistakes", list, [])))
        ),
    }
    if not common["hints"]:
        raise r.fail("hints", "give at least one hint")
    derive = _derivation(r.sub("derive")) if r.has("derive") else None
    if mode == "symbolic":
        q = Question(**common, answer=r.raw("answer", str), variables=r.strings("variables"),
                     of=r.raw("of", str, None), wrt=r.strings("wrt", []), derive=derive)
        if (q.of is None) == (derive is None):
            raise LessonError(f"{r.where}: a symbolic question needs exactly one of of or derive")
        if q.of is not None and not q.wrt:
            raise r.fail("wrt", "missing (the variables `of` is differentiated by)")
        return q
    if mode == "numeric":
        if derive is None:
            raise r.fail("derive", "missing: every numeric answer is recomputed by a test")
        return Question(**common, answer=float(r.raw("answer", int | float)),
                        tolerance=float(r.raw("tolerance", int | float)), derive=derive)
    choices = r.texts("choices")
    answer = r.raw("answer", int)
    if len(choices) < 2 or not 0 <= answer < len(choices):
        raise r.fail("answer", f"index {answer} does not name one of {len(choices)} choices")
    return Question(**common, answer=answer, choices=choices)


def _step(r: _Reader) -> Step:
    kind = r.choice("kind", ("explain", "example", "plot", "question"))
    if kind in ("explain", "example"):
        return Explain(kind=kind, title=r.text("title", optional=True), text=r.text("text"))
    if kind == "question":
        return _question(r)
    window = r.raw("window", list, None)
    return Plot(
        kind="plot",
        caption=r.text("caption"),
        type=r.choice("type", PLOT_TYPES),
        function=r.raw("function", str),
        runs=tuple(_run(_Reader(t, f"{r.where}.runs[{i}]"))
                   for i, t in enumerate(r.raw("runs", list, []))),
        at=r.numbers("at", []),
        window=None if window is None else tuple(tuple(map(float, w)) for w in window),
    )


def build(table: dict[str, Any], where: str) -> Lesson:
    """A validated lesson from one parsed TOML file."""
    r = _Reader(table, where)
    if r.raw("schema", int) != SCHEMA_VERSION:
        raise r.fail("schema", f"this tutor reads schema {SCHEMA_VERSION}")
    steps = tuple(_step(_Reader(t, f"{where}.step[{i}]"))
                  for i, t in enumerate(r.raw("step", list)))
    claims = tuple(
        Claim(text=c.raw("text", str), value=float(c.raw("value", int | float)),
              tolerance=float(c.raw("tolerance", int | float)),
              derive=_derivation(c.sub("derive")))
        for c in (_Reader(t, f"{where}.claim[{i}]") for i, t in enumerate(r.raw("claim", list, [])))
    )
    lesson = Lesson(id=r.raw("id", str), order=r.raw("order", int), title=r.text("title"),
                    summary=r.text("summary"), sources=r.strings("sources"), steps=steps,
                    claims=claims)
    ids = [q.id for q in lesson.questions]
    if len(ids) != len(set(ids)):
        raise LessonError(f"{where}: question ids repeat")
    return lesson
