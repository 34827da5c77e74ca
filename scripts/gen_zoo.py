"""Generate tutor/engine/zoo_kernels.py from tutor/engine/zoo.toml.

Every value, gradient and Hessian kernel is printed by SymPy from the one expression in the TOML,
so no hand-typed derivative can drift from its function. Data-defined losses (linreg) are
differentiated per sample and averaged over the baked data inside a loop, which also gives the
minibatch kernels for free.

    python scripts/gen_zoo.py           # rewrite the module
    python scripts/gen_zoo.py --check   # exit 1 if the module on disk is stale

The output depends only on the TOML and the SymPy version, never on hash seeds or timestamps.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import sympy as sp
from sympy.printing.pycode import PythonCodePrinter

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tutor.engine import zoo, zoo_sympy  # noqa: E402

OUTPUT = ROOT / "tutor" / "engine" / "zoo_kernels.py"

HEADER = '''\
# GENERATED FILE - DO NOT EDIT. Written by scripts/gen_zoo.py from tutor/engine/zoo.toml.
# Regenerate with `python scripts/gen_zoo.py`; `python scripts/gen_zoo.py --check` tells if stale.
"""Compiled value, gradient and Hessian of every zoo function, plus integer-id dispatchers.

Per function NAME: NAME_value(x), NAME_grad(x, out), NAME_hess(x, out), with x a float64 array of
length dim. Data-defined losses also have NAME_batch_value(x, idx) and NAME_batch_grad(x, idx, out)
averaging over the int64 sample indices idx. The dispatchers value, grad, hess, batch_value,
batch_grad and value_grid switch on the function id (its position in zoo.toml and in NAMES) so
that jitted loops can run any zoo function.
"""

import math

import numpy as np

from tutor.engine.jit import kernel'''

_PRINTER = PythonCodePrinter({"fully_qualified_modules": True, "standard": "python3"})


def _code(expr: sp.Expr) -> str:
    """Python source for `expr`; refuses inexact floats, which would print with 15 digits."""
    if expr.atoms(sp.Float):
        raise ValueError(f"inexact float in {expr}; zoo expressions must stay exact")
    return _PRINTER.doprint(expr)


def _cse(exprs: Sequence[sp.Expr], indent: str) -> tuple[list[str], list[str]]:
    """Shared subexpressions as assignment lines, and the reduced expressions as source."""
    temps, reduced = sp.cse(list(exprs), symbols=sp.numbered_symbols("t"), order="canonical")
    lines = [f"{indent}{sym} = {_code(val)}" for sym, val in temps]
    return lines, [_code(e) for e in reduced]


def _unpack(exprs: Sequence[sp.Expr], names: Sequence[sp.Symbol], source: str) -> list[str]:
    """`v_x = x[0]` lines for the variables the expressions use (ruff rejects unused locals)."""
    used = set().union(*(e.free_symbols for e in exprs))
    return [f"    {s} = {source}[{i}]" for i, s in enumerate(names) if s in used]


def _upper(hess: sp.Matrix) -> list[tuple[int, int]]:
    return [(i, j) for i in range(hess.rows) for j in range(i, hess.cols)]


def _hess_stores(pairs: list[tuple[int, int]], codes: list[str], indent: str) -> list[str]:
    lines = []
    for (i, j), code in zip(pairs, codes, strict=True):
        lines.append(f"{indent}out[{i}, {j}] = {code}")
        if i != j:
            lines.append(f"{indent}out[{j}, {i}] = out[{i}, {j}]")
    return lines


def _kernel(signature: str, body: list[str], comment: str) -> str:
    return f"@kernel\ndef {signature}:\n    # {comment}\n" + "\n".join(body) + "\n"


def _plain(fn: zoo.ZooFunction) -> list[str]:
    """Kernels of a function given by one expression."""
    syms = zoo_sympy.symbols(fn.name)
    code_syms = [sp.Symbol(f"v_{s.name}", real=True) for s in syms]
    f = zoo_sympy.expression(fn.name).xreplace(dict(zip(syms, code_syms, strict=True)))
    grad = [f.diff(v) for v in code_syms]
    hess = sp.hessian(f, code_syms)
    pairs = _upper(hess)
    upper = [hess[i, j] for i, j in pairs]
    out = []

    temps, (value,) = _cse([f], "    ")
    body = _unpack([f], code_syms, "x") + temps + [f"    return {value}"]
    out.append(_kernel(f"{fn.name}_value(x)", body, fn.expression))

    temps, codes = _cse(grad, "    ")
    stores = [f"    out[{i}] = {c}" for i, c in enumerate(codes)]
    body = _unpack(grad, code_syms, "x") + temps + stores
    out.append(_kernel(f"{fn.name}_grad(x, out)", body, "gradient, differentiated by SymPy"))

    temps, codes = _cse(upper, "    ")
    body = _unpack(upper, code_syms, "x") + temps + _hess_stores(pairs, codes, "    ")
    out.append(_kernel(f"{fn.name}_hess(x, out)", body, "Hessian, differentiated by SymPy"))
    return out


def _data(fn: zoo.ZooFunction) -> list[str]:
    """Kernels of a mean-over-samples loss: the sample derivatives summed in a loop over idx."""
    syms = zoo_sympy.symbols(fn.name)
    dsyms = zoo_sympy.data_symbols(fn.name)
    code_syms = [sp.Symbol(f"v_{s.name}", real=True) for s in syms]
    code_dsyms = [sp.Symbol(f"d_{s.name}", real=True) for s in dsyms]
    rename = dict(zip((*syms, *dsyms), (*code_syms, *code_dsyms), strict=True))
    f = zoo_sympy.sample_expression(fn.name).xreplace(rename)
    grad = [f.diff(v) for v in code_syms]
    hess = sp.hessian(f, code_syms)
    pairs = _upper(hess)
    prefix = fn.name.upper()
    arrays = dict(zip(code_dsyms, (f"{prefix}_{s.name.upper()}" for s in dsyms), strict=True))
    every = f"{prefix}_ALL"

    def mean(
        exprs: list[sp.Expr],
        signature: str,
        indices: str,
        store: Callable[[list[str]], list[str]],
        comment: str,
    ) -> str:
        """A kernel summing `exprs` over the samples `indices`, then storing the means."""
        used = set().union(*(e.free_symbols for e in exprs))
        temps, codes = _cse(exprs, "        ")
        body = _unpack(exprs, code_syms, "x")
        body += [f"    acc{k} = 0.0" for k in range(len(exprs))]
        body += [f"    for k in range({indices}.shape[0]):"]
        body += [f"        {c} = {a}[{indices}[k]]" for c, a in arrays.items() if c in used]
        body += temps + [f"        acc{k} += {c}" for k, c in enumerate(codes)]
        body += [f"    n = {indices}.shape[0]"]
        body += store([f"acc{k} / n" for k in range(len(exprs))])
        return _kernel(signature, body, comment)

    def data_line(s: sp.Symbol) -> str:
        return f"{arrays[s]} = np.array({list(fn.data[s.name[2:]])!r}, dtype=np.float64)"

    header = [data_line(s) for s in code_dsyms]
    header.append(f"{every} = np.arange({fn.n_samples}, dtype=np.int64)")
    return [
        "\n".join(header) + "\n",
        mean(
            [f],
            f"{fn.name}_batch_value(x, idx)",
            "idx",
            lambda m: [f"    return {m[0]}"],
            f"mean over the samples idx of {fn.sample_expression}",
        ),
        mean(
            grad,
            f"{fn.name}_batch_grad(x, idx, out)",
            "idx",
            lambda m: [f"    out[{i}] = {c}" for i, c in enumerate(m)],
            "mean of the per-sample gradients, differentiated by SymPy",
        ),
        _kernel(
            f"{fn.name}_value(x)",
            [f"    return {fn.name}_batch_value(x, {every})"],
            "the full-batch loss",
        ),
        _kernel(
            f"{fn.name}_grad(x, out)",
            [f"    {fn.name}_batch_grad(x, {every}, out)"],
            "the full-batch gradient",
        ),
        mean(
            [hess[i, j] for i, j in pairs],
            f"{fn.name}_hess(x, out)",
            every,
            lambda m: _hess_stores(pairs, m, "    "),
            "mean of the per-sample Hessians, differentiated by SymPy",
        ),
    ]


# Dispatchers: signature, docstring, the call for a plain function and for a data-defined one.
DISPATCHERS = (
    ("value(fid, x)", "f(x) of zoo function fid.", "{}_value(x)", "{}_value(x)"),
    (
        "grad(fid, x, out)",
        "Write the gradient at x into out.",
        "{}_grad(x, out)",
        "{}_grad(x, out)",
    ),
    ("hess(fid, x, out)", "Write the Hessian at x into out.", "{}_hess(x, out)", "{}_hess(x, out)"),
    (
        "batch_value(fid, x, idx)",
        "Mean loss over samples idx; functions without data return the full value.",
        "{}_value(x)",
        "{}_batch_value(x, idx)",
    ),
    (
        "batch_grad(fid, x, idx, out)",
        "Minibatch gradient over samples idx; functions without data give the full gradient.",
        "{}_grad(x, out)",
        "{}_batch_grad(x, idx, out)",
    ),
)


def _dispatch(
    fns: Sequence[zoo.ZooFunction], signature: str, doc: str, plain: str, data: str
) -> str:
    """An if-chain on fid: numba compiles it to direct calls, with no Python objects involved."""
    lines = [f"@kernel\ndef {signature}:", f'    """{doc}"""']
    for fn in fns:
        call = (data if fn.n_samples else plain).format(fn.name)
        lines += [f"    if fid == {fn.fid}:", f"        return {call}"]
    lines.append('    raise ValueError("unknown zoo function id")')
    return "\n".join(lines) + "\n"


def generate() -> str:
    """The full text of zoo_kernels.py for the current zoo.toml."""
    fns = zoo.load()
    names = "".join(f'    "{fn.name}",\n' for fn in fns)
    dims = ", ".join(str(fn.dim) for fn in fns)
    blocks = [HEADER, f"NAMES = (\n{names})\nDIMS = np.array([{dims}], dtype=np.int64)\n"]
    for fn in fns:
        blocks += _data(fn) if fn.n_samples else _plain(fn)
    blocks += [_dispatch(fns, *spec) for spec in DISPATCHERS]
    blocks.append(VALUE_GRID)
    return "\n\n".join(blocks)


VALUE_GRID = '''\
@kernel
def value_grid(fid, xs, ys, out):
    """Fill out[j, i] = f(xs[i], ys[j]) for contour plots; out[0, i] = f(xs[i]) in 1-D."""
    if fid < 0 or fid >= DIMS.shape[0]:
        raise ValueError("unknown zoo function id")
    if DIMS[fid] == 1:
        p = np.empty(1)
        for i in range(xs.shape[0]):
            p[0] = xs[i]
            out[0, i] = value(fid, p)
        return
    p = np.empty(2)
    for j in range(ys.shape[0]):
        p[1] = ys[j]
        for i in range(xs.shape[0]):
            p[0] = xs[i]
            out[j, i] = value(fid, p)
'''


def main(argv: Sequence[str] | None = None) -> int:
    """Write the module, or with --check report whether the file on disk is current."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the output is stale")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="module to write or check")
    args = parser.parse_args(argv)
    text = generate()
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else None
        if current != text:
            print(f"{args.output} is out of date; run python scripts/gen_zoo.py", file=sys.stderr)
            return 1
        return 0
    args.output.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
