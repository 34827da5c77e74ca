"""The command palette's lessons: every lesson by number and title, in the learner's language."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from tutor.app.messages import LessonChosen
from tutor.i18n import t
from tutor.lessons.load import lessons


class LessonCommands(Provider):
    """Open any lesson from the palette; with nothing typed, all of them are listed."""

    def _commands(self) -> list[tuple[str, str, LessonChosen]]:
        lang = self.app.lang
        return [(t("app.command.lesson", lang, order=lesson.order, title=lesson.title.get(lang)),
                 lesson.summary.get(lang), LessonChosen(lesson.id)) for lesson in lessons()]

    async def discover(self) -> Hits:
        for label, summary, message in self._commands():
            yield DiscoveryHit(label, partial(self.app.post_message, message), help=summary)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for label, summary, message in self._commands():
            score = matcher.match(label)
            if score > 0:
                yield Hit(score, matcher.highlight(label), partial(self.app.post_message, message),
                          text=label, help=summary)
