"""The UI's texts file and language choice."""

from __future__ import annotations

import re
import string

import pytest

from tutor.i18n import LANGS, _table, choose_lang, keys, locale_lang, t


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", keys())
def test_every_text_exists_in_every_language_with_the_same_fields(key: str) -> None:
    texts = _table()[key]
    assert set(texts) == set(LANGS), key
    assert all(text.strip() for text in texts.values()), key
    assert fields(texts["en"]) == fields(texts["ko"]), key


def test_app_texts_have_no_python_power() -> None:
    for key in keys():
        if key.split(".")[0] in ("app", "lesson", "question", "map", "help"):
            for text in _table()[key].values():
                assert not re.search(r"\w\*\*\w", text), key


def test_t_fills_fields_and_refuses_unknown_keys() -> None:
    assert t("lesson.step", "ko", step=2, steps=9) == "9단계 중 2단계"
    with pytest.raises(KeyError):
        t("lesson.no_such_text", "en")


@pytest.mark.parametrize(("env", "lang"), [
    ({}, "en"), ({"LANG": "ko_KR.UTF-8"}, "ko"), ({"LANG": "en_US.UTF-8"}, "en"),
    ({"LC_ALL": "ko_KR.UTF-8", "LANG": "en_US.UTF-8"}, "ko"),
    ({"LC_ALL": "C", "LANG": "ko_KR.UTF-8"}, "en"),  # LC_ALL wins, as POSIX says
    ({"LC_MESSAGES": "ko", "LANG": "en_US"}, "ko"), ({"LANG": ""}, "en"),
])
def test_the_locale_decides_the_default(env: dict[str, str], lang: str) -> None:
    assert locale_lang(env) == lang


def test_an_explicit_choice_beats_the_saved_one_which_beats_the_locale() -> None:
    korean = {"LANG": "ko_KR.UTF-8"}
    assert choose_lang("en", "ko", korean) == "en"
    assert choose_lang(None, "en", korean) == "en"
    assert choose_lang(None, None, korean) == "ko"
    assert choose_lang(None, "fr", {}) == "en"  # a setting from elsewhere is ignored
