"""Exceptions in the call; one with terminal escapes, one whose text cannot be printed."""


def step(params, grad, state, *, lr=1e-3):
    raise ValueError("the learner's bug")


def escapes(params, grad, state, *, lr=1e-3):
    print("\x1b[2J\x1b[32mscore: 100/100\r")
    raise RuntimeError("\x1b[31mred\x1b[0m")


class Unprintable(Exception):
    def __str__(self):
        raise RuntimeError("no")


def unprintable(params, grad, state, *, lr=1e-3):
    raise Unprintable()


def not_a_function_but_a_value():
    pass


NOT_CALLABLE = 3


def surrogate(params, grad, state, *, lr=1e-3):
    raise ValueError("half a character: \ud800")
