"""The optimizer playground as a learner drives it: pick optimizers, type hyperparameters, run,
read the scoreboard; bad input; moving the start with keys and the mouse; other functions; both
languages; and `p` from the real app. Every number on screen is checked against the engine."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable

import numpy as np
import pytest
from rich.text import Text
from textual.app import App
from textual.pilot import Pilot
from textual.reactive import reactive
from textual.widgets import Button, Input, Select, SelectionList, Static

from tutor import plots
from tutor.app.app import TutorApp
from tutor.app.screens.playground import PlaygroundScreen
from tutor.app.widgets.playground_map import PlaygroundMap
from tutor.app.widgets.race_model import (
    TOLERANCE,
    SettingsError,
    lowest_minimum,
    parse_hyper,
    parse_start,
    parse_steps,
    presets,
    snap,
    steps_to_reach,
)
from tutor.app.widgets.race_table import RaceTable
from tutor.engine import zoo
from tutor.engine.optim import RULES, get_rule, resolve_hyper
from tutor.engine.run import run

SIZES = [(100, 40), (80, 24)]


class PlaygroundApp(App[None]):
    """The smallest app that opens the playground, with a `lang` like TutorApp's."""

    lang = reactive("en")

    def on_mount(self) -> None:
        self.push_screen(PlaygroundScreen())


async def settle(pilot: Pilot) -> None:
    """Let every message and race worker finish and the results reach the screen."""
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def rows(app: App) -> dict[str, list[str]]:
    table = app.screen.query_one(RaceTable)
    return {str(key.value): [str(cell.plain if isinstance(cell, Text) else cell)
                             for cell in table.get_row(key)]
            for key in table.rows}


def field(app: App, selector: str) -> Input:
    return app.screen.query_one(selector, Input)


async def type_into(pilot: Pilot, selector: str, text: str) -> None:
    """Focus a field, clear it and type `text` as keys."""
    box = field(pilot.app, selector)
    box.focus()
    box.value = ""
    await pilot.press(*text)


def choose(app: App, *names: str) -> None:
    optimizers = app.screen.query_one("#optimizers", SelectionList)
    optimizers.deselect_all()
    for name in names:
        optimizers.select(name)


def error_line(app: App) -> str:
    error = app.screen.query_one("#error", Static)
    return str(error.content) if error.display else ""


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_opening_race_is_the_engines(size: tuple[int, int]) -> None:
    app = PlaygroundApp()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        opening = presets()["open"]
        shown = rows(app)
        assert list(shown) == opening["optimizers"]
        start = tuple(presets()["start"][opening["function"]])
        for name in opening["optimizers"]:
            hyper = parse_hyper(name, presets()["hyper"][name])
            expected = run(name, opening["function"], start, opening["steps"], hyper)
            assert shown[name][1] == f"{expected.losses[-1]:.4g}"
        assert shown["momentum"][2] == "769"  # the preset's promise
        assert shown["gd"][2] == "—" and shown["gd"][3] == "no"


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_two_optimizers_race_and_match_the_engine(size: tuple[int, int]) -> None:
    app = PlaygroundApp()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        choose(app, "nesterov", "rmsprop")
        await pilot.pause()
        assert not field(app, "#hyper-adam").parent.display  # only the chosen show a field
        await type_into(pilot, "#hyper-nesterov", "lr=0.001 momentum=0.8")
        await type_into(pilot, "#hyper-rmsprop", "lr=0.02, alpha=0.9")
        await type_into(pilot, "#steps", "400")
        await pilot.press("enter")
        await settle(pilot)
        shown = rows(app)
        assert list(shown) == ["nesterov", "rmsprop"]
        race = app.screen.race
        assert race is not None and race.settings.steps == 400
        for result, hyper in zip(race.results, [{"lr": 0.001, "momentum": 0.8},
                                                {"lr": 0.02, "alpha": 0.9}], strict=True):
            expected = run(result.optimizer, "rosenbrock", (-1.2, 1.0), 400, hyper)
            assert result.final_loss == expected.losses[-1]
            np.testing.assert_array_equal(result.trajectory.points, expected.points)
            assert np.isfinite(result.final_loss)
            assert shown[result.optimizer][1] == f"{expected.losses[-1]:.4g}"
            assert shown[result.optimizer][3] == "no"


async def test_a_divergent_setting_shows_diverged() -> None:
    app = PlaygroundApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        choose(app, "gd", "adam")
        await type_into(pilot, "#hyper-gd", "lr=0.01")
        app.screen.query_one(PlaygroundMap).focus()
        await pilot.press("r")
        await settle(pilot)
        shown = rows(app)
        assert shown["gd"][3] == "yes" and shown["adam"][3] == "no"
        assert shown["gd"][2] == "—"
        expected = run("gd", "rosenbrock", (-1.2, 1.0), 1000, {"lr": 0.01})
        assert expected.diverged
        assert shown["gd"][1] == f"{expected.losses[-1]:.4g}"
        gd = app.screen.race.results[0]
        assert gd.diverged and len(gd.trajectory.points) < 1001
        assert "diverged" in app.screen.query_one("#loss").border_subtitle


async def test_bad_hyperparameters_show_one_message_and_nothing_runs() -> None:
    app = PlaygroundApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        before = app.screen.race
        await type_into(pilot, "#hyper-adam", "lr=abc")
        await pilot.press("enter")
        await settle(pilot)
        assert error_line(app) == "adam: lr must be a number, not 'abc'."
        assert field(app, "#hyper-adam").has_class("-bad")
        assert app.screen.race is before  # no race with unreadable settings
        await type_into(pilot, "#hyper-adam", "lr 0.1")
        assert "KEY=VALUE" in error_line(app) and "'lr'" in error_line(app)
        await type_into(pilot, "#hyper-adam", "lr=0.1 betas=0.9")
        assert "beta1" in error_line(app)  # the engine names the valid choices
        await type_into(pilot, "#hyper-adam", "lr=-1")
        assert "lr must be >= 0" in error_line(app)
        await type_into(pilot, "#hyper-adam", "lr=0.05")
        assert error_line(app) == ""
        assert not field(app, "#hyper-adam").has_class("-bad")
        await type_into(pilot, "#start", "1,2,3")
        assert error_line(app).startswith("Start: type 2 number(s) for x, y")
        await type_into(pilot, "#start", "1, 2")
        await type_into(pilot, "#steps", "0")
        assert error_line(app) == "Steps: a whole number from 1 to 20000."
        choose(app)
        await pilot.pause()
        assert error_line(app) == "Tick at least one optimizer."


async def test_keys_move_the_start_and_the_race_follows() -> None:
    app = PlaygroundApp()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        board = app.screen.query_one(PlaygroundMap)
        board.focus()
        dx, dy = plots.canvas(board.plt).step()
        await pilot.press("right", "right", "up")
        await settle(pilot)
        x, y = (float(v) for v in field(app, "#start").value.split(","))
        assert x == pytest.approx(-1.2 + 2 * dx, abs=dx / 2)
        assert y == pytest.approx(1.0 + dy, abs=dy / 2)
        assert app.screen.race.settings.start == (x, y)
        await pilot.press("shift+down")
        await settle(pilot)
        assert float(field(app, "#start").value.split(",")[1]) == pytest.approx(
            y - 5 * dy, abs=dy / 2)
        await type_into(pilot, "#start", "0.5, 0.5")  # typed: the marker follows at once
        await pilot.pause()
        assert board.point == (0.5, 0.5)
        board.focus()
        await pilot.press("left")
        await settle(pilot)
        assert field(app, "#start").value == f"{snap(0.5 - dx, dx):.6g}, 0.5"


async def test_a_click_on_the_map_moves_the_start_there() -> None:
    app = PlaygroundApp()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        board = app.screen.query_one(PlaygroundMap)
        area = plots.canvas(board.plt)
        column, row = area.to_cell(1.0, 2.0)
        gutter = board.styles.gutter
        await pilot.click(PlaygroundMap, offset=(column + gutter.left, row + gutter.top))
        await settle(pilot)
        x, y = (float(v) for v in field(app, "#start").value.split(","))
        dx, dy = area.step()
        assert abs(x - 1.0) <= dx and abs(y - 2.0) <= dy
        assert board.has_focus
        assert app.screen.race.settings.start == (x, y)
        # a click outside the canvas (on the axis labels) moves nothing
        await pilot.click(PlaygroundMap, offset=(gutter.left, gutter.top + 1))
        await settle(pilot)
        assert app.screen.race.settings.start == (x, y)


async def test_another_function_gets_its_start_and_a_new_race() -> None:
    app = PlaygroundApp()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        app.screen.query_one("#function", Select).value = "quadratic"
        await settle(pilot)
        assert field(app, "#start").value == "4"
        assert "Start (x)" in str(app.screen.query_one("#start-label", Static).content)
        race = app.screen.race
        assert race.settings.function == "quadratic" and race.settings.start == (4.0,)
        board = app.screen.query_one(PlaygroundMap)
        board.focus()
        await pilot.press("up")  # a curve has no y to move
        await settle(pilot)
        assert field(app, "#start").value == "4"
        await pilot.press("left")
        await settle(pilot)
        assert float(field(app, "#start").value) < 4


async def test_korean_labels_and_messages() -> None:
    app = PlaygroundApp()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        app.lang = "ko"
        await settle(pilot)
        table = app.screen.query_one(RaceTable)
        headers = [str(column.label) for column in table.columns.values()]
        assert headers == ["기법", "최종 손실", "1e-6 도달 걸음", "발산"]
        assert rows(app)["gd"][3] == "아니요"
        assert str(app.screen.query_one("#run", Button).label) == "실행 ▶"
        await type_into(pilot, "#steps", "0")
        assert error_line(app) == "걸음 수: 1부터 20000까지의 정수를 쓰세요."
        assert app.screen.sub_title == "최적화 실험실"


async def test_p_opens_the_playground_from_the_app(make_app: Callable[..., TutorApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, PlaygroundScreen)
        assert list(rows(app)) == presets()["open"]["optimizers"]
        await pilot.press("l")  # the app's language key reaches the playground too
        await settle(pilot)
        assert app.screen.sub_title == "최적화 실험실"
        assert rows(app)["gd"][3] == "아니요"
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, PlaygroundScreen)


def test_opening_the_playground_loads_no_numeric_engine_on_the_ui_thread() -> None:
    """numba (about 0.6 s to import) and SymPy load in workers, never when a screen opens."""
    probe = ("import sys\n"
             "import tutor.app.screens.playground, tutor.app.widgets.plot_view\n"
             "print([m for m in ('numba', 'sympy') if m in sys.modules])\n")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         timeout=60)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


def test_playground_after_a_race_at_80x24(snap_compare: Callable[..., bool]) -> None:
    async def raced(pilot: Pilot) -> None:
        await settle(pilot)

    assert snap_compare(PlaygroundApp(), terminal_size=(80, 24), run_before=raced)


# --- the model under the form ---------------------------------------------------------------


def test_presets_cover_every_function_and_optimizer() -> None:
    assert set(presets()["start"]) == set(zoo.names())
    for name, start in presets()["start"].items():
        fn = zoo.get(name)
        assert len(start) == fn.dim
        assert all(lo <= v <= hi for v, (lo, hi) in zip(start, fn.box, strict=True))
    assert set(presets()["hyper"]) == set(RULES)
    for name, text in presets()["hyper"].items():
        resolve_hyper(get_rule(name), parse_hyper(name, text))


def test_parsers() -> None:
    assert parse_hyper("momentum", "lr=0.1, momentum=0.5") == {"lr": 0.1, "momentum": 0.5}
    assert parse_hyper("adam", "  ") == {}
    assert parse_hyper("adam", "amsgrad=true") == {"amsgrad": True}
    with pytest.raises(SettingsError) as err:
        parse_hyper("gd", "lr:0.1")
    assert err.value.key == "playground.error.pairs"
    with pytest.raises(SettingsError) as err:
        parse_hyper("nesterov", "momentum=0")
    assert "momentum > 0" in str(err.value.fields["error"])
    rosenbrock = zoo.get("rosenbrock")
    assert parse_start(" -1.2 , 1 ", rosenbrock) == (-1.2, 1.0)
    assert parse_start("-1.2 1", rosenbrock) == (-1.2, 1.0)
    for bad in ("1", "1,x", "nan,1", "inf,0", ""):
        with pytest.raises(SettingsError):
            parse_start(bad, rosenbrock)
    assert parse_steps(" 25 ") == 25
    for bad in ("0", "-3", "2.5", "20001", "many"):
        with pytest.raises(SettingsError):
            parse_steps(bad)


def test_steps_to_reach_the_tolerance() -> None:
    losses = np.array([5.0, 1.0, 1e-3, 5e-7, 2e-6, 1e-9])
    assert steps_to_reach(losses, 0.0) == 3  # the first step within 1e-6, even if it leaves
    assert steps_to_reach(losses, 0.0, tol=1e-10) is None
    assert steps_to_reach(losses, None) is None  # no known minimum: nothing to reach
    assert lowest_minimum(zoo.get("tanh")) is None
    assert lowest_minimum(zoo.get("xsinx")) == pytest.approx(-4.8144699, abs=1e-6)
    assert TOLERANCE == 1e-6


def test_snap_keeps_the_digits_a_move_can_show() -> None:
    assert snap(-1.2 + 3 * 0.0727, 0.0727) == -0.982
    assert snap(0.1 + 0.2, 0.05) == 0.3
    assert snap(-1e-9, 0.1) == 0.0 and str(snap(-1e-9, 0.1)) == "0.0"
