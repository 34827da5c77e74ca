"""Is the answer the expected expression? Numbers first, then a symbolic proof under a hard timeout.

The rule (docs/mathcheck.md, "Deciding equivalence"), per expression:

1. `answer - expected` is 0 after SymPy's automatic simplification: equivalent ("exact").
2. Both are evaluated at `numeric.POINTS` seeded points, compared where the expected value is
   defined and real (all defined points if fewer than MIN_POINTS are real). A relative difference
   above `numeric.DIFFER` at any point: not equivalent ("numeric").
3. Otherwise a child process tries expand, cancel, then simplify on the difference and is killed
   after SYMBOLIC_TIMEOUT seconds. A proof of 0: equivalent ("symbolic").
4. No proof (timeout, or simplify left something): the numbers decide. Agreement within
   `numeric.RTOL` at MIN_POINTS points or more: equivalent; merely close (0.3333333x for x/3):
   not equivalent ("numeric"). Fewer usable points: undecided.

Simplify runs in a child because nothing bounds its time in-process: a killed child is the only
timeout that always works. The numeric path needs none: its cost is bounded by the expression's
size (numeric.py).
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection

import sympy as sp

from tutor.mathcheck import numeric

SYMBOLIC_TIMEOUT = 2.5
MIN_POINTS = 4


@dataclass(frozen=True)
class Decision:
    """`equivalent` is None when neither numbers nor algebra could decide; `by` says which did:
    "exact", "numeric", "symbolic" or "undecided"."""

    equivalent: bool | None
    by: str


def compared_points(expected: Sequence[complex | None]) -> list[int]:
    """The sample points to compare at: the expected value's real domain, or where it is
    defined at all when that domain is too thin (an expected value that is complex there)."""
    real = numeric.real_points(expected)
    if len(real) >= MIN_POINTS:
        return real
    return [i for i, v in enumerate(expected) if v is not None]


def agreement(answer: Sequence[complex | None],
              expected: Sequence[complex | None]) -> tuple[int, float]:
    """Usable points and worst relative difference, over the points `compared_points` picks."""
    keep = compared_points(expected)
    return numeric.closeness([answer[i] for i in keep], [expected[i] for i in keep])


def decide(pairs: Sequence[tuple[sp.Expr, sp.Expr]], points: Sequence[numeric.Point],
           timeout: float = SYMBOLIC_TIMEOUT) -> list[Decision]:
    """A Decision for each (answer, expected) pair; one child process proves them all."""
    decisions: dict[int, Decision] = {}
    pending: dict[int, tuple[int, float]] = {}
    for k, (answer, expected) in enumerate(pairs):
        if answer - expected == 0:
            decisions[k] = Decision(True, "exact")
            continue
        usable, worst = agreement(numeric.values(answer, points),
                                  numeric.values(expected, points))
        if usable and worst > numeric.DIFFER:
            decisions[k] = Decision(False, "numeric")
        else:
            pending[k] = (usable, worst)
    proved = prove_zero([pairs[k][0] - pairs[k][1] for k in pending], timeout)
    for (k, (usable, worst)), zero in zip(pending.items(), proved, strict=True):
        if zero:
            decisions[k] = Decision(True, "symbolic")
        elif usable >= MIN_POINTS:
            decisions[k] = Decision(worst <= numeric.RTOL, "numeric")
        else:
            decisions[k] = Decision(None, "undecided")
    return [decisions[k] for k in range(len(pairs))]


def prove_zero(differences: Sequence[sp.Expr], timeout: float = SYMBOLIC_TIMEOUT) -> list[bool]:
    """For each expression, True if SymPy shows it is 0 within `timeout` seconds in all.

    The work runs in a child process that is killed at the deadline, whatever it is doing.
    Where fork exists the child starts in milliseconds with SymPy already loaded; elsewhere a
    spawned child imports SymPy first, inside the same deadline. Where no child can start (a
    daemonic worker may not have children), nothing is proved and the numbers decide.
    """
    proved = [False] * len(differences)
    if not differences:
        return proved
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_prove_in_child, args=(list(differences), sender), daemon=True)
    deadline = time.monotonic() + timeout
    try:
        child.start()
    except (AssertionError, OSError):  # inside a daemonic worker, or out of processes
        receiver.close()
        return proved
    finally:
        sender.close()
    try:
        for _ in differences:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not receiver.poll(remaining):
                break
            k, zero = receiver.recv()
            proved[k] = zero
    except (EOFError, OSError):  # the child died: what it sent stands, the rest is unproved
        pass
    finally:
        child.kill()
        child.join()
        receiver.close()
    return proved


def _prove_in_child(differences: list[sp.Expr], sender: Connection) -> None:
    for k, difference in enumerate(differences):
        try:
            zero = any(step(difference) == 0 for step in (sp.expand, sp.cancel, sp.simplify))
        except Exception:  # SymPy giving up is "not proved", like a timeout
            zero = False
        sender.send((k, zero))
