"""The first screen: every lesson with the learner's progress, and where to resume."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Header, OptionList, Static

from tutor.app.messages import LessonChosen
from tutor.app.widgets.footer import LocalizedFooter
from tutor.app.widgets.lesson_list import LessonList
from tutor.i18n import t
from tutor.lessons.load import get, lessons
from tutor.progress import Progress


class LessonMapScreen(Screen):
    """The lesson list, opened on the lesson last worked in (Enter resumes it), the highlighted
    lesson's summary below. A damaged progress file that had to be set aside is said here,
    in place of the resume line."""

    def __init__(self, progress: Progress) -> None:
        super().__init__()
        self.progress = progress

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="resume", markup=False)
        yield LessonList(self.progress, id="lessons")
        yield Static(id="summary", markup=False)
        yield LocalizedFooter()

    def on_mount(self) -> None:
        ids = [lesson.id for lesson in lessons()]
        last = self.progress.last_lesson()
        listing = self.query_one(LessonList)
        listing.highlighted = ids.index(last) if last in ids else 0
        listing.focus()
        self.watch(self.app, "lang", self._relabel)

    def on_screen_resume(self) -> None:
        """Back from a lesson: its progress changed."""
        self.query_one(LessonList).refresh_rows()
        self._relabel(self.app.lang)

    def _relabel(self, lang: str) -> None:
        self.sub_title = t("map.title", lang)
        resume = self.query_one("#resume", Static)
        notice = self.progress.notice
        resume.set_class(notice is not None, "-warning")
        if notice is not None:
            resume.update(notice.message(lang))
        elif (last := self.progress.last_lesson()) in {lesson.id for lesson in lessons()}:
            lesson = get(last)
            resume.update(t("map.resume", lang, order=lesson.order, title=lesson.title.get(lang),
                            step=self.progress.position(last) + 1, steps=len(lesson.steps)))
        else:
            resume.update(t("map.start", lang))
        self._show_summary(lang)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show_summary(self.app.lang)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.post_message(LessonChosen(str(event.option.id)))

    def _show_summary(self, lang: str) -> None:
        option = self.query_one(LessonList).highlighted_option
        summary = get(str(option.id)).summary.get(lang) if option is not None else ""
        self.query_one("#summary", Static).update(summary)
