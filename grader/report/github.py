"""For GitHub Classroom: the plain-text report, then `Points X/Y` as the very last line.

`exercises/workspace/.github/workflows/classroom.yml` takes the last non-empty line of stdout
and reads the grade from it, so nothing may follow it, and the student's printed output (which
may itself contain a forged "Points 134/134") only ever appears above it, indented in the
report. Several submissions: each report, then one line with the sum."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from grader.report import points

if TYPE_CHECKING:
    from grader.grade import WorkspaceResult


def points_line(results: Sequence[WorkspaceResult]) -> str:
    score = sum(r.score for r in results)
    max_score = sum(r.max_score for r in results)
    return f"Points {points(score)}/{points(max_score)}"


def render_github(results: Sequence[WorkspaceResult], *, lang: str = "en",
                  width: int = 100) -> str:
    from grader.report.terminal import render_text

    body = "".join(render_text([r], lang=lang, color=False, width=width) for r in results)
    return body.rstrip("\n") + "\n\n" + points_line(results) + "\n"
