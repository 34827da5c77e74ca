"""The footer, in the learner's language.

Bindings are declared once, in `BINDINGS`, with a ui.toml key as their description
(`Binding("n", "next", "lesson.key.next")`); this footer shows each description that names a key
in the app's language, and any other as it is. The app refreshes its bindings when the language
changes, which recomposes the footer.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer

from tutor.i18n import has, t


class LocalizedFooter(Footer):
    """Textual's footer, with binding descriptions looked up in ui.toml. The app binds the
    command palette itself (to name it in every language), so the footer does not add it."""

    def __init__(self) -> None:
        super().__init__(show_command_palette=False, compact=True)

    def compose(self) -> ComposeResult:
        lang = getattr(self.app, "lang", "en")
        for widget in super().compose():
            # Footer keys keep their text in `description` (the class itself is private).
            description = getattr(widget, "description", None)
            if isinstance(description, str) and has(description):
                widget.description = t(description, lang)
            yield widget
