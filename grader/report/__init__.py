"""Report writers: one module per format, all fed the same `WorkspaceResult`s.

| format | module | what |
|---|---|---|
| `terminal` | terminal.py | a readable report (rich); plain text in a pipe or a file |
| `json` | gradescope.py | Gradescope's results.json schema (a list for several submissions) |
| `gradescope` | gradescope.py | the same, for exactly one submission (results.json) |
| `junit` | junit.py | JUnit XML: a testsuite per submission, a testcase per check |
| `csv` | gradebook.py | the gradebook: one row per submission, a column per exercise |
| `github` | github.py | the terminal report in plain text, then `Points X/Y` as the last line |

Everything a student controls (printed output, exception texts, worksheet answers echoed by the
checker, folder and zip names) is escaped for the format: rich markup is never parsed from it,
XML is built with ElementTree and stripped of characters XML cannot hold, CSV cells that a
spreadsheet would run as a formula are quoted.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from grader.grade import WorkspaceResult

FORMATS = ("terminal", "json", "gradescope", "junit", "csv", "github")


def render(results: Sequence[WorkspaceResult], fmt: str, *, lang: str = "en",
           color: bool = False, width: int = 100) -> str:
    """The report as text (for files, tests and pipes), always encodable as UTF-8."""
    from grader.grade import clean_text

    return clean_text(_render(results, fmt, lang=lang, color=color, width=width))


def _render(results: Sequence[WorkspaceResult], fmt: str, *, lang: str, color: bool,
            width: int) -> str:
    if fmt == "terminal":
        from grader.report.terminal import render_text

        return render_text(results, lang=lang, color=color, width=width)
    if fmt in ("json", "gradescope"):
        from grader.report.gradescope import render_json

        return render_json(results, lang=lang, single=fmt == "gradescope")
    if fmt == "junit":
        from grader.report.junit import render_junit

        return render_junit(results, lang=lang)
    if fmt == "csv":
        from grader.report.gradebook import render_csv

        return render_csv(results)
    if fmt == "github":
        from grader.report.github import render_github

        return render_github(results, lang=lang, width=width)
    raise ValueError(f"unknown format {fmt!r}; one of: {', '.join(FORMATS)}")


def emit(results: Sequence[WorkspaceResult], fmt: str, *, lang: str = "en",
         stream: TextIO | None = None) -> None:
    """Write the report to a stream (stdout by default): the terminal format draws with colour,
    at the terminal's width, when the stream is a terminal."""
    import shutil
    import sys

    stream = stream or sys.stdout
    tty = bool(getattr(stream, "isatty", lambda: False)())
    width = shutil.get_terminal_size((100, 24)).columns if tty else 100
    text = render(results, fmt, lang=lang, color=tty and fmt == "terminal", width=width)
    try:
        stream.write(text)
    except UnicodeEncodeError:  # a terminal that is not UTF-8
        encoding = getattr(stream, "encoding", None) or "ascii"
        stream.write(text.encode(encoding, "replace").decode(encoding))
    stream.flush()


def points(value: float) -> str:
    """A score as people write it: 97.5, 134, 3.33."""
    text = f"{round(float(value), 2):.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
