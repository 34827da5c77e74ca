"""The function zoo: compiled kernels checked against SymPy and finite differences.

The kernels are generated from the same SymPy expressions these tests use, so the checks that
catch a real bug are the independent ones: finite differences, the known minima, numpy's
least-squares fit and a per-sample derivative taken here with sympy.diff.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import numba
import numpy as np
import pytest
import sympy as sp

from tutor.engine import zoo, zoo_kernels, zoo_sympy
from tutor.engine.zoo import UnknownFunction, ZooFunction

ROOT = Path(__file__).resolve().parents[2]
GENERATOR = ROOT / "scripts" / "gen_zoo.py"
NAMES = zoo.names()
DATA_NAMES = [n for n in NAMES if zoo.get(n).n_samples]


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_zoo", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _random_points(fn: ZooFunction, count: int = 6, seed: int = 0) -> np.ndarray:
    """Seeded uniform points in the box, kept off its edges by 1%."""
    rng = np.random.default_rng([seed, fn.fid])
    lo = np.array([b[0] for b in fn.box])
    hi = np.array([b[1] for b in fn.box])
    pad = 0.01 * (hi - lo)
    return rng.uniform(lo + pad, hi - pad, size=(count, fn.dim))


def _central_difference(f, x: np.ndarray, h: float = 1e-5) -> np.ndarray:
    """Column j is (f(x + h e_j) - f(x - h e_j)) / 2h, for scalar or vector f."""
    cols = []
    for j in range(x.size):
        step = np.zeros_like(x)
        step[j] = h
        cols.append((np.asarray(f(x + step)) - np.asarray(f(x - step))) / (2 * h))
    return np.stack(cols, axis=-1)


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


# --- the generated module -------------------------------------------------------------------


def test_generated_module_is_up_to_date() -> None:
    result = subprocess.run(
        [sys.executable, str(GENERATOR), "--check"], capture_output=True, text=True, env=_env()
    )
    assert result.returncode == 0, result.stderr + "\nrun: python scripts/gen_zoo.py"


def test_check_reports_a_stale_file(tmp_path: Path) -> None:
    stale = tmp_path / "zoo_kernels.py"
    stale.write_text("# hand edited\n", encoding="utf-8")
    assert _generator().main(["--check", "--output", str(stale)]) == 1


def test_kernel_tables_match_the_toml() -> None:
    assert list(zoo_kernels.NAMES) == zoo.names()
    assert zoo_kernels.DIMS.tolist() == [zoo.get(n).dim for n in NAMES]
    assert [zoo.get(n).fid for n in NAMES] == list(range(len(NAMES)))


@pytest.mark.parametrize("name", NAMES)
def test_toml_entries_are_consistent(name: str) -> None:
    fn = zoo.get(name)
    assert fn.dim in (1, 2) and len(fn.box) == fn.dim
    assert all(lo < hi for lo, hi in fn.box)
    for point, kind in fn.minima:
        assert kind in ("global", "local")
        assert len(point) == fn.dim
        assert all(lo <= p <= hi for p, (lo, hi) in zip(point, fn.box, strict=True))
    assert all(len(s) == fn.dim for s in fn.saddles)
    assert set(fn.data) == set(fn.data_symbols)


# --- derivatives ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_gradient_matches_finite_differences(name: str) -> None:
    fn = zoo.get(name)
    for x in _random_points(fn):
        g = fn.grad(x)
        fd = _central_difference(fn.value, x)
        scale = max(1.0, abs(fn.value(x)), *np.abs(g))
        np.testing.assert_allclose(g, fd, rtol=1e-6, atol=1e-6 * scale, err_msg=f"{name} at {x}")


@pytest.mark.parametrize("name", NAMES)
def test_hessian_matches_finite_differences_of_the_gradient(name: str) -> None:
    fn = zoo.get(name)
    for x in _random_points(fn, seed=1):
        h = fn.hess(x)
        fd = _central_difference(fn.grad, x)
        scale = max(1.0, *np.abs(h).ravel(), *np.abs(fn.grad(x)))
        np.testing.assert_allclose(h, fd, rtol=1e-6, atol=1e-6 * scale, err_msg=f"{name} at {x}")
        np.testing.assert_array_equal(h, h.T)


@pytest.mark.parametrize("name", NAMES)
def test_values_and_gradients_match_sympy(name: str) -> None:
    fn = zoo.get(name)
    syms = zoo_sympy.symbols(name)
    expr = zoo_sympy.expression(name)
    f = sp.lambdify(syms, expr, "math")
    df = sp.lambdify(syms, [expr.diff(s) for s in syms], "math")
    for x in _random_points(fn, seed=2):
        want = f(*x)
        assert fn.value(x) == pytest.approx(want, rel=1e-12, abs=1e-12 * max(1.0, abs(want)))
        want_g = np.array(df(*x))
        scale = max(1.0, *np.abs(want_g))
        np.testing.assert_allclose(fn.grad(x), want_g, rtol=1e-11, atol=1e-12 * scale)


@pytest.mark.parametrize("name", NAMES)
def test_value_grid_matches_value(name: str) -> None:
    fn = zoo.get(name)
    xs, ys, z = fn.grid(n=7)
    assert xs[0] == fn.box[0][0] and xs[-1] == fn.box[0][1]
    if fn.dim == 1:
        assert ys.size == 0 and z.shape == (1, 7)
        want = [[fn.value([x]) for x in xs]]
    else:
        assert z.shape == (7, 7)
        want = [[fn.value([x, y]) for x in xs] for y in ys]
    np.testing.assert_array_equal(z, want)


def test_dispatchers_run_inside_jitted_code() -> None:
    """The trajectory loop calls the dispatchers from nopython code; gradient descent on bowl."""

    @numba.njit
    def descend(fid: int, x: np.ndarray, lr: float, steps: int) -> np.ndarray:
        g = np.empty_like(x)
        for _ in range(steps):
            zoo_kernels.grad(fid, x, g)
            x = x - lr * g
        return x

    bowl = zoo.get("bowl")
    np.testing.assert_allclose(descend(bowl.fid, np.zeros(2), 0.1, 200), [2.0, 2.0])


# --- minima and saddles ---------------------------------------------------------------------


@pytest.mark.parametrize("name", [n for n in NAMES if zoo.get(n).minima])
def test_minima_are_stationary_with_positive_definite_hessian(name: str) -> None:
    fn = zoo.get(name)
    lowest = fn.grid(n=401)[2].min()
    for point, kind in fn.minima:
        g = fn.grad(point)
        assert np.max(np.abs(g)) < 1e-10, f"{name}: gradient {g} at minimum {point}"
        eig = np.linalg.eigvalsh(fn.hess(point))
        assert eig.min() > 1e-8 * max(1.0, eig.max()), f"{name}: Hessian eigenvalues {eig}"
        if kind == "global":  # lowest point of the box, as the TOML documents
            assert fn.value(point) <= lowest + 1e-12


@pytest.mark.parametrize("name", [n for n in NAMES if zoo.get(n).saddles])
def test_saddles_are_stationary_but_not_extrema(name: str) -> None:
    fn = zoo.get(name)
    for point in fn.saddles:
        x = np.array(point)
        assert np.max(np.abs(fn.grad(x))) < 1e-12
        eig = np.linalg.eigvalsh(fn.hess(x))
        if fn.dim == 1:  # a flat inflection: zero curvature, f increases (or falls) through it
            assert abs(eig[0]) < 1e-12
            h = 1e-3
            below, at, above = fn.value(x - h), fn.value(x), fn.value(x + h)
            assert below < at < above or below > at > above
        else:
            assert eig.min() < 0 < eig.max(), f"{name}: Hessian eigenvalues {eig}"


def test_linreg_minimum_is_the_least_squares_fit() -> None:
    fn = zoo.get("linreg")
    xi, yi = np.array(fn.data["xi"]), np.array(fn.data["yi"])
    slope, intercept = np.polyfit(xi, yi, 1)
    design = np.column_stack([xi, np.ones_like(xi)])
    lstsq = np.linalg.lstsq(design, yi, rcond=None)[0]
    ((point, kind),) = fn.minima
    assert kind == "global"
    np.testing.assert_allclose(point, [slope, intercept], rtol=1e-12)
    np.testing.assert_allclose(point, lstsq, rtol=1e-12)
    # no 1/2 factor: the loss is the plain mean squared residual
    residual = design @ np.array(point) - yi
    assert fn.value(point) == pytest.approx(np.mean(residual**2), rel=1e-12)


# --- minibatches ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", DATA_NAMES)
def test_batch_over_all_indices_is_the_full_loss(name: str) -> None:
    fn = zoo.get(name)
    every = np.arange(fn.n_samples)
    for x in _random_points(fn, seed=3):
        np.testing.assert_allclose(fn.batch_grad(x, every), fn.grad(x), rtol=1e-14, atol=1e-14)
        assert fn.batch_value(x, every) == pytest.approx(fn.value(x), rel=1e-14)


@pytest.mark.parametrize("name", DATA_NAMES)
def test_batch_over_one_index_is_the_sample_derivative(name: str) -> None:
    """The single-sample gradient, differentiated here from the TOML text with sympy.diff."""
    fn = zoo.get(name)
    assert fn.sample_expression is not None
    syms = sp.symbols(fn.variables, real=True)
    dsyms = sp.symbols(fn.data_symbols, real=True)
    sample = sp.sympify(
        fn.sample_expression,
        locals=dict(zip(fn.variables, syms, strict=True))
        | dict(zip(fn.data_symbols, dsyms, strict=True)),
    )
    f = sp.lambdify((*syms, *dsyms), sample, "math")
    df = sp.lambdify((*syms, *dsyms), [sp.diff(sample, s) for s in syms], "math")
    x = _random_points(fn, count=1, seed=4)[0]
    for i in range(fn.n_samples):
        row = [fn.data[d][i] for d in fn.data_symbols]
        np.testing.assert_allclose(fn.batch_grad(x, [i]), df(*x, *row), rtol=1e-12, atol=1e-12)
        assert fn.batch_value(x, [i]) == pytest.approx(f(*x, *row), rel=1e-12, abs=1e-14)
    idx = [3, 3, 5]
    want = np.mean([df(*x, *[fn.data[d][i] for d in fn.data_symbols]) for i in idx], axis=0)
    np.testing.assert_allclose(fn.batch_grad(x, idx), want, rtol=1e-12, atol=1e-12)


def test_functions_without_data_ignore_batch_indices() -> None:
    fn = zoo.get("rosenbrock")
    x = [0.3, -0.2]
    np.testing.assert_array_equal(fn.batch_grad(x, [0]), fn.grad(x))
    assert fn.batch_value(x, [0]) == fn.value(x)


# --- the Python API -------------------------------------------------------------------------


def test_unknown_name_lists_the_choices() -> None:
    with pytest.raises(UnknownFunction) as info:
        zoo.get("banana")
    assert isinstance(info.value, ValueError)
    assert "banana" in str(info.value)
    assert all(name in str(info.value) for name in NAMES)


def test_points_are_validated() -> None:
    rosen = zoo.get("rosenbrock")
    with pytest.raises(ValueError, match=r"2 coordinate\(s\) \(x, y\)"):
        rosen.value([1.0])
    with pytest.raises(ValueError, match="coordinate"):
        rosen.grad(np.zeros((2, 1)))
    assert rosen.value((1, 1)) == 0.0
    assert zoo.get("quadratic").value(2.0) == 2.0  # a bare number is fine in 1-D


def test_batch_indices_are_validated() -> None:
    fn = zoo.get("linreg")
    for bad in ([7], [-1], [], [0.5]):
        with pytest.raises(ValueError):
            fn.batch_grad([0.0, 0.0], bad)


def test_parser_rejects_unknown_names() -> None:
    x = sp.Symbol("x", real=True)
    assert zoo_sympy.parse("0.1*x**2", (x,)) == x**2 / 10  # decimals stay exact
    for text in ("x + z", "gamma(x)", "foo(x)"):
        with pytest.raises(ValueError, match="unknown names"):
            zoo_sympy.parse(text, (x,))


def test_importing_the_zoo_does_not_import_sympy_or_numba() -> None:
    code = (
        "import sys, tutor.engine.zoo as z; z.get('rosenbrock'); z.names(); "
        "assert 'sympy' not in sys.modules, 'sympy'; assert 'numba' not in sys.modules, 'numba'"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=_env(), cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
