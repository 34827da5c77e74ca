"""The checker's words, read from `messages.toml`, and the one error type it raises.

Texts live in a data file with every language side by side, so a translator edits one file and
no prose hides in code. This module imports no SymPy: the CLI and the app can catch
`MathInputError` and render texts without paying for it.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib.resources import files

LANGS = ("en", "ko")


@cache
def _table() -> dict[str, dict[str, dict[str, str]]]:
    return tomllib.loads(files(__package__).joinpath("messages.toml").read_text("utf-8"))


def render(key: str, lang: str, **fields: object) -> str:
    """The message `key` ("misconception.power_rule") in `lang`, with its fields filled in."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; one of {', '.join(LANGS)}")
    section, _, name = key.partition(".")
    return _table()[section][name][lang].format(**fields)


class MathInputError(ValueError):
    """Typed text that cannot be read, or must not be: the only error a check raises for input.

    `key` names the problem (`error.<key>` in messages.toml), `position` is the 0-based index in
    `text` it points at (None when it concerns the whole input), and `source` says which input
    it was ("answer", "expected" or "of"). `str(err)` is the one-line message in the language
    asked for; `pointer()` adds the text and a caret under the problem, for a UI.
    """

    def __init__(self, key: str, *, text: str = "", position: int | None = None,
                 lang: str = "en", source: str = "answer", **fields: object) -> None:
        self.key = key
        self.text = text
        self.position = position
        self.lang = lang
        self.source = source
        self.fields = fields
        super().__init__(self.message(lang))

    def message(self, lang: str) -> str:
        """The one-line message in `lang`."""
        core = render(f"error.{self.key}", lang, **self.fields)
        if self.position is None:
            return core
        return render("error.at", lang, message=core, column=self.position + 1)

    def pointer(self) -> str:
        """The input and a caret under the problem, on two lines (the input alone if no place)."""
        if self.position is None:
            return self.text
        return f"{self.text}\n{' ' * self.position}^"
