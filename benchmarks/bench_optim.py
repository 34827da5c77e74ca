"""Benchmark the engine's update-rule kernels against NumPy, torch.optim and a bandwidth ceiling.

A benchmark, not a test: it prints numbers and checks nothing but that the implementations it
times compute the same update. See benchmarks/README.md for how to run it and docs/performance.md
for the targets and this project's reference numbers.

    python benchmarks/bench_optim.py            # everything (about two minutes on 2 cores)
    python benchmarks/bench_optim.py --quick    # Adam, N = 10^7, float32 only
    python benchmarks/bench_optim.py --json     # machine-readable rows on stdout

Implementations, per rule, N and dtype (one step each, flat 1-D arrays, updated in place):

- `numba`: the engine kernel (`tutor.engine.rules.adam` / `.momentum`), called directly with the
  argument types the dispatcher passes (Python floats, bools, an int step).
- `numpy`: the same rule written with in-place NumPy ufuncs (`out=`) and preallocated scratch.
- `torch-foreach`, `torch-fused`: torch.optim.Adam and torch.optim.SGD(momentum=0.9) with
  `foreach=True` / `fused=True`, when torch imports and the flag is supported on CPU.
- `ceiling`: a serial numba loop with the same jit options as the engine and the same memory
  traffic as the rule (Adam reads p, g, m, v and writes p, m, v: 7 arrays; momentum reads p, g,
  buf and writes p, buf: 5 arrays) but trivial arithmetic: what this machine's memory allows.

Runs are interleaved (one timed call of each implementation per round, in a rotating order) so
that a noisy neighbour slows every implementation alike; the table reports per-call medians.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parent.parent

IMPLS = ("numba", "numpy", "torch-foreach", "torch-fused", "ceiling")
RULE_ARRAYS = {"adam": 7, "momentum": 5}  # arrays read + arrays written per step

ADAM = {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.0}
ADAM_STEP = 10  # the step number the kernels see (bias corrections); speed does not depend on it
MOMENTUM = {"lr": 1e-3, "mu": 0.9, "dampening": 0.0, "weight_decay": 0.0}

Step = Callable[[], Any]


def _out(*args: Any) -> None:
    """Human-readable output: stdout normally, stderr under --json (stdout is then pure JSON)."""
    print(*args, file=_OUT[0], flush=True)


_OUT = [sys.stdout]


def _import_tutor() -> None:
    """Make `tutor` importable from a checkout even when it is not installed."""
    try:
        import tutor  # noqa: F401
    except ImportError:
        sys.path.insert(0, str(REPO))


def _torch() -> Any | None:
    try:
        import torch
    except ImportError:
        return None
    return torch


# --------------------------------------------------------------------------------------------
# The ceiling kernels: the rule's memory traffic, trivial arithmetic, the engine's jit options.
# --------------------------------------------------------------------------------------------

_CEILINGS: dict[str, Any] = {}


def _ceiling(rule: str) -> Any:
    if not _CEILINGS:
        import numba

        jit = numba.njit(error_model="numpy")  # as tutor.engine.jit.kernel, without the cache

        @jit
        def adam_ceiling(p, g, m, v):
            for i in range(p.size):
                d = g[i]
                m[i] = m[i] + d
                v[i] = v[i] + d * d  # keeps v >= 0 for the real rules sharing the arrays
                p[i] = p[i] + d

        @jit
        def momentum_ceiling(p, g, buf):
            for i in range(p.size):
                d = g[i]
                buf[i] = buf[i] + d
                p[i] = p[i] + d

        _CEILINGS.update(adam=adam_ceiling, momentum=momentum_ceiling)
    return _CEILINGS[rule]


# --------------------------------------------------------------------------------------------
# One step of each implementation. Each factory gets fresh state and returns a zero-argument
# callable doing one in-place step, or None when the implementation is unavailable.
# --------------------------------------------------------------------------------------------


@dataclass
class Problem:
    rule: str
    n: int
    dtype: type[np.floating]
    seed: int = 0

    def arrays(self) -> dict[str, np.ndarray]:
        """Parameters, gradient and the rule's state, in ranges that keep every step finite."""
        rng = np.random.default_rng(self.seed)
        arrays = {
            "p": rng.standard_normal(self.n, dtype=np.float32).astype(self.dtype),
            "g": rng.standard_normal(self.n, dtype=np.float32).astype(self.dtype),
        }
        if self.rule == "adam":
            arrays["m"] = (0.1 * arrays["g"]).astype(self.dtype)
            arrays["v"] = (0.01 * arrays["g"] * arrays["g"] + 1e-4).astype(self.dtype)
        else:
            arrays["buf"] = (0.5 * arrays["g"]).astype(self.dtype)
        return arrays

    @property
    def bytes_per_step(self) -> int:
        return RULE_ARRAYS[self.rule] * self.n * np.dtype(self.dtype).itemsize


def numba_step(pb: Problem, a: dict[str, np.ndarray]) -> Step:
    from tutor.engine import rules

    p, g = a["p"], a["g"]
    if pb.rule == "adam":
        m, v = a["m"], a["v"]
        vmax = np.zeros(1, pb.dtype)  # read only with amsgrad
        lr, b1, b2, eps, wd = (float(ADAM[k]) for k in
                               ("lr", "beta1", "beta2", "eps", "weight_decay"))
        return lambda: rules.adam(p, g, m, v, vmax, lr, b1, b2, eps, wd, False, False, ADAM_STEP)
    buf = a["buf"]
    lr, mu, damp, wd = (float(MOMENTUM[k]) for k in ("lr", "mu", "dampening", "weight_decay"))
    return lambda: rules.momentum(p, g, buf, lr, mu, damp, wd, False, False)


def numpy_step(pb: Problem, a: dict[str, np.ndarray]) -> Step:
    """The kernel's arithmetic, operation by operation, as in-place ufuncs on two scratch arrays."""
    s = pb.dtype  # scalars in the array dtype, derived in float64 as the kernel does
    p, g = a["p"], a["g"]
    t1, t2 = np.empty_like(p), np.empty_like(p)
    if pb.rule == "adam":
        m, v = a["m"], a["v"]
        lr, beta1, beta2, eps = ADAM["lr"], ADAM["beta1"], ADAM["beta2"], ADAM["eps"]
        w1, b2, w2, eps_ = s(1.0 - beta1), s(beta2), s(1.0 - beta2), s(eps)
        step_size = s(lr / (1.0 - beta1**ADAM_STEP))
        inv_bc2_sqrt = s(1.0 / math.sqrt(1.0 - beta2**ADAM_STEP))  # the kernel multiplies
        assert w1 < 0.5  # torch.lerp's branch for small weights: m + w * (g - m)

        def adam() -> None:
            np.subtract(g, m, out=t1)
            np.multiply(t1, w1, out=t1)
            np.add(m, t1, out=m)
            np.multiply(v, b2, out=v)
            np.multiply(g, w2, out=t1)
            np.multiply(t1, g, out=t1)
            np.add(v, t1, out=v)
            np.sqrt(v, out=t1)
            np.multiply(t1, inv_bc2_sqrt, out=t1)
            np.add(t1, eps_, out=t1)
            np.multiply(m, step_size, out=t2)
            np.divide(t2, t1, out=t2)
            np.subtract(p, t2, out=p)

        return adam
    buf = a["buf"]
    lr_, mu_, keep = s(MOMENTUM["lr"]), s(MOMENTUM["mu"]), s(1.0 - MOMENTUM["dampening"])

    def momentum() -> None:
        np.multiply(buf, mu_, out=buf)
        np.multiply(g, keep, out=t1)
        np.add(buf, t1, out=buf)
        np.multiply(buf, lr_, out=t1)
        np.subtract(p, t1, out=p)

    return momentum


def _torch_step(flag: str) -> Callable[[Problem, dict[str, np.ndarray]], Step | None]:
    def factory(pb: Problem, a: dict[str, np.ndarray]) -> Step | None:
        torch = _torch()
        if torch is None:
            return None
        param = torch.nn.Parameter(torch.from_numpy(a["p"]))
        param.grad = torch.from_numpy(a["g"])
        try:
            if pb.rule == "adam":
                opt = torch.optim.Adam(
                    [param], lr=ADAM["lr"], betas=(ADAM["beta1"], ADAM["beta2"]),
                    eps=ADAM["eps"], weight_decay=ADAM["weight_decay"], **{flag: True},
                )
            else:
                opt = torch.optim.SGD(
                    [param], lr=MOMENTUM["lr"], momentum=MOMENTUM["mu"],
                    dampening=MOMENTUM["dampening"], weight_decay=MOMENTUM["weight_decay"],
                    **{flag: True},
                )
            opt.step()  # creates the state; the "not supported" errors surface here too
        except (RuntimeError, ValueError, TypeError) as exc:
            _SKIPPED.setdefault(f"torch-{flag}", str(exc).splitlines()[0])
            return None
        state = opt.state[param]  # point torch's buffers at the shared arrays (no copies)
        if pb.rule == "adam":
            state["exp_avg"] = torch.from_numpy(a["m"])
            state["exp_avg_sq"] = torch.from_numpy(a["v"])
        else:
            state["momentum_buffer"] = torch.from_numpy(a["buf"])
        return opt.step

    return factory


_SKIPPED: dict[str, str] = {}


def ceiling_step(pb: Problem, a: dict[str, np.ndarray]) -> Step:
    kernel = _ceiling(pb.rule)
    if pb.rule == "adam":
        p, g, m, v = a["p"], a["g"], a["m"], a["v"]
        return lambda: kernel(p, g, m, v)
    p, g, buf = a["p"], a["g"], a["buf"]
    return lambda: kernel(p, g, buf)


FACTORIES = {
    "numba": numba_step,
    "numpy": numpy_step,
    "torch-foreach": _torch_step("foreach"),
    "torch-fused": _torch_step("fused"),
    "ceiling": ceiling_step,
}


def check_agreement() -> dict[str, float]:
    """One step of numba, numpy and torch (when present) from identical states must move the
    parameters alike: to within 1e-4 of the step plus 8 ulps of the parameter. Rounding stays far
    inside that (numpy repeats the kernel's operations and is bit-identical; torch's foreach and
    fused kernels order a few operations differently); a misconfigured implementation does not.
    Returns, per implementation, the worst difference from numba as a fraction of that bound."""
    worst: dict[str, float] = {}
    for rule in RULE_ARRAYS:
        for dtype in (np.float32, np.float64):
            pb = Problem(rule, 4099, dtype, seed=1)
            ref = pb.arrays()
            after = {}
            for impl in ("numba", "numpy"):
                a = pb.arrays()
                FACTORIES[impl](pb, a)()
                after[impl] = a["p"]
            torch = _torch()
            if torch is not None:
                for flag in ("foreach", "fused"):
                    got = _torch_one_step(torch, pb, flag)
                    if got is not None:
                        after[f"torch-{flag}"] = got
            step = np.abs(after["numba"] - ref["p"]).astype(np.float64)
            if not np.all(step > 0):
                raise AssertionError(f"numba's {rule} step left some parameters unchanged")
            bound = 1e-4 * step + 8 * np.spacing(np.abs(after["numba"])).astype(np.float64)
            for impl, p in after.items():
                frac = float((np.abs(p - after["numba"]) / bound).max())
                worst[impl] = max(worst.get(impl, 0.0), frac)
                if not frac <= 1:
                    raise AssertionError(
                        f"{impl} disagrees with numba on {rule} {np.dtype(dtype).name}: "
                        f"{frac:.3g} times the rounding bound"
                    )
    return worst


def _torch_one_step(torch: Any, pb: Problem, flag: str) -> np.ndarray | None:
    """Parameters after one torch step from `pb`'s state (Adam at step ADAM_STEP, like the rest)."""
    a = pb.arrays()
    param = torch.nn.Parameter(torch.from_numpy(a["p"].copy()))
    param.grad = torch.from_numpy(a["g"])
    try:
        if pb.rule == "adam":
            opt = torch.optim.Adam([param], lr=ADAM["lr"], betas=(ADAM["beta1"], ADAM["beta2"]),
                                   eps=ADAM["eps"], **{flag: True})
            opt.step()
            st = opt.state[param]
            st["step"].fill_(ADAM_STEP - 1)
            st["exp_avg"].copy_(torch.from_numpy(a["m"]))
            st["exp_avg_sq"].copy_(torch.from_numpy(a["v"]))
        else:
            opt = torch.optim.SGD([param], lr=MOMENTUM["lr"], momentum=MOMENTUM["mu"],
                                  **{flag: True})
            opt.step()
            opt.state[param]["momentum_buffer"].copy_(torch.from_numpy(a["buf"]))
    except (RuntimeError, ValueError, TypeError):
        return None
    with torch.no_grad():
        param.copy_(torch.from_numpy(a["p"]))
    opt.step()
    return param.detach().numpy().copy()


# --------------------------------------------------------------------------------------------
# Timing
# --------------------------------------------------------------------------------------------


@dataclass
class Row:
    rule: str
    n: int
    dtype: str
    impl: str
    ms: float
    gbps: float
    mb: float
    cpu_ms: float | None = None  # median thread CPU time, for the single-threaded impls

    def as_json(self) -> dict[str, Any]:
        return {"rule": self.rule, "n": self.n, "dtype": self.dtype, "impl": self.impl,
                "ms": round(self.ms, 4), "gbps": round(self.gbps, 3)}


def time_group(pb: Problem, impls: tuple[str, ...], repeat: int, warmup: int) -> list[Row]:
    """Interleaved timing: each round times one call of every implementation, order rotating.

    All implementations update the same arrays in turn (torch through zero-copy views), so they
    stream through the same physical pages: separately allocated arrays differed by up to 20% in
    speed from one allocation to the next (huge pages or not, probably). The state stays that of
    an Adam or momentum run (the ceiling's additions keep it finite and v >= 0)."""
    shared = pb.arrays()
    steps: dict[str, Step] = {}
    for impl in impls:
        step = FACTORIES[impl](pb, shared)
        if step is not None:
            steps[impl] = step
    for step in steps.values():
        for _ in range(warmup):
            step()
    times: dict[str, list[float]] = {impl: [] for impl in steps}
    cpu: dict[str, list[float]] = {impl: [] for impl in steps}
    order = list(steps)
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        for r in range(repeat):
            for impl in order[r % len(order):] + order[: r % len(order)]:
                step = steps[impl]
                c0 = time.thread_time()
                t0 = time.perf_counter()
                step()
                times[impl].append(time.perf_counter() - t0)
                cpu[impl].append(time.thread_time() - c0)
    finally:
        if gc_was_enabled:
            gc.enable()
    rows = []
    for impl, ts in times.items():
        sec = float(np.median(ts))
        cpu_ms = None if impl.startswith("torch") else float(np.median(cpu[impl])) * 1e3
        rows.append(Row(pb.rule, pb.n, np.dtype(pb.dtype).name, impl, sec * 1e3,
                        pb.bytes_per_step / sec / 1e9, pb.bytes_per_step / 1e6, cpu_ms))
    steps.clear()
    gc.collect()
    return rows


def kernel_table(rows: list[Row], markdown: bool) -> str:
    by_group: dict[tuple[str, int, str], dict[str, Row]] = {}
    for row in rows:
        by_group.setdefault((row.rule, row.n, row.dtype), {})[row.impl] = row
    header = ["rule", "N", "dtype", "MB/step", "impl", "ms", "GB/s", "vs ceiling", "vs fused",
              "cpu vs ceiling"]
    body = []
    for (rule, n, dtype), group in by_group.items():
        ceiling, fused = group.get("ceiling"), group.get("torch-fused")
        for impl in IMPLS:
            row = group.get(impl)
            if row is None:
                continue
            body.append([
                rule, f"1e{round(math.log10(n))}" if n == 10 ** round(math.log10(n)) else str(n),
                dtype, f"{row.mb:.0f}", impl, f"{row.ms:.2f}", f"{row.gbps:.1f}",
                f"{ceiling.ms / row.ms:.2f}" if ceiling else "-",
                f"{fused.ms / row.ms:.2f}" if fused else "-",
                f"{ceiling.cpu_ms / row.cpu_ms:.2f}" if ceiling and ceiling.cpu_ms and row.cpu_ms
                else "-",
            ])
    if markdown:
        lines = ["| " + " | ".join(header) + " |",
                 "|" + "|".join("---" if h in ("rule", "dtype", "impl") else "---:"
                                for h in header) + "|"]
        lines += ["| " + " | ".join(r) + " |" for r in body]
        return "\n".join(lines)
    widths = [max(len(h), *(len(r[i]) for r in body)) if body else len(h)
              for i, h in enumerate(header)]
    fmt = "  ".join(f"{{:<{w}}}" if i in (0, 2, 4) else f"{{:>{w}}}"
                    for i, w in enumerate(widths))
    lines = [fmt.format(*header), fmt.format(*("-" * w for w in widths))]
    prev = None
    for r in body:
        if prev is not None and r[:3] != prev:
            lines.append("")
        prev = r[:3]
        lines.append(fmt.format(*r))
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# Compile time and the on-disk cache, measured in fresh processes
# --------------------------------------------------------------------------------------------

# Runs in a fresh interpreter. It times the imports, then the first call of each kernel (a compile
# in an empty cache, a cache load in a populated one), and counts real compilations with numba's
# "numba:compile" event, which fires only when a function is compiled, never on a cache load.
CHILD = r"""
import json, sys, time
t0 = time.perf_counter()
import numpy as np
import numba
from numba.core import event
from tutor.engine import rules, run as run_mod
t_import = time.perf_counter() - t0
timings = {}
with event.install_recorder("numba:compile") as rec:
    for dt in (np.float64, np.float32):
        p, g, m, v, vmax = (np.ones(8, dt) for _ in range(5))
        t = time.perf_counter()
        rules.adam(p, g, m, v, vmax, 1e-3, 0.9, 0.999, 1e-8, 0.0, False, False, 1)
        timings["adam " + np.dtype(dt).name] = time.perf_counter() - t
        t = time.perf_counter()
        rules.momentum(p, g, m, 1e-3, 0.9, 0.0, 0.0, False, False)
        timings["momentum " + np.dtype(dt).name] = time.perf_counter() - t
    t = time.perf_counter()
    run_mod.run("adam", "rosenbrock", [-1.5, 2.0], 10, {"lr": 0.01})
    timings["run (trajectory loop)"] = time.perf_counter() - t
compiled = sorted({e.data["dispatcher"].py_func.__qualname__
                   for _, e in rec.buffer if e.is_start})
stats = {}
for name, d in (("rules.adam", rules.adam), ("rules.momentum", rules.momentum),
                ("run._trajectory", run_mod._trajectory)):
    stats[name] = {"hits": sum(d.stats.cache_hits.values()),
                   "misses": sum(d.stats.cache_misses.values())}
print(json.dumps({"import_s": t_import, "first_call_s": timings, "total_s":
                  time.perf_counter() - t0, "compiled": compiled, "stats": stats,
                  "cache_dir": numba.config.CACHE_DIR}))
"""


def _child(cache_root: str) -> dict[str, Any]:
    env = dict(os.environ, TUTOR_CACHE_DIR=cache_root)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
    env.pop("NUMBA_DISABLE_JIT", None)
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", CHILD], env=env, capture_output=True,
                          text=True, check=False)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"child process failed:\n{proc.stderr}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["process_s"] = wall
    return result


def compile_and_cache(attempts: int = 3) -> dict[str, Any]:
    """A cold process, then a warm one on the same cache. The cache folder is named after a hash
    of the engine sources, so an edit in between sends the warm process to a new, empty folder:
    that is detected (the two folders differ) and the pair is measured again."""
    for _ in range(attempts):
        with tempfile.TemporaryDirectory(prefix="tutor-bench-cache-") as root:
            cold = _child(root)
            files = [f for f in Path(cold["cache_dir"]).rglob("*")
                     if f.suffix in (".nbi", ".nbc")]
            warm = _child(root)
        cold["cache_files"] = len(files)
        if warm["cache_dir"] == cold["cache_dir"]:
            break
        _out("(the engine sources changed between the two processes; measuring again)")
    return {"cold": cold, "warm": warm}


def report_compile(res: dict[str, Any]) -> list[str]:
    cold, warm = res["cold"], res["warm"]
    lines = ["first call           empty cache (compile)   populated cache (load)"]
    for name in cold["first_call_s"]:
        lines.append(f"  {name:<22} {cold['first_call_s'][name] * 1e3:>10.0f} ms"
                     f"   {warm['first_call_s'][name] * 1e3:>15.1f} ms")
    lines.append(f"  {'imports':<22} {cold['import_s'] * 1e3:>10.0f} ms"
                 f"   {warm['import_s'] * 1e3:>15.1f} ms")
    lines.append(f"  {'whole process':<22} {cold['process_s'] * 1e3:>10.0f} ms"
                 f"   {warm['process_s'] * 1e3:>15.1f} ms")
    warm_first = warm["import_s"] + sum(warm["first_call_s"].values())
    lines.append(f"second process: import + first calls = {warm_first * 1e3:.0f} ms; "
                 f"functions compiled: {len(warm['compiled'])}"
                 + (f" ({', '.join(warm['compiled'])})" if warm["compiled"] else ""))
    lines.append("  dispatcher cache stats (hits/misses), cold -> warm: " + "; ".join(
        f"{k} {cold['stats'][k]['hits']}/{cold['stats'][k]['misses']} -> "
        f"{warm['stats'][k]['hits']}/{warm['stats'][k]['misses']}" for k in warm["stats"]))
    lines.append(f"  first process compiled {len(cold['compiled'])} functions and wrote "
                 f"{cold['cache_files']} cache files")
    verdict = "LOADED FROM CACHE, no compilation" if not warm["compiled"] and all(
        s["misses"] == 0 and s["hits"] > 0 for s in warm["stats"].values()) else "RECOMPILED"
    lines.append(f"  verdict: {verdict}")
    return lines


# --------------------------------------------------------------------------------------------
# The 2-D trajectory: the jitted loop against the same loop in pure Python
# --------------------------------------------------------------------------------------------

TRAJ_START = (-1.5, 2.0)
TRAJ_HYPER = {"lr": 0.01, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}


def python_adam_rosenbrock(start: tuple[float, float], steps: int, lr: float, beta1: float,
                           beta2: float, eps: float) -> tuple[list[list[float]], list[float]]:
    """tutor.engine.run.run("adam", "rosenbrock", ...) in pure Python, with the kernel's
    arithmetic (torch's order of operations) and a hand-typed gradient."""

    def loss(x: float, y: float) -> float:
        return (1.0 - x) ** 2 + 100.0 * (y - x * x) ** 2

    p = list(start)
    m = [0.0, 0.0]
    v = [0.0, 0.0]
    g = [0.0, 0.0]
    w1, w2 = 1.0 - beta1, 1.0 - beta2
    points = [list(p)]
    losses = [loss(p[0], p[1])]
    for t in range(1, steps + 1):
        x, y = p
        r = y - x * x
        g[0] = -2.0 * (1.0 - x) - 400.0 * x * r
        g[1] = 200.0 * r
        step_size = lr / (1.0 - beta1**t)
        bc2_sqrt = math.sqrt(1.0 - beta2**t)
        for i in range(2):
            d = g[i]
            mi = m[i] + w1 * (d - m[i]) if w1 < 0.5 else d - (d - m[i]) * (1.0 - w1)
            m[i] = mi
            vi = v[i] * beta2 + w2 * d * d
            v[i] = vi
            p[i] = p[i] - step_size * mi / (math.sqrt(vi) / bc2_sqrt + eps)
        if not (math.isfinite(p[0]) and math.isfinite(p[1])):
            break
        points.append(list(p))
        f = loss(p[0], p[1])
        if not math.isfinite(f):
            break
        losses.append(f)
    return points, losses


def trajectory(steps: int, repeat: int) -> dict[str, Any]:
    from tutor.engine.run import run

    traj = run("adam", "rosenbrock", TRAJ_START, steps, TRAJ_HYPER)  # compile or load
    if traj.diverged or len(traj.points) != steps + 1:
        raise AssertionError("the benchmark trajectory diverged; pick a smaller lr")
    py_points, _ = python_adam_rosenbrock(TRAJ_START, steps, **TRAJ_HYPER)
    diff = np.abs(np.array(py_points) - traj.points).max(axis=1)
    jit_t, py_t = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        run("adam", "rosenbrock", TRAJ_START, steps, TRAJ_HYPER)
        jit_t.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        python_adam_rosenbrock(TRAJ_START, steps, **TRAJ_HYPER)
        py_t.append(time.perf_counter() - t0)
    jit_ms, py_ms = float(np.median(jit_t)) * 1e3, float(np.median(py_t)) * 1e3
    return {"steps": steps, "jit_ms": jit_ms, "python_ms": py_ms, "speedup": py_ms / jit_ms,
            "diff_first_half": float(diff[: steps // 2 + 1].max()), "diff_end": float(diff[-1])}


# --------------------------------------------------------------------------------------------


def machine() -> list[str]:
    import numba

    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    torch = _torch()
    torch_txt = (f"torch {torch.__version__} ({torch.get_num_threads()} intra-op threads)"
                 if torch else "torch not installed")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    return [f"machine: {cpu}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}, "
            f"load average {load} at start",
            f"python {platform.python_version()}, numpy {np.__version__}, numba "
            f"{numba.__version__}, {torch_txt}"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true",
                    help="only Adam, N = 10^7, float32; no compile or trajectory sections")
    ap.add_argument("--json", action="store_true",
                    help="print the kernel rows as a JSON list on stdout (the rest on stderr)")
    ap.add_argument("--markdown", action="store_true", help="print the table as markdown")
    ap.add_argument("--repeat", type=int, default=9, help="timed runs per implementation (>= 5)")
    ap.add_argument("--warmup", type=int, default=2, help="untimed runs before timing")
    ap.add_argument("--sizes", type=int, nargs="+", default=None,
                    help="array sizes (default 10^6 10^7)")
    ap.add_argument("--torch-threads", type=int, default=None,
                    help="torch.set_num_threads before timing (default: torch's own choice)")
    ap.add_argument("--traj-steps", type=int, default=10_000)
    args = ap.parse_args(argv)
    if args.repeat < 5:
        ap.error("--repeat must be at least 5")
    if args.json:
        _OUT[0] = sys.stderr
    _import_tutor()
    torch = _torch()
    if torch is not None and args.torch_threads:
        torch.set_num_threads(args.torch_threads)

    for line in machine():
        _out(line)
    rules = ("adam",) if args.quick else ("adam", "momentum")
    sizes = [10**7] if args.quick else (args.sizes or [10**6, 10**7])
    dtypes = (np.float32,) if args.quick else (np.float32, np.float64)

    worst = check_agreement()
    worst = check_agreement()
    _out("agreement after one step on 4099 elements (worst difference from numba, as a fraction "
         "of the rounding bound): " + ", ".join(f"{k} {v:.2f}" for k, v in worst.items()
                                               if k != "numba"))

    rows: list[Row] = []
    for rule in rules:
        for n in sizes:
            for dtype in dtypes:
                rows += time_group(Problem(rule, n, dtype), IMPLS, args.repeat, args.warmup)
    if torch is None:
        _SKIPPED.update(dict.fromkeys(("torch-foreach", "torch-fused"), "torch is not installed"))
    for impl, why in _SKIPPED.items():
        _out(f"skipped {impl}: {why}")
    _out(f"\none step, median of {args.repeat} interleaved runs after {args.warmup} warm-up; "
         "MB/step = arrays moved x N x itemsize (Adam 7, momentum 5);")
    _out("vs ceiling = ceiling ms / ms (>= 0.90 is the target); "
         "vs fused = torch-fused ms / ms (>= 1 is as fast as torch fused);")
    _out("cpu vs ceiling = the same ratio on the thread's CPU time, which time spent descheduled "
         "by a busy neighbour does not inflate (single-threaded impls only)\n")
    _out(kernel_table(rows, args.markdown))

    if not args.quick:
        _out("\ncompile time and the on-disk cache "
             "(fresh processes, TUTOR_CACHE_DIR in a temp dir)")
        for line in report_compile(compile_and_cache()):
            _out(line)
        tr = trajectory(args.traj_steps, args.repeat)
        steps_half = args.traj_steps // 2
        _out(f"\n{tr['steps']}-step Adam trajectory on rosenbrock from {TRAJ_START}, "
             f"lr {TRAJ_HYPER['lr']} (median of {args.repeat}):")
        per_step = 1e3 / tr["steps"]
        _out(f"  tutor.engine.run.run  {tr['jit_ms']:8.2f} ms  "
             f"({tr['jit_ms'] * per_step:.2f} us/step)")
        _out(f"  pure Python loop      {tr['python_ms']:8.2f} ms  "
             f"({tr['python_ms'] * per_step:.2f} us/step)")
        _out(f"  speed-up              {tr['speedup']:8.1f}x")
        _out(f"  the two agree to {tr['diff_first_half']:.1g} over the first {steps_half} steps "
             f"and to {tr['diff_end']:.1g} at the end (Adam amplifies rounding at the minimum)")

    if args.json:
        print(json.dumps([r.as_json() for r in rows], indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
