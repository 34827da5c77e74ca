"""The safe parser: typed text to a SymPy expression without evaluating anything typed.

Three gates, in order. `lexer` admits only numbers, the question's variables, listed function
and constant names and operators. `notation` settles the human conventions and writes plain
Python arithmetic over placeholder names. Here that source is parsed with `ast.parse` (which
only parses) and every node is checked against a whitelist (numbers, the names in our tables,
+ - * / **, unary minus, one-argument calls of listed functions, one top-level tuple) before
anything is built. The build walks the checked tree and calls SymPy's constructors itself: no
`eval`, `sympify` or `parse_expr` ever sees the text. Sizes are bounded as the tree is built, so a
typed `9^9^9^9` is refused before SymPy would start computing it.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable, Sequence

import sympy as sp

from tutor.mathcheck.lexer import tokenize
from tutor.mathcheck.messages import MathInputError
from tutor.mathcheck.notation import Source, to_python

MAX_EXPONENT = 1000
MAX_BITS = 1024  # about 308 digits: larger exact numbers make SymPy's automatic steps slow
_DIGITS_LIMIT = int(MAX_BITS * math.log10(2))

Parsed = sp.Expr | sp.Tuple

FUNCTIONS: dict[str, Callable[[sp.Expr], sp.Expr]] = {
    "sin": sp.sin, "cos": sp.cos, "tan": sp.tan, "cot": sp.cot, "sec": sp.sec, "csc": sp.csc,
    "asin": sp.asin, "acos": sp.acos, "atan": sp.atan,
    "sinh": sp.sinh, "cosh": sp.cosh, "tanh": sp.tanh, "coth": sp.coth, "sech": sp.sech,
    "csch": sp.csch, "exp": sp.exp, "log": sp.log, "sqrt": sp.sqrt, "abs": sp.Abs,
    "sigmoid": lambda u: 1 / (1 + sp.exp(-u)),
    "relu": lambda u: sp.Max(0, u),
    "heaviside": sp.Heaviside,
}
CONSTANTS: dict[str, sp.Expr] = {"E": sp.E, "pi": sp.pi}

_NODES = (ast.Expression, ast.Tuple, ast.BinOp, ast.UnaryOp, ast.Call, ast.Name, ast.Constant,
          ast.Load, ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow, ast.USub)
_UNDEFINED = (sp.zoo, sp.nan, sp.oo, -sp.oo)


def symbol(name: str) -> sp.Symbol:
    """The SymPy symbol for a question variable. Every module makes them here, so they compare
    equal; real, because the questions are about real functions."""
    return sp.Symbol(name, real=True)


def parse(text: str, variables: Sequence[str] = ("x",), *, lang: str = "en") -> Parsed:
    """Read `text` knowing only `variables`; a tuple of expressions for a gradient.

    Raises MathInputError (with the position of the problem) for anything unreadable or unsafe.
    """
    variables = tuple(variables)
    placeholders = {name: f"v{i}" for i, name in enumerate(variables)}
    source = to_python(tokenize(text, variables, lang), text, placeholders, lang)
    table: dict[str, sp.Expr] = {**CONSTANTS}
    table.update({placeholders[name]: symbol(name) for name in variables})
    return _Builder(text, source, table, lang).run()


class _Builder:
    def __init__(self, text: str, source: Source, table: dict[str, sp.Expr], lang: str) -> None:
        self.text = text
        self.source = source
        self.table = table
        self.lang = lang

    def error(self, key: str, node: ast.AST | None, **fields: object) -> MathInputError:
        offset = getattr(node, "col_offset", None)
        position = None if offset is None else self.source.position_at(offset)
        return MathInputError(key, text=self.text, position=position, lang=self.lang, **fields)

    def run(self) -> Parsed:
        try:
            tree = ast.parse(self.source.code, mode="eval")
        except (SyntaxError, ValueError, RecursionError, MemoryError) as err:
            raise self.error("not_computable", None) from err
        self.gate(tree)
        body = tree.body
        if isinstance(body, ast.Tuple):
            return sp.Tuple(*(self.build(item) for item in body.elts))
        return self.build(body)

    def gate(self, tree: ast.Expression) -> None:
        """Refuse any node outside the whitelist, before anything is built."""
        for node in ast.walk(tree):
            if not self.allowed(node, tree):
                raise self.error("not_computable", node)

    def allowed(self, node: ast.AST, tree: ast.Expression) -> bool:
        if not isinstance(node, _NODES):
            return False
        if isinstance(node, ast.Constant):
            return type(node.value) is int
        if isinstance(node, ast.Name):
            return node.id in self.table or node.id in FUNCTIONS
        if isinstance(node, ast.Call):
            return (isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS
                    and len(node.args) == 1 and not node.keywords)
        if isinstance(node, ast.Tuple):
            return node is tree.body
        return True

    def build(self, node: ast.expr) -> sp.Expr:
        try:
            value = self.construct(node)
        except MathInputError:
            raise
        except Exception as err:  # SymPy refusing a value (Max of a complex number, ...)
            raise self.error("not_computable", node) from err
        self.check_sizes(value, node)
        return value

    def construct(self, node: ast.expr) -> sp.Expr:
        if isinstance(node, ast.Constant):
            return sp.Integer(node.value)
        if isinstance(node, ast.Name):
            return self.table[node.id]
        if isinstance(node, ast.UnaryOp):
            return -self.build(node.operand)
        if isinstance(node, ast.Call):
            assert isinstance(node.func, ast.Name)
            return FUNCTIONS[node.func.id](self.build(node.args[0]))
        assert isinstance(node, ast.BinOp)
        left, right = self.build(node.left), self.build(node.right)
        if isinstance(node.op, ast.Add):
            return left + right
        if isinstance(node.op, ast.Sub):
            return left - right
        if isinstance(node.op, ast.Mult):
            return left * right
        if isinstance(node.op, ast.Div):
            return left / right
        self.check_power(left, right, node.right)
        return left**right

    def check_power(self, base: sp.Expr, exponent: sp.Expr, where: ast.expr) -> None:
        """Refuse a power SymPy would spend unbounded time or memory computing exactly."""
        if exponent.is_Rational and max(abs(exponent.p), exponent.q) > MAX_EXPONENT:
            raise self.error("big_exponent", where, limit=MAX_EXPONENT)
        if base.is_Rational and exponent.is_Integer and max(abs(base.p), base.q) > 1:
            bits = abs(int(exponent)) * math.log2(max(abs(base.p), base.q))
            if bits > MAX_BITS:
                raise self.error("big_number", where, limit=_DIGITS_LIMIT)

    def check_sizes(self, value: sp.Expr, node: ast.expr) -> None:
        """Refuse undefined values, and numbers or exponents beyond the bounds."""
        if any(value.has(bad) for bad in _UNDEFINED):
            raise self.error("undefined", node)
        for number in value.atoms(sp.Rational):
            if max(abs(number.p), number.q).bit_length() > MAX_BITS:
                raise self.error("big_number", node, limit=_DIGITS_LIMIT)
        for power in value.atoms(sp.Pow):
            exponent = power.exp
            if exponent.is_Rational and max(abs(exponent.p), exponent.q) > MAX_EXPONENT:
                raise self.error("big_exponent", node, limit=MAX_EXPONENT)
