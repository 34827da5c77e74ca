"""Grade a calculus worksheet: the learner's TOML read as data, each answer checked symbolically.

Only the answer texts come from the learner's file; the variables, the key and the points come
from `grader/keys/worksheets.toml`. Answers go to `tutor.mathcheck.check`, whose whitelisted
parser reads them as mathematics (never `eval`, never `sympify` on raw text). An empty answer
scores 0 without calling the checker; an answer the checker cannot read (MathInputError) is
wrong, with its message as the feedback. A file that is missing, too large, not UTF-8 or not
TOML costs that worksheet, with one clear message; nothing in it can stop the grading.
"""

from __future__ import annotations

import time
import tomllib
from pathlib import Path
from typing import Any

from grader.grade import CheckResult, ExerciseResult, locate
from grader.info import Exercise, worksheet_keys
from grader.messages import text

MAX_FILE_BYTES = 256 * 1024


def _read(root: Path, exercise: Exercise, lang: str) -> tuple[dict[str, Any] | str, str | None]:
    """The learner's answers by question id (or the reason there are none), and the file."""
    rel = locate(root, exercise.path)
    if rel is None:
        return text("sheet.missing_file", lang, path=exercise.path), None
    return _parse(root / rel, rel, lang), rel


def _parse(path: Path, rel: str, lang: str) -> dict[str, Any] | str:
    try:
        with open(path, "rb") as f:
            raw = f.read(MAX_FILE_BYTES + 1)
    except OSError as err:
        return text("sheet.unreadable", lang, path=rel, error=err.strerror or type(err).__name__)
    if len(raw) > MAX_FILE_BYTES:
        return text("sheet.unreadable", lang, path=rel,
                    error=f"larger than {MAX_FILE_BYTES // 1024} KiB")
    try:
        table = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return text("sheet.unreadable", lang, path=rel, error="not UTF-8 text")
    except (tomllib.TOMLDecodeError, RecursionError, ValueError) as err:
        return text("sheet.unreadable", lang, path=rel, error=_one_line(str(err)))
    questions = table.get("question")
    if not isinstance(questions, list):
        return text("sheet.unreadable", lang, path=rel, error="no [[question]] tables")
    answers: dict[str, Any] = {}
    for q in questions:
        if isinstance(q, dict) and isinstance(q.get("id"), str) and q["id"] not in answers:
            answers[q["id"]] = q.get("answer")
    return answers


def _one_line(message: str, limit: int = 200) -> str:
    flat = " ".join(message.split())
    return flat if len(flat) <= limit else flat[:limit - 1] + "…"


def grade_worksheet(root: Path, exercise: Exercise, *, lang: str = "en") -> ExerciseResult:
    """Grade one worksheet of the workspace at `root`. Never raises: even a bug of the grader's
    own costs only this worksheet (its `failure` says so)."""
    started = time.monotonic()
    try:
        return _grade(root, exercise, lang, started)
    except Exception as err:
        return ExerciseResult(exercise.name, exercise.title_in(lang), 0.0, exercise.points, (),
                              (), f"grader error: {type(err).__name__}: {err}", "",
                              time.monotonic() - started, exercise.kind)


def _grade(root: Path, exercise: Exercise, lang: str, started: float) -> ExerciseResult:
    keys = worksheet_keys()[exercise.name]
    answers, rel = _read(root, exercise, lang)
    title = exercise.title_in(lang)
    note = f"(graded {rel}: there is no {exercise.path})\n" if rel not in (None,
                                                                          exercise.path) else ""
    if isinstance(answers, str):
        return ExerciseResult(exercise.name, title, 0.0, exercise.points, (), (), answers, note,
                              time.monotonic() - started, exercise.kind)
    checks = [_check_question(qid, key, answers, lang) for qid, key in keys.items()]
    diagnoses = tuple(dict.fromkeys(c.diagnosis for c in checks if c.diagnosis))
    return ExerciseResult(exercise.name, title, round(sum(c.points for c in checks), 6),
                          exercise.points, tuple(checks), diagnoses, None, note,
                          time.monotonic() - started, exercise.kind)


def _check_question(qid: str, key: dict[str, Any], answers: dict[str, Any],
                    lang: str) -> CheckResult:
    points = float(key["points"])

    def wrong(message: str, diagnosis: str | None = None) -> CheckResult:
        return CheckResult(qid, 0.0, points, False, message, diagnosis)

    if qid not in answers:
        return wrong(text("sheet.missing_question", lang, id=qid))
    answer = answers[qid]
    if not isinstance(answer, str):
        return wrong(text("sheet.not_text", lang))
    if not answer.strip():
        return wrong(text("sheet.empty", lang))
    from tutor.mathcheck import MathInputError, check

    variables = tuple(key["variables"])
    kwargs: dict[str, Any] = ({"of": key["of"], "wrt": tuple(key["wrt"])} if "of" in key
                              else {"expected": key["expected"]})
    try:
        verdict = check(answer, variables=variables, lang=lang, **kwargs)
    except MathInputError as err:
        return wrong(err.message(lang))
    except (ValueError, RecursionError, MemoryError) as err:  # never for a valid key
        return wrong(text("sheet.checker_failed", lang, error=_one_line(str(err))))
    if verdict.equivalent:
        return CheckResult(qid, points, points, True, verdict.feedback)
    return wrong(verdict.feedback, verdict.misconception)
