"""Typed math to tokens: the first gate, which lets through only what may appear in an answer.

Every character is classified here, with its position kept for error messages: digits, the
question's variables, the names in `FUNCTIONS` and `CONSTANTS`, and the operators (with their
Unicode spellings: − · × ÷ √ π and superscripts). Anything else (quotes, dots that are not
decimal points, underscores, brackets, `=`, unknown names) is refused here, so no later stage
ever sees a string literal, an attribute access or a name we did not list.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from tutor.mathcheck.messages import MathInputError

MAX_LENGTH = 500
MAX_DIGITS = 30
MAX_DEPTH = 20

# What may be typed -> the canonical name the builder knows (parse.py maps those to SymPy).
FUNCTIONS: dict[str, str] = {
    "sin": "sin", "cos": "cos", "tan": "tan", "cot": "cot", "sec": "sec", "csc": "csc",
    "asin": "asin", "acos": "acos", "atan": "atan",
    "arcsin": "asin", "arccos": "acos", "arctan": "atan",
    "sinh": "sinh", "cosh": "cosh", "tanh": "tanh", "coth": "coth", "sech": "sech", "csch": "csch",
    "exp": "exp", "log": "log", "ln": "log", "sqrt": "sqrt", "√": "sqrt", "abs": "abs",
    "sigmoid": "sigmoid", "relu": "relu", "heaviside": "heaviside",
}
CONSTANTS: dict[str, str] = {"e": "E", "pi": "pi", "π": "pi"}

_OPERATORS: dict[str, str] = {
    "+": "+", "-": "-", "−": "-", "–": "-", "*": "*", "·": "*", "⋅": "*", "×": "*", "∗": "*",
    "/": "/", "÷": "/", "^": "^", "(": "(", ")": ")", ",": ",",
}
_SUPERSCRIPTS = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+", strict=True))
_DIGITS = frozenset("0123456789")
_SIGNS = frozenset("+-−")
# Characters people try, and the message that says what to type instead.
_REFUSED: dict[str, str] = {
    "[": "bracket", "]": "bracket", "{": "bracket", "}": "bracket", "|": "bar", "=": "equals",
    "_": "underscore", "'": "quote", '"': "quote", "`": "quote", "′": "quote", "’": "quote",
    "‘": "quote", "“": "quote", "”": "quote", ".": "dot",
}


@dataclass(frozen=True)
class Token:
    """One piece of the input.

    kind: "num" (value: the digits as typed, maybe with one "."), "var" (value: the variable's
    name), "const" / "func" (value: canonical name), "op" (value: + - * / ^ ( ) ,), "sup" (a
    superscript exponent, value: signed integer text) or "end". `spaced`: whitespace came just
    before it, which tells `e^x y` (a product) from `e^xy` (refused as ambiguous).
    """

    kind: str
    value: str
    pos: int
    typed: str
    spaced: bool = False

    def is_op(self, *values: str) -> bool:
        return self.kind == "op" and self.value in values


def tokenize(text: str, variables: tuple[str, ...], lang: str = "en") -> list[Token]:
    """Split `text` into tokens, or raise MathInputError pointing at the first problem."""
    lexer = _Lexer(text, variables, lang)
    return lexer.run()


class _Lexer:
    def __init__(self, text: str, variables: tuple[str, ...], lang: str) -> None:
        self.text = text
        self.lang = lang
        self.names: dict[str, tuple[str, str]] = {
            **{typed: ("func", canon) for typed, canon in FUNCTIONS.items()},
            **{typed: ("const", canon) for typed, canon in CONSTANTS.items()},
            **{name: ("var", name) for name in variables},
        }
        self.known = ", ".join([*variables, *CONSTANTS, *FUNCTIONS])
        self.tokens: list[Token] = []
        self.open: list[int] = []

    def error(self, key: str, position: int | None, **fields: object) -> MathInputError:
        return MathInputError(key, text=self.text, position=position, lang=self.lang, **fields)

    def run(self) -> list[Token]:
        text = self.text
        if len(text) > MAX_LENGTH:
            raise self.error("too_long", None, limit=MAX_LENGTH)
        i, spaced = 0, False
        while i < len(text):
            ch = text[i]
            if (ch.isspace() and unicodedata.category(ch) != "Cc") or ch in "\t\n\r":
                i, spaced = i + 1, True
                continue
            if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn"):
                raise self.error("control_char", i)
            if ch in _DIGITS or (ch == "." and text[i + 1:i + 2] in _DIGITS):
                i = self.number(i, spaced)
            elif ch in _SUPERSCRIPTS:
                i = self.superscript(i, spaced)
            elif ch.isalpha():
                i = self.word(i, spaced)
            elif ch == "*" and text[i + 1:i + 2] == "*":
                self.add("op", "^", i, "**", spaced)
                i += 2
            elif ch == "√":
                self.add("func", "sqrt", i, ch, spaced)
                i += 1
            elif ch in _OPERATORS:
                self.bracket(_OPERATORS[ch], i)
                self.add("op", _OPERATORS[ch], i, ch, spaced)
                i += 1
            elif ch in _REFUSED:
                raise self.error(_REFUSED[ch], i)
            else:
                raise self.error("bad_char", i, char=repr(ch))
            spaced = False
        if not self.tokens:
            raise self.error("empty", None)
        if self.open:
            raise self.error("unclosed", self.open[-1])
        self.tokens.append(Token("end", "", len(text), "", spaced))
        return self.tokens

    def add(self, kind: str, value: str, pos: int, typed: str, spaced: bool) -> None:
        self.tokens.append(Token(kind, value, pos, typed, spaced))

    def bracket(self, op: str, i: int) -> None:
        if op == "(":
            self.open.append(i)
            if len(self.open) > MAX_DEPTH:
                raise self.error("too_deep", i, limit=MAX_DEPTH)
        elif op == ")":
            if not self.open:
                raise self.error("unopened", i)
            self.open.pop()

    def number(self, start: int, spaced: bool) -> int:
        text, i = self.text, start
        while i < len(text) and text[i] in _DIGITS:
            i += 1
        if i < len(text) and text[i] == ".":
            i += 1
            while i < len(text) and text[i] in _DIGITS:
                i += 1
        # 1e-3 or 2e3: scientific notation, or 2·e − 3? We refuse to guess.
        if text[i:i + 1] in ("e", "E"):
            end = i + 1 + (text[i + 1:i + 2] in _SIGNS)
            if text[end:end + 1] in _DIGITS:
                while text[end:end + 1] in _DIGITS:
                    end += 1
                raise self.error("scientific", start, number=text[start:end])
        self.add_number(text[start:i], start, spaced)
        return i

    def add_number(self, typed: str, pos: int, spaced: bool) -> None:
        if sum(c in _DIGITS for c in typed) > MAX_DIGITS:
            raise self.error("long_number", pos, limit=MAX_DIGITS)
        self.add("num", typed, pos, typed, spaced)

    def superscript(self, start: int, spaced: bool) -> int:
        text, i = self.text, start
        while i < len(text) and text[i] in _SUPERSCRIPTS:
            i += 1
        typed = text[start:i]
        value = "".join(_SUPERSCRIPTS[c] for c in typed)
        digits = value.lstrip("+-")
        if not digits or not digits.isdigit() or len(value) - len(digits) > 1 \
                or len(digits) > MAX_DIGITS:
            raise self.error("superscript", start)
        self.add("sup", value, start, typed, spaced)
        return i

    def word(self, start: int, spaced: bool) -> int:
        """A run of letters (and digits) read as known names side by side: `xy` is x·y."""
        text, i = self.text, start
        while i < len(text) and (text[i].isalpha() or text[i] in _DIGITS):
            i += 1
        run = text[start:i]
        pieces = self.split(run)
        if pieces is None:
            end = start
            while end < len(text) and text[end].isalpha():
                end += 1
            raise self.error("unknown_name", start, name=text[start:end], known=self.known)
        offset = start
        for piece in pieces:
            if piece[0] in _DIGITS:
                self.add_number(piece, offset, spaced)
            else:
                kind, value = self.names[piece]
                self.add(kind, value, offset, piece, spaced)
            offset += len(piece)
            spaced = False
        return i

    def split(self, run: str) -> list[str] | None:
        """The split of `run` into known names and digit runs with the fewest pieces, if any."""
        best: list[list[str] | None] = [None] * (len(run) + 1)
        best[len(run)] = []
        for i in range(len(run) - 1, -1, -1):
            options = [name for name in self.names if run.startswith(name, i)]
            if run[i] in _DIGITS:
                j = i
                while j < len(run) and run[j] in _DIGITS:
                    j += 1
                options.append(run[i:j])
            for piece in options:
                rest = best[i + len(piece)]
                if rest is not None and (best[i] is None or len(rest) + 1 < len(best[i])):
                    best[i] = [piece, *rest]
        return best[0]
