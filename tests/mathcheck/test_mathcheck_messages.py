"""messages.toml: every text in both languages with the same fields, and every key the code
uses (error keys, misconception ids) present."""

from __future__ import annotations

import re
import string
import tomllib
from pathlib import Path

import pytest

from tutor.mathcheck import MISCONCEPTIONS
from tutor.mathcheck.lexer import _REFUSED
from tutor.mathcheck.messages import LANGS, render

PACKAGE = Path(__file__).parents[2] / "tutor" / "mathcheck"
TABLE = tomllib.loads((PACKAGE / "messages.toml").read_text("utf-8"))
KEYS = [f"{section}.{name}" for section, names in TABLE.items() for name in names]


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("key", KEYS)
def test_both_languages_with_the_same_fields(key: str) -> None:
    section, name = key.split(".")
    texts = TABLE[section][name]
    assert set(texts) == set(LANGS)
    assert fields(texts["en"]) == fields(texts["ko"])
    assert all(text.strip() and "\n" not in text for text in texts.values())


def test_every_misconception_has_a_message() -> None:
    assert {f"misconception.{m}" for m in MISCONCEPTIONS} == {
        k for k in KEYS if k.startswith("misconception.")}


def test_every_error_the_code_raises_has_a_message() -> None:
    source = "".join(p.read_text("utf-8") for p in PACKAGE.glob("*.py"))
    used = set(re.findall(r'(?:error\(|key = )\s*"(\w+)"', source)) | set(_REFUSED.values())
    assert {"unexpected", "missing_operand", "quote", "big_number"} <= used
    assert {f"error.{k}" for k in used} <= set(KEYS)


def test_the_documentation_lists_every_misconception() -> None:
    doc = (Path(__file__).parents[2] / "docs" / "mathcheck.md").read_text("utf-8")
    for misconception in MISCONCEPTIONS:
        assert f"| `{misconception}` |" in doc


def test_render_fills_fields_and_refuses_unknown_languages() -> None:
    assert render("misconception.constant_factor", "en", factor="2").startswith(
        "Your answer is 2 times")
    with pytest.raises(ValueError, match="unknown language"):
        render("feedback.correct", "fr")
