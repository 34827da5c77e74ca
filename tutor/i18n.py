"""The words of the user interface, in every language we teach in, read from `locales/ui.toml`.

UI strings live in one data file with English and Korean side by side, so a translator edits one
file and no prose hides in Python. `t("map.title", "ko")` returns a text; fields are filled with
`str.format`. This module imports nothing heavy: the CLI uses it before any UI is loaded.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from functools import cache
from importlib.resources import files

LANGS = ("en", "ko")
DEFAULT_LANG = "en"


def load_texts(package: str, name: str) -> dict[str, dict[str, str]]:
    """Every text of a TOML file by its dotted key: nested tables are flattened, and a table
    holding `en` is one text. Shared by the UI strings and the grader's messages."""
    raw = tomllib.loads(files(package).joinpath(name).read_text("utf-8"))
    flat: dict[str, dict[str, str]] = {}

    def walk(table: dict[str, object], prefix: str) -> None:
        if "en" in table:
            flat[prefix] = {lang: str(table[lang]) for lang in LANGS if lang in table}
            return
        for key, value in table.items():
            if isinstance(value, dict):
                walk(value, f"{prefix}.{key}" if prefix else key)

    walk(raw, "")
    return flat


@cache
def _table() -> dict[str, dict[str, str]]:
    return load_texts("tutor.locales", "ui.toml")


def keys() -> list[str]:
    """Every key in the file, for tests and tools."""
    return sorted(_table())


def has(key: str) -> bool:
    return key in _table()


def t(key: str, lang: str, **fields: object) -> str:
    """The text `key` in `lang` (English where a translation is missing), fields filled in.

    An unknown key raises KeyError: a typo must fail a test, not show a key to a learner.
    """
    texts = _table()[key]
    text = texts.get(lang) or texts[DEFAULT_LANG]
    return text.format(**fields) if fields else text


def locale_lang(environ: Mapping[str, str] = os.environ) -> str:
    """The language the locale asks for: the first set of LC_ALL, LC_MESSAGES, LANG (POSIX
    order) starting with "ko" means Korean; anything else, English."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if value:
            return "ko" if value.lower().startswith("ko") else DEFAULT_LANG
    return DEFAULT_LANG


def choose_lang(given: str | None, saved: str | None,
                environ: Mapping[str, str] = os.environ) -> str:
    """The app's starting language: `--lang`, else the learner's saved choice, else the locale."""
    for lang in (given, saved):
        if lang in LANGS:
            return lang
    return locale_lang(environ)
