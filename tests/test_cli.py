"""The `tutor` command as users run it: a real child process, its stdout, stderr and exit code."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from tutor.engine import zoo

HEAVY = ("numba", "sympy", "textual", "plotext")


def tutor(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tutor", *args], capture_output=True, text=True, timeout=300
    )


@pytest.mark.parametrize("argv", [["--help"], ["run", "--help"], [], ["--version"]])
def test_help_imports_nothing_heavy(argv: list[str]) -> None:
    """Start-up stays lean: help must not pay for numba, sympy, textual or plotext."""
    probe = (
        "import sys\n"
        f"sys.argv = ['tutor', *{argv!r}]\n"
        "from tutor.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"loaded = [m for m in {HEAVY!r} if m in sys.modules]\n"
        "print('LOADED', loaded)\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert "LOADED []" in out.stdout, out.stdout + out.stderr


def test_run_json_has_the_documented_shape() -> None:
    out = tutor("run", "adam", "--function", "rosenbrock", "--start", "-1.2,1", "--steps", "25",
                "--set", "lr=0.05", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert set(data) == {"optimizer", "function", "hyper", "points", "losses", "diverged"}
    assert data["optimizer"] == "adam" and data["function"] == "rosenbrock"
    assert data["hyper"]["lr"] == 0.05 and data["hyper"]["beta2"] == 0.999
    assert len(data["points"]) == 26 and len(data["losses"]) == 26
    assert data["points"][0] == [-1.2, 1.0]
    assert data["diverged"] is False
    fn = zoo.get("rosenbrock")
    for point, loss in zip(data["points"], data["losses"], strict=True):
        assert loss == pytest.approx(fn.value(point), rel=1e-12)
    # Adam's first step moves every coordinate by lr against the gradient's sign.
    step = np.subtract(data["points"][1], data["points"][0])
    np.testing.assert_allclose(np.abs(step), 0.05, rtol=1e-6)


def test_divergence_stops_and_says_so() -> None:
    """lr=1.5 on x^2-4x+6 multiplies the distance to the minimum by -2 each step: it overflows."""
    out = tutor("run", "gd", "-f", "quadratic", "-s", "4", "-n", "3000", "--set", "lr=1.5",
                "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["diverged"] is True
    assert 2 < len(data["points"]) < 3001
    assert all(np.isfinite(data["losses"]))
    text = tutor("run", "gd", "-f", "quadratic", "-s", "4", "-n", "3000", "--set", "lr=1.5")
    assert "diverged" in text.stdout


def test_negative_start_and_table_in_a_pipe() -> None:
    out = tutor("run", "momentum", "-f", "bowl", "--start", "-1.5,-2", "-n", "40",
                "--set", "lr=0.05")
    assert out.returncode == 0, out.stderr
    assert "step" in out.stdout and "loss" in out.stdout and "-1.5" in out.stdout
    assert "minimum (2, 2)" in out.stdout


def test_plot_draws_without_a_terminal() -> None:
    out = tutor("run", "gd", "-f", "quadratic", "-s", "4", "-n", "10", "--set", "lr=0.2",
                "--plot")
    assert out.returncode == 0, out.stderr
    assert "quadratic" in out.stdout


def test_minibatch_of_the_whole_dataset_is_full_batch() -> None:
    full = json.loads(tutor("run", "gd", "-f", "linreg", "-s", "0,0", "-n", "30", "--set",
                            "lr=0.01", "--json").stdout)
    batch = json.loads(tutor("run", "gd", "-f", "linreg", "-s", "0,0", "-n", "30", "--set",
                             "lr=0.01", "--batch-size", "7", "--json").stdout)
    np.testing.assert_allclose(batch["points"], full["points"], rtol=1e-12)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["run", "sgdx", "-f", "bowl", "-s", "0,0"], "choose one of: gd, momentum"),
        (["run", "adam", "-f", "nope", "-s", "0,0"], "rosenbrock"),
        (["run", "adam", "-f", "bowl", "-s", "0,0", "--set", "momentum=0.9"], "beta1"),
        (["run", "adam", "-f", "bowl", "-s", "0,0", "--set", "lr=abc"], "lr must be a number"),
        (["run", "adam", "-f", "bowl", "-s", "0,0", "--set", "lr=-1"], "lr must be >= 0"),
        (["run", "adam", "-f", "bowl", "-s", "0,0", "--set", "amsgrad=maybe"], "true or false"),
        (["run", "adam", "-f", "bowl", "-s", "0,0", "--set", "lr"], "KEY=VALUE"),
        (["run", "adam", "-f", "bowl", "-s", "0,x"], "--start"),
        (["run", "adam", "-f", "bowl", "-s", "1"], "takes 2 coordinate"),
        (["run", "adam", "-f", "bowl", "-s", "0,0", "-n", "-3"], "--steps"),
        (["run", "gd", "-f", "bowl", "-s", "0,0", "--batch-size", "2"], "no dataset"),
        (["run", "gd", "-f", "linreg", "-s", "0,0", "--batch-size", "9"], "between 1 and 7"),
        (["run", "nesterov", "-f", "bowl", "-s", "0,0", "--set", "momentum=0"], "momentum > 0"),
        (["frobnicate"], "No such command"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args: list[str], needle: str) -> None:
    out = tutor(*args)
    assert out.returncode == 2
    assert "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1, out.stderr
    assert needle in out.stderr
