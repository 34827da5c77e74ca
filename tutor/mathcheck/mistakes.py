"""Naming the mistake: which wrong derivation of the question does a wrong answer match?

We build the derivations a learner plausibly wrote (by slipping one rule in `derive.py`, or by
changing the right answer: a sign, a dropped term, the wrong variable) and compare the answer
with each at the sample points. The first match, in the order of MISCONCEPTIONS, names the
misconception; more specific mistakes come first, so e^(2x) for (e^(2x))' is a forgotten inner
derivative rather than "not differentiated", and 3(x-2) for (3(x-2)²)' a power-rule slip rather
than a constant factor. The ids are stable strings, documented in docs/mathcheck.md.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import sympy as sp

from tutor.mathcheck import numeric
from tutor.mathcheck.derive import SLIPS, Slip, derive
from tutor.mathcheck.equivalence import MIN_POINTS, compared_points

MISCONCEPTIONS = (
    "wrong_variable",
    "partial_not_constant",
    "product_rule",
    "chain_rule_inner",
    "not_differentiated",
    "power_rule",
    "sign_error",
    "dropped_term",
    "constant_factor",
)
MAX_SITES = 12  # one-site slips tried per rule; bounds the work on long expressions

_SLIP_NAMES = {
    "product": "product_rule", "chain": "chain_rule_inner", "trig_sign": "sign_error",
    "power_same_exponent": "power_rule", "power_no_factor": "power_rule",
    "power_raised": "power_rule",
}


@dataclass(frozen=True)
class Diagnosis:
    """A misconception id and the fields its message needs (var, others, other, factor)."""

    misconception: str
    fields: dict[str, str] = field(default_factory=dict)


def diagnose(answer: sp.Expr, expected: sp.Expr, points: Sequence[numeric.Point], *,
             of: sp.Expr | None = None, var: sp.Symbol | None = None,
             variables: Sequence[sp.Symbol] = ()) -> Diagnosis | None:
    """The misconception behind `answer` (not equivalent to `expected`, the derivative of `of`
    in `var` when `of` is given), or None if it matches no known mistake.

    Without `of`, only changes of `expected` itself are tried: sign, dropped term, factor.
    """
    expected_values = numeric.values(expected, points)
    keep = compared_points(expected_values)
    answer_values = numeric.values(answer, points)

    def same(a: Sequence[complex | None], b: Sequence[complex | None]) -> bool:
        usable, worst = numeric.closeness([a[i] for i in keep], [b[i] for i in keep])
        return usable >= MIN_POINTS and worst <= numeric.DIFFER

    seen: set[sp.Expr] = {expected}
    for misconception, candidate, fields in _candidates(expected, of, var, variables):
        if candidate in seen:
            continue
        seen.add(candidate)
        candidate_values = numeric.values(candidate, points)
        if same(answer_values, candidate_values) and not same(candidate_values, expected_values):
            return Diagnosis(misconception, fields)
    factor = _constant_ratio([answer_values[i] for i in keep], [expected_values[i] for i in keep])
    if factor is not None:
        return Diagnosis("constant_factor", {"factor": factor})
    return None


def _candidates(expected: sp.Expr, of: sp.Expr | None, var: sp.Symbol | None,
                variables: Sequence[sp.Symbol]) -> Iterator[tuple[str, sp.Expr, dict[str, str]]]:
    """Wrong answers and their misconceptions, in the order of MISCONCEPTIONS."""
    terms = list(sp.Add.make_args(expected))
    if of is not None and var is not None:
        base = {"var": str(var)}
        others = [w for w in variables if w != var and of.has(w)]
        for w in others:
            yield "wrong_variable", sp.diff(of, w), {**base, "other": str(w)}
        if others:
            named = {**base, "others": ", ".join(str(w) for w in others)}
            yield "partial_not_constant", expected + sum(sp.diff(of, w) for w in others), named
            for term in sp.Add.make_args(of):
                yield "partial_not_constant", expected + sum(
                    sp.diff(term, w) for w in others), named
        yield from _slipped(of, var, ("product",), base)
        yield from _slipped(of, var, ("chain",), base)
        yield "not_differentiated", of, base
        yield from _slipped(of, var, ("power_same_exponent", "power_no_factor", "power_raised"),
                            base)
        yield from _slipped(of, var, ("trig_sign",), base)
        terms += [sp.diff(term, var) for term in sp.Add.make_args(of)]
    yield "sign_error", -expected, {}
    for term in terms:
        yield "sign_error", expected - 2 * term, {}
    for term in terms:
        if term != 0 and expected - term != 0:
            yield "dropped_term", expected - term, {}


def _slipped(of: sp.Expr, var: sp.Symbol, rules: tuple[str, ...],
             fields: dict[str, str]) -> Iterator[tuple[str, sp.Expr, dict[str, str]]]:
    """Derivatives of `of` with each rule slipped everywhere, then at one site at a time."""
    _, sites = derive(of, var)
    for rule in rules:
        count = sites[SLIPS[rule]]
        where = ([None] if count > 1 else []) + list(range(min(count, MAX_SITES)))
        for site in where:
            yield _SLIP_NAMES[rule], derive(of, var, Slip(rule, site))[0], fields


def _constant_ratio(answer: Sequence[complex | None],
                    expected: Sequence[complex | None]) -> str | None:
    """The constant c, as text, if answer = c·expected at every usable point with c ≠ 0, ±1."""
    ratios = [a / e for a, e in zip(answer, expected, strict=True)
              if a is not None and e is not None and abs(e) > numeric.DIFFER]
    if len(ratios) < MIN_POINTS:
        return None
    c = ratios[0]
    if any(abs(r - c) > numeric.DIFFER * max(1.0, abs(c)) for r in ratios):
        return None
    if abs(c.imag) > numeric.DIFFER * abs(c) or min(abs(c), abs(c - 1), abs(c + 1)) < 1e-6:
        return None
    exact = Fraction(c.real).limit_denominator(100)
    if abs(exact - Fraction(c.real)) <= 1e-9 * abs(c.real):
        return str(exact)
    return f"{c.real:.4g}"
