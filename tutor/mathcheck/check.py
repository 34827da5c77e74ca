"""`check`: one typed answer against the question's key, with the mistake named in plain words.

This is the module others call (the app, the grader's worksheets, `tutor check`); it ties the
parser, the equivalence rule and the diagnosis together and words the result in the learner's
language. It never raises for what a learner types except MathInputError.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import sympy as sp

from tutor.mathcheck import numeric
from tutor.mathcheck.equivalence import decide
from tutor.mathcheck.lexer import CONSTANTS, FUNCTIONS
from tutor.mathcheck.messages import LANGS, MathInputError, render
from tutor.mathcheck.mistakes import diagnose
from tutor.mathcheck.parse import Parsed, parse, symbol

_NAME = re.compile(r"[^\W\d_](?:[^\W\d_]|[0-9])*")


@dataclass(frozen=True)
class Verdict:
    """The outcome of one check.

    `feedback` is a sentence in the learner's language; `misconception` a stable id from
    docs/mathcheck.md, or None; `canonical` shows how the answer was read, on one line
    (`9*x**2 - 2`); `pretty` the same in Unicode, maybe on several lines, for a UI.
    """

    equivalent: bool
    feedback: str
    misconception: str | None
    canonical: str
    pretty: str

    def as_dict(self) -> dict[str, object]:
        """The JSON form: `tutor check --json` prints exactly these keys."""
        return {"equivalent": self.equivalent, "feedback": self.feedback,
                "misconception": self.misconception, "canonical": self.canonical}


def check(answer: str, *, expected: str | None = None, of: str | None = None,
          wrt: Sequence[str] = ("x",), variables: Sequence[str] | None = None,
          lang: str = "en") -> Verdict:
    """Check `answer` against `expected`, or against the derivative of `of` in `wrt` (the
    gradient, a tuple, when `wrt` names several variables).

    `variables` are the names an answer may use (default: `wrt`, which must be among them when
    differentiating). With both `expected` and `of`, `expected` is the key and `of` feeds the
    diagnosis. Raises MathInputError for unreadable or unsafe text in any of the three inputs
    (its `source` says which), ValueError for a malformed question (no key, a bad variable name,
    an unknown language).
    """
    if expected is None and of is None:
        raise ValueError("give the key: expected=..., or of=... to differentiate")
    wrt, names = _question_variables(wrt, variables, lang, differentiating=of is not None)
    function = _read(of, names, lang, "of") if of is not None else None
    if isinstance(function, sp.Tuple):
        raise ValueError("of= must be one expression, not a tuple")
    symbols = [symbol(n) for n in names]
    wrt_symbols = [symbol(n) for n in wrt]
    if expected is not None:
        key = _read(expected, names, lang, "expected")
    elif len(wrt) == 1:
        key = sp.diff(function, wrt_symbols[0])
    else:
        key = sp.Tuple(*(sp.diff(function, s) for s in wrt_symbols))
    given = _read(answer, names, lang, "answer")
    canonical, pretty = sp.sstr(given), sp.pretty(given, use_unicode=True)

    def verdict(equivalent: bool, feedback: str, misconception: str | None = None) -> Verdict:
        return Verdict(equivalent, feedback, misconception, canonical, pretty)

    points = numeric.sample_points(symbols)
    keys = list(key) if isinstance(key, sp.Tuple) else [key]
    answers = list(given) if isinstance(given, sp.Tuple) else [given]
    if len(answers) != len(keys):
        if function is not None and len(answers) == 1 and decide(
                [(given, function)], points)[0].equivalent:
            return verdict(False, render("misconception.not_differentiated", lang),
                           "not_differentiated")
        message = "feedback.want_single" if len(keys) == 1 else "feedback.want_tuple"
        return verdict(False, render(message, lang, count=len(keys)))
    decisions = decide(list(zip(answers, keys, strict=True)), points)
    if all(d.equivalent for d in decisions):
        return verdict(True, render("feedback.correct", lang))
    gradient = len(wrt) == len(keys)  # else a tuple key that is not a gradient in wrt
    for k, decision in enumerate(decisions):
        if decision.equivalent is False:
            var = wrt_symbols[k] if function is not None and gradient else None
            found = diagnose(answers[k], keys[k], points, of=function, var=var,
                             variables=symbols)
            if found is None:
                continue
            message = render(f"misconception.{found.misconception}", lang, **found.fields)
            if len(keys) > 1 and gradient:
                message = render("feedback.component", lang, var=wrt[k], message=message)
            elif len(keys) > 1:
                message = render("feedback.component_number", lang, number=k + 1,
                                 message=message)
            return verdict(False, message, found.misconception)
    if any(d.equivalent is False for d in decisions):
        return verdict(False, render("feedback.wrong", lang))
    return verdict(False, render("feedback.undecided", lang))


def _question_variables(wrt: Sequence[str], variables: Sequence[str] | None, lang: str,
                        differentiating: bool) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """`wrt` and the answer's variable names, checked; `wrt` matters only with `of`."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; one of {', '.join(LANGS)}")
    wrt = tuple(wrt)
    names = tuple(variables) if variables is not None else wrt
    if not wrt:
        raise ValueError("wrt must name at least one variable")
    for name in (*names, *wrt):
        if not _NAME.fullmatch(name) or name in FUNCTIONS or name in CONSTANTS:
            raise ValueError(f"{name!r} cannot be a variable name: use letters (and digits "
                             "after them), not a function or constant name")
    missing = [n for n in wrt if n not in names]
    if differentiating and missing:
        raise ValueError(f"wrt names {missing} that are not among the variables {list(names)}")
    return wrt, names


def _read(text: str, names: tuple[str, ...], lang: str, source: str) -> Parsed:
    try:
        return parse(text, names, lang=lang)
    except MathInputError as err:
        err.source = source
        raise
