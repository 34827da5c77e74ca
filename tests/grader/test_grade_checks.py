"""The checks, the references and the diagnosis, in this process (no sandbox, no children).

A student here is a Python function called by `InProcess`, a stand-in for a sandbox session that
implements `call_many` the way the child does (a state dict and a generator per run, inputs
copied, mutation reported). That is fine for tests of the grader's logic; the real grader never
runs student code in its own process (test_grade_corpus.py grades through the sandbox).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pytest

from grader import diagnose, info
from grader.checks import (
    HYPER,
    TOLERANCE,
    WEIGHTS,
    EpochReference,
    compare,
    linreg_data,
    plan,
    run_checks,
)
from grader.sandbox import RNG, STATE, Call, CallResult, Failure, FailureKind

CODE = [e for e in info.exercises() if e.kind != "worksheet"]
RULES = {e.name: ("minibatch_sgd" if e.kind == "minibatch" else str(e.rule)) for e in CODE}


class InProcess:
    """`Session.call_many` semantics, in process."""

    def __init__(self, fn: Callable[..., Any]) -> None:
        self.fn = fn
        self.runs: dict[object, dict[str, Any]] = {}
        self.calls = 0

    def call_many(self, calls: Sequence[Call]) -> list[CallResult]:
        out = []
        for c in calls:
            self.calls += 1
            run = self.runs.setdefault(c.run_id, {"state": {}, "rng": None})
            args: list[Any] = []
            before: list[np.ndarray | None] = []
            for a in c.args:
                if a is STATE:
                    args.append(run["state"])
                    before.append(None)
                elif a is RNG:
                    if run["rng"] is None:
                        run["rng"] = np.random.default_rng(c.rng_seed)
                    args.append(run["rng"])
                    before.append(None)
                else:
                    a = np.array(a, copy=True)
                    args.append(a)
                    before.append(a.copy())

            try:
                value = self.fn(*args, **dict(c.kwargs or {}))
            except Exception as err:
                value = Failure(FailureKind.EXCEPTION, f"{type(err).__name__}: {err}")
            mutated = tuple(None if b is None else not np.array_equal(a, b)
                            for a, b in zip(args, before, strict=True))
            if isinstance(value, Failure):
                out.append(CallResult(None, value, mutated))
            elif type(value) is not np.ndarray:
                out.append(CallResult(None, Failure(FailureKind.BAD_RETURN, "not an array"),
                                      mutated))
            else:
                out.append(CallResult(np.array(value, copy=True), None, mutated))
        return out


def engine_student(rule: str) -> Callable[..., np.ndarray]:
    """The engine's own rule as a student: must score full marks (the plan is sound)."""
    from tutor.engine.optim import Optimizer

    if rule == "minibatch_sgd":
        def epoch(params, x, y, rng, *, lr=0.01, batch_size=1):
            ref = EpochReference(lr, batch_size, 0)
            ref.rng = rng
            return ref.step((params, x, y))
        return epoch

    def step(params, grad, *rest, **hyper):
        *hessian, state = rest
        opt = state.setdefault("opt", Optimizer(rule, **hyper))
        p = params.copy()
        opt.step(p, grad, hessian[0] if hessian else None)
        return p
    return step


def variant_student(rule: str, bug: str) -> Callable[..., np.ndarray]:
    """A student whose rule is the wrong variant `bug`."""
    if rule == "minibatch_sgd":
        runs: dict[int, Any] = {}

        def epoch(params, x, y, rng, **hyper):
            if id(rng) not in runs:
                runs[id(rng)] = diagnose.variant(rule, bug, hyper)
                runs[id(rng)].rng = rng
            return runs[id(rng)].step(params, x, y)
        return epoch

    def step(params, grad, *rest, **hyper):
        *hessian, state = rest
        v = state.setdefault("v", diagnose.variant(rule, bug, hyper))
        return v.step(params, grad, hessian[0] if hessian else None)
    return step


# --- the plan is sound ---------------------------------------------------------------------------

def test_weights_sum_to_ten_and_points_follow_info() -> None:
    for table in WEIGHTS.values():
        assert sum(table.values()) == 10
    for e in CODE:
        assert [c.name for c in plan(e, 0)] == list(WEIGHTS[e.kind])


@pytest.mark.parametrize("name", [e.name for e in CODE])
def test_the_engine_itself_scores_full_marks(name: str) -> None:
    exercise = info.get(name)
    outcome = run_checks(exercise, InProcess(engine_student(RULES[name])))
    assert outcome.failure is None
    assert [c.name for c in outcome.checks if not c.passed] == []
    assert sum(c.points for c in outcome.checks) == exercise.points
    assert outcome.diagnoses == ()


@pytest.mark.parametrize("name", [e.name for e in CODE])
def test_the_runs_are_long_finite_and_move(name: str) -> None:
    """At least 50 carried steps on zoo functions; a float32 and a float64 run; (1,), vector and
    matrix shapes; the reference never leaves the finite range and visibly moves."""
    exercise = info.get(name)
    specs = plan(exercise, 0)
    runs = [r for s in specs for r in s.runs]
    dtypes = {r.start.dtype.name for r in runs}
    assert dtypes == {"float32", "float64"}
    if exercise.kind == "optimizer":
        shapes = {r.start.shape for r in runs}
        assert (1,) in shapes and any(len(s) == 2 for s in shapes)
        carried = [r for r in runs if r.problem in ("rosenbrock", "elliptic")]
        assert carried and all(r.steps >= 50 for r in carried)
        assert {r.problem for r in runs} >= {"rosenbrock", "elliptic", "tensor"}
        assert any(r.hyper == HYPER[exercise.rule] for r in runs)
    else:
        assert max(r.steps * math.ceil(len(r.x) / r.hyper["batch_size"]) for r in runs) >= 50
    # the engine as a student: every run completes with full marks (checked above); here the
    # trajectories themselves: finite, and moving by more than the tolerance
    outcome = run_checks(exercise, InProcess(engine_student(RULES[name])))
    assert all(c.passed for c in outcome.checks)


def test_numpy_reference_matches_the_engine() -> None:
    """diagnose.reference (NumPy, float64) and Optimizer (the kernels) agree on every run of
    every plan, so the variants differ from the engine only by their bug."""
    from tutor.engine.optim import Optimizer

    for e in CODE:
        if e.kind != "optimizer":
            continue
        for spec in plan(e, 0):
            for run in spec.runs:
                if run.problem:
                    continue
                ours = diagnose.reference(e.rule, dict(run.hyper))
                opt = Optimizer(e.rule, **run.hyper)
                p = run.start.copy()
                for k, g in enumerate(run.grads):
                    h = run.hessians[k] if run.hessians else None
                    want = p.copy()
                    opt.step(want, g, h)
                    got = ours.step(p, g, h)
                    assert compare(got, want) is None, (e.name, spec.name, run.label, k)
                    p = want


def test_minibatch_reference_is_run_minibatch() -> None:
    """EpochReference, epoch after epoch from its own output, reproduces
    tutor.engine.run.run_minibatch('gd', 'linreg', ...) at every epoch's end, within the
    grader's tolerance (the batch means are summed by NumPy here, by a kernel there: ulps)."""
    from tutor.engine.run import run_minibatch

    x, y = linreg_data()
    for dtype in ("float64", "float32"):
        for bs in (1, 2, 3, 7):
            per_epoch = math.ceil(len(x) / bs)
            traj = run_minibatch("gd", "linreg", [0.3, -0.2], 8 * per_epoch, bs, 5,
                                 {"lr": 0.02}, dtype=dtype)
            ref = EpochReference(0.02, bs, 5)
            p = np.array([0.3, -0.2], dtype=dtype)
            for epoch in range(1, 9):
                p = ref.step((p, x, y))
                want = traj.points[epoch * per_epoch].astype(dtype)
                assert compare(p, want) is None, (dtype, bs, epoch, p, want)


# --- the diagnosis -------------------------------------------------------------------------------

VARIANTS = [(name, bug) for name in RULES for bug in diagnose.applicable(RULES[name])]


@pytest.mark.parametrize("seed", [0, 7])
@pytest.mark.parametrize(("name", "bug"), VARIANTS, ids=[f"{n}-{b}" for n, b in VARIANTS])
def test_every_known_bug_is_named(name: str, bug: str, seed: int) -> None:
    """Each wrong variant, as a student, fails at least one check and is named first; the
    inputs separate it from every other variant of the rule (at two seeds)."""
    exercise = info.get(name)
    outcome = run_checks(exercise, InProcess(variant_student(RULES[name], bug)), seed=seed)
    assert outcome.failure is None
    assert not all(c.passed for c in outcome.checks)
    assert outcome.diagnoses[:1] == (bug,), [(c.name, c.diagnosis) for c in outcome.checks]
    named = {c.diagnosis for c in outcome.checks if not c.passed} - {None}
    assert named == {bug}


def test_diagnosis_ids_have_words_in_both_languages() -> None:
    from grader.messages import has, text

    for vid in diagnose.IDS:
        assert has(f"diagnosis.{vid}"), vid
        assert text(f"diagnosis.{vid}", "en") != text(f"diagnosis.{vid}", "ko")
    every = {v for vs in diagnose.APPLICABLE.values() for v in vs}
    assert every <= set(diagnose.VARIANT_IDS)
    assert set(diagnose.VARIANT_IDS) <= every


def test_messages_have_both_languages_and_the_same_fields() -> None:
    import string
    import tomllib
    from importlib.resources import files

    from grader.messages import keys

    raw = tomllib.loads(files("grader").joinpath("messages.toml").read_text("utf-8"))
    for key in keys():
        section, name = key.split(".", 1)
        texts = raw[section][name]
        assert set(texts) == {"en", "ko"}, key
        fields = [{f for _, f, _, _ in string.Formatter().parse(texts[lang]) if f}
                  for lang in ("en", "ko")]
        assert fields[0] == fields[1], key


def test_a_mutated_gradient_is_named_but_right_values_still_count() -> None:
    def step(params, grad, state, *, lr=1e-3):
        grad *= lr
        params -= grad
        return params

    outcome = run_checks(info.get("gd"), InProcess(step))
    failed = [c for c in outcome.checks if not c.passed]
    assert [(c.name, c.diagnosis) for c in failed] == [("inputs_unchanged", "grad_mutated")]
    assert sum(c.points for c in outcome.checks) == 9
    assert outcome.diagnoses == ("grad_mutated",)


def test_an_untouched_stub_scores_nothing_and_says_why() -> None:
    def step(params, grad, state, *, lr=1e-3):
        raise NotImplementedError("gd is not written yet")

    outcome = run_checks(info.get("gd"), InProcess(step))
    assert sum(c.points for c in outcome.checks) == 0
    assert outcome.failure == "exception: NotImplementedError: gd is not written yet"
    unchanged = next(c for c in outcome.checks if c.name == "inputs_unchanged")
    assert not unchanged.passed  # nothing correct was returned: not even this check scores


def test_float32_promoted_to_float64_is_named() -> None:
    def step(params, grad, state, *, lr=1e-3):
        return params.astype(np.float64) - lr * grad

    outcome = run_checks(info.get("gd"), InProcess(step))
    failed = {c.name: c.diagnosis for c in outcome.checks if not c.passed}
    assert failed == {"float32": "dtype_changed", "carried_state_float32": "dtype_changed"}
    assert "float64" in next(c.message for c in outcome.checks if c.name == "float32")


def test_a_partial_exception_costs_only_its_checks() -> None:
    def step(params, grad, state, *, lr=1e-3):
        if params.ndim == 2:
            raise ValueError("matrices are not supported")
        return params - lr * grad

    outcome = run_checks(info.get("gd"), InProcess(step))
    failed = sorted(c.name for c in outcome.checks if not c.passed)
    assert failed == ["carried_state_float32", "float32", "random_states", "shapes"]
    assert outcome.failure is None
    assert "ValueError: matrices are not supported" in next(
        c.message for c in outcome.checks if c.name == "shapes")


def test_non_finite_results_are_reported() -> None:
    def step(params, grad, state, *, lr=1e-3):
        out = params - lr * grad
        out.reshape(-1)[0] = np.inf
        return out

    outcome = run_checks(info.get("gd"), InProcess(step))
    assert sum(c.points for c in outcome.checks) == 0
    assert "returned inf at element [0]" in outcome.checks[0].message


# --- inputs and seeds -------------------------------------------------------------------------

def _inputs(name: str, seed: int) -> dict[str, list]:
    return {s.name: [(r.start.tolist(), [g.tolist() for g in r.grads],
                      None if r.x is None else r.x.tolist(), r.seed) for r in s.runs]
            for s in plan(info.get(name), seed)}


@pytest.mark.parametrize("name", ["adam", "newton", "minibatch_sgd"])
def test_the_seed_replays_exactly_and_moves_only_the_random_checks(name: str) -> None:
    a, again, other = _inputs(name, 3), _inputs(name, 3), _inputs(name, 4)
    assert a == again
    changed = {k for k in a if a[k] != other[k]}
    assert changed == ({"random_data"} if name == "minibatch_sgd" else {"random_states"})


def test_a_failure_replays_with_the_same_seed() -> None:
    student = variant_student("adam", "eps_inside_sqrt")
    first = run_checks(info.get("adam"), InProcess(student), seed=11)
    second = run_checks(info.get("adam"), InProcess(variant_student("adam", "eps_inside_sqrt")),
                        seed=11)
    assert [c.message for c in first.checks] == [c.message for c in second.checks]


def test_the_tolerance_per_dtype() -> None:
    e64 = np.array([1.0, -2.0, 1e-14])
    assert compare(e64 * (1 + 5e-10), e64) is None
    assert compare(e64 * (1 + 5e-9), e64) == 0
    e32 = e64.astype(np.float32)
    assert compare(e32 * np.float32(1 + 5e-6), e32) is None
    assert compare(e32 * np.float32(1 + 5e-4), e32) == 0
    assert compare(np.array([np.nan, 1.0]), np.array([0.0, 1.0])) == 0
    assert compare(np.array([np.nan, 1.0]), np.array([np.nan, 1.0])) is None
    assert TOLERANCE["float64"][0] <= 1e-9 and TOLERANCE["float32"][0] <= 1e-5


def test_the_child_receives_only_inputs() -> None:
    """What crosses to the child: arrays the student needs, STATE/RNG markers and the
    hyperparameters; never a reference value (the expected parameters of any call)."""
    seen: list[Call] = []

    class Spy(InProcess):
        def call_many(self, calls):
            seen.extend(calls)
            return super().call_many(calls)

    from tutor.engine.optim import Optimizer

    run_checks(info.get("adam"), Spy(engine_student("adam")))
    for c in seen:
        assert len(c.args) == 3 and c.args[2] is STATE
        assert set(c.kwargs or {}) <= set(diagnose.DEFAULTS["adam"])
    # the expected result of the first call is not among the arrays sent in any call
    first = seen[0]
    want = first.args[0].copy()
    Optimizer("adam").step(want, first.args[1].copy())
    for c in seen:
        for a in c.args[:2]:
            assert not (a.shape == want.shape and np.array_equal(a, want))


@pytest.mark.parametrize("name", [e.name for e in CODE])
def test_trivial_answers_never_score(name: str) -> None:
    """Returning the parameters unchanged, zeros, or a plain gradient step (for the other
    rules) earns nothing, not even `inputs_unchanged`."""
    def identity(params, *args, **kwargs):
        return params.copy()

    def zeros(params, *args, **kwargs):
        return np.zeros_like(params)

    def plain_gd(params, second, *args, lr=1e-3, **kwargs):
        return (params - lr * second[: params.size].reshape(params.shape)).astype(params.dtype)

    students = [identity, zeros] + ([] if name == "gd" else [plain_gd])
    for student in students:
        outcome = run_checks(info.get(name), InProcess(student))
        assert sum(c.points for c in outcome.checks) == 0, student.__name__


@pytest.mark.parametrize("name", ["adam", "minibatch_sgd"])
def test_every_run_is_described_in_the_feedback_language(name: str) -> None:
    """The runs in "step 3 of <run>" are worded from messages.toml, in both languages."""
    from grader.checks import plan

    exercise = info.get(name)
    for spec in plan(exercise, seed=0):
        for run in spec.runs:
            en, ko = run.describe("en"), run.describe("ko")
            assert en != ko or run.label[0] == "hyper"
            assert not any(word in ko for word in ("step", "vector", "matrix", "epoch", "shape",
                                                   "random", "batch size", "tiny"))


def test_a_korean_failure_names_the_run_in_korean() -> None:
    def step(params, grad, state, *, lr=1e-3):
        return params + lr * grad  # uphill

    outcome = run_checks(info.get("gd"), InProcess(step), lang="ko")
    first = next(c for c in outcome.checks if c.name == "first_steps")
    assert first.message.startswith("한 걸음, 벡터, float64의 1번째 걸음")
