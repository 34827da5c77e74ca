"""An explanation or a worked example, rendered as Markdown in the learner's language."""

from __future__ import annotations

from textual.widgets import Markdown

from tutor.i18n import t
from tutor.lessons.schema import Explain


class ExplainView(Markdown):
    """The step's title as a heading (a worked example without one gets a generic heading),
    then its text; re-rendered when the language changes."""

    def __init__(self, step: Explain, lang: str, **kwargs: object) -> None:
        # The first text goes to the constructor: Markdown renders it on mount, and an update()
        # made before that would be overwritten.
        super().__init__(_markdown(step, lang), **kwargs)
        self.step = step

    def on_mount(self) -> None:
        self.watch(self.app, "lang", self._relabel, init=False)

    def _relabel(self, lang: str) -> None:
        self.update(_markdown(self.step, lang))


def _markdown(step: Explain, lang: str) -> str:
    title = step.title.get(lang) if step.title else None
    if title is None and step.kind == "example":
        title = t("lesson.example", lang)
    text = step.text.get(lang)
    return f"## {title}\n\n{text}" if title else text
