"""The fork server: the sandbox's children are forks of one process that imported NumPy once.

A sandbox child started as a new Python costs about 0.19 s of CPU, nearly all of it importing
NumPy, and a submission needs nine. The fork server is that import done once per grader process
(on Linux): a Python that imports NumPy, `grader.protocol` and `grader.child`, then waits on a
UNIX socket. For each request it forks, and the fork confines itself exactly as a spawned child
does (`grader.child.run`: limits, network namespace, Landlock, seccomp, then the student's
file), so the protections are the same; only the import is shared.

Trust: the server runs only our code. It receives a child's config and four file descriptors
(stdout, stderr and the two pipes, passed with SCM_RIGHTS), never a reference value or a hidden
input. Student code runs only in the forks, which close every descriptor but their own.

Parenthood: the grader must be each child's parent, to kill its process group without a race
on pid reuse, to read its exit status and CPU time (wait4), and to see it end. So the server
forks twice (the middle process exits at once) and the grader makes itself a child subreaper
(PR_SET_CHILD_SUBREAPER): the orphaned child is re-parented to the grader, not to init. The
server replies with the child's pid after it has reaped the middle process, when the child is
already the grader's.

Where any of this is unavailable (not Linux, prctl refused, the server does not start or stops
answering), `fork_child` returns the reason as a str and the sandbox spawns a fresh Python.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from typing import Any

_PR_SET_CHILD_SUBREAPER = 36
_PR_SET_DUMPABLE = 4
_MAX_REQUEST = 1 << 16
_PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def python_command(module: str, function: str, *args: str) -> list[str]:
    """The command line of a sandbox Python (a child, or the fork server) that runs
    `module.function()` of this very grader. `-I` still reads site-packages' .pth files, where an
    editable install may name another copy of `grader`: so this grader's folder goes first on
    sys.path, unless it is there already (an installed grader: site-packages itself)."""
    boot = (f"import sys; root = {_PACKAGE_ROOT!r}\n"
            "if root not in sys.path: sys.path.insert(0, root)\n"
            f"from {module} import {function}; {function}()")
    return [sys.executable, "-I", "-B", "-u", "-c", boot, *args]


class ForkedChild:
    """A sandbox child made by the fork server and re-parented to this process.

    Offers what the sandbox uses of a `subprocess.Popen`: `pid`, `returncode`, `wait()`."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    def wait(self, timeout: float | None = None) -> int:
        end = time.monotonic() + (timeout if timeout is not None else 1e9)
        while self.returncode is None:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:  # reaped elsewhere: nothing left to wait for
                self.returncode = -1
                break
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
                break
            if time.monotonic() > end:
                raise subprocess.TimeoutExpired(str(self.pid), timeout or 0.0)
            time.sleep(0.005)
        return self.returncode


class _Unavailable(Exception):
    pass


class ForkServer:
    """This process's connection to its fork server, started at the first request."""

    restarts = 3  # a server that dies (the OOM killer, a stray kill) is started again this often

    def __init__(self) -> None:
        self._lock = threading.Lock()  # one request at a time: the graders' threads share it
        self._proc: subprocess.Popen[bytes] | None = None
        self._sock: socket.socket | None = None
        self._failures = 0
        self.unavailable: str | None = None  # why children are always spawned, once known

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def fork(self, request: Mapping[str, Any], fds: Sequence[int],
             timeout: float) -> ForkedChild | str:
        with self._lock:
            if self.unavailable is None and self._sock is None:
                try:
                    self._launch(request["env"], timeout)
                except (_Unavailable, OSError) as err:
                    self._stop()
                    self.unavailable = str(err)
            if self.unavailable is not None:
                return self.unavailable
            assert self._sock is not None
            try:
                self._sock.settimeout(timeout)
                socket.send_fds(self._sock, [json.dumps(request).encode()], list(fds))
                reply = json.loads(self._sock.recv(_MAX_REQUEST) or b"null")
            except (OSError, ValueError) as err:
                # This child is spawned instead; the next request starts a new server.
                reason = f"the fork server stopped answering ({type(err).__name__})"
                self._stop()
                self._failures += 1
                if self._failures > self.restarts:
                    self.unavailable = reason
                return reason
            if type(reply) is not dict or type(reply.get("pid")) is not int:
                error = reply.get("error") if type(reply) is dict else None
                return f"the fork server could not fork: {str(error)[:300]}"
            return ForkedChild(reply["pid"])

    def _launch(self, env: Mapping[str, str], timeout: float) -> None:
        if not sys.platform.startswith("linux"):
            raise _Unavailable("a fork server needs Linux's child subreapers")
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
            raise _Unavailable(f"prctl(PR_SET_CHILD_SUBREAPER): "
                               f"{os.strerror(ctypes.get_errno())}")
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self._sock = ours
        with tempfile.TemporaryFile() as errors:
            try:
                self._proc = subprocess.Popen(
                    python_command("grader.forkserver", "serve", str(theirs.fileno())),
                    cwd="/", env=dict(env), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                    stderr=errors, pass_fds=(theirs.fileno(),),
                    start_new_session=True,  # the terminal's Ctrl-C is the grader's to handle
                )
            except OSError as err:
                raise _Unavailable(f"the fork server could not start: {err}") from None
            finally:
                theirs.close()
            ours.settimeout(timeout)
            try:
                hello = ours.recv(64)
            except OSError:
                hello = b""
            if hello != b"ready":
                errors.seek(0)
                tail = errors.read()[-300:].decode(errors="replace").strip().splitlines()
                raise _Unavailable("the fork server did not start"
                                   + (f" ({tail[-1]})" if tail else ""))

    def _stop(self) -> None:
        """End the server (the children it made are unaffected: they are not its own)."""
        if self._sock is not None:
            self._sock.close()
            self._sock = None
        if self._proc is not None:
            with contextlib.suppress(OSError):
                self._proc.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._proc.wait(timeout=5)
            self._proc = None


_server: ForkServer | None = None
_server_lock = threading.Lock()
_inherited: list[ForkServer] = []


def fork_child(request: Mapping[str, Any], fds: Sequence[int],
               timeout: float) -> ForkedChild | str:
    """Have this process's fork server start a sandbox child; the reason as a str if it cannot.

    `request`: {"config": the child's config without its pipes, "cwd": its working folder,
    "env": its environment}. The server itself starts with the first request's environment,
    which must set one BLAS thread: NumPy reads it at the import the children share.
    `fds`: its stdout, stderr, request-pipe reader and result-pipe writer, in that order (this
    process keeps and closes its own copies)."""
    return server().fork(request, fds, timeout)


def server() -> ForkServer:
    """This process's fork server (started at its first request)."""
    global _server
    with _server_lock:
        if _server is None:
            _server = ForkServer()
        return _server


def _after_fork_in_child() -> None:
    """A forked grader (a batch worker) starts its own server: the parent's is not its child,
    and a lock held by another thread at the fork would never be released here."""
    global _server, _server_lock
    if _server is not None:
        _inherited.append(_server)  # kept, never used: collecting it would kill the parent's
        _server = None
    _server_lock = threading.Lock()


os.register_at_fork(after_in_child=_after_fork_in_child)


# --- the server's side (runs in the fork server process) ----------------------------------------
def serve() -> None:
    """The fork server's main loop: one fork per request until the grader closes the socket."""
    sock = socket.socket(fileno=int(sys.argv[1]))
    import numpy  # noqa: F401  (the import every child shares: the reason this process exists)

    from grader import child, protocol  # noqa: F401

    # Not dumpable: where Landlock is missing and a child runs as the grader's user, it still
    # cannot open /proc/<this server>/mem to plant code in the forks of other submissions.
    _set_dumpable(False)
    sock.send(b"ready")
    while True:
        try:
            msg, fds, _flags, _addr = socket.recv_fds(sock, _MAX_REQUEST, 4)
        except OSError:
            break
        if not msg:
            break
        try:
            if len(fds) != 4:
                raise ValueError(f"{len(fds)} file descriptors instead of 4")
            reply: dict[str, Any] = {"pid": _fork(json.loads(msg), fds, sock)}
        except Exception as err:  # a bad request costs that child only
            reply = {"error": f"{type(err).__name__}: {err}"}
        finally:
            for fd in fds:
                os.close(fd)
        try:
            sock.send(json.dumps(reply).encode())
        except OSError:
            break
    os._exit(0)


def _fork(request: dict[str, Any], fds: list[int], sock: socket.socket) -> int:
    """Fork twice; the grandchild becomes the sandbox child. Its pid, once the middle is reaped."""
    r, w = os.pipe()
    middle = os.fork()
    if middle == 0:
        try:
            os.close(r)
            sock.close()
            pid = os.fork()
            if pid == 0:
                os.close(w)
                _become_child(request, fds)
            os.write(w, str(pid).encode())
        finally:
            os._exit(0)
    os.close(w)
    try:
        data = os.read(r, 32)
    finally:
        os.close(r)
        os.waitpid(middle, 0)
    return int(data)


def _become_child(request: dict[str, Any], fds: list[int]) -> None:
    """In the grandchild: a new session, its own descriptors, folder and environment; then
    `grader.child.run`, which confines it and never returns."""
    try:
        out, err, req_fd, res_fd = fds
        _set_dumpable(True)  # as a spawned child is: its own /proc entries (uid_map) are its own
        os.setsid()
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(out, 1)
        os.dup2(err, 2)
        low = 3
        for fd in sorted((req_fd, res_fd)):
            os.closerange(low, fd)
            low = fd + 1
        os.closerange(low, os.sysconf("SC_OPEN_MAX"))
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        from grader import child

        child.run({**request["config"], "req_fd": req_fd, "res_fd": res_fd})
    except BaseException as error:  # before any student code: the sandbox's own failure
        with contextlib.suppress(BaseException):
            os.write(2, f"fork server child: {type(error).__name__}: {error}\n".encode())
    os._exit(70)


def _set_dumpable(on: bool) -> None:
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).prctl(_PR_SET_DUMPABLE, int(on), 0, 0, 0)
