"""Fixtures for driving the real app: a real progress file in tmp_path, the app without the
engine warm-up (it is tested on its own), and what a screen shows as text. `async def` tests run
in a fresh event loop each (Textual's Pilot is async; no plugin needed for that)."""

from __future__ import annotations

import asyncio
import inspect
import io
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from rich.console import Console
from textual.app import App
from textual.widgets import Button, Input, Markdown, OptionList, Static

from tutor.app.app import TutorApp
from tutor.progress import Progress


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    names = pyfuncitem._fixtureinfo.argnames
    asyncio.run(pyfuncitem.obj(**{name: pyfuncitem.funcargs[name] for name in names}))
    return True


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "progress.sqlite3"


@pytest.fixture
def store(db: Path) -> Iterator[Progress]:
    with Progress.open(db) as progress:
        yield progress


@pytest.fixture
def make_app(store: Progress) -> Callable[..., TutorApp]:
    def make(lang: str = "en", progress: Progress | None = None) -> TutorApp:
        return TutorApp(progress or store, lang, warm_engine=False)
    return make


def shown(app: App) -> str:
    """The texts of the visible widgets on the current screen, one per line."""
    parts = [app.screen.title or "", app.screen.sub_title or ""]
    for widget in app.screen.walk_children(with_self=False):
        if not widget.display or any(not a.display for a in widget.ancestors
                                     if hasattr(a, "display")):
            continue
        if isinstance(widget, Markdown):
            parts.append(widget.source)
        elif isinstance(widget, Button):
            parts.append(str(widget.label))
        elif isinstance(widget, Input):
            parts.append(widget.value or str(widget.placeholder))
        elif isinstance(widget, OptionList):
            parts.extend(_plain(option.prompt) for option in widget.options)
        elif isinstance(widget, Static):
            parts.append(str(widget.content))
    return "\n".join(part for part in parts if part)


def _plain(renderable: object) -> str:
    """A Rich renderable (an option's row) as the text it prints."""
    console = Console(width=76, file=io.StringIO(), record=True, color_system=None)
    console.print(renderable)
    return console.export_text().rstrip()


@pytest.fixture
def screen_text() -> Callable[[App], str]:
    return shown
