"""Every lesson loads, speaks both languages, and every answer key and number in it is recomputed.

Answer keys are re-derived with SymPy (the key for d/dx of 3x^3-2x+1 against sympy.diff), numeric
answers and claims in the prose are recomputed with SymPy or the engine, plot specs are run, and
the wrong answers a lesson lists are diagnosed by the checker as the misconception it names.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import numpy as np
import pytest
import sympy

from tutor.engine import zoo
from tutor.engine.optim import get_rule, resolve_hyper
from tutor.engine.run import Trajectory, run, run_minibatch
from tutor.lessons.load import lessons
from tutor.lessons.schema import (
    Derivation,
    Explain,
    Lesson,
    Plot,
    Question,
    RunSpec,
    Text,
)

TOPICS = (
    "derivatives", "partial-derivatives", "chain-rule", "optimization-problems",
    "gradient-descent", "linear-regression", "optimization-challenges",
    "stochastic-gradient-descent", "momentum", "adaptive-learning-rates", "adam",
    "second-order", "choosing-an-optimizer",
)
RAW_POWER = re.compile(r"[A-Za-z0-9_)]\*\*[A-Za-z0-9_(]")
LESSONS = lessons()
QUESTIONS = [(lesson, q) for lesson in LESSONS for q in lesson.questions]


def qid(item: tuple[Lesson, Question]) -> str:
    return f"{item[0].id}/{item[1].id}"


def texts(lesson: Lesson) -> Iterator[Text]:
    yield lesson.title
    yield lesson.summary
    for step in lesson.steps:
        if isinstance(step, Explain):
            yield from filter(None, (step.title, step.text))
        elif isinstance(step, Plot):
            yield step.caption
            yield from (r.label for r in step.runs if r.label)
        else:
            yield from (step.prompt, step.solution, *step.hints, *step.choices)


def sym(text: str, names: tuple[str, ...] = ()) -> sympy.Expr | tuple[sympy.Expr, ...]:
    """Author content (trusted) read by SymPy with the question's variables as symbols."""
    local = {n: sympy.Symbol(n) for n in ("x", "y", "z", "m", "b", "w", "t", *names)}
    local.update({"e": sympy.E, "ln": sympy.log})
    return sympy.parse_expr(text, local_dict=local)


def run_spec(spec: RunSpec) -> Trajectory:
    if spec.batch_size is not None:
        return run_minibatch(spec.optimizer, spec.function, spec.start, spec.steps,
                             spec.batch_size, spec.seed, spec.hyper)
    return run(spec.optimizer, spec.function, spec.start, spec.steps, spec.hyper)


def evaluate(d: Derivation) -> float:
    if d.expr is not None:
        return float(sympy.N(sym(d.expr), 30))
    assert d.run is not None
    trajectory = run_spec(d.run)
    if d.take == "point":
        return float(trajectory.points[-1][d.index])
    if d.take == "loss":
        return float(trajectory.losses[-1])
    if d.take == "diverged":
        return float(trajectory.diverged)
    fn = zoo.get(d.run.function)
    assert fn.minima, f"{fn.name} has no known minimum to count steps to"
    best = min(fn.value(point) for point, _ in fn.minima)
    close = np.nonzero(np.abs(trajectory.losses - best) < d.tol)[0]
    return float(close[0]) if len(close) else float(len(trajectory.losses) - 1)


def test_every_topic_is_taught_in_order() -> None:
    assert tuple(lesson.id for lesson in LESSONS) == TOPICS
    assert [lesson.order for lesson in LESSONS] == list(range(1, len(TOPICS) + 1))


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_lesson_shape(lesson: Lesson) -> None:
    """Short explanations, a worked example, questions of the kinds a lesson needs, a plot."""
    kinds = {step.kind for step in lesson.steps}
    assert {"explain", "example", "question"} <= kinds
    assert any(isinstance(s, Plot) for s in lesson.steps), "every lesson draws something"
    for text in texts(lesson):
        for value in (text.en, text.ko):
            # Markdown bold (**word**) is fine; a Python power (x**2, (x)**2) is not.
            assert not RAW_POWER.search(value), f"raw ** in prose: {value[:60]!r}"
    prose = [lesson.title, lesson.summary]
    for step in lesson.steps:
        prose += ([step.text] if isinstance(step, Explain) else
                  [step.caption] if isinstance(step, Plot) else [step.prompt])
    untranslated = [t.en[:50] for t in prose if not re.search(r"[가-힣]", t.ko)]
    assert not untranslated, f"Korean texts without Korean: {untranslated}"


@pytest.mark.parametrize("item", [i for i in QUESTIONS if i[1].mode == "symbolic"], ids=qid)
def test_symbolic_keys_are_rederived(item: tuple[Lesson, Question]) -> None:
    _, q = item
    key = sym(q.answer, q.variables)
    if q.of is not None:
        f = sym(q.of, q.variables)
        derived = tuple(sympy.diff(f, sympy.Symbol(v)) for v in q.wrt)
        expected = derived[0] if len(derived) == 1 else derived
    else:
        assert q.derive is not None and q.derive.expr is not None
        expected = sym(q.derive.expr, q.variables)
    keys = key if isinstance(key, tuple) else (key,)
    wants = expected if isinstance(expected, tuple) else (expected,)
    assert len(keys) == len(wants)
    for k, w in zip(keys, wants, strict=True):
        assert sympy.simplify(k - w) == 0, f"key {k} != derived {w}"


@pytest.mark.parametrize("item", [i for i in QUESTIONS if i[1].mode == "numeric"], ids=qid)
def test_numeric_answers_are_recomputed(item: tuple[Lesson, Question]) -> None:
    _, q = item
    assert q.derive is not None
    assert abs(evaluate(q.derive) - q.answer) <= q.tolerance


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_claims_in_the_prose_are_recomputed(lesson: Lesson) -> None:
    prose_en = "\n".join(t.en for t in texts(lesson))
    prose_ko = "\n".join(t.ko for t in texts(lesson))
    for claim in lesson.claims:
        assert claim.text in prose_en and claim.text in prose_ko, claim.text
        assert abs(evaluate(claim.derive) - claim.value) <= claim.tolerance, claim.text


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_plots_name_real_functions_and_runs(lesson: Lesson) -> None:
    for plot in (s for s in lesson.steps if isinstance(s, Plot)):
        fn = zoo.get(plot.function)
        if plot.type == "tangent":
            assert fn.dim == 1 and plot.at
        if plot.type == "contour":
            assert fn.dim == 2
        if plot.type in ("paths", "contour", "loss"):
            assert plot.runs, f"a {plot.type} plot shows at least one run"
        for spec in plot.runs:
            resolve_hyper(get_rule(spec.optimizer), spec.hyper)
            assert len(spec.start) == fn.dim and spec.function == plot.function
            assert len(run_spec(spec).points) >= 2


@pytest.mark.parametrize("item", [i for i in QUESTIONS if i[1].mode == "symbolic"], ids=qid)
def test_checker_accepts_keys_and_names_listed_mistakes(item: tuple[Lesson, Question]) -> None:
    from tutor.mathcheck import check

    _, q = item
    kwargs = ({"of": q.of, "wrt": q.wrt} if q.of is not None
              else {"expected": q.answer})
    assert check(q.answer, variables=q.variables, **kwargs).equivalent
    for mistake in q.mistakes:
        verdict = check(mistake.answer, variables=q.variables, **kwargs)
        assert not verdict.equivalent, mistake.answer
        assert verdict.misconception == mistake.misconception, (mistake.answer, verdict)
