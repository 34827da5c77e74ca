"""The readable report: a table of exercises, then what went wrong and the likely bug.

Built from rich `Text` objects, never from markup strings, so nothing a submission prints or
raises can inject styles, links or escape sequences (the sandbox already shows control characters
escaped). One submission gets the full report; several get a gradebook table.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from grader.messages import text as t
from grader.report import points

if TYPE_CHECKING:
    from grader.grade import ExerciseResult, WorkspaceResult

OUTPUT_LINES = 12
_CONTROL = {c: f"\\x{c:02x}" for c in [*range(0x20), 0x7F, *range(0x80, 0xA0)]
            if c not in (0x09, 0x0A)}


def _safe(value: str) -> str:
    """Student text with control characters shown escaped (the sandbox already does this for
    what it returns; results built by other callers get the same treatment here)."""
    return value.translate(_CONTROL)


def _status(ex: ExerciseResult, lang: str) -> Text:
    if ex.passed:
        return Text(t("report.passed", lang), style="green")
    return Text(t("report.failed", lang), style="red")


def _check_title(name: str, lang: str) -> str:
    from grader.messages import has

    key = f"check.{name}"
    return t(key, lang) if has(key) else name


def _describe(diagnosis: str, lang: str) -> str:
    from grader.messages import has

    return t(f"diagnosis.{diagnosis}", lang) if has(f"diagnosis.{diagnosis}") else diagnosis


def _item(marker: str, style: str, body: Text) -> Table:
    """`  ✗ body`, where a long body wraps under itself, not under the marker."""
    grid = Table.grid()
    grid.add_column(no_wrap=True, style=style)
    grid.add_column(overflow="fold")  # never an ellipsis: every character of the feedback shows
    grid.add_row(marker, body)
    return grid


def _details(ex: ExerciseResult, lang: str) -> list[RenderableType]:
    lines: list[RenderableType] = []
    head = Text()
    head.append(f"{ex.title} ({ex.name}) ", style="bold")
    head.append(f"{points(ex.score)}/{points(ex.max_score)}")
    lines.append(head)
    if ex.failure:
        lines.append(_item("  ✗ ", "red", Text(_safe(ex.failure))))
    if not ex.failure:
        # Checks failing for the same reason share one line (four unanswered questions).
        groups: dict[str, list] = {}
        for c in ex.checks:
            if not c.passed:
                groups.setdefault(c.message, []).append(c)
        for message, same in groups.items():
            names = [_check_title(c.name, lang) if ex.kind != "worksheet" else c.name
                     for c in same]
            line = Text(", ".join(names), style="bold")
            lost = sum(c.max_points - c.points for c in same)
            line.append(f" (−{points(lost)}): ")
            line.append(_safe(message))
            lines.append(_item("  ✗ ", "red", line))
    for d in ex.diagnoses:
        line = Text(f"{t('report.diagnosis', lang)}: ", style="yellow")
        line.append(_describe(d, lang))
        lines.append(_item("  → ", "yellow", line))
    if ex.output.strip():
        lines.append(Text(f"  {t('report.output', lang)}:", style="dim"))
        shown = ex.output.rstrip("\n").splitlines()
        for raw in shown[:OUTPUT_LINES]:
            lines.append(Text("    | " + _safe(raw[:200]), style="dim"))
        if len(shown) > OUTPUT_LINES:
            lines.append(Text(f"    | [... {len(shown) - OUTPUT_LINES} more lines]", style="dim"))
    if not ex.passed:
        lines.append(Text("  " + t("report.hint", lang, exercise=ex.name), style="dim"))
    return lines


def workspace_report(result: WorkspaceResult, lang: str = "en") -> Group:
    """The full report of one submission, as a rich renderable."""
    table = Table(title=Text(t("report.submission", lang, student=_safe(result.student))),
                  title_justify="left", show_edge=False, pad_edge=False)
    table.add_column("#", justify="right")
    table.add_column(t("report.exercise", lang))
    table.add_column(t("report.score", lang), justify="right")
    table.add_column(t("report.status", lang))
    from grader import info

    order = {e.name: e.order for e in info.exercises()}
    for ex in result.exercises:
        table.add_row(str(order.get(ex.name, "")), Text(f"{ex.title} ({ex.name})"),
                      f"{points(ex.score)}/{points(ex.max_score)}", _status(ex, lang))
    table.add_section()
    table.add_row("", Text(t("report.total", lang), style="bold"),
                  Text(f"{points(result.score)}/{points(result.max_score)}", style="bold"), "")
    parts: list[object] = [table]
    failing = [ex for ex in result.exercises if not ex.passed]
    if result.failure:
        line = Text("✗ ", style="red")
        line.append(_safe(result.failure))
        parts.append(line)
    if not failing:
        parts.append(Text(t("report.all_correct", lang), style="green"))
    for ex in failing:
        parts.append(Text(""))
        parts.extend(_details(ex, lang))
    return Group(*parts)


def gradebook_table(results: Sequence[WorkspaceResult], lang: str = "en") -> Table:
    table = Table(show_edge=False, pad_edge=False)
    table.add_column(t("report.student", lang))
    table.add_column(t("report.score", lang), justify="right")
    table.add_column(t("report.failed", lang))
    for r in results:
        failing = ", ".join(ex.name for ex in r.exercises if not ex.passed)
        if r.failure:
            failing = r.failure
        table.add_row(Text(_safe(r.student)), f"{points(r.score)}/{points(r.max_score)}",
                      Text(_safe(failing)))
    return table


def _renderables(results: Sequence[WorkspaceResult], lang: str) -> list[object]:
    if len(results) == 1:
        return [workspace_report(results[0], lang)]
    return [gradebook_table(results, lang)]


def render_text(results: Sequence[WorkspaceResult], *, lang: str = "en", color: bool = False,
                width: int = 100) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=color, no_color=not color,
                      color_system="standard" if color else None, highlight=False, emoji=False,
                      markup=False)
    for part in _renderables(results, lang):
        console.print(part)
    if color:
        return buffer.getvalue()
    # Rich pads table cells to their width: plain text (a file, CI logs) loses the padding.
    return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())
