"""The grader's words, from `messages.toml` (English and Korean side by side).

`text("diagnosis.no_bias_correction", "ko")` returns one text with its `{fields}` filled in. A
missing translation falls back to English; an unknown key raises KeyError, so a typo fails a test
instead of reaching a learner. Standard library only (plus the loader in tutor.i18n).
"""

from __future__ import annotations

from functools import cache

from tutor.i18n import load_texts


@cache
def _table() -> dict[str, dict[str, str]]:
    return load_texts("grader", "messages.toml")


def keys() -> list[str]:
    return sorted(_table())


def has(key: str) -> bool:
    return key in _table()


def text(key: str, lang: str = "en", **fields: object) -> str:
    texts = _table()[key]
    found = texts.get(lang) or texts["en"]
    return found.format(**fields) if fields else found
