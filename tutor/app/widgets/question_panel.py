"""A question answered in place: the answer is judged off the UI thread, the verdict, the named
mistake and how the answer was read appear at once, hints come one at a time, and the worked
solution appears once the question is solved or after `SOLUTION_AFTER` wrong attempts.

The panel keeps its own counts (started from the stored `QuestionState`) and posts `Answered`
and `HintShown`; whoever holds the progress store records them. An answer that cannot be read
gets the reason and is not an attempt: nothing is posted, nothing counted.
"""

from __future__ import annotations

from functools import partial
from string import ascii_lowercase
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Input, Markdown, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from tutor.app.grading import Judgement, Unreadable, judge
from tutor.i18n import t
from tutor.lessons.schema import Question
from tutor.progress import QuestionState

SOLUTION_AFTER = 3


class QuestionPanel(Vertical):
    """The prompt, an answer box (or the choices), the verdict, hints and the solution.

    Texts are composed in the current language and re-rendered on a switch; the last answer
    judged is judged again then (not counted), so its feedback follows the language too.
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "leave", "question.key.leave")]

    class Answered(Message):
        """A readable answer was judged: one attempt."""

        def __init__(self, question_id: str, answer: str, correct: bool,
                     misconception: str | None) -> None:
            super().__init__()
            self.question_id = question_id
            self.answer = answer
            self.correct = correct
            self.misconception = misconception

    class HintShown(Message):
        """One more hint was revealed."""

        def __init__(self, question_id: str) -> None:
            super().__init__()
            self.question_id = question_id

    def __init__(self, question: Question, state: QuestionState, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.question = question
        self.attempts = state.attempts
        self.wrong = state.wrong_attempts
        self.solved = state.solved
        self.hints_shown = min(state.hints_used, len(question.hints))
        self._answer = state.last_answer  # the last answer judged (a choice: its index)
        self._outcome: Judgement | Unreadable | None = None

    @property
    def has_more_hints(self) -> bool:
        return self.hints_shown < len(self.question.hints)

    @property
    def solution_shown(self) -> bool:
        return self.solved or self.wrong >= SOLUTION_AFTER

    def compose(self) -> ComposeResult:
        lang, question = self.app.lang, self.question
        # Markdown blocks get their first text here: one updated before it is mounted would be
        # overwritten by its own mount.
        yield Markdown(question.prompt.get(lang), classes="prompt")
        if question.mode == "choice":
            yield OptionList(*(Option(self._choice(i, lang), id=str(i))
                               for i in range(len(question.choices))))
        else:
            yield Input(value=self._answer or "", select_on_focus=False,
                        placeholder=t(f"question.placeholder.{question.mode}", lang))
        with Horizontal(classes="actions"):
            if question.mode != "choice":
                yield Button(t("question.check", lang), id="check", compact=True)
            yield Button(t("question.hint", lang), id="hint", compact=True)
            yield Static(id="attempts", markup=False)
        yield Static(id="verdict", markup=False)
        yield Static(id="read-as", markup=False)
        yield Markdown(self._hints(lang), id="hints")
        yield Markdown(self._solution(lang), id="solution")

    def on_mount(self) -> None:
        choices = len(self.question.choices)
        if self._answer is not None and self._answer.isdigit() and int(self._answer) < choices:
            self.query_one(OptionList).highlighted = int(self._answer)
        self._show_state(self.app.lang, markdown=False)
        self._show_outcome(self.app.lang)
        if self._answer is not None:  # reopened: show the verdict on the last answer again
            self._judge(self._answer, self.app.lang, record=False)
        self.watch(self.app, "lang", self._relabel, init=False)

    def focus_answer(self) -> None:
        """Put the cursor where the learner answers."""
        self.query_one(OptionList if self.question.mode == "choice" else Input).focus()

    def show_hint(self) -> None:
        """Reveal the next hint, if any is left."""
        if not self.has_more_hints:
            return
        self.hints_shown += 1
        self.post_message(self.HintShown(self.question.id))
        self._show_state(self.app.lang)

    # --- answering ----------------------------------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._submit(event.value)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._submit(str(event.option.id))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "check":
            self._submit(self.query_one(Input).value)
        else:
            self.show_hint()

    def action_leave(self) -> None:
        self.query_one("#check").focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Escape leaves the answer box; anywhere else it is the screen's (back to the map).
        if action == "leave":
            return self.question.mode != "choice" and self.query_one(Input).has_focus
        return True

    def _submit(self, answer: str) -> None:
        verdict = self.query_one("#verdict", Static)
        verdict.update(t("question.checking", self.app.lang))
        verdict.display = True
        self._judge(answer, self.app.lang, record=True)

    def _judge(self, answer: str, lang: str, record: bool) -> None:
        """Judge in a thread: SymPy may take a while, and the UI must not wait for it. An answer
        to record and a silent re-judge (reopened, or another language) are separate groups,
        so a language switch never cancels an attempt being checked."""
        self.run_worker(partial(self._judge_in_thread, answer, lang, record), thread=True,
                        exclusive=True, group="check" if record else "recheck")

    def _judge_in_thread(self, answer: str, lang: str, record: bool) -> None:
        outcome: Judgement | Unreadable
        try:
            outcome = judge(self.question, answer, lang)
        except Unreadable as err:
            outcome = err
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._judged, answer, outcome, record)

    def _judged(self, answer: str, outcome: Judgement | Unreadable, record: bool) -> None:
        # A re-judge that a newer answer overtook is stale.
        if not self.is_attached or (not record and answer != self._answer):
            return
        self._answer, self._outcome = answer, outcome
        if record and isinstance(outcome, Judgement):
            self.attempts += 1
            self.solved = self.solved or outcome.correct
            self.wrong += not outcome.correct
            self.post_message(self.Answered(self.question.id, answer, outcome.correct,
                                            outcome.misconception))
        lang = self.app.lang
        self._show_outcome(lang)
        self._show_state(lang)

    # --- showing ------------------------------------------------------------------------------

    def _relabel(self, lang: str) -> None:
        question = self.question
        self.query_one(".prompt", Markdown).update(question.prompt.get(lang))
        if question.mode == "choice":
            choices = self.query_one(OptionList)
            for i in range(len(question.choices)):
                choices.replace_option_prompt_at_index(i, self._choice(i, lang))
        else:
            self.query_one(Input).placeholder = t(f"question.placeholder.{question.mode}", lang)
            self.query_one("#check", Button).label = t("question.check", lang)
        self.query_one("#hint", Button).label = t("question.hint", lang)
        self._show_state(lang)
        if isinstance(self._outcome, Unreadable):
            self._show_outcome(lang)
        elif self._answer is not None:
            self._judge(self._answer, lang, record=False)

    def _choice(self, index: int, lang: str) -> Content:
        return Content(f"{ascii_lowercase[index]}) {self.question.choices[index].get(lang)}")

    def _hints(self, lang: str) -> str:
        hints = [t("question.hint_line", lang, number=n + 1, text=hint.get(lang))
                 for n, hint in enumerate(self.question.hints[:self.hints_shown])]
        if hints and not self.has_more_hints:
            hints.append(f"*{t('question.no_more_hints', lang)}*")
        return "\n\n".join(hints)

    def _solution(self, lang: str) -> str:
        if not self.solution_shown:
            return ""
        return f"**{t('question.solution', lang)}**\n\n{self.question.solution.get(lang)}"

    def _show_state(self, lang: str, markdown: bool = True) -> None:
        """Counts, the hint button, hints and solution (`markdown=False`: as composed)."""
        counts = ""
        if self.attempts:
            counts = t("question.attempts", lang, attempts=self.attempts, wrong=self.wrong)
        if self.solved:
            counts = f"{counts}  {t('question.solved', lang)}".strip()
        self.query_one("#attempts", Static).update(counts)
        self.query_one("#hint", Button).disabled = not self.has_more_hints
        for selector, text in (("#hints", self._hints(lang)), ("#solution", self._solution(lang))):
            block = self.query_one(selector, Markdown)
            block.display = bool(text)
            if markdown:
                block.update(text)

    def _show_outcome(self, lang: str) -> None:
        outcome = self._outcome
        message = shown = ""
        if isinstance(outcome, Unreadable):
            message = f"{outcome.message(lang)}\n{t('question.not_counted', lang)}"
            pointer = outcome.pointer()  # the text with a caret under the problem, if placed
            shown = pointer if pointer != outcome.text else ""
        elif isinstance(outcome, Judgement):
            message = outcome.feedback
            label = "question.chosen" if self.question.mode == "choice" else "question.read_as"
            shown = f"{t(label, lang)}\n{outcome.read_as}"
        verdict = self.query_one("#verdict", Static)
        verdict.update(message)
        verdict.display = bool(message)
        verdict.set_class(isinstance(outcome, Judgement) and outcome.correct, "-correct")
        verdict.set_class(isinstance(outcome, Judgement) and not outcome.correct, "-wrong")
        verdict.set_class(isinstance(outcome, Unreadable), "-unreadable")
        read_as = self.query_one("#read-as", Static)
        read_as.update(shown)
        read_as.display = bool(shown)
