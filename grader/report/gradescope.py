"""Gradescope's results.json (https://gradescope-autograders.readthedocs.io/en/latest/specs/).

Top level: `score`, `max_score`, `execution_time` (seconds), `output` (a text for the whole
submission), `tests`. One test per exercise: `name`, `number`, `score`, `max_score`, `status`
("passed" / "failed"), `output` (its checks, the likely bug, what the code printed) and
`visibility` ("visible": students see their feedback at once). Extra facts for tools (the check
list, diagnosis ids) go in `extra_data`, the schema's place for them. `json` writes the same
object, or a list of them (with `student` and `path`) for several submissions.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from grader.messages import has
from grader.messages import text as t
from grader.report import points

if TYPE_CHECKING:
    from grader.grade import ExerciseResult, WorkspaceResult

MAX_TEST_OUTPUT = 6000


def _exercise_output(ex: ExerciseResult, lang: str) -> str:
    lines = []
    if ex.failure:
        lines.append(f"✗ {ex.failure}")
    for c in ex.checks:
        title = t(f"check.{c.name}", lang) if has(f"check.{c.name}") else c.name
        mark = "✓" if c.passed else "✗"
        line = f"{mark} {title} ({points(c.points)}/{points(c.max_points)})"
        if not c.passed and c.message:
            line += f": {c.message}"
        lines.append(line)
    for d in ex.diagnoses:
        words = t(f"diagnosis.{d}", lang) if has(f"diagnosis.{d}") else d
        lines.append(f"{t('report.diagnosis', lang)}: {words}")
    if ex.output.strip():
        lines.append("")
        lines.append(f"{t('report.output', lang)}:")
        lines.append(ex.output.rstrip("\n"))
    out = "\n".join(lines)
    return out if len(out) <= MAX_TEST_OUTPUT else out[:MAX_TEST_OUTPUT] + "\n[... cut ...]"


def results_json(result: WorkspaceResult, lang: str = "en") -> dict[str, Any]:
    """One submission as Gradescope's results.json object."""
    from grader import info

    order = {e.name: e.order for e in info.exercises()}
    tests = []
    for ex in result.exercises:
        tests.append({
            "name": f"{ex.title} ({ex.name})",
            "number": str(order.get(ex.name, "")),
            "score": round(float(ex.score), 4),
            "max_score": round(float(ex.max_score), 4),
            "status": "passed" if ex.passed else "failed",
            "output": _exercise_output(ex, lang),
            "visibility": "visible",
            "extra_data": {
                "exercise": ex.name,
                "failure": ex.failure,
                "diagnoses": list(ex.diagnoses),
                "checks": [{"name": c.name, "score": c.points, "max_score": c.max_points,
                            "passed": c.passed, "message": c.message, "diagnosis": c.diagnosis}
                           for c in ex.checks],
            },
        })
    summary = (f"tutor grade: {points(result.score)}/{points(result.max_score)} points")
    failing = [ex.name for ex in result.exercises if not ex.passed]
    if result.failure:
        summary += f"\n✗ {result.failure}"
    elif failing:
        summary += f"\n{t('report.failed', lang)}: {', '.join(failing)}"
    return {
        "score": round(float(result.score), 4),
        "max_score": round(float(result.max_score), 4),
        "execution_time": round(float(result.duration), 3),
        "output": summary,
        "tests": tests,
    }


def render_json(results: Sequence[WorkspaceResult], *, lang: str = "en",
                single: bool = False) -> str:
    if single or len(results) == 1:
        if len(results) != 1:
            raise ValueError("the gradescope format writes exactly one submission's results")
        return json.dumps(results_json(results[0], lang), ensure_ascii=False, indent=2) + "\n"
    many = [{"student": r.student, "path": str(r.path), **results_json(r, lang)}
            for r in results]
    return json.dumps(many, ensure_ascii=False, indent=2) + "\n"
