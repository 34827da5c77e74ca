"""A differentiator that can get one rule wrong on purpose: the derivations a learner might write.

It applies the usual rules (sum, constant factor, product, power, chain), and a `Slip` makes
one of them go wrong the way learners' do, either at every place the rule is used ("site") or
at one of them, since a learner often slips once and gets the rest right. `mistakes.py` compares
the answer with these derivations to name the misconception. Anything the rules here do not
cover is left to SymPy's `diff`, correctly.
"""

from __future__ import annotations

from collections import Counter
from typing import NamedTuple

import sympy as sp

# slip -> the rule family whose sites it changes
SLIPS: dict[str, str] = {
    "chain": "chain",                # the inner derivative taken as 1
    "power_same_exponent": "power",  # n·u^n
    "power_no_factor": "power",      # u^(n-1)
    "power_raised": "power",         # n·u^(n+1)
    "product": "product",            # (uv)' = u'v'
    "trig_sign": "trig",             # (sin u)' = -cos u, (cos u)' = sin u
}


class Slip(NamedTuple):
    """Get `rule` wrong at site number `site` of its family, or at every site if None."""

    rule: str
    site: int | None = None


def derive(expr: sp.Expr, var: sp.Symbol, slip: Slip | None = None) -> tuple[sp.Expr, Counter]:
    """The derivative of `expr` in `var` with `slip` applied, and how many sites of each rule
    family the derivation met (derive without a slip to count them)."""
    deriver = _Deriver(var, slip)
    return deriver.d(expr), deriver.sites


class _Deriver:
    def __init__(self, var: sp.Symbol, slip: Slip | None) -> None:
        self.var = var
        self.slip = slip
        self.sites: Counter = Counter()

    def hit(self, family: str) -> str | None:
        """Count one site of `family`; the slip's rule if it applies here."""
        index = self.sites[family]
        self.sites[family] += 1
        slip = self.slip
        if slip is not None and SLIPS[slip.rule] == family and slip.site in (None, index):
            return slip.rule
        return None

    def d(self, e: sp.Expr) -> sp.Expr:
        v = self.var
        if not e.has(v):
            return sp.S.Zero
        if e == v:  # x is x^1 to the power rule
            return self.power(e, sp.S.One)
        if e.is_Add:
            return sp.Add(*(self.d(term) for term in e.args))
        if e.is_Mul:
            return self.product(e)
        if e.is_Pow:
            base, exponent = e.args
            if not exponent.has(v):
                return self.power(base, exponent) * self.inner(base)
            if not base.has(v):
                return e * sp.log(base) * self.inner(exponent)
        elif isinstance(e, sp.Function) and len(e.args) == 1:
            outer = e.fdiff(1)
            if isinstance(e, sp.sin | sp.cos) and self.hit("trig") == "trig_sign":
                outer = -outer
            return outer * self.inner(e.args[0])
        return sp.diff(e, v)

    def product(self, e: sp.Expr) -> sp.Expr:
        constant, rest = e.as_independent(self.var, as_Add=False)
        factors = sp.Mul.make_args(rest)
        if len(factors) == 1:
            return constant * self.d(rest)
        if self.hit("product"):
            return constant * sp.Mul(*(self.d(f) for f in factors))
        return constant * sp.Add(*(
            sp.Mul(*factors[:i], self.d(f), *factors[i + 1:]) for i, f in enumerate(factors)))

    def power(self, base: sp.Expr, n: sp.Expr) -> sp.Expr:
        """(u^n)' without the inner factor u'."""
        rule = self.hit("power")
        if rule == "power_same_exponent":
            return n * base**n
        if rule == "power_no_factor":
            return base ** (n - 1)
        if rule == "power_raised":
            return n * base ** (n + 1)
        return n * base ** (n - 1)

    def inner(self, u: sp.Expr) -> sp.Expr:
        """The chain rule's factor u' (a site unless u is the variable itself)."""
        if u == self.var:
            return sp.S.One
        if self.hit("chain"):
            return sp.S.One
        return self.d(u)
