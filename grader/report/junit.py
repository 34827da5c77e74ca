"""JUnit XML, as CI systems render it: <testsuites>, a <testsuite> per submission, a <testcase>
per check (classname: student.exercise), <failure> for a failed check and <error> for an
exercise that could not run. Scores travel as <properties>. Built with ElementTree, so text is
escaped; characters XML 1.0 cannot hold at all are replaced first."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from typing import TYPE_CHECKING

from grader.messages import has
from grader.messages import text as t
from grader.report import points

if TYPE_CHECKING:
    from grader.grade import WorkspaceResult

_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean(value: object) -> str:
    """Text that XML 1.0 can carry (control characters, lone surrogates and U+FFFE/F become
    U+FFFD)."""
    return _NOT_XML.sub("\ufffd", str(value))


def _case(suite: ET.Element, classname: str, name: str, time: float = 0.0) -> ET.Element:
    return ET.SubElement(suite, "testcase", classname=clean(classname), name=clean(name),
                         time=f"{time:.3f}")


def render_junit(results: Sequence[WorkspaceResult], *, lang: str = "en") -> str:
    root = ET.Element("testsuites", name="tutor grade")
    total_tests = total_failures = total_errors = 0
    total_time = 0.0
    for r in results:
        suite = ET.SubElement(root, "testsuite", name=clean(r.student))
        props = ET.SubElement(suite, "properties")
        ET.SubElement(props, "property", name="score", value=points(r.score))
        ET.SubElement(props, "property", name="max_score", value=points(r.max_score))
        tests = failures = errors = 0
        for ex in r.exercises:
            classname = f"{r.student}.{ex.name}"
            if ex.failure is not None:
                case = _case(suite, classname, ex.name, ex.duration)
                err = ET.SubElement(case, "error", message=clean(ex.failure),
                                    type="submission")
                err.text = clean(ex.output) if ex.output else None
                tests += 1
                errors += 1
                continue
            per_check = ex.duration / max(1, len(ex.checks))
            for c in ex.checks:
                title = t(f"check.{c.name}", lang) if has(f"check.{c.name}") else c.name
                case = _case(suite, classname, f"{c.name}: {title}" if title != c.name
                             else c.name, per_check)
                tests += 1
                if not c.passed:
                    failures += 1
                    fail = ET.SubElement(case, "failure", message=clean(c.message),
                                         type=clean(c.diagnosis or "wrong"))
                    body = [c.message]
                    if c.diagnosis and has(f"diagnosis.{c.diagnosis}"):
                        body.append(t(f"diagnosis.{c.diagnosis}", lang))
                    fail.text = clean("\n".join(body))
            if ex.output.strip():
                out = ET.SubElement(suite, "system-out")
                out.text = clean(f"[{ex.name}]\n{ex.output}")
        if r.failure is not None and not r.exercises:
            case = _case(suite, r.student, "submission")
            ET.SubElement(case, "error", message=clean(r.failure), type="submission")
            tests += 1
            errors += 1
        suite.set("tests", str(tests))
        suite.set("failures", str(failures))
        suite.set("errors", str(errors))
        suite.set("time", f"{r.duration:.3f}")
        total_tests += tests
        total_failures += failures
        total_errors += errors
        total_time += r.duration
    root.set("tests", str(total_tests))
    root.set("failures", str(total_failures))
    root.set("errors", str(total_errors))
    root.set("time", f"{total_time:.3f}")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") \
        + "\n"
