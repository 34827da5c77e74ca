"""A lesson, one step at a time: explanation, worked example, plot or question.

The step shown is saved to the progress store on every move, so a restart lands on it. Answers
and hints reach the store here, from the question panel's messages.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Header

from tutor.app.widgets.explain_view import ExplainView
from tutor.app.widgets.footer import LocalizedFooter
from tutor.app.widgets.plot_step import PlotStep
from tutor.app.widgets.question_panel import QuestionPanel
from tutor.i18n import t
from tutor.lessons.schema import Explain, Lesson, Plot, Step
from tutor.progress import Progress


class LessonScreen(Screen):
    """Steps through `lesson`, starting where the learner left it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "next", "lesson.key.next"),
        Binding("b", "back", "lesson.key.back"),
        Binding("h", "hint", "question.key.hint"),
        Binding("escape", "close", "lesson.key.map"),
    ]

    def __init__(self, lesson: Lesson, progress: Progress) -> None:
        super().__init__()
        self.lesson = lesson
        self.progress = progress
        self.index = min(progress.position(lesson.id), len(lesson.steps) - 1)

    @property
    def step(self) -> Step:
        return self.lesson.steps[self.index]

    def compose(self) -> ComposeResult:
        yield Header()
        yield VerticalScroll(id="step")
        with Horizontal(id="nav"):
            yield Button("", id="back", compact=True)
            yield Button("", id="next", compact=True)
        yield LocalizedFooter()

    async def on_mount(self) -> None:
        await self._show(self.index)  # which labels the screen
        self.watch(self.app, "lang", self._relabel, init=False)

    # --- moving -------------------------------------------------------------------------------

    async def action_next(self) -> None:
        if self.index + 1 < len(self.lesson.steps):
            await self._show(self.index + 1)
        else:
            self.dismiss()

    async def action_back(self) -> None:
        if self.index > 0:
            await self._show(self.index - 1)

    def action_close(self) -> None:
        self.dismiss()

    def action_hint(self) -> None:
        panel = self._panel()
        if panel is not None:
            panel.show_hint()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "hint":
            panel = self._panel()
            return panel is not None and panel.has_more_hints
        if action == "back":
            return self.index > 0
        return True

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        await (self.action_next() if event.button.id == "next" else self.action_back())

    async def _show(self, index: int) -> None:
        """Replace the step on show, save the position, and put the focus where it is useful:
        the answer box on a question not yet solved, the text (to scroll it; n moves on) on
        anything else."""
        self.index = index
        body = self.query_one("#step", VerticalScroll)
        await body.remove_children()
        await body.mount(self._widget(self.step))
        body.scroll_home(animate=False)
        self.app.write(self.progress.set_position, self.lesson.id, index)
        self._relabel(self.app.lang)
        self.refresh_bindings()
        panel = self._panel()
        if panel is not None and not panel.solved:
            panel.focus_answer()
        else:
            body.focus()

    def _widget(self, step: Step) -> Widget:
        if isinstance(step, Explain):
            return ExplainView(step, self.app.lang)
        if isinstance(step, Plot):
            return PlotStep(step)
        state = self.progress.question_state(self.lesson.id, step.id)
        return QuestionPanel(step, state)

    def _panel(self) -> QuestionPanel | None:
        panels = self.query(QuestionPanel)
        return panels.first() if panels else None

    def _relabel(self, lang: str) -> None:
        steps = len(self.lesson.steps)
        self.title = f"{self.lesson.order}. {self.lesson.title.get(lang)}"
        self.sub_title = t("lesson.step", lang, step=self.index + 1, steps=steps)
        self.query_one("#back", Button).label = t("lesson.back", lang)
        self.query_one("#back", Button).disabled = self.index == 0
        last = self.index + 1 == steps
        self.query_one("#next", Button).label = t("lesson.finish" if last else "lesson.next", lang)

    # --- recording ----------------------------------------------------------------------------

    def on_question_panel_answered(self, message: QuestionPanel.Answered) -> None:
        self.app.write(self.progress.record_attempt, self.lesson.id, message.question_id,
                       message.answer, message.correct, message.misconception)
        if message.correct:
            self.query_one("#next", Button).focus()
        self.refresh_bindings()

    def on_question_panel_hint_shown(self, message: QuestionPanel.HintShown) -> None:
        self.app.write(self.progress.record_hint, self.lesson.id, message.question_id)
        self.refresh_bindings()
