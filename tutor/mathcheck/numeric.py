"""Expressions evaluated at sample points in plain complex floats, in time bounded by their size.

Comparing two expressions at a dozen random points is the checker's fast path, and the only tool
of the mistake diagnosis. The evaluator walks the SymPy tree itself with `cmath`, rather than
`evalf` (whose precision loop can take unbounded time on values like sin(3^3^27)) or `lambdify`
(which generates and execs code): each node costs one float operation, and overflow, division by
zero or a function we do not know make the value None, never an exception.
"""

from __future__ import annotations

import cmath
import math
import random
from collections.abc import Callable, Sequence

import sympy as sp

SEED = 20240611
POINTS = 12
RTOL = 1e-9       # values this close agree
DIFFER = 1e-6     # values further apart than this differ; in between they are merely close

Point = dict[sp.Symbol, complex]


def _real(fn: Callable[[float], float]) -> Callable[[complex], complex]:
    """A function of a real variable (abs, sign, ...): undefined off the real line."""
    def apply(z: complex) -> complex:
        if abs(z.imag) > RTOL * max(1.0, abs(z.real)):
            raise ValueError("not real")
        return complex(fn(z.real))
    return apply


_FUNCTIONS: dict[type, Callable[[complex], complex]] = {
    sp.sin: cmath.sin, sp.cos: cmath.cos, sp.tan: cmath.tan,
    sp.cot: lambda z: 1 / cmath.tan(z), sp.sec: lambda z: 1 / cmath.cos(z),
    sp.csc: lambda z: 1 / cmath.sin(z),
    sp.asin: cmath.asin, sp.acos: cmath.acos, sp.atan: cmath.atan,
    sp.sinh: cmath.sinh, sp.cosh: cmath.cosh, sp.tanh: cmath.tanh,
    sp.coth: lambda z: 1 / cmath.tanh(z), sp.sech: lambda z: 1 / cmath.cosh(z),
    sp.csch: lambda z: 1 / cmath.sinh(z),
    sp.exp: cmath.exp, sp.log: cmath.log,
    sp.Abs: _real(abs), sp.sign: _real(lambda t: math.copysign(1.0, t) if t else 0.0),
    sp.Heaviside: _real(lambda t: 1.0 if t > 0 else 0.0 if t < 0 else 0.5),
}


def sample_points(symbols: Sequence[sp.Symbol], count: int = POINTS) -> list[Point]:
    """Seeded points: the first half with every coordinate in [0.3, 2.9], inside the domain of
    log and sqrt; the second half with random signs, to tell |x| from x."""
    rng = random.Random(SEED)
    points = []
    for k in range(count):
        point = {}
        for s in symbols:
            value = rng.uniform(0.3, 2.9)
            if k >= count // 2 and rng.random() < 0.5:
                value = -value
            point[s] = complex(value)
        points.append(point)
    return points


def value(expr: sp.Basic, point: Point) -> complex | None:
    """`expr` at `point`, or None where it is undefined, overflows or cannot be evaluated."""
    try:
        result = _evaluate(expr, point, {})
    except (ArithmeticError, ValueError, KeyError, TypeError, RecursionError):
        return None
    return result if cmath.isfinite(result) else None


def values(expr: sp.Basic, points: Sequence[Point]) -> list[complex | None]:
    return [value(expr, p) for p in points]


def _evaluate(expr: sp.Basic, point: Point, memo: dict[sp.Basic, complex]) -> complex:
    if expr in memo:
        return memo[expr]
    if expr.is_Symbol:
        result = point[expr]
    elif expr.is_Rational:
        result = complex(expr.p / expr.q)
    elif expr.is_number and expr.is_Atom:  # pi, E, I
        result = complex(expr)
    else:
        args = [_evaluate(a, point, memo) for a in expr.args]
        if expr.is_Add:
            result = sum(args, 0j)
        elif expr.is_Mul:
            result = math.prod(args, start=1 + 0j)
        elif expr.is_Pow:
            base, exponent = args
            result = base ** int(expr.exp) if expr.exp.is_Integer else base**exponent
        elif isinstance(expr, sp.Max | sp.Min):
            reals = [_real(float)(a).real for a in args]
            result = complex(max(reals) if isinstance(expr, sp.Max) else min(reals))
        else:
            result = _FUNCTIONS[type(expr)](args[0])
    memo[expr] = result
    return result


def closeness(a: Sequence[complex | None], b: Sequence[complex | None]) -> tuple[int, float]:
    """How many points both are defined at, and the largest relative difference there."""
    usable, worst = 0, 0.0
    for u, v in zip(a, b, strict=True):
        if u is None or v is None:
            continue
        usable += 1
        worst = max(worst, abs(u - v) / max(1.0, abs(u), abs(v)))
    return usable, worst


def real_points(expr_values: Sequence[complex | None]) -> list[int]:
    """Indices of the points where a value is defined and real: the real domain we compare on."""
    return [i for i, v in enumerate(expr_values)
            if v is not None and abs(v.imag) <= RTOL * max(1.0, abs(v.real))]
