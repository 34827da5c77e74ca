"""The gradebook as CSV: `student`, one column per exercise graded (its score), `total`,
`max_score`, `failure` (why a submission could not be opened, if it could not), `path`.

A student names their own folder or zip, and a spreadsheet runs a cell starting with =, +, -, @
(or a tab / carriage return) as a formula: such cells are prefixed with a single quote (OWASP's
advice for CSV injection). Numbers are written as numbers."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

from grader.report import points

if TYPE_CHECKING:
    from grader.grade import WorkspaceResult

_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA) else value


def render_csv(results: Sequence[WorkspaceResult]) -> str:
    names: list[str] = []
    for r in results:
        for ex in r.exercises:
            if ex.name not in names:
                names.append(ex.name)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["student", *names, "total", "max_score", "failure", "path"])
    for r in results:
        scores = {ex.name: points(ex.score) for ex in r.exercises}
        writer.writerow([safe_cell(r.student), *(scores.get(n, "") for n in names),
                         points(r.score), points(r.max_score), safe_cell(r.failure or ""),
                         safe_cell(str(r.path))])
    return buffer.getvalue()
