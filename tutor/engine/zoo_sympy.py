"""The zoo's functions as exact SymPy expressions: the single source of every derivative.

Used by `scripts/gen_zoo.py` to write the compiled kernels, by the tests to check those kernels
independently, and by lessons that show a formula. Kept apart from `zoo.py` because importing
SymPy costs about a second that the tutor's start-up should not pay.

Expressions are parsed with an explicit symbol table: only the function's own variables (and data
symbols), a few elementary functions and `pi` are known, and decimal literals become exact
rationals so that differentiation and code printing lose no precision.
"""

from __future__ import annotations

import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.parsing.sympy_parser import parse_expr, rationalize, standard_transformations

from tutor.engine.zoo import ZooFunction, get

ALLOWED: dict[str, object] = {
    "sin": sp.sin,
    "cos": sp.cos,
    "tan": sp.tan,
    "exp": sp.exp,
    "log": sp.log,
    "sqrt": sp.sqrt,
    "tanh": sp.tanh,
    "pi": sp.pi,
}

# What the parser's generated code may call; everything else in the text must be in local_dict.
_PARSER_GLOBALS: dict[str, object] = {
    "Integer": sp.Integer,
    "Float": sp.Float,
    "Rational": sp.Rational,
    "Symbol": sp.Symbol,
    "Function": sp.Function,
}


def _symbols(names: tuple[str, ...]) -> tuple[sp.Symbol, ...]:
    return tuple(sp.Symbol(n, real=True) for n in names)


def symbols(name: str) -> tuple[sp.Symbol, ...]:
    """The variables of zoo function `name`, in order, as real SymPy symbols."""
    return _symbols(get(name).variables)


def data_symbols(name: str) -> tuple[sp.Symbol, ...]:
    """The per-sample data symbols of a data-defined function (empty otherwise)."""
    return _symbols(get(name).data_symbols)


def parse(text: str, known: tuple[sp.Symbol, ...]) -> sp.Expr:
    """Parse `text` knowing only the symbols `known`, ALLOWED and numbers; reject anything else."""
    local_dict: dict[str, object] = {**ALLOWED, **{s.name: s for s in known}}
    expr = parse_expr(
        text,
        local_dict=local_dict,
        global_dict=dict(_PARSER_GLOBALS),
        transformations=(*standard_transformations, rationalize),
    )
    unknown = expr.free_symbols - set(known)
    undefined = expr.atoms(AppliedUndef)
    if unknown or undefined:
        bad = sorted(str(s) for s in (*unknown, *undefined))
        raise ValueError(f"{text!r} uses unknown names {bad}; allowed: {sorted(local_dict)}")
    return expr


def samples(name: str) -> list[dict[sp.Symbol, sp.Rational]]:
    """The data rows of `name` as exact substitutions {data symbol: value}."""
    fn = get(name)
    syms = data_symbols(name)
    return [{s: sp.Rational(repr(fn.data[s.name][i])) for s in syms} for i in range(fn.n_samples)]


def sample_expression(name: str) -> sp.Expr:
    """The per-sample loss of a data-defined function, in its variables and data symbols."""
    fn: ZooFunction = get(name)
    if fn.sample_expression is None:
        raise ValueError(f"{name} is not defined by data, so it has no sample expression")
    return parse(fn.sample_expression, symbols(name) + data_symbols(name))


def expression(name: str) -> sp.Expr:
    """Zoo function `name` as an exact SymPy expression in `symbols(name)`.

    For data-defined losses this is the mean of the sample expression over the data rows.
    """
    fn = get(name)
    if fn.sample_expression is None:
        return parse(fn.expression, symbols(name))
    sample = sample_expression(name)
    return sp.Add(*(sample.xreplace(row) for row in samples(name))) / fn.n_samples
