"""The engine's update rules against the textbook forms the lessons teach.

The kernels are written in torch.optim's arrangement (test_golden.py pins that); the sources the
lessons quote write momentum and Nesterov differently. These tests show, numerically, that the
two arrangements are the same method, so a learner can check a hand computation in either form:

* Momentum. torch: b <- mu*b + g, w <- w - lr*b. Sources: v <- mu*v - lr*g, w <- w + v.
  With v_0 = b_0 = 0 and a constant lr, induction gives v_t = -lr*b_t and identical iterates.
  (With a changing lr the forms differ: the sources fold each lr into v, torch applies the
  current lr to the whole buffer. The engine uses a constant lr, so only the claim above is
  tested.)

* Nesterov. torch evaluates the gradient at its own iterate w_t:
      g_t = grad f(w_t),  b_{t+1} = mu*b_t + g_t,  w_{t+1} = w_t - lr*(g_t + mu*b_{t+1}).
  The sources keep a point u_t and evaluate at the look-ahead u_t + mu*v_t:
      v_{t+1} = mu*v_t - lr*grad f(u_t + mu*v_t),  u_{t+1} = u_t + v_{t+1}.
  With u_0 = w_0 and v_0 = b_0 = 0, the exact relation is
      w_t = u_t + mu*v_t   (torch's iterate is the sources' look-ahead point)   and
      v_t = -lr*b_t        (for every t >= 0).
  Proof by induction: if both hold at t, both forms take the gradient at the same point, so
  v_{t+1} = mu*v_t - lr*g_t = -lr*(mu*b_t + g_t) = -lr*b_{t+1}, and
  u_{t+1} + mu*v_{t+1} = (w_t - mu*v_t) + (1 + mu)*v_{t+1}
                       = w_t - lr*g_t - lr*mu*b_{t+1} = w_{t+1}.

* Newton: one undamped step lands on the minimum of a quadratic; damping lambda replaces the
  step H^-1 g by (H + lambda*I)^-1 g, shrinking it.

* Mini-batches: the full dataset as one batch is full-batch descent, and a seeded run is the plain
  loop over np.random.default_rng(seed).permutation(n), one permutation per epoch.

Tolerances: the forms round differently (the sources add lr*g into v before adding v to w), so
iterates agree to a few ulps per step, which these smooth, non-chaotic runs keep below 1e-12.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise

import numpy as np
import pytest

from tutor.engine import zoo
from tutor.engine.optim import Optimizer
from tutor.engine.run import run, run_minibatch

# (function, start, lr): lr is small enough that momentum 0.9 neither diverges nor leaves the box.
CASES = [
    ("rosenbrock", (-1.2, 1.0), 1e-3),
    ("bowl", (-0.5, 4.5), 0.05),
]
STEPS = 60
MU = 0.9


def _close(actual: np.ndarray, expected: np.ndarray, rtol: float) -> None:
    """assert_allclose with an absolute floor scaled to the trajectory, for coordinates near 0."""
    scale = max(1.0, float(np.abs(expected).max()))
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=rtol * scale)


@pytest.mark.parametrize(("name", "start", "lr"), CASES, ids=[c[0] for c in CASES])
def test_momentum_torch_form_equals_sources_form(
    name: str, start: tuple[float, ...], lr: float
) -> None:
    """run('momentum') (torch's form) against v <- mu*v - lr*g, w <- w + v in numpy."""
    fn = zoo.get(name)
    engine = run("momentum", name, start, STEPS, {"lr": lr, "momentum": MU}).points

    w = np.array(start, dtype=np.float64)
    v = np.zeros_like(w)
    sources = [w.copy()]
    for _ in range(STEPS):
        v = MU * v - lr * fn.grad(w)
        w = w + v
        sources.append(w.copy())

    assert engine.shape == (STEPS + 1, fn.dim)
    assert np.abs(engine[-1] - engine[0]).max() > 0.1, "the run should actually move"
    _close(engine, np.array(sources), rtol=1e-12)


@pytest.mark.parametrize(("name", "start", "lr"), CASES, ids=[c[0] for c in CASES])
def test_nesterov_torch_form_is_the_look_ahead_form(
    name: str, start: tuple[float, ...], lr: float
) -> None:
    """torch's Nesterov iterate w_t is the sources' look-ahead u_t + mu*v_t, and v_t = -lr*b_t."""
    fn = zoo.get(name)
    opt = Optimizer("nesterov", lr=lr, momentum=MU)
    w = np.array(start, dtype=np.float64)
    torch_w, torch_b = [w.copy()], [np.zeros_like(w)]
    for _ in range(STEPS):
        opt.step(w, fn.grad(w))
        torch_w.append(w.copy())
        torch_b.append(opt.state["momentum_buffer"].copy())

    u = np.array(start, dtype=np.float64)
    v = np.zeros_like(u)
    look_ahead, velocity = [u + MU * v], [v.copy()]
    for _ in range(STEPS):
        v = MU * v - lr * fn.grad(u + MU * v)
        u = u + v
        look_ahead.append(u + MU * v)
        velocity.append(v.copy())

    _close(np.array(torch_w), np.array(look_ahead), rtol=1e-10)
    _close(-lr * np.array(torch_b), np.array(velocity), rtol=1e-10)
    # The jitted trajectory runner takes the same path as stepping the Optimizer by hand.
    _close(run("nesterov", name, start, STEPS, {"lr": lr, "momentum": MU}).points,
           np.array(torch_w), rtol=1e-12)


@pytest.mark.parametrize(
    ("name", "start", "minimum"),
    [("quadratic", (4.5,), (2.0,)), ("bowl", (-0.5, 4.5), (2.0, 2.0))],
    ids=["quadratic", "bowl"],
)
def test_newton_solves_a_quadratic_in_one_step(
    name: str, start: tuple[float, ...], minimum: tuple[float, ...]
) -> None:
    traj = run("newton", name, start, 1, {"lr": 1.0})
    np.testing.assert_allclose(traj.points[1], minimum, rtol=0, atol=1e-12)
    # The gradient vanishes there, so further steps stay put.
    np.testing.assert_allclose(run("newton", name, start, 3).points[1:], [minimum] * 3,
                               rtol=0, atol=1e-12)


@pytest.mark.parametrize(
    ("name", "start"),
    [("quadratic", (4.5,)), ("bowl", (-0.5, 4.5)), ("rosenbrock", (-1.2, 1.0))],
    ids=["quadratic", "bowl", "rosenbrock"],
)
def test_newton_damping_solves_the_shifted_system(name: str, start: tuple[float, ...]) -> None:
    """One damped step is p - lr*(H + lambda*I)^-1 g, and a larger lambda gives a shorter step.

    Rosenbrock's Hessian at the start is not diagonal ([[1330, 480], [480, 200]]), so the solve
    is checked beyond the diagonal case.
    """
    fn = zoo.get(name)
    p0 = np.array(start)
    g, h = fn.grad(p0), fn.hess(p0)
    lengths = []
    for damping in (0.0, 0.5, 2.0, 10.0, 100.0):
        for lr in (1.0, 0.5):
            step = run("newton", name, start, 1, {"lr": lr, "damping": damping}).points[1] - p0
            expected = -lr * np.linalg.solve(h + damping * np.eye(fn.dim), g)
            np.testing.assert_allclose(step, expected, rtol=1e-12, atol=1e-14)
        lengths.append(float(np.linalg.norm(expected)))
    if np.all(np.linalg.eigvalsh(h) > 0):
        # For a positive definite H each eigen-component g_i/(h_i + lambda) shrinks with lambda.
        assert all(a > b for a, b in pairwise(lengths)), lengths


# -- mini-batches -------------------------------------------------------------------------------

LINREG_START = (0.0, 0.0)
LINREG_LR = 0.02


def _linreg_data() -> tuple[np.ndarray, np.ndarray]:
    fn = zoo.get("linreg")
    return np.array(fn.data["xi"]), np.array(fn.data["yi"])


def _permuted_batches(n: int, batch_size: int, seed: int) -> Iterator[np.ndarray]:
    """The order the engine promises: a fresh permutation per epoch, cut into consecutive
    batches (the last batch of an epoch is short when batch_size does not divide n)."""
    rng = np.random.default_rng(seed)
    while True:
        order = rng.permutation(n)
        for i in range(0, n, batch_size):
            yield order[i : i + batch_size]


def _numpy_sgd(batch_size: int, seed: int, steps: int) -> np.ndarray:
    """Mini-batch gradient descent on linreg written out in numpy.

    The per-sample loss is (m*x + b - y)^2, so its gradient is 2*(m*x + b - y)*(x, 1); a batch
    gradient is the mean over the batch. Nothing here calls the zoo's compiled kernels.
    """
    x, y = _linreg_data()
    w = np.array(LINREG_START, dtype=np.float64)
    points = [w.copy()]
    batches = _permuted_batches(x.size, batch_size, seed)
    for _ in range(steps):
        idx = next(batches)
        residual = w[0] * x[idx] + w[1] - y[idx]
        grad = np.array([np.mean(2 * residual * x[idx]), np.mean(2 * residual)])
        w = w - LINREG_LR * grad
        points.append(w.copy())
    return np.array(points)


def test_minibatch_with_every_sample_is_full_batch_descent() -> None:
    n = zoo.get("linreg").n_samples
    mini = run_minibatch("gd", "linreg", LINREG_START, 50, batch_size=n, seed=3,
                         hyper={"lr": LINREG_LR})
    full = run("gd", "linreg", LINREG_START, 50, {"lr": LINREG_LR})
    assert not mini.diverged
    # The batch sums run in permuted order, so agreement is to rounding, not bit for bit.
    _close(mini.points, full.points, rtol=1e-12)
    _close(mini.losses, full.losses, rtol=1e-12)


@pytest.mark.parametrize("batch_size", [1, 3], ids=["sgd", "batch3"])
def test_seeded_minibatch_follows_the_epoch_permutations(batch_size: int) -> None:
    steps = 30  # several epochs of 7 samples, ending mid-epoch
    for seed in (0, 11):
        mini = run_minibatch("gd", "linreg", LINREG_START, steps, batch_size=batch_size,
                             seed=seed, hyper={"lr": LINREG_LR})
        _close(mini.points, _numpy_sgd(batch_size, seed, steps), rtol=1e-12)


def test_minibatch_seed_decides_the_run() -> None:
    def sgd(seed: int) -> np.ndarray:
        return run_minibatch("gd", "linreg", LINREG_START, 30, batch_size=1, seed=seed,
                             hyper={"lr": LINREG_LR}).points

    np.testing.assert_array_equal(sgd(5), sgd(5))
    assert not np.array_equal(sgd(5), sgd(6))
