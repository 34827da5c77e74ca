"""Checking typed mathematics: safe parsing, equivalence, and naming the mistake.

`check(answer, of="3x^3 - 2x + 1")` or `check(answer, expected="9x^2 - 2")` returns a `Verdict`;
unreadable or unsafe input raises `MathInputError`. Importing this package loads SymPy; import
`tutor.mathcheck.messages` alone for `MathInputError` without it. See docs/mathcheck.md.
"""

from tutor.mathcheck.check import Verdict, check
from tutor.mathcheck.messages import MathInputError
from tutor.mathcheck.mistakes import MISCONCEPTIONS

__all__ = ["MISCONCEPTIONS", "MathInputError", "Verdict", "check"]
