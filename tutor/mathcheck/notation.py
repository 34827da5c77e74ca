"""Tokens to plain Python arithmetic: where the conventions people type are decided.

A small recursive-descent reader settles what Python's grammar cannot: implicit multiplication
(`3x`, `2(x-1)`, `x sin x`), functions without brackets (`sin 2x` = sin(2x)), function powers
(`sin²x` = (sin x)²), superscripts, and the forms we refuse as ambiguous (`1/2x`, `e^2x`,
`x2`). It emits fully bracketed Python source over placeholder names only (`v0` for the first
variable, `sin`, `E`, ...), with the position each piece came from, for `parse.py` to check
against its AST whitelist and build. The rules are listed in docs/mathcheck.md.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from tutor.mathcheck.lexer import MAX_DEPTH, Token
from tutor.mathcheck.messages import MathInputError

MAX_TOWER = 3

Pieces = list[tuple[str, int]]
_FACTOR_START = ("num", "var", "const", "func")


@dataclass(frozen=True)
class Source:
    """Python source and, for every piece of it, the position in the typed text it came from."""

    code: str
    starts: tuple[int, ...]
    positions: tuple[int, ...]

    def position_at(self, offset: int) -> int:
        """The typed position behind `offset` in `code`."""
        return self.positions[max(bisect.bisect_right(self.starts, offset) - 1, 0)]


def to_python(tokens: list[Token], text: str, names: dict[str, str], lang: str) -> Source:
    """Read `tokens` (of `text`) into Python source; `names` maps each variable to its
    placeholder. Raises MathInputError at the first token that breaks the rules."""
    pieces = _Reader(tokens, text, names, lang).read()
    starts, offset = [], 0
    for piece, _ in pieces:
        starts.append(offset)
        offset += len(piece)
    return Source("".join(p for p, _ in pieces), tuple(starts), tuple(p for _, p in pieces))


class _Reader:
    def __init__(self, tokens: list[Token], text: str, names: dict[str, str], lang: str) -> None:
        self.tokens = tokens
        self.text = text
        self.names = names
        self.lang = lang
        self.i = 0
        self.depth = 0

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def error(self, key: str, token: Token, **fields: object) -> MathInputError:
        if token.kind == "end" and key == "unexpected":
            key = "missing_operand"
        if key == "unexpected":
            fields["found"] = f"“{token.typed}”"
        return MathInputError(key, text=self.text, position=token.pos, lang=self.lang, **fields)

    def expect(self, op: str) -> Token:
        if not self.tok.is_op(op):
            raise self.error("unexpected", self.tok)
        return self.take()

    def starts_factor(self) -> bool:
        return self.tok.kind in _FACTOR_START or self.tok.is_op("(")

    # answer := sum ("," sum)* | "(" sum ("," sum)* ")"  -- a tuple only as the whole answer
    def read(self) -> Pieces:
        first = self.tok
        wrapped = first.is_op("(") and self._closing(0) == len(self.tokens) - 2
        if wrapped:
            self.take()
        parts = [self.sum()]
        while self.tok.is_op(","):
            self.take()
            parts.append(self.sum())
        if wrapped:
            self.expect(")")
        if self.tok.kind != "end":
            raise self.error("misplaced_comma" if self.tok.is_op(",") else "unexpected", self.tok)
        if len(parts) == 1:
            return parts[0]
        joined: Pieces = [("(", first.pos)]
        for part in parts:
            joined += [*part, (",", first.pos)]
        return [*joined, (")", first.pos)]

    def _closing(self, start: int) -> int:
        depth = 0
        for j in range(start, len(self.tokens)):
            depth += self.tokens[j].is_op("(") - self.tokens[j].is_op(")")
            if depth == 0:
                return j
        return -1

    # sum := term (("+" | "-") term)*
    def sum(self) -> Pieces:
        out = self.term()
        while self.tok.is_op("+", "-"):
            op = self.take()
            out += [(op.value, op.pos), *self.term()]
        return out

    # term := signed (("*" | "/") signed)*; after "/" a product without * is refused
    def term(self) -> Pieces:
        out, _ = self.signed()
        while self.tok.is_op("*", "/"):
            op = self.take()
            right, factors = self.signed()
            if op.value == "/" and factors > 1:
                raise self.error("ambiguous_division", op)
            out += [(op.value, op.pos), *right]
        return out

    # signed := ("+" | "-")* product; the signs fold into one
    def signed(self) -> tuple[Pieces, int]:
        first, negative = self.tok, False
        while self.tok.is_op("+", "-"):
            negative ^= self.take().value == "-"
        out, factors = self.product()
        return ([("-", first.pos), *out] if negative else out), factors

    # product := power power*  -- juxtaposition is multiplication; a number may only come first
    def product(self) -> tuple[Pieces, int]:
        out, factors = self.power(), 1
        while self.starts_factor():
            if self.tok.kind == "num":
                raise self.error("number_after", self.tok)
            out += [("*", self.tok.pos), *self.power()]
            factors += 1
        return out, factors

    # power := atom [("^" exponent) | superscript]
    def power(self) -> Pieces:
        base = self.tok
        return self.raise_to(self.atom(), base, 0)

    def raise_to(self, out: Pieces, base: Token, height: int) -> Pieces:
        op = self.tok
        if op.kind == "sup":
            self.take()
            exponent: Pieces = [(f"({op.value})", op.pos)]
        elif op.is_op("^"):
            self.take()
            exponent, grouped = self.exponent(height + 1)
            if (base.kind == "const" and base.value == "E" and not grouped and not self.tok.spaced
                    and self.tok.kind in ("num", "var", "const")):
                raise self.error("ambiguous_power", self.tok)
        else:
            return out
        return [("(", base.pos), *out, (")**", op.pos), *exponent]

    # exponent := ("+" | "-")* atom [("^" exponent) | superscript]  -- one factor, right-assoc
    def exponent(self, height: int) -> tuple[Pieces, bool]:
        first = self.tok
        if height > MAX_TOWER:
            raise self.error("tall_power", first, limit=MAX_TOWER)
        negative = False
        while self.tok.is_op("+", "-"):
            negative ^= self.take().value == "-"
        base = self.tok
        out = self.raise_to(self.atom(), base, height)
        if negative:
            out = [("-", first.pos), *out]
        return [("(", first.pos), *out, (")", first.pos)], base.is_op("(") and not negative

    # atom := number | variable | constant | call | "(" sum ")"
    def atom(self) -> Pieces:
        tok = self.take()
        if tok.kind == "num":
            return [(_number(tok.value), tok.pos)]
        if tok.kind == "var":
            return [(self.names[tok.value], tok.pos)]
        if tok.kind == "const":
            return [(tok.value, tok.pos)]
        if tok.kind != "func" and not tok.is_op("("):
            self.i -= 1
            raise self.error("unexpected", tok)
        # Groups and calls nest; `sin sin sin x` nests without brackets, so count both.
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error("too_deep", tok, limit=MAX_DEPTH)
        try:
            if tok.kind == "func":
                return self.call(tok)
            inner = self.sum()
            if self.tok.is_op(","):
                raise self.error("misplaced_comma", self.tok)
            close = self.expect(")")
            return [("(", tok.pos), *inner, (")", close.pos)]
        finally:
            self.depth -= 1

    # call := func [power] ("(" sum ")" | argument)
    def call(self, func: Token) -> Pieces:
        power = None
        if self.tok.kind == "sup" or self.tok.is_op("^"):
            op = self.take()
            value = op.value if op.kind == "sup" else self.take().value
            if not value.lstrip("+").isdigit() or int(value) < 1:
                raise self.error("function_power", op, name=func.typed)
            power = (str(int(value)), op.pos)
        if self.tok.is_op("("):
            self.take()
            argument = self.sum()
            if self.tok.is_op(","):
                raise self.error("one_argument", self.tok)
            self.expect(")")
        elif self.starts_factor():
            argument = self.argument()
        else:
            raise self.error("missing_argument", func, name=func.typed)
        out: Pieces = [(f"{func.value}(", func.pos), *argument, (")", func.pos)]
        if power is None:
            return out
        return [("(", func.pos), *out, (")**", power[1]), power]

    # argument := power (non-function power)*  -- `sin 2x` is sin(2x), `sin x cos x` two calls
    def argument(self) -> Pieces:
        out = self.power()
        while self.starts_factor() and self.tok.kind != "func":
            if self.tok.kind == "num":
                raise self.error("number_after", self.tok)
            out += [("*", self.tok.pos), *self.power()]
        return out


def _number(typed: str) -> str:
    """Digits as exact Python integer arithmetic: "2.50" -> "(250/100)", never a float."""
    whole, _, fraction = typed.partition(".")
    if not fraction.strip("0"):
        return str(int(whole or "0"))
    return f"({int(whole + fraction)}/{10 ** len(fraction)})"
