"""The learner-facing exercises, their answer keys, and the reference solutions of the corpus.

What a learner receives must be consistent with what the grader checks: every exercise in
`exercises/info.toml` exists, names a real lesson and gives bilingual hints; every stub keeps the
contract's signature (the engine's hyperparameter names and defaults) and fails loudly until it is
written; every worksheet key is re-derived with SymPy and accepted by the checker. The reference
solutions in `solutions/<style>/` (complete workspaces, in place, new arrays, careful float32 and
the sources' momentum form) are shown to follow `tutor.engine` step for step, so the grader's
corpus can rely on them scoring full marks.

Stubs and solutions are imported here, in the test process; that is fine for tests, and only the
grader's parent process must never do it.

Tolerances are those of tests/engine/test_golden.py: float64 rtol 1e-9, float32 rtol 1e-5, each
with an absolute floor of the same size times the trajectory's scale. Two correct NumPy
implementations differ from the kernels by rounding only (ulps per step; the kernels keep scalars
in float64 and use torch's arrangement of Adam's corrections), and the runs below are chosen
well-conditioned, so these bounds hold with a wide margin while any wrong rule fails them.
"""

from __future__ import annotations

import ast
import base64
import importlib.util
import inspect
import json
import math
import re
import subprocess
import sys
import textwrap
import tomllib
from collections.abc import Callable
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest
import sympy
from sympy.parsing.sympy_parser import parse_expr, rationalize, standard_transformations

from tutor.engine import zoo
from tutor.engine.optim import RULES, Optimizer
from tutor.engine.run import run_minibatch
from tutor.lessons.load import lessons

ROOT = Path(__file__).resolve().parents[2]
EXERCISES = ROOT / "exercises"
KEYS_FILE = ROOT / "grader" / "keys" / "worksheets.toml"
SOLUTIONS = Path(__file__).resolve().parent / "solutions"
STYLES = sorted(p.name for p in SOLUTIONS.iterdir() if p.is_dir())

RTOL = {"float64": 1e-9, "float32": 1e-5}
ATOL_PER_SCALE = {"float64": 1e-12, "float32": 1e-5}
STEPS = 60
HANGUL = re.compile(r"[가-힣]")

# The positional parameters of each kind of exercise, in order.
POSITIONAL = {
    "optimizer": ("params", "grad", "state"),
    "newton": ("params", "grad", "hessian", "state"),
    "minibatch": ("params", "x", "y", "rng"),
}

# Non-default hyperparameters for each rule, chosen so that 60 steps on Rosenbrock from
# (-1.2, 1) and on the tensor problem stay finite and well-conditioned.
HYPER: dict[str, list[dict[str, float]]] = {
    "gd": [{}, {"lr": 2e-4}],
    "momentum": [{}, {"lr": 5e-4, "momentum": 0.5}],
    "nesterov": [{}, {"lr": 5e-4, "momentum": 0.7}],
    "adagrad": [{}, {"lr": 0.1, "eps": 1e-6}],
    "rmsprop": [{}, {"lr": 1e-3, "alpha": 0.9, "eps": 1e-6}],
    "adadelta": [{}, {"lr": 0.5, "rho": 0.95, "eps": 1e-5}],
    "adam": [{}, {"lr": 0.01, "beta1": 0.8, "beta2": 0.99, "eps": 1e-6}],
    "newton": [{}, {"lr": 0.5, "damping": 0.1}],
}

# The (3, 4) problem of test_golden.py: g = p - C + 0.1*sin(3p), a strongly convex loss.
TENSOR_START = np.array([
    [0.9, -1.3, 2.2, 0.05],
    [-0.4, 1.7, -2.5, 3.1],
    [0.0, -0.75, 1.1, -1.9],
])
TENSOR_TARGET = np.array([
    [0.5, 0.25, -1.0, 1.5],
    [-2.0, 0.75, 0.0, 1.25],
    [2.5, -0.5, 0.125, -3.0],
])


# --- loading --------------------------------------------------------------------------------

@cache
def info() -> tuple[dict[str, Any], ...]:
    table = tomllib.loads((EXERCISES / "info.toml").read_text(encoding="utf-8"))
    return tuple(table["exercise"])


def of_kind(*kinds: str) -> list[dict[str, Any]]:
    return [e for e in info() if e["kind"] in kinds]


@cache
def keys() -> dict[str, dict[str, dict[str, Any]]]:
    table = tomllib.loads(KEYS_FILE.read_text(encoding="utf-8"))
    return {name: sheet for name, sheet in table.items() if isinstance(sheet, dict)}


def worksheet(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def load_module(path: Path) -> ModuleType:
    """Import one file under a name of its own, as the grader's child does with a submission."""
    name = "_exercise_" + "_".join(path.relative_to(ROOT).with_suffix("").parts)
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def entry_point(exercise: dict[str, Any], folder: Path) -> Callable[..., np.ndarray]:
    module = load_module(folder / exercise["path"])
    return module.epoch if exercise["kind"] == "minibatch" else module.step


def positional(exercise: dict[str, Any]) -> tuple[str, ...]:
    return POSITIONAL["newton" if exercise["name"] == "newton" else exercise["kind"]]


def ids(exercises: list[dict[str, Any]]) -> list[str]:
    return [e["name"] for e in exercises]


# --- info.toml ------------------------------------------------------------------------------

def test_info_lists_every_exercise_file_once() -> None:
    names = [e["name"] for e in info()]
    assert len(names) == len(set(names))
    assert sorted(e["order"] for e in info()) == list(range(1, len(names) + 1))
    listed = {e["path"] for e in info()}
    on_disk = {p.relative_to(EXERCISES).as_posix()
               for pattern in ("optimizers/*.py", "worksheets/*.toml")
               for p in EXERCISES.glob(pattern)}
    assert listed == on_disk
    for e in info():
        assert Path(e["path"]).stem == e["name"], "a file is named after its exercise"
        assert e["kind"] in ("optimizer", "minibatch", "worksheet")
        assert set(e) <= {"name", "kind", "path", "title", "lesson", "points", "order", "hints",
                          "rule"}


def test_every_exercise_names_a_lesson_that_exists() -> None:
    lesson_ids = {lesson.id for lesson in lessons()}
    for e in info():
        assert e["lesson"] in lesson_ids, e["name"]


def test_optimizer_exercises_name_their_engine_rule() -> None:
    for e in info():
        if e["kind"] == "worksheet":
            assert "rule" not in e
        else:
            assert e["rule"] in RULES, e["name"]
            assert e["rule"] == ("gd" if e["kind"] == "minibatch" else e["name"])


@pytest.mark.parametrize("exercise", info(), ids=ids(list(info())))
def test_titles_and_hints_are_bilingual(exercise: dict[str, Any]) -> None:
    texts = [exercise["title"], *exercise["hints"]]
    assert 2 <= len(exercise["hints"]) <= 3
    for text in texts:
        assert set(text) == {"en", "ko"}
        assert text["en"].strip() and text["ko"].strip()
    for hint in exercise["hints"]:
        assert HANGUL.search(hint["ko"]), hint["en"][:40]


def test_points() -> None:
    """Ten per optimizer; a worksheet is worth the sum of its questions in the keys."""
    for e in of_kind("optimizer", "minibatch"):
        assert e["points"] == 10, e["name"]
    for e in of_kind("worksheet"):
        assert e["points"] == sum(q["points"] for q in keys()[e["name"]].values()), e["name"]


def test_the_package_ships_the_data() -> None:
    """`exercises` is importable and resolves to this folder, so importlib.resources finds the
    files that `tutor init` copies and the grader reads."""
    from importlib.resources import files

    import exercises

    assert exercises.__doc__
    assert Path(str(files("exercises"))).resolve() == EXERCISES
    assert files("exercises").joinpath("info.toml").is_file()
    assert files("exercises").joinpath("workspace/.github/workflows/classroom.yml").is_file()
    assert not any(EXERCISES.glob("**/keys*")), "answer keys must not ship to learners"


def test_the_wheel_carries_every_exercise_file(tmp_path: Path) -> None:
    """Hatchling packs whole package folders, data files and the dotted `.github` folder
    included (it leaves out only what .gitignore names), and the grader's keys with them."""
    builders = pytest.importorskip("hatchling.builders.wheel")
    import zipfile

    (wheel,) = builders.WheelBuilder(str(ROOT)).build(directory=str(tmp_path),
                                                      versions=["standard"])
    packed = set(zipfile.ZipFile(wheel).namelist())
    ours = {p.relative_to(ROOT).as_posix() for p in EXERCISES.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts}
    assert "exercises/workspace/.github/workflows/classroom.yml" in ours
    assert ours <= packed, sorted(ours - packed)
    assert KEYS_FILE.relative_to(ROOT).as_posix() in packed
    assert not any(name.startswith("tests/") for name in packed)


# --- stubs ----------------------------------------------------------------------------------

def call_args(exercise: dict[str, Any]) -> tuple[Any, ...]:
    p = np.zeros(2)
    if exercise["kind"] == "minibatch":
        return p, np.arange(7.0), np.ones(7), np.random.default_rng(0)
    if exercise["name"] == "newton":
        return p, np.ones(2), np.eye(2), {}
    return p, np.ones(2), {}


@pytest.mark.parametrize("exercise", of_kind("optimizer", "minibatch"),
                         ids=ids(of_kind("optimizer", "minibatch")))
def test_stub_fails_clearly_until_written(exercise: dict[str, Any]) -> None:
    path = EXERCISES / exercise["path"]
    source = path.read_text(encoding="utf-8")
    assert "# TODO" in source
    assert "raise NotImplementedError(" in source
    with pytest.raises(NotImplementedError, match=re.escape(exercise["path"])):
        entry_point(exercise, EXERCISES)(*call_args(exercise))


@pytest.mark.parametrize("exercise", of_kind("optimizer", "minibatch"),
                         ids=ids(of_kind("optimizer", "minibatch")))
def test_stub_signature_is_the_contract(exercise: dict[str, Any]) -> None:
    """Positional arguments as the contract says; keyword-only hyperparameters with torch's
    names and the engine's defaults, each explained in the docstring."""
    func = entry_point(exercise, EXERCISES)
    params = inspect.signature(func).parameters.values()
    plain = tuple(p.name for p in params if p.kind is p.POSITIONAL_OR_KEYWORD)
    hyper = {p.name: p.default for p in params if p.kind is p.KEYWORD_ONLY}
    assert plain == positional(exercise)
    assert len(plain) + len(hyper) == len(params)
    if exercise["kind"] == "minibatch":
        assert hyper == {"lr": 0.01, "batch_size": 1}
    else:
        defaults = RULES[exercise["rule"]].defaults
        assert hyper and set(hyper) <= set(defaults)
        assert {k: defaults[k] for k in hyper} == hyper
        # The options left out are the ones the contract fixes at their neutral value.
        left_out = set(defaults) - set(hyper)
        assert all(defaults[k] in (0.0, False) for k in left_out), exercise["name"]
    doc = inspect.getdoc(func) or ""
    for name in hyper:
        assert re.search(rf"\b{name}\b", doc), f"{exercise['name']}: {name} not explained"
    assert "state" in doc.lower() or exercise["kind"] == "minibatch"


@pytest.mark.parametrize("style", STYLES)
def test_solutions_keep_the_stub_signatures(style: str) -> None:
    for exercise in of_kind("optimizer", "minibatch"):
        stub = inspect.signature(entry_point(exercise, EXERCISES))
        solution = inspect.signature(entry_point(exercise, SOLUTIONS / style))
        assert [(p.name, p.kind, p.default) for p in stub.parameters.values()] == [
            (p.name, p.kind, p.default) for p in solution.parameters.values()
        ], (style, exercise["name"])


# --- reference solutions against the engine ----------------------------------------------

def rosenbrock_problem(dtype: str) -> tuple[np.ndarray, Callable, Callable]:
    fn = zoo.get("rosenbrock")

    def grad(p: np.ndarray) -> np.ndarray:
        return fn.grad(p.astype(np.float64)).astype(p.dtype)

    def hess(p: np.ndarray) -> np.ndarray:
        return fn.hess(p.astype(np.float64))

    return np.array([-1.2, 1.0], dtype=dtype), grad, hess


def tensor_problem(dtype: str) -> tuple[np.ndarray, Callable, Callable]:
    def grad(p: np.ndarray) -> np.ndarray:
        x = p.astype(np.float64)
        return (x - TENSOR_TARGET + 0.1 * np.sin(3.0 * x)).astype(p.dtype)

    def hess(p: np.ndarray) -> np.ndarray:
        return np.diag(1.0 + 0.3 * np.cos(3.0 * p.astype(np.float64)).reshape(-1))

    return TENSOR_START.astype(dtype), grad, hess


PROBLEMS = {"rosenbrock": rosenbrock_problem, "tensor": tensor_problem}
RUNS = [
    pytest.param(style, rule, dtype, problem, i, id=f"{style}-{rule}-{problem}-{dtype}-h{i}")
    for style in STYLES
    for rule in HYPER
    for problem in PROBLEMS
    for dtype in ("float64", "float32")
    for i in range(len(HYPER[rule]))
]


def assert_close(actual: np.ndarray, expected: np.ndarray, dtype: str, label: str) -> None:
    scale = max(1.0, float(np.abs(expected).max()))
    np.testing.assert_allclose(actual, expected, rtol=RTOL[dtype],
                               atol=ATOL_PER_SCALE[dtype] * scale, err_msg=label)


@pytest.mark.parametrize(("style", "rule", "dtype", "problem", "case"), RUNS)
def test_solution_follows_the_engine(style: str, rule: str, dtype: str, problem: str,
                                     case: int) -> None:
    """60 steps of carried state, driven as the grader's child drives a submission: one dict
    per run, the gradient at the submission's own point, the returned array used as the next
    parameters. Inputs must come back unchanged (and `params` too, for the new-array style)."""
    hyper = HYPER[rule][case]
    exercise = next(e for e in info() if e["name"] == rule)
    step = entry_point(exercise, SOLUTIONS / style)
    start, grad, hess = PROBLEMS[problem](dtype)

    reference = start.copy()
    opt = Optimizer(rule, **hyper)
    expected = [reference.astype(np.float64)]
    p = start.copy()
    state: dict[str, Any] = {}
    actual = [p.astype(np.float64)]
    for _ in range(STEPS):
        opt.step(reference, grad(reference), hess(reference) if rule == "newton" else None)
        expected.append(reference.astype(np.float64))

        g = grad(p)
        inputs = [g] + ([hess(p)] if rule == "newton" else [])
        copies = [a.copy() for a in (p, *inputs)]
        out = step(p, *inputs, state, **hyper)
        assert type(out) is np.ndarray and out.dtype == p.dtype and out.shape == p.shape
        for before, after in zip(copies[1:], inputs, strict=True):
            assert np.array_equal(before, after), "an input other than params was changed"
        if style == "new_arrays":
            assert np.array_equal(copies[0], p), "the new-array style must not write to params"
        p = out
        actual.append(p.astype(np.float64))

    trajectory = np.array(expected)
    assert np.all(np.isfinite(trajectory))
    assert np.abs(trajectory[-1] - trajectory[0]).max() > 1e-3, "the run should move"
    assert_close(np.array(actual), trajectory, dtype, f"{style}/{rule}")


MINIBATCH_RUNS = [
    pytest.param(style, dtype, batch_size, lr, id=f"{style}-{dtype}-b{batch_size}-lr{lr}")
    for style in STYLES
    for dtype in ("float64", "float32")
    for batch_size in (1, 3, 7)
    for lr in (0.01, 0.03)
]


@pytest.mark.parametrize(("style", "dtype", "batch_size", "lr"), MINIBATCH_RUNS)
def test_minibatch_solution_follows_run_minibatch(style: str, dtype: str, batch_size: int,
                                                   lr: float) -> None:
    """Ten epochs with one generator, seeded as run_minibatch seeds its own, compared at the end
    of every epoch with run_minibatch('gd', 'linreg', ...)."""
    fn = zoo.get("linreg")
    x = np.array(fn.data["xi"], dtype=np.float64)
    y = np.array(fn.data["yi"], dtype=np.float64)
    exercise = next(e for e in info() if e["kind"] == "minibatch")
    epoch = entry_point(exercise, SOLUTIONS / style)
    start, seed, epochs = [0.0, 0.0], 11, 10
    per_epoch = math.ceil(len(x) / batch_size)
    traj = run_minibatch("gd", "linreg", start, epochs * per_epoch, batch_size, seed,
                         {"lr": lr}, dtype=dtype)
    assert not traj.diverged

    rng = np.random.default_rng(seed)
    p = np.array(start, dtype=dtype)
    actual = [p.astype(np.float64)]
    for _ in range(epochs):
        x0, y0 = x.copy(), y.copy()
        p = epoch(p, x, y, rng, lr=lr, batch_size=batch_size)
        assert type(p) is np.ndarray and p.dtype == np.dtype(dtype) and p.shape == (2,)
        assert np.array_equal(x, x0) and np.array_equal(y, y0)
        actual.append(p.astype(np.float64))
    assert_close(np.array(actual), traj.points[::per_epoch], dtype, style)


# --- worksheets and their keys -------------------------------------------------------------

SHEETS = of_kind("worksheet")


def author_expr(text: str, names: list[str]) -> sympy.Expr | tuple[sympy.Expr, ...]:
    """Author content (trusted) read by SymPy, with decimals as exact rationals."""
    local = {n: sympy.Symbol(n) for n in names}
    return parse_expr(text, local_dict=local,
                      transformations=(*standard_transformations, rationalize))


def as_tuple(value: Any) -> tuple[sympy.Expr, ...]:
    return tuple(value) if isinstance(value, tuple | sympy.Tuple) else (value,)


def derivative(of: str, wrt: list[str], names: list[str]) -> tuple[sympy.Expr, ...]:
    f = author_expr(of, names)
    return tuple(sympy.diff(f, sympy.Symbol(v)) for v in wrt)


def check_kwargs(key: dict[str, Any]) -> dict[str, Any]:
    """How the grader calls tutor.mathcheck.check for this key (see the keys file header)."""
    if "of" in key:
        return {"of": key["of"], "wrt": tuple(key["wrt"]), "variables": tuple(key["variables"])}
    return {"expected": key["expected"], "variables": tuple(key["variables"])}


@pytest.mark.parametrize("exercise", SHEETS, ids=ids(SHEETS))
def test_worksheet_is_blank_and_bilingual(exercise: dict[str, Any]) -> None:
    sheet = worksheet(EXERCISES / exercise["path"])
    assert set(sheet) == {"title", "question"}
    assert set(sheet["title"]) == {"en", "ko"}
    question_ids = [q["id"] for q in sheet["question"]]
    assert len(question_ids) == len(set(question_ids))
    for q in sheet["question"]:
        assert set(q) == {"id", "prompt", "variables", "answer"}, q["id"]
        assert q["answer"] == "", "the learner's copy must hold no answers"
        assert set(q["prompt"]) == {"en", "ko"} and HANGUL.search(q["prompt"]["ko"])
        assert q["variables"] and all(isinstance(v, str) for v in q["variables"])


@pytest.mark.parametrize("exercise", SHEETS, ids=ids(SHEETS))
def test_keys_cover_every_question(exercise: dict[str, Any]) -> None:
    sheet = worksheet(EXERCISES / exercise["path"])
    sheet_keys = keys()[exercise["name"]]
    assert [q["id"] for q in sheet["question"]] == list(sheet_keys)
    for q in sheet["question"]:
        key = sheet_keys[q["id"]]
        assert key["variables"] == q["variables"], q["id"]
        assert ("of" in key) != ("expected" in key), "a key is a derivative or a value"
        wanted = ({"variables", "of", "wrt", "answer", "points"} if "of" in key
                  else {"variables", "expected", "derive", "points"})
        assert set(key) == wanted, q["id"]
        assert isinstance(key["points"], int) and key["points"] > 0
    assert set(keys()) == {e["name"] for e in SHEETS}


KEYED = [
    pytest.param(sheet, qid, key, id=f"{sheet}/{qid}")
    for sheet, questions in keys().items()
    for qid, key in questions.items()
]


@pytest.mark.parametrize(("sheet", "qid", "key"), KEYED)
def test_key_is_rederived_with_sympy(sheet: str, qid: str, key: dict[str, Any]) -> None:
    names = key["variables"]
    if "of" in key:
        derived = derivative(key["of"], key["wrt"], names)
        stated = as_tuple(author_expr(key["answer"], names))
    else:
        derive = key["derive"]
        at = {sympy.Symbol(k): author_expr(v, names) for k, v in derive["at"].items()}
        derived = tuple(d.subs(at) for d in derivative(derive["of"], derive["wrt"], names))
        stated = as_tuple(author_expr(key["expected"], names))
    assert len(stated) == len(derived)
    for s, d in zip(stated, derived, strict=True):
        assert sympy.simplify(s - d) == 0, f"{sheet}/{qid}: key {s} != derived {d}"


@pytest.mark.parametrize(("sheet", "qid", "key"), KEYED)
def test_checker_accepts_the_key(sheet: str, qid: str, key: dict[str, Any]) -> None:
    from tutor.mathcheck import check

    answer = key["answer"] if "of" in key else key["expected"]
    assert check(answer, **check_kwargs(key)).equivalent, f"{sheet}/{qid}"


@pytest.mark.parametrize("style", STYLES)
def test_filled_worksheets_are_accepted(style: str) -> None:
    """The corpus's filled worksheets, typed in different notations, are all correct."""
    from tutor.mathcheck import check

    for exercise in SHEETS:
        filled = worksheet(SOLUTIONS / style / exercise["path"])
        blank = worksheet(EXERCISES / exercise["path"])
        assert [q["id"] for q in filled["question"]] == [q["id"] for q in blank["question"]]
        for q in filled["question"]:
            key = keys()[exercise["name"]][q["id"]]
            verdict = check(q["answer"], **check_kwargs(key))
            assert verdict.equivalent, (style, exercise["name"], q["id"], verdict.feedback)


# --- the workspace template ----------------------------------------------------------------

WORKSPACE = EXERCISES / "workspace"
WORKFLOW = WORKSPACE / ".github" / "workflows" / "classroom.yml"


def readme_signatures() -> dict[str, ast.FunctionDef]:
    """The `def` lines of the README's contract block, by the file named in the comment above."""
    text = (WORKSPACE / "README.md").read_text(encoding="utf-8")
    found = re.findall(r"^# (optimizers/\w+\.py)\n(def .*)$", text, flags=re.MULTILINE)
    return {path: ast.parse(line).body[0] for path, line in found}


def test_readme_documents_every_exercise_and_signature() -> None:
    text = (WORKSPACE / "README.md").read_text(encoding="utf-8")
    for command in ("tutor grade", "tutor hint", "tutor watch"):
        assert command in text
    total = sum(e["points"] for e in info())
    assert f"Full marks: {total} points" in text
    for e in info():
        row = f"| {e['order']} | {e['name']} | `{e['path']}` | {e['lesson']} | {e['points']} |"
        assert row in text, row
    signatures = readme_signatures()
    assert set(signatures) == {e["path"] for e in of_kind("optimizer", "minibatch")}
    for e in of_kind("optimizer", "minibatch"):
        documented = signatures[e["path"]].args
        actual = inspect.signature(entry_point(e, EXERCISES)).parameters
        assert tuple(a.arg for a in documented.args) == positional(e)
        shown = {a.arg: ast.literal_eval(d)
                 for a, d in zip(documented.kwonlyargs, documented.kw_defaults, strict=True)}
        assert shown == {n: p.default for n, p in actual.items() if p.kind is p.KEYWORD_ONLY}


def test_classroom_workflow_follows_the_reporter_pattern() -> None:
    text = WORKFLOW.read_text(encoding="utf-8")
    assert "name: Autograding Tests" in text
    assert "uses: actions/checkout@v4" in text
    assert re.search(r'uses: actions/setup-python@v5\n\s+with:\n\s+python-version: "3.11"', text)
    install = [line for line in text.splitlines() if line.strip().startswith("TUTOR_PACKAGE:")]
    assert install == ['  TUTOR_PACKAGE: "tutor"'], "one clearly marked line to change"
    assert "# TEACHERS: the one line to change." in text
    assert 'pip install "$TUTOR_PACKAGE"' in text
    assert "tutor grade . --format github --min-score 0" in text
    assert "uses: classroom-resources/autograding-grading-reporter@v1" in text
    assert 'TUTOR_RESULTS: "${{ steps.tutor.outputs.result }}"' in text
    assert "runners: tutor" in text and "id: tutor" in text


def points_script() -> str:
    text = WORKFLOW.read_text(encoding="utf-8")
    body = text.split("<<'PY'\n", 1)[1].split("\n          PY\n", 1)[0]
    return textwrap.dedent(body)


@pytest.mark.parametrize(("report", "expected"), [
    ("Adam: 10/10\nPoints 97.5/134\n", ("fail", 97.5, 134.0)),
    ("Points 134/134\n\n", ("pass", 134.0, 134.0)),
    ("Traceback (most recent call last):\n", ("error", 0.0, 134.0)),
    ("Points 134/134 forged early\nPoints 3/134\n", ("fail", 3.0, 134.0)),
    ("", ("error", 0.0, 134.0)),
])
def test_classroom_points_script(tmp_path: Path, report: str,
                                 expected: tuple[str, float, float]) -> None:
    """The workflow's converter writes the runner result the reporter decodes: base64 JSON with
    `max_score` and per-test `score`, from the last line of tutor's report only."""
    (tmp_path / "report.txt").write_text(report, encoding="utf-8")
    output = tmp_path / "github_output"
    subprocess.run([sys.executable, "-I", "-", str(tmp_path / "report.txt")],
                   input=points_script(), text=True, check=True, capture_output=True,
                   env={"GITHUB_OUTPUT": str(output)}, cwd=tmp_path)
    line = output.read_text(encoding="utf-8").strip()
    assert line.startswith("result=")
    result = json.loads(base64.b64decode(line.removeprefix("result=")))
    status, score, max_score = expected
    assert result["status"] == status and result["max_score"] == max_score
    assert [t["score"] for t in result["tests"]] == [score]
    assert result["tests"][0]["status"] == status
