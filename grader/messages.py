"""The grader's words, from `messages.toml` (English and Korean side by side).

`text("diagnosis.no_bias_correction", "ko")` returns one text with its `{fields}` filled in. A
missing translation falls back to English; an unknown key raises KeyError, so a typo fails a test
instead of reaching a learner. Standard library only.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib.resources import files

LANGS = ("en", "ko")


@cache
def _table() -> dict[str, dict[str, str]]:
    raw = tomllib.loads(files("grader").joinpath("messages.toml").read_text("utf-8"))
    flat: dict[str, dict[str, str]] = {}

    def walk(table: dict[str, object], prefix: str) -> None:
        if "en" in table:
            flat[prefix] = {k: str(v) for k, v in table.items() if k in LANGS}
            return
        for name, value in table.items():
            if isinstance(value, dict):
                walk(value, f"{prefix}.{name}" if prefix else name)

    walk(raw, "")
    return flat


def keys() -> list[str]:
    return sorted(_table())


def has(key: str) -> bool:
    return key in _table()


def text(key: str, lang: str = "en", **fields: object) -> str:
    texts = _table()[key]
    found = texts.get(lang) or texts["en"]
    return found.format(**fields) if fields else found
