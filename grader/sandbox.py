"""Run untrusted student code in a confined child process and get back validated NumPy arrays.

The grader's process never imports student code: each exercise file is imported by a child
(`grader.child`) in its own session, with resource limits, no network, a temporary copy of the
submission as its working folder, and (on Linux) Landlock and seccomp. The child answers calls on
a dedicated pipe in the frame format of `grader.protocol`; nothing is parsed from its stdout.
docs/sandbox.md explains the design, the protections and what each platform gets.

API
---
::

    from grader.sandbox import RNG, STATE, Call, Limits, Sandbox

    with Sandbox("path/to/workspace", Limits(call_timeout=5)) as box:
        s = box.open("exercises/optimizers/adam.py", "step")   # starts the child, imports
        if s.failure:                                           # syntax, import, missing, ...
            print(s.failure.kind, s.failure.message, s.failure.detail, s.output.stderr)
        r = s.call("run-1", [params, grad, STATE], {"lr": 1e-3})
        r = s.call("run-1", [r.value, grad2, STATE], {"lr": 1e-3})      # same run: same state
        if r.ok:
            r.value          # numpy.ndarray, rebuilt by the parent from raw bytes
        else:
            r.failure        # Failure(kind, message, detail)
        r.mutated            # per argument: True if the call changed that input array
        r.output             # Output(stdout, stderr) printed during the call, truncated
        rs = s.call_many([Call("run-2", [p, g, STATE], {"lr": 0.1}) for p, g in cases])
        m = box.open("exercises/optimizers/minibatch_sgd.py", "epoch")
        r = m.call("run-7", [params, x, y, RNG], {"lr": 0.01}, rng_seed=7)

- `Sandbox(submission_dir, limits=Limits(), *, fork_server=True)`: a context manager.
  `open(relpath, function) -> Session` copies the submission to a fresh temporary folder and
  starts one child for that file: on Linux a fork of this process's fork server
  (`grader.forkserver`: NumPy imported once; about 10 ms), elsewhere or with
  `fork_server=False` a fresh Python (about 0.2 s: Python + NumPy). `close()` (or leaving
  the `with`) ends every session and deletes the copies. A bad `relpath` (absolute, `..`) or
  function name raises ValueError.
- `Session.call(run_id, args, kwargs=None, rng_seed=None) -> CallResult` calls the function
  once. `args` are the positional arguments: NumPy arrays (float32, float64, int64, bool; the
  child gets writable copies), Python scalars (bool, int, float), and the markers `STATE` (the
  run's `state` dict: empty at the run's first call, kept by the child between the calls of the
  same `run_id`) and `RNG` (the run's `np.random.Generator`, made by the child from `rng_seed` at
  the run's first call and kept for the run). `kwargs`: str -> bool | int | float.
- `Session.call_many([Call(run_id, args, kwargs, rng_seed), ...]) -> list[CallResult]`: the
  same calls in order, in one round trip (about 0.1 ms a call instead of 0.3 ms). Each call
  keeps its own time limit (the child answers each as it returns); `duration` and `output` are
  the whole batch's.
- A misuse of the API (an unsupported argument type, RNG without a seed) raises TypeError or
  ValueError. Nothing a submission does raises or hangs: every failure is a value.
- `Session.failure`: the Failure that ended the session (or made the import fail), else None.
  `Session.alive`, `Session.protections` (`Protections`: what the child applied to itself, as it
  reported before any student code ran), `Session.output` (what the import printed),
  `Session.pid` (the child's pid, process group and session id), `Session.close()`.
- `Failure(kind, message, detail)`: `message` is one line, `detail` a traceback or more
  context; `kind` is a `FailureKind` (a str):
  `syntax`, `import`, `missing` (no such file or function) at the import; `exception` (raised
  in the call; KeyboardInterrupt too), `bad_return` (not exactly a numpy.ndarray, a dtype not
  allowed, too many elements), `memory` (MemoryError under `Limits.memory_bytes`), `timeout`
  (wall clock, per call or per exercise), `cpu` (`Limits.cpu_seconds` used), `output` (a
  stream reached `Limits.file_bytes`: an output flood), `crash` (a signal: segfault, abort,
  SIGKILL), `exit` (`sys.exit` or `os._exit` with any code, 0 included: a child that ends early
  never passes), `protocol` (anything on the result pipe that is not the expected frame),
  `sandbox` (the sandbox itself failed: the folder is too large, the child could not start).
  `exception`, `bad_return`, `memory` and `sys.exit` in a call leave the session usable; every
  other kind ends it (the child's process group is killed), and later calls return the same
  kind at once, without running, with a message starting "not run".
- Texts (`message`, `detail`, output) come from the student: control characters other than
  newline and tab are escaped (`\\x1b`); report writers must still escape their own markup.
- `CallResult.value` is a fresh, writable ndarray of an allowed dtype with at most
  `Limits.max_elements` elements. Its shape and dtype are what the student returned, 0-d
  included: comparing them with the expected ones (and looking for NaN) is the caller's job.
  `mutated` is reported by the child: an honest mistake (modifying `grad`) shows there, but a
  hostile child could lie about it, so it is feedback, not a security property.

A Sandbox and its sessions are not thread-safe; use one per thread or worker process.
"""

from __future__ import annotations

import contextlib
import enum
import json
import math
import numbers
import os
import selectors
import shutil
import signal
import stat
import subprocess
import tempfile
import time
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from grader import forkserver, protocol

__all__ = [
    "RNG", "STATE", "Call", "CallResult", "Failure", "FailureKind", "Limits", "Output",
    "Protections", "Sandbox", "Session",
]


class FailureKind(enum.StrEnum):
    SYNTAX = "syntax"
    IMPORT = "import"
    MISSING = "missing"
    EXCEPTION = "exception"
    BAD_RETURN = "bad_return"
    MEMORY = "memory"
    TIMEOUT = "timeout"
    CPU = "cpu"
    OUTPUT = "output"
    CRASH = "crash"
    EXIT = "exit"
    PROTOCOL = "protocol"
    SANDBOX = "sandbox"


# Kinds the child may report itself; anything else it claims is a protocol violation.
_CHILD_KINDS = {"syntax", "import", "missing", "exception", "bad_return", "memory", "exit"}
_CALL_KINDS = {"exception", "bad_return", "memory", "exit"}  # ... of them, during a call


@dataclass(frozen=True)
class Failure:
    kind: FailureKind
    message: str  # one line
    detail: str = ""  # a traceback or more context, maybe several lines

    def __str__(self) -> str:
        return f"{self.kind}: {self.message}"


@dataclass(frozen=True)
class Output:
    stdout: str = ""
    stderr: str = ""


@dataclass(frozen=True)
class CallResult:
    value: np.ndarray | None
    failure: Failure | None
    mutated: tuple[bool | None, ...] = ()  # per positional argument; None for non-arrays
    duration: float = 0.0  # wall-clock seconds, measured by the parent
    output: Output = field(default_factory=Output)

    @property
    def ok(self) -> bool:
        return self.failure is None


@dataclass(frozen=True)
class Call:
    """One call for `Session.call_many` (the arguments of `Session.call`)."""

    run_id: str | int
    args: Sequence[Any]
    kwargs: Mapping[str, bool | int | float] | None = None
    rng_seed: int | None = None


@dataclass(frozen=True)
class Protections:
    """What the child applied to itself before the student's file was imported."""

    rlimits: bool  # CPU, address space, file size, core
    network: str | None  # how the network was cut ("network namespace", ...) or None
    landlock: int  # Landlock ABI applied (0: none)
    seccomp: bool
    uid: int  # the child's user id while student code runs
    notes: tuple[str, ...] = ()  # why something did not apply

    @property
    def signals_blocked(self) -> bool:
        """The child cannot signal the grader (seccomp, or Landlock's signal scope)."""
        return self.seccomp or self.landlock >= 6

    @property
    def network_blocked(self) -> bool:
        """No connection out: a new network namespace, or seccomp's ban on socket()."""
        return self.network is not None or self.seccomp


@dataclass(frozen=True)
class Limits:
    call_timeout: float = 10.0  # wall-clock seconds per call (and for the import)
    exercise_timeout: float = 60.0  # wall-clock seconds per session, import included
    cpu_seconds: int = 60  # RLIMIT_CPU of the child (SIGXCPU, then SIGKILL a second later)
    memory_bytes: int = 1 << 30  # RLIMIT_AS of the child
    file_bytes: int = 8 << 20  # RLIMIT_FSIZE: the hard cap on each output stream per call
    output_bytes: int = 64 << 10  # characters of stdout and of stderr kept per call
    max_elements: int = 1 << 22  # elements per frame, both ways
    max_copy_bytes: int = 64 << 20  # the submission folder's size limit
    subprocesses: bool = False  # may the student start processes? (seccomp and RLIMIT_NPROC)
    user: str | None = "nobody"  # run as this user when the grader is root (if it can)


class _Marker:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


STATE = _Marker("STATE")
RNG = _Marker("RNG")

_IGNORED_DIRS = {".git", "__pycache__", ".venv", "venv", "node_modules", ".mypy_cache",
                 ".pytest_cache", ".ruff_cache"}
_CHILD_ENV = {
    "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
    "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
    "NUMEXPR_NUM_THREADS": "1", "VECLIB_MAXIMUM_THREADS": "1",
}
_CRASH_SIGNALS = {
    getattr(signal, name): text for name, text in (
        ("SIGSEGV", "segmentation fault"), ("SIGBUS", "bus error"),
        ("SIGILL", "illegal instruction"), ("SIGFPE", "arithmetic error"),
        ("SIGABRT", "aborted"), ("SIGSYS", "a forbidden system call"))
    if hasattr(signal, name)
}
_Child = subprocess.Popen[bytes] | forkserver.ForkedChild  # what a session's child is
_STARTUP_SECONDS = 20.0  # Python + NumPy start, before any student code: generous under load


class Sandbox:
    """One submission folder; `open()` a session per exercise file. Never raises for the student."""

    def __init__(self, submission_dir: str | os.PathLike[str], limits: Limits | None = None,
                 *, fork_server: bool = True):
        self.submission = Path(submission_dir)
        self.limits = limits or Limits()
        self.fork_server = fork_server
        self._tmp: str | None = None
        self._sessions: list[Session] = []
        self._count = 0
        self._finalizer: weakref.finalize | None = None

    def __enter__(self) -> Sandbox:
        self._workspace()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _workspace(self) -> str:
        if self._tmp is None:
            self._tmp = tempfile.mkdtemp(prefix="tutor-grade-")
            self._finalizer = weakref.finalize(self, _remove_tree, self._tmp)
        return self._tmp

    def open(self, relpath: str, function: str) -> Session:
        """Start a child for `relpath` (inside the submission) and import it. Never raises for
        anything the submission does: a failure is in the returned session's `failure`."""
        rel = _check_relpath(relpath)
        if not function.isidentifier():
            raise ValueError(f"not a function name: {function!r}")
        self._count += 1
        session = Session(rel, function, self.limits, self.fork_server)
        self._sessions.append(session)
        session._start(self.submission, Path(self._workspace()) / f"s{self._count}")
        return session

    def close(self) -> None:
        for session in self._sessions:
            session.close()
        self._sessions.clear()
        if self._finalizer is not None:
            self._finalizer()
            self._finalizer = None
        self._tmp = None


class Session:
    """One child process, one imported exercise file, any number of calls."""

    def __init__(self, relpath: str, function: str, limits: Limits,
                 fork_server: bool = True) -> None:
        self.path = relpath
        self.function = function
        self.limits = limits
        self.fork_server = fork_server
        self.failure: Failure | None = None
        self.protections: Protections | None = None
        self.output = Output()
        self.pid: int | None = None  # the child's pid, also its process group and session id
        self._proc: _Child | None = None
        self._req: int | None = None
        self._res: int | None = None
        self._pidfd: int | None = None
        self._exit: tuple[int, float] | None = None  # (wait status, CPU seconds) once reaped
        self._selector: selectors.BaseSelector | None = None
        self._outs: tuple[int, int] | None = None
        self._reader = protocol.FrameReader(limits.max_elements)
        self._seq = 0
        self._deadline = math.inf
        self._finalizer: weakref.finalize | None = None
        self._notes: list[str] = []

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def alive(self) -> bool:
        return self._proc is not None and self.failure is None

    # --- starting -------------------------------------------------------------------------------
    def _start(self, submission: Path, home: Path) -> None:
        lim = self.limits
        work = home / "work"
        try:
            home.mkdir(parents=True)
            _copy_tree(submission, work, lim.max_copy_bytes)
        except _TooLarge as err:
            self.failure = Failure(FailureKind.SANDBOX, str(err))
            return
        except OSError as err:
            self.failure = Failure(FailureKind.SANDBOX, f"could not copy the submission: {err}")
            return
        if not (work / self.path).is_file():
            self.failure = Failure(FailureKind.MISSING, f"{self.path} is not in the submission")
            return
        drop, note = _drop_target(lim)
        if note:
            self._notes.append(note)
        try:
            outs = []
            for name in ("stdout", "stderr"):
                outs.append(os.open(home / name, os.O_RDWR | os.O_CREAT | os.O_APPEND
                                    | os.O_CLOEXEC, 0o600))
            self._outs = (outs[0], outs[1])
            if drop:
                _chown_tree(work, *drop)
                for d in (home.parent, home):
                    os.chmod(d, 0o711)
            config = {
                "path": self.path, "function": self.function,
                "cpu": max(1, math.ceil(lim.cpu_seconds)), "memory": int(lim.memory_bytes),
                "fsize": int(lim.file_bytes), "subprocesses": bool(lim.subprocesses),
                "drop_to": list(drop) if drop else None, "max_elements": int(lim.max_elements),
            }
            env = {**_CHILD_ENV, "HOME": str(work), "TMPDIR": str(work)}
            started = time.monotonic()
            for fork in (True, False) if self.fork_server else (False,):
                req_r, self._req = os.pipe()
                self._res, res_w = os.pipe()
                try:
                    if fork:
                        self._proc = self._fork(config, env, work,
                                                (outs[0], outs[1], req_r, res_w))
                    else:
                        self._proc = subprocess.Popen(
                            forkserver.python_command(
                                "grader.child", "main",
                                json.dumps({**config, "req_fd": req_r, "res_fd": res_w})),
                            cwd=work, env=env, stdin=subprocess.DEVNULL, stdout=outs[0],
                            stderr=outs[1], pass_fds=(req_r, res_w), start_new_session=True,
                            close_fds=True,
                        )
                finally:
                    os.close(req_r)
                    os.close(res_w)
                if self._proc is not None:
                    break
                # The fork server failed: a fork it makes late must not share the new pipes.
                os.close(self._req)
                os.close(self._res)
                self._req = self._res = None
        except OSError as err:
            self.failure = Failure(FailureKind.SANDBOX, f"could not start the child: {err}")
            self._cleanup()
            return
        self.pid = self._proc.pid
        self._finalizer = weakref.finalize(self, _kill_quietly, self._proc)
        os.set_blocking(self._req, False)
        os.set_blocking(self._res, False)
        with contextlib.suppress(AttributeError, OSError):
            self._pidfd = os.pidfd_open(self.pid)
        hello = self._receive(started + max(_STARTUP_SECONDS, lim.call_timeout),
                              "while starting")
        if isinstance(hello, Failure):
            self._end(self._startup_failure(hello))
            return
        self.protections = _protections(hello[0], self._notes)
        if self.protections is None:
            self._end(Failure(FailureKind.SANDBOX, "the child sent a malformed report"))
            return
        # The exercise's clock starts when student code may run: at the import.
        started = time.monotonic()
        self._deadline = started + lim.exercise_timeout
        ready = self._receive(min(started + lim.call_timeout, self._deadline),
                              "while being imported")
        if not isinstance(ready, Failure):
            header, arrays = ready
            if header.get("type") == "ready" and not arrays:
                self.output, flood = self._take_output()
                if flood is not None:
                    self._end(flood)
                return
            ready = _child_error(header, arrays, 0, "while being imported")
        self.output, ready = self._take_output(ready)
        self._end(ready)

    def _fork(self, config: dict[str, Any], env: dict[str, str], work: Path,
              fds: tuple[int, int, int, int]) -> forkserver.ForkedChild | None:
        """The child from this process's fork server, or None (then a fresh Python is started,
        and the reason is among the session's notes)."""
        child = forkserver.fork_child({"config": config, "cwd": str(work), "env": env}, fds,
                                      _STARTUP_SECONDS)
        if isinstance(child, str):
            self._notes.append(f"fork server: {child}; children are started as new processes")
            return None
        return child

    def _startup_failure(self, failure: Failure) -> Failure:
        """No student code has run yet: whatever went wrong is the sandbox's own failure."""
        stderr = self._take_output()[0].stderr
        reason = (f"no report within {max(_STARTUP_SECONDS, self.limits.call_timeout):g} s"
                  if failure.kind == FailureKind.TIMEOUT else failure.message)
        return Failure(FailureKind.SANDBOX, f"the sandbox's child could not start ({reason})",
                       stderr[-4000:])

    # --- calling --------------------------------------------------------------------------------
    def call(self, run_id: str | int, args: Sequence[Any],
             kwargs: Mapping[str, bool | int | float] | None = None,
             rng_seed: int | None = None) -> CallResult:
        """Call the student's function once in the child. Never raises for the student."""
        return self.call_many([Call(run_id, args, kwargs, rng_seed)])[0]

    def call_many(self, calls: Sequence[Call]) -> list[CallResult]:
        """Make several calls, in order, in one round trip (the same results as `call` one by
        one, each within `call_timeout`, except that `duration` and `output` are the batch's;
        a failure that ends the session is every call's). Never raises for the student."""
        items: list[dict[str, Any]] = []
        arrays: list[np.ndarray] = []
        for c in calls:
            if not isinstance(c, Call):
                raise TypeError("call_many takes a sequence of Call")
            items.append(_request(c, arrays))
        if sum(a.size for a in arrays) > self.limits.max_elements:
            raise ValueError(f"the arguments exceed Limits.max_elements "
                             f"({self.limits.max_elements})")
        if not calls:
            return []
        if self.failure is not None or self._proc is None:
            first = self.failure or Failure(FailureKind.SANDBOX, "the session is closed")
            msg = first.message if first.message.startswith("not run") else \
                f"not run: the exercise's child ended earlier ({first.message})"
            return [CallResult(None, Failure(first.kind, msg)) for _ in calls]
        self._seq += 1
        started = time.monotonic()
        timeout = self.limits.call_timeout
        results: list[tuple[np.ndarray | None, Failure | None, tuple]] = []
        failure = self._send({"op": "calls", "seq": self._seq, "calls": items}, arrays,
                             min(started + timeout, self._deadline))
        while failure is None and len(results) < len(calls):
            # Each call has its own limit: the clock restarts when the previous result arrives.
            reply = self._receive(min(time.monotonic() + timeout, self._deadline),
                                  "during the call")
            result = reply if isinstance(reply, Failure) else \
                _result(reply, calls[len(results)], self._seq, len(results))
            if isinstance(result, Failure):
                failure = result
            else:
                results.append(result)
        duration = time.monotonic() - started
        output, failure = self._take_output(failure)
        if failure is None:
            return [CallResult(value, fail, mutated, duration, output)
                    for value, fail, mutated in results]
        self._end(failure)
        return [CallResult(None, failure, (), duration, output) for _ in calls]

    def _send(self, header: dict[str, Any], arrays: list[np.ndarray],
              deadline: float) -> Failure | None:
        stray = self._drain()
        if stray is not None:
            return stray
        if self._reader.pending or self._reader.frames:
            return Failure(FailureKind.PROTOCOL,
                           "wrote to the result pipe outside of a call; killed")
        for part in protocol.encode(header, arrays):
            view = memoryview(part)
            while view:
                try:
                    view = view[os.write(self._req, view):]
                except BlockingIOError:
                    state = self._wait(self._req, True, deadline)
                    if state != "ready":
                        return self._stopped(state, "during the call")
                except (BrokenPipeError, OSError):
                    return self._stopped("exited", "during the call")
        return None

    # --- reading frames -------------------------------------------------------------------------
    def _drain(self) -> Failure | None:
        """Read what is available now, without waiting; a Failure if it cannot be a frame."""
        while True:
            try:
                chunk = os.read(self._res, 1 << 16)
            except BlockingIOError:
                return None
            except OSError as err:
                return Failure(FailureKind.PROTOCOL, f"the result pipe failed: {err}")
            if not chunk:
                return None
            try:
                self._reader.feed(chunk)
            except protocol.ProtocolError as err:
                if self._reader.frames:  # the frames before the bad bytes come first
                    return None
                return _garbage(err)

    def _pop(self) -> tuple[dict[str, Any], list[np.ndarray]] | Failure | None:
        """The next complete frame already read, a Failure if it is garbage, else None."""
        try:
            return self._reader.pop()
        except protocol.ProtocolError as err:
            return _garbage(err)

    def _receive(self, deadline: float,
                 during: str) -> tuple[dict[str, Any], list[np.ndarray]] | Failure:
        while True:
            frame = self._pop()
            if frame is not None:
                return frame
            state = self._wait(self._res, False, deadline)
            if state == "ready":
                try:
                    chunk = os.read(self._res, 1 << 16)
                except BlockingIOError:
                    continue
                except OSError:
                    chunk = b""
                if chunk:
                    try:
                        self._reader.feed(chunk)
                    except protocol.ProtocolError as err:
                        return _garbage(err)
                    continue
                # End of file: the child closed its end (or died).
                if self._wait_exit(0.5):
                    return self._stopped("exited", during)
                return Failure(FailureKind.PROTOCOL, "closed the result pipe; killed")
            if state == "exited":
                frame = self._drain() or self._pop()
                if frame is not None:
                    return frame
            return self._stopped(state, during)

    def _wait(self, fd: int, write: bool, deadline: float) -> str:
        """'ready' when fd is, 'exited' when the child has ended, 'timeout' at the deadline."""
        if write:
            with self._new_selector(fd, selectors.EVENT_WRITE) as sel:
                return self._select(sel, deadline)
        if self._selector is None:  # kept for the session: a call waits on it at least once
            self._selector = self._new_selector(fd, selectors.EVENT_READ)
        return self._select(self._selector, deadline)

    def _new_selector(self, fd: int, events: int) -> selectors.BaseSelector:
        sel = selectors.DefaultSelector()
        sel.register(fd, events, "io")
        if self._pidfd is not None:
            sel.register(self._pidfd, selectors.EVENT_READ, "pid")
        return sel

    def _select(self, sel: selectors.BaseSelector, deadline: float) -> str:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return "timeout"
            step = remaining if self._pidfd is not None else min(remaining, 0.02)
            events = sel.select(step)
            if any(key.data == "io" for key, _ in events):
                return "ready"
            if events or (self._pidfd is None and self._has_exited()):
                return "exited"

    def _has_exited(self) -> bool:
        assert self._proc is not None
        if self._proc.returncode is not None:
            return True
        waitid = getattr(os, "waitid", None)
        if waitid is None:  # macOS: reap now, keep the status for _stopped
            return self._reap(block=False)[0] is not None
        try:
            return waitid(os.P_PID, self._proc.pid,
                          os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
        except ChildProcessError:
            return True

    def _wait_exit(self, seconds: float) -> bool:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if self._has_exited():
                return True
            time.sleep(0.005)
        return False

    def _stopped(self, state: str, during: str) -> Failure:
        """The Failure for a child that timed out ('timeout') or ended by itself ('exited')."""
        lim = self.limits
        if state == "timeout":
            if time.monotonic() >= self._deadline - 1e-3:
                return Failure(FailureKind.TIMEOUT, f"killed after {lim.exercise_timeout:g} s: "
                               "the exercise's time limit ran out")
            return Failure(FailureKind.TIMEOUT, f"killed after {lim.call_timeout:g} s {during}: "
                           "the time limit per call ran out")
        status, cpu = self._reap(block=True)
        if status is None:
            return Failure(FailureKind.CRASH, f"ended {during}")
        if os.WIFSIGNALED(status):
            sig = os.WTERMSIG(status)
            name = _signal_name(sig)
            if sig == signal.SIGXCPU or (sig == signal.SIGKILL and cpu >= lim.cpu_seconds - 0.1):
                return Failure(FailureKind.CPU, f"used more than {lim.cpu_seconds:g} s of CPU "
                               f"time {during}; killed")
            if sig == signal.SIGXFSZ:
                return Failure(FailureKind.OUTPUT, f"wrote more than {lim.file_bytes} bytes to "
                               f"stdout, stderr or a file {during}; killed")
            if sig in _CRASH_SIGNALS:
                return Failure(FailureKind.CRASH,
                               f"crashed {during} with {name} ({_CRASH_SIGNALS[sig]})")
            if sig == signal.SIGKILL:
                return Failure(FailureKind.CRASH, f"was killed by SIGKILL {during} (perhaps "
                               "the system ran out of memory)")
            return Failure(FailureKind.CRASH, f"was killed by {name} {during}")
        code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else status
        return Failure(FailureKind.EXIT, f"exited with code {code} {during}, before returning "
                       "a result")

    def _reap(self, block: bool) -> tuple[int | None, float]:
        """The child's wait status and CPU time, reaping it; (None, 0) if it is still running
        (block=False) or was reaped elsewhere."""
        if self._exit is not None:
            return self._exit
        proc = self._proc
        if proc is None or proc.returncode is not None:
            return None, 0.0
        try:
            pid, status, usage = os.wait4(proc.pid, 0 if block else os.WNOHANG)
        except ChildProcessError:
            return None, 0.0
        if pid == 0:
            return None, 0.0
        proc.returncode = os.waitstatus_to_exitcode(status)
        self._exit = (status, usage.ru_utime + usage.ru_stime)
        return self._exit

    # --- output ---------------------------------------------------------------------------------
    def _take_output(self, failure: Failure | None = None) -> tuple[Output, Failure | None]:
        """What the child printed since the last call (bounded; the files are emptied), and
        `failure`, replaced by an `output` Failure if a stream reached the hard cap."""
        if self._outs is None:
            return Output(), failure
        (out, n_out), (err, n_err) = (_take(fd, self.limits.output_bytes) for fd in self._outs)
        cap = self.limits.file_bytes
        if max(n_out, n_err) >= cap:
            stream = "stdout" if n_out >= cap else "stderr"
            failure = Failure(FailureKind.OUTPUT, f"printed {cap} bytes or more to {stream} "
                              "(an output flood); killed")
        return Output(out, err), failure

    # --- ending ---------------------------------------------------------------------------------
    def _end(self, failure: Failure) -> None:
        if self.failure is None:
            self.failure = failure
        self._cleanup()

    def close(self) -> None:
        """Kill the child's process group, reap it and release the pipes. Idempotent."""
        self._cleanup()

    def _cleanup(self) -> None:
        proc = self._proc
        if proc is not None:
            _kill_group(proc)
            if self._finalizer is not None:
                self._finalizer.detach()
        if self._selector is not None:
            self._selector.close()
            self._selector = None
        for name in ("_req", "_res", "_pidfd"):
            fd = getattr(self, name)
            if fd is not None:
                with contextlib.suppress(OSError):
                    os.close(fd)
                setattr(self, name, None)
        if self._outs is not None:
            for fd in self._outs:
                with contextlib.suppress(OSError):
                    os.close(fd)
            self._outs = None
        if proc is not None and self.failure is None:
            self.failure = Failure(FailureKind.SANDBOX, "the session is closed")


# --- helpers ------------------------------------------------------------------------------------
class _TooLarge(Exception):
    pass


def _check_relpath(relpath: str) -> str:
    p = Path(relpath)
    if p.is_absolute() or not p.parts or any(part in ("..", "") for part in p.parts):
        raise ValueError(f"not a relative path inside the submission: {relpath!r}")
    return p.as_posix()


def _copy_tree(src: Path, dst: Path, max_bytes: int) -> None:
    """Copy regular files, folders and symlinks (as links, never followed); skip the rest."""
    total = 0
    dst.mkdir()
    stack = [(src, dst)]
    while stack:
        s, d = stack.pop()
        with os.scandir(s) as entries:
            for entry in entries:
                target = d / entry.name
                if entry.is_symlink():
                    os.symlink(os.readlink(entry.path), target)
                elif entry.is_dir(follow_symlinks=False):
                    if entry.name in _IGNORED_DIRS:
                        continue
                    target.mkdir()
                    stack.append((Path(entry.path), target))
                elif entry.is_file(follow_symlinks=False):
                    total += entry.stat(follow_symlinks=False).st_size
                    if total > max_bytes:
                        raise _TooLarge(f"the submission folder is larger than "
                                        f"{max_bytes // (1 << 20)} MiB")
                    shutil.copyfile(entry.path, target, follow_symlinks=False)


def _chown_tree(root: Path, uid: int, gid: int) -> None:
    os.chown(root, uid, gid)
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            os.lchown(os.path.join(folder, name), uid, gid)


def _drop_target(limits: Limits) -> tuple[tuple[int, int] | None, str | None]:
    """(uid, gid) to run the child as, when the grader is root and that user can read Python."""
    if limits.user is None or not hasattr(os, "geteuid") or os.geteuid() != 0:
        return None, None
    import pwd

    try:
        entry = pwd.getpwnam(limits.user)
    except KeyError:
        return None, f"user {limits.user!r} does not exist: the child runs as root"
    for path in (os.path.dirname(os.__file__), os.path.dirname(np.__file__),
                 os.path.dirname(protocol.__file__)):
        blocked = _not_world_readable(path)
        if blocked:
            return None, f"{blocked} is not readable by {limits.user}: the child runs as root"
    return (entry.pw_uid, entry.pw_gid), None


def _not_world_readable(path: str) -> str | None:
    """The first folder on the way to `path` that other users cannot enter or read, if any."""
    p = Path(os.path.realpath(path))
    for folder in [*reversed(p.parents), p]:
        try:
            mode = os.stat(folder).st_mode
        except OSError:
            return str(folder)
        need = stat.S_IXOTH | (stat.S_IROTH if folder == p else 0)
        if mode & need != need:
            return str(folder)
    return None


def _request(call: Call, arrays: list[np.ndarray]) -> dict[str, Any]:
    """The JSON description of one call; its arrays are appended to `arrays`."""
    if type(call.run_id) not in (str, int):
        raise TypeError("run_id must be a str or an int")
    items: list[dict[str, Any]] = []
    for a in call.args:
        if a is STATE:
            items.append({"t": "state"})
        elif a is RNG:
            if type(call.rng_seed) is not int:
                raise ValueError("a call that passes RNG needs an int rng_seed")
            items.append({"t": "rng"})
        elif isinstance(a, np.ndarray):
            if protocol.dtype_name(a.dtype) is None:
                raise TypeError(f"arrays of dtype {a.dtype} cannot be sent")
            arrays.append(np.ascontiguousarray(a) if a.ndim else a.copy())
            items.append({"t": "array"})
        else:
            items.append({"t": "scalar", "v": _scalar(a)})
    kw = {}
    for k, v in (call.kwargs or {}).items():
        if type(k) is not str or not k.isidentifier():
            raise TypeError(f"keyword names must be identifiers: {k!r}")
        kw[k] = _scalar(v)
    return {"run": call.run_id, "args": items, "kwargs": kw, "seed": call.rng_seed}


def _result(reply: tuple[dict[str, Any], list[np.ndarray]], call: Call, seq: int,
            index: int) -> tuple[np.ndarray | None, Failure | None, tuple] | Failure:
    """Check a "result" frame against the call it answers, strictly."""
    header, values = reply
    bad = Failure(FailureKind.PROTOCOL, "sent a malformed reply on the result pipe; killed")
    if header.get("type") != "result":
        return bad
    if header.get("seq") != seq or header.get("index") != index:
        return Failure(FailureKind.PROTOCOL, "answered out of turn (a forged or stale frame on "
                       "the result pipe); killed")
    mutated = header.get("mutated")
    if (type(mutated) is not list or len(mutated) != len(call.args)
            or any(m is not None and type(m) is not bool for m in mutated)):
        return bad
    fields = set(header) - {"type", "seq", "index", "arrays"}
    if fields == {"mutated"}:
        return (values[0], None, tuple(mutated)) if len(values) == 1 else bad
    if fields != {"kind", "message", "detail", "mutated"} or values:
        return bad
    failure = _child_error({**header, "type": "error", "seq": 0}, [], 0, "during the call")
    return (None, failure, tuple(mutated)) if failure.kind in _CALL_KINDS else bad


def _scalar(v: Any) -> bool | int | float:
    if isinstance(v, bool | np.bool_):
        return bool(v)
    if isinstance(v, numbers.Integral):
        return int(v)
    if isinstance(v, numbers.Real):
        return float(v)
    raise TypeError(f"cannot send a {type(v).__name__} to the child: arrays, bool, int, float, "
                    "STATE and RNG only")


def _protections(header: dict[str, Any], notes: list[str]) -> Protections | None:
    p = header.get("protections") if header.get("type") == "hello" else None
    if type(p) is not dict:
        return None
    try:
        child_notes = [str(n) for n in p["notes"]]
        net = p["network"]
        return Protections(rlimits=p["rlimits"] is True,
                           network=str(net) if net is not None else None,
                           landlock=int(p["landlock"]), seccomp=p["seccomp"] is True,
                           uid=int(p["uid"]), notes=tuple(notes + child_notes))
    except (KeyError, TypeError, ValueError):
        return None


def _garbage(err: protocol.ProtocolError) -> Failure:
    return Failure(FailureKind.PROTOCOL,
                   f"sent data that is not a valid result frame ({err}); killed")


def _child_error(header: dict[str, Any], arrays: list[np.ndarray], seq: int,
                 during: str) -> Failure:
    """The Failure for an error frame the child sent, or a protocol Failure if it is not one."""
    kind, message, detail = header.get("kind"), header.get("message"), header.get("detail", "")
    if (header.get("type") != "error" or header.get("seq") != seq or arrays
            or kind not in _CHILD_KINDS or type(message) is not str or type(detail) is not str):
        return Failure(FailureKind.PROTOCOL, f"sent an unexpected frame {during}; killed")
    message = _clean(message[:1000]).replace("\n", " ")
    return Failure(FailureKind(kind), message, _clean(detail[:16000]))


def _take(fd: int, keep: int) -> tuple[str, int]:
    """(the text written to an output file, bounded; its size in bytes), then empty it."""
    try:
        size = os.fstat(fd).st_size
        if size <= keep:
            data = os.pread(fd, size, 0)
        else:
            head = os.pread(fd, keep * 3 // 4, 0)
            tail = os.pread(fd, keep // 4, size - keep // 4)
            data = head + f"\n[... {size - len(head) - len(tail)} bytes cut ...]\n".encode() + tail
        os.ftruncate(fd, 0)
    except OSError:
        return "", 0
    return _clean(data.decode("utf-8", errors="replace")), size


_CONTROL = {c: f"\\x{c:02x}" for c in [*range(0x20), 0x7F] if c not in (0x09, 0x0A)}
_CONTROL.update({c: f"\\x{c:02x}" for c in range(0x80, 0xA0)})
_CONTROL.update({c: "\ufffd" for c in range(0xD800, 0xE000)})  # lone surrogates (a JSON escape)


def _clean(text: str) -> str:
    """Escape control characters (terminal escapes, carriage returns) in student text, and
    replace lone surrogates, which no UTF-8 writer (a report, a terminal) can encode."""
    return text.translate(_CONTROL)


def _signal_name(sig: int) -> str:
    try:
        return signal.Signals(sig).name
    except ValueError:
        return f"signal {sig}"


def _kill_group(proc: _Child) -> None:
    """SIGKILL the child's process group until no process of it is left; reap the child."""
    pgid = proc.pid
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)
    if proc.returncode is None:
        with contextlib.suppress(ChildProcessError, subprocess.TimeoutExpired):
            proc.wait(timeout=10)  # SIGKILL cannot be ignored; only a stuck kernel call waits
    # Descendants (only where subprocesses are allowed) may outlive the child for a moment.
    end = time.monotonic() + 2.0
    while time.monotonic() < end and _group_alive(pgid):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pgid, signal.SIGKILL)
        time.sleep(0.01)
    # With the fork server this process is a child subreaper: the group's orphans are ours.
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-pgid, os.WNOHANG)[0]:
            pass


def _group_alive(pgid: int) -> bool:
    """Is any process (zombies aside) still in the process group `pgid`?"""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    if not os.path.isdir("/proc/self"):
        return True
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != b"Z":
            return True
    return False


def _kill_quietly(proc: _Child) -> None:
    if proc.returncode is None:
        with contextlib.suppress(Exception):
            _kill_group(proc)


def _remove_tree(path: str) -> None:
    def retry(func: Any, p: str, _exc: Any) -> None:
        with contextlib.suppress(OSError):
            os.chmod(os.path.dirname(p), 0o700)
            os.chmod(p, 0o700)
            func(p)

    shutil.rmtree(path, onerror=retry)
