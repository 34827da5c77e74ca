"""The playground's map: the zoo function (level sets, or the curve), every optimizer's path in
its own colour, and the start, which the learner moves with the arrow keys or a click.

The map never decides anything: a move posts `StartMoved` with the new point, and the screen
updates the start field and runs the race again. A click is read through the canvas geometry of
the last plotext build (`plots.canvas`), so it lands where the learner sees the point.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.binding import Binding, BindingType
from textual.events import Click
from textual.message import Message

from tutor import plots
from tutor.app.widgets.playground_form import optimizer_color
from tutor.app.widgets.plot_view import SafePlot, function_title
from tutor.app.widgets.race_model import Race, snap
from tutor.engine import zoo
from tutor.i18n import t

BIG_MOVE = 5  # cells per Shift+arrow
UNKNOWN_GRID = 40  # before anything is drawn, a move is this fraction of the box


class PlaygroundMap(SafePlot):
    """The race drawn over its function; focus it to move the start with the keys."""

    can_focus = True
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "move(-1, 0)", "playground.key.move", key_display="←↑↓→"),
        Binding("right", "move(1, 0)", show=False),
        Binding("up", "move(0, 1)", show=False),
        Binding("down", "move(0, -1)", show=False),
        Binding("shift+left", f"move(-{BIG_MOVE}, 0)", show=False),
        Binding("shift+right", f"move({BIG_MOVE}, 0)", show=False),
        Binding("shift+up", f"move(0, {BIG_MOVE})", show=False),
        Binding("shift+down", f"move(0, -{BIG_MOVE})", show=False),
    ]

    class StartMoved(Message):
        """The learner moved the start on the map."""

        def __init__(self, point: tuple[float, ...]) -> None:
            super().__init__()
            self.point = point

    def __init__(self, lang: str = "en", **kwargs: Any) -> None:
        super().__init__(lang, **kwargs)
        self.function: zoo.ZooFunction | None = None
        self.point: tuple[float, ...] | None = None
        self.race: Race | None = None

    # --- what the screen tells it -------------------------------------------------------------

    def set_start(self, function: str, point: tuple[float, ...]) -> None:
        """The start (and its function) to draw and to move from."""
        fn = zoo.get(function)
        if fn == self.function and point == self.point:
            return
        if self.function is not None and fn.name != self.function.name:
            self.race = None  # paths on another function: not worth showing
            self.waiting = True
        self.function, self.point = fn, point
        self._draw()

    def computing(self) -> None:
        """A race is on its way: say so in the title, keeping the last picture meanwhile."""
        self.border_title = t("plot.computing", self.lang)

    def show_race(self, race: Race) -> None:
        self.race = race
        self._draw()

    def set_lang(self, lang: str) -> None:
        self.lang = lang
        self._draw()
        self.refresh()

    # --- drawing ------------------------------------------------------------------------------

    def _draw(self) -> None:
        self.border_subtitle = t("playground.map_help", self.lang)
        race, fn = self.race, self.function
        if fn is not None:
            self.border_title = function_title(fn, self.lang)
        if race is None or fn is None or race.settings.function != fn.name:
            return
        results = race.results
        panel = plots.function_panel(fn, race.sample, [r.trajectory for r in results],
                                     colors=[optimizer_color(r.optimizer) for r in results],
                                     start=self.point)
        plots.render(self.plt, [panel])
        self.drawn()

    # --- moving the start ---------------------------------------------------------------------

    def action_move(self, dx: int, dy: int) -> None:
        fn, point = self.function, self.point
        if fn is None or point is None or (fn.dim == 1 and dy):
            return
        steps = self._cell_steps(fn)
        moved = [snap(v + d * step, step) for v, d, step in zip(point, (dx, dy), steps,
                                                                strict=False)]
        self.post_message(self.StartMoved(tuple(moved)))

    def _cell_steps(self, fn: zoo.ZooFunction) -> tuple[float, float]:
        """One character cell of the map in data units (before a first drawing: a share of the
        box)."""
        area = None if self.waiting else plots.canvas(self.plt)
        if area is not None:
            return area.step()
        spans = [(hi - lo) / UNKNOWN_GRID for lo, hi in fn.box]
        return spans[0], spans[-1]

    def on_click(self, event: Click) -> None:
        fn = self.function
        offset = event.get_content_offset(self)
        area = None if self.waiting else plots.canvas(self.plt)
        if fn is None or offset is None or area is None:
            return
        point = area.to_data(offset.x, offset.y)
        if point is None:
            return
        steps = area.step()
        moved = tuple(snap(v, step) for v, step in zip(point, steps, strict=True))[: fn.dim]
        self.focus()
        self.post_message(self.StartMoved(moved))
