"""The `sealed` fixture: a context in which any door to code execution fails loudly."""

from __future__ import annotations

import ast
import builtins
import contextlib
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

import pytest
import sympy.parsing.sympy_parser as sympy_parser


@contextmanager
def nothing_may_execute() -> Iterator[list[str]]:
    """Patch every door to code execution; yields the list of doors that were knocked on."""
    knocked: list[str] = []
    real_compile = builtins.compile

    def refuse(name: str) -> Callable[..., object]:
        def stand_in(*args: object, **kwargs: object) -> object:
            knocked.append(name)
            raise AssertionError(f"{name} called with {args!r}")
        return stand_in

    def ast_only_compile(source: object, filename: str, mode: str, flags: int = 0,
                         *args: object, **kwargs: object) -> object:
        if not flags & ast.PyCF_ONLY_AST:
            knocked.append("compile")
            raise AssertionError(f"compile called with {source!r}")
        return real_compile(source, filename, mode, flags, *args, **kwargs)

    saved = (builtins.eval, builtins.exec, builtins.compile, sympy_parser.parse_expr)
    builtins.eval, builtins.exec = refuse("eval"), refuse("exec")
    builtins.compile = ast_only_compile
    sympy_parser.parse_expr = refuse("parse_expr")
    try:
        yield knocked
    finally:
        builtins.eval, builtins.exec, builtins.compile, sympy_parser.parse_expr = saved


@pytest.fixture(scope="session")
def sealed() -> Callable[[], AbstractContextManager[list[str]]]:
    """`with sealed() as knocked:` patches eval, exec, compile (but AST-only parsing) and SymPy's
    string parser `parse_expr`, which every `sympify` of a string calls; `knocked` lists any
    that were called. Session-scoped, so hypothesis tests may use it too.

    One check of each outcome runs first: the imports Python does lazily on first use (the
    messages file's reader, SymPy's printers) exec module code, which is not typed text.
    """
    from tutor.mathcheck import MathInputError, check

    check("9x^2 - 2", of="3x^3 - 2x + 1")
    check("sech^2 x", of="tanh x")
    check("(2y, 2x)", of="x^2 y", wrt=("x", "y"))
    with contextlib.suppress(MathInputError):
        check("1/", of="x")
    return nothing_may_execute
