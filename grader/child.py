"""The sandboxed child: confines itself, imports ONE student file, answers calls from the parent.

Started only by `grader.sandbox`: forked by the fork server (`grader.forkserver`, which has
NumPy imported already), or as ``python -I -B -u -c <bootstrap> CONFIG``; either way in a new
session, with a minimal environment, a temporary copy of the submission as its working folder,
stdout and stderr redirected to files and two pipes (requests in, results out; their numbers
are in CONFIG).
It imports the standard library, NumPy and `grader.protocol`, never `tutor` or numba.

Order of events, all before any student code runs:

1. resource limits: RLIMIT_CORE=0, RLIMIT_CPU, RLIMIT_AS, RLIMIT_FSIZE;
2. network: unshare(CLONE_NEWNET) (as root), else a user namespace with a new network
   namespace (where unprivileged user namespaces are allowed);
3. import NumPy (one BLAS thread: the parent's environment sets it; a fork of the fork
   server has it already);
4. as root, drop to an unprivileged user when the parent asked (`drop_to`); then RLIMIT_NPROC;
5. Landlock (Linux >= 5.13, where enabled): writes only beneath the working folder; reads only
   beneath the Python installation, the import path and system libraries; no TCP bind/connect;
   (ABI >= 6) no signals to processes outside the sandbox and no abstract UNIX sockets;
6. seccomp (Linux x86-64 and aarch64): no signals except to itself and its own process group,
   no new process (unless the parent allows them), no new session or process group (so a
   background process cannot leave the group the parent kills), no sockets, no ptrace or
   process_vm_*, no mount/namespace/module/clock/reboot calls, no chmod/chown/xattr;
7. a "hello" frame reporting which of these applied (written before student code runs, so the
   student cannot change what the parent reads there); then the import, then "ready" or an
   error frame; then, for each frame of calls, one result frame per call, sent as soon as that
   call returns, until the request pipe closes.

Nothing here is trusted by the parent beyond the "hello" frame: the student can monkeypatch
anything in this process, so the parent re-validates every reply.
"""

from __future__ import annotations

import contextlib
import ctypes
import faulthandler
import importlib.machinery
import importlib.util
import json
import os
import struct
import sys
import traceback  # imported now: after a privilege drop the stdlib may not be readable

try:
    import resource
except ImportError:  # not a Unix
    resource = None  # type: ignore[assignment]

_STUDENT_MODULE = "submission"
_MAX_TEXT = 8000

# --- Linux constants -----------------------------------------------------------------------------
_CLONE_NEWUSER = 0x10000000
_CLONE_NEWNET = 0x40000000
_CLONE_THREAD = 0x00010000
_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_SECCOMP = 22
_SECCOMP_MODE_FILTER = 2
_SECCOMP_SET_MODE_FILTER = 1
_SECCOMP_FILTER_FLAG_TSYNC = 1
_EPERM, _ENOSYS = 1, 38

# syscall numbers: (x86-64, aarch64); None where the architecture has no such call.
_NR = {
    "kill": (62, 129), "tkill": (200, 130), "tgkill": (234, 131),
    "rt_sigqueueinfo": (129, 138), "rt_tgsigqueueinfo": (297, 240),
    "pidfd_send_signal": (424, 424), "pidfd_getfd": (438, 438),
    "ptrace": (101, 117), "process_vm_readv": (310, 270), "process_vm_writev": (311, 271),
    "fork": (57, None), "vfork": (58, None), "clone": (56, 220), "clone3": (435, 435),
    "setsid": (112, 157), "setpgid": (109, 154),
    "socket": (41, 198),
    "unshare": (272, 97), "setns": (308, 268), "mount": (165, 40), "umount2": (166, 39),
    "pivot_root": (155, 41), "chroot": (161, 51), "mount_setattr": (442, 442),
    "move_mount": (429, 429), "open_tree": (428, 428), "fsopen": (430, 430),
    "fsconfig": (431, 431), "fsmount": (432, 432), "fspick": (433, 433),
    "reboot": (169, 142), "kexec_load": (246, 104), "kexec_file_load": (320, 294),
    "init_module": (175, 105), "finit_module": (313, 273), "delete_module": (176, 106),
    "swapon": (167, 224), "swapoff": (168, 225), "acct": (163, 89),
    "settimeofday": (164, 170), "clock_settime": (227, 112), "adjtimex": (159, 171),
    "clock_adjtime": (305, 266), "sethostname": (170, 161), "setdomainname": (171, 162),
    "iopl": (172, None), "ioperm": (173, None), "bpf": (321, 280),
    "perf_event_open": (298, 241), "userfaultfd": (323, 282), "keyctl": (250, 219),
    "add_key": (248, 217), "request_key": (249, 218), "quotactl": (179, 60),
    "chmod": (90, None), "fchmod": (91, 52), "fchmodat": (268, 53), "fchmodat2": (452, 452),
    "chown": (92, None), "fchown": (93, 55), "lchown": (94, None), "fchownat": (260, 54),
    "setxattr": (188, 5), "lsetxattr": (189, 6), "fsetxattr": (190, 7),
    "removexattr": (197, 14), "lremovexattr": (198, 15), "fremovexattr": (199, 16),
    "seccomp": (317, 277),
    "landlock_create_ruleset": (444, 444), "landlock_add_rule": (445, 445),
    "landlock_restrict_self": (446, 446),
}
_ARCH = {"x86_64": (0, 0xC000003E), "aarch64": (1, 0xC00000B7)}
_DENY = (
    "ptrace", "process_vm_readv", "process_vm_writev", "pidfd_send_signal", "pidfd_getfd",
    "setsid", "setpgid", "socket",
    "unshare", "setns", "mount", "umount2", "pivot_root", "chroot", "mount_setattr", "move_mount",
    "open_tree", "fsopen", "fsconfig", "fsmount", "fspick", "reboot", "kexec_load",
    "kexec_file_load", "init_module", "finit_module", "delete_module", "swapon", "swapoff",
    "acct", "settimeofday", "clock_settime", "adjtimex", "clock_adjtime", "sethostname",
    "setdomainname", "iopl", "ioperm", "bpf", "perf_event_open", "userfaultfd", "keyctl",
    "add_key", "request_key", "quotactl", "chmod", "fchmod", "fchmodat", "fchmodat2", "chown",
    "fchown", "lchown", "fchownat", "setxattr", "lsetxattr", "fsetxattr", "removexattr",
    "lremovexattr", "fremovexattr",
)


def _libc() -> ctypes.CDLL | None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.syscall.restype = ctypes.c_long
        return libc
    except OSError:
        return None


def _errno_text() -> str:
    return os.strerror(ctypes.get_errno())


# --- 1. resource limits ---------------------------------------------------------------------------
def _set_rlimits(cfg: dict, notes: list[str]) -> bool:
    if resource is None:
        notes.append("resource limits: not available on this system")
        return False
    wanted = [
        ("RLIMIT_CORE", 0, 0),
        ("RLIMIT_CPU", cfg["cpu"], cfg["cpu"] + 1),
        ("RLIMIT_AS", cfg["memory"], cfg["memory"]),
        ("RLIMIT_FSIZE", cfg["fsize"], cfg["fsize"]),
    ]
    ok = True
    for name, soft, hard in wanted:
        which = getattr(resource, name, None)
        if which is None:
            notes.append(f"{name}: not available on this system")
            ok = False
            continue
        try:
            _, cur_hard = resource.getrlimit(which)
            if cur_hard != resource.RLIM_INFINITY:
                hard = min(hard, cur_hard)
                soft = min(soft, hard)
            resource.setrlimit(which, (soft, hard))
        except (ValueError, OSError) as err:
            notes.append(f"{name}: {err}")
            ok = False
    return ok


def _limit_processes(cfg: dict, notes: list[str]) -> None:
    """No new processes or threads (RLIMIT_NPROC counts the user's tasks; root is exempt)."""
    if cfg["subprocesses"]:
        return
    try:
        resource.setrlimit(resource.RLIMIT_NPROC, (1, 1))
    except (AttributeError, ValueError, OSError) as err:
        notes.append(f"RLIMIT_NPROC: {err}")


# --- 2. network -----------------------------------------------------------------------------------
def _isolate_network(libc: ctypes.CDLL | None, notes: list[str]) -> str | None:
    if libc is None or not sys.platform.startswith("linux"):
        notes.append("network namespace: not available on this system")
        return None
    if libc.unshare(_CLONE_NEWNET) == 0:
        return "network namespace"
    first = _errno_text()
    if os.geteuid() != 0:
        uid, gid = os.getuid(), os.getgid()
        if libc.unshare(_CLONE_NEWUSER | _CLONE_NEWNET) == 0:
            try:
                for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"),
                                   ("gid_map", f"{gid} {gid} 1")):
                    with open(f"/proc/self/{name}", "w") as f:
                        f.write(text)
            except OSError as err:
                notes.append(f"user namespace maps: {err}")
            return "user + network namespace"
        first += f"; with a user namespace: {_errno_text()}"
    notes.append(f"network namespace: {first}")
    return None


# --- 4. user --------------------------------------------------------------------------------------
def _drop_privileges(cfg: dict, notes: list[str]) -> None:
    target = cfg.get("drop_to")
    if not target or os.geteuid() != 0:
        return
    uid, gid = target
    try:
        os.setgroups([])
        os.setgid(gid)
        os.setuid(uid)
    except OSError as err:  # half-dropped is not acceptable: leave before any student code
        sys.stderr.write(f"grader child: cannot drop privileges: {err}\n")
        os._exit(70)


# --- 5. Landlock ----------------------------------------------------------------------------------
_LL_EXECUTE, _LL_WRITE_FILE, _LL_READ_FILE, _LL_READ_DIR = 1, 2, 4, 8
_LL_REFER, _LL_TRUNCATE = 1 << 13, 1 << 14
_LL_FILE_RIGHTS = _LL_EXECUTE | _LL_WRITE_FILE | _LL_READ_FILE | _LL_TRUNCATE


def _read_roots() -> list[str]:
    """Where a NumPy program legitimately reads: the interpreter, the import path, system libs."""
    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
             os.path.dirname(os.path.realpath(sys.executable))}
    roots.update(p for p in sys.path if p and os.path.isdir(p))
    try:
        import numpy

        roots.add(os.path.dirname(os.path.realpath(numpy.__file__)))
    except ImportError:
        pass
    roots.update(("/usr", "/lib", "/lib64", "/lib32", "/etc/ld.so.cache", "/etc/localtime",
                  "/dev/null", "/dev/zero", "/dev/urandom", "/proc/self"))
    return sorted(roots)


def _landlock(libc: ctypes.CDLL | None, workdir: str, notes: list[str]) -> int:
    """Restrict the filesystem (and TCP, signals); returns the Landlock ABI applied, 0 if none."""
    if libc is None or not sys.platform.startswith("linux") or os.uname().machine not in _ARCH:
        notes.append("Landlock: not available on this system")
        return 0
    nr = {k: v[_ARCH[os.uname().machine][0]] for k, v in _NR.items()}
    abi = libc.syscall(nr["landlock_create_ruleset"], None, ctypes.c_size_t(0), ctypes.c_uint32(1))
    if abi < 1:
        notes.append(f"Landlock: {_errno_text()}")
        return 0
    fs_all = (1 << 13) - 1
    if abi >= 2:
        fs_all |= _LL_REFER
    if abi >= 3:
        fs_all |= _LL_TRUNCATE
    fields = [fs_all]
    if abi >= 4:
        fields.append(0b11)  # BIND_TCP | CONNECT_TCP
    if abi >= 6:
        fields.append(0b11)  # SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL
    attr = ctypes.create_string_buffer(struct.pack(f"<{len(fields)}Q", *fields))
    ruleset = libc.syscall(nr["landlock_create_ruleset"], attr, ctypes.c_size_t(len(attr.raw)),
                           ctypes.c_uint32(0))
    if ruleset < 0:
        notes.append(f"Landlock: {_errno_text()}")
        return 0
    read = _LL_EXECUTE | _LL_READ_FILE | _LL_READ_DIR
    rules = [(p, read) for p in _read_roots()]
    rules += [("/dev/null", _LL_READ_FILE | _LL_WRITE_FILE | (_LL_TRUNCATE if abi >= 3 else 0)),
              (workdir, fs_all)]
    try:
        for path, rights in rules:
            try:
                fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            except OSError:
                continue
            try:
                if not os.path.isdir(path):
                    rights &= _LL_FILE_RIGHTS
                rule = ctypes.create_string_buffer(struct.pack("<Qi", rights & fs_all, fd))
                if libc.syscall(nr["landlock_add_rule"], ctypes.c_int(ruleset), ctypes.c_int(1),
                                rule, ctypes.c_uint32(0)) != 0:
                    notes.append(f"Landlock rule for {path}: {_errno_text()}")
            finally:
                os.close(fd)
        libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
        if libc.syscall(nr["landlock_restrict_self"], ctypes.c_int(ruleset), ctypes.c_uint32(0)):
            notes.append(f"Landlock: {_errno_text()}")
            return 0
    finally:
        os.close(ruleset)
    return int(abi)


# --- 6. seccomp -----------------------------------------------------------------------------------
_BPF_LD_W_ABS, _BPF_JEQ, _BPF_JGE, _BPF_JSET, _BPF_RET = 0x20, 0x15, 0x35, 0x45, 0x06
_RET_KILL_PROCESS, _RET_ALLOW, _RET_ERRNO = 0x80000000, 0x7FFF0000, 0x00050000


def _seccomp_program(machine: str, me: int, subprocesses: bool) -> list[tuple[int, int, int, int]]:
    """Assemble the classic-BPF filter (see the module docstring for the policy)."""
    col, audit_arch = _ARCH[machine]
    nr = {k: v[col] for k, v in _NR.items() if v[col] is not None}
    code: list[tuple[int, object, object, int]] = []  # (op, jump-if-true, jump-if-false, k)

    def jeq(k: int, target: str) -> None:
        code.append((_BPF_JEQ, target, 0, k))

    code.append((_BPF_LD_W_ABS, 0, 0, 4))  # seccomp_data.arch
    code.append((_BPF_JEQ, 0, "kill", audit_arch))
    code.append((_BPF_LD_W_ABS, 0, 0, 0))  # seccomp_data.nr
    if machine == "x86_64":
        code.append((_BPF_JGE, "deny", 0, 0x40000000))  # the x32 ABI
    for name in _DENY:
        if name in nr:
            jeq(nr[name], "deny")
    jeq(nr["clone3"], "enosys")  # glibc then falls back to clone, which is checked below
    jeq(nr["kill"], "check_kill")
    for name in ("tkill", "tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo"):
        jeq(nr[name], "check_self")
    if not subprocesses:
        for name in ("fork", "vfork"):
            if name in nr:
                jeq(nr[name], "deny")
        jeq(nr["clone"], "check_clone")
    code.append((_BPF_RET, 0, 0, _RET_ALLOW))
    labels = {}
    labels["check_kill"] = len(code)
    code.append((_BPF_LD_W_ABS, 0, 0, 16))  # low 32 bits of args[0] (little-endian)
    code.append((_BPF_JEQ, "allow", 0, me))
    code.append((_BPF_JEQ, "allow", 0, 0))  # its own process group
    code.append((_BPF_JEQ, "allow", "deny", (-me) & 0xFFFFFFFF))  # -pgid, and it leads its group
    labels["check_self"] = len(code)
    code.append((_BPF_LD_W_ABS, 0, 0, 16))
    code.append((_BPF_JEQ, "allow", "deny", me))
    labels["check_clone"] = len(code)
    code.append((_BPF_LD_W_ABS, 0, 0, 16))
    code.append((_BPF_JSET, "allow", "deny", _CLONE_THREAD))
    for label, ret in (("allow", _RET_ALLOW), ("deny", _RET_ERRNO | _EPERM),
                       ("enosys", _RET_ERRNO | _ENOSYS), ("kill", _RET_KILL_PROCESS)):
        labels[label] = len(code)
        code.append((_BPF_RET, 0, 0, ret))
    out = []
    for i, (op, jt, jf, k) in enumerate(code):
        def rel(target: object, i: int = i) -> int:
            if target == 0:
                return 0
            off = labels[target] - i - 1
            assert 0 <= off < 256
            return off
        out.append((op, rel(jt), rel(jf), k))
    return out


def _seccomp(libc: ctypes.CDLL | None, subprocesses: bool, notes: list[str]) -> bool:
    machine = os.uname().machine if hasattr(os, "uname") else ""
    if libc is None or not sys.platform.startswith("linux") or machine not in _ARCH:
        notes.append("seccomp: not available on this system")
        return False
    program = _seccomp_program(machine, os.getpid(), subprocesses)
    filt = (ctypes.c_ubyte * (8 * len(program)))()
    for i, (op, jt, jf, k) in enumerate(program):
        struct.pack_into("<HBBI", filt, 8 * i, op, jt, jf, k)

    class SockFprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    prog = SockFprog(len(program), ctypes.addressof(filt))
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        notes.append(f"seccomp: no_new_privs: {_errno_text()}")
        return False
    nr = _NR["seccomp"][_ARCH[machine][0]]
    if libc.syscall(nr, ctypes.c_uint(_SECCOMP_SET_MODE_FILTER),
                    ctypes.c_uint(_SECCOMP_FILTER_FLAG_TSYNC), ctypes.byref(prog)) == 0:
        return True
    if libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(prog), 0, 0) == 0:
        return True
    notes.append(f"seccomp: {_errno_text()}")
    return False


# --- the server -----------------------------------------------------------------------------------
def _clip(text: str, limit: int = _MAX_TEXT) -> str:
    if len(text) <= limit:
        return text
    return text[:limit] + f"\n[... {len(text) - limit} more characters]"


def _describe_type(obj: object) -> str:
    t = type(obj)
    try:
        name = f"{t.__module__}.{t.__qualname__}" if t.__module__ != "builtins" else t.__qualname__
    except Exception:
        name = "an object of unknown type"
    return "None" if obj is None else str(name)[:200]


def _exception_frame(err: BaseException, skip_internal: bool = True) -> tuple[str, str]:
    """(one-line message, traceback text without this module's or importlib's frames)."""
    try:
        message = f"{type(err).__name__}: {err}" if str(err) else type(err).__name__
    except BaseException:
        message = f"{type(err).__name__}: <the exception's text could not be printed>"
    try:
        frames = [f for f in traceback.extract_tb(err.__traceback__)
                  if not (skip_internal and (f.filename == __file__
                                             or f.filename.startswith("<frozen importlib")))]
        lines = ["Traceback (most recent call last):\n", *traceback.format_list(frames)]
        lines += traceback.format_exception_only(type(err), err)
        detail = "".join(lines)
    except BaseException:
        detail = message
    return _clip(message.splitlines()[0] if message else "", 500), _clip(detail)


class _Server:
    def __init__(self, cfg: dict, np: object, protocol: object) -> None:
        self.cfg = cfg
        self.np = np
        self.protocol = protocol
        self.res_fd = cfg["res_fd"]
        self.req_fd = cfg["req_fd"]
        self.runs: dict[str, dict] = {}
        self.fn = None
        # Captured before student code runs (the student may monkeypatch numpy or builtins).
        self._type = type
        self._ndarray = np.ndarray

    def send(self, header: dict, arrays: list = ()) -> None:
        try:
            self.protocol.write_frame(self.res_fd, header, arrays)
        except (BrokenPipeError, OSError):
            os._exit(0)  # the parent has gone: nothing left to answer

    def error(self, seq: int, kind: str, message: str, detail: str = "") -> None:
        self.send({"type": "error", "seq": seq, "kind": kind, "message": message,
                   "detail": detail})

    def load(self) -> bool:
        path, function = self.cfg["path"], self.cfg["function"]
        if not os.path.isfile(path):
            self.error(0, "missing", f"{path} is not in the submission")
            return False
        try:
            loader = importlib.machinery.SourceFileLoader(_STUDENT_MODULE, path)
            spec = importlib.util.spec_from_loader(_STUDENT_MODULE, loader)
            module = importlib.util.module_from_spec(spec)
            sys.modules[_STUDENT_MODULE] = module
            loader.exec_module(module)
        except SyntaxError as err:
            detail = "".join(traceback.format_exception_only(type(err), err))
            where = f" (line {err.lineno})" if err.lineno else ""
            self.error(0, "syntax", _clip(f"{type(err).__name__}: {err.msg}{where}", 500),
                       _clip(detail))
            return False
        except BaseException as err:  # SystemExit and KeyboardInterrupt included
            kind = self._classify(err)
            message, detail = _exception_frame(err)
            if kind == "exit":
                message = f"called sys.exit({err.code!r})"[:300] + " while being imported"
            self.error(0, kind, message, detail)
            return False
        fn = getattr(module, function, None)
        if not callable(fn):
            self.error(0, "missing", f"{path} does not define a function `{function}`")
            return False
        self.fn = fn
        return True

    @staticmethod
    def _classify(err: BaseException, during_call: bool = False) -> str:
        if isinstance(err, MemoryError):
            return "memory"
        if isinstance(err, SystemExit):
            return "exit"
        return "exception" if during_call else "import"

    def serve(self) -> None:
        max_el = self.cfg["max_elements"]
        while True:
            frame = self.protocol.read_frame(self.req_fd, max_el)
            if frame is None or frame[0].get("op") != "calls":
                return
            header, arrays = frame
            pending = iter(arrays)
            budget = [max_el]
            # One frame per call as soon as it returns: the parent's per-call clock restarts
            # at each, so a hang in the middle of a batch is caught after one call's limit.
            for index, call in enumerate(header["calls"]):
                result, value = self.call(call, pending, budget)
                self.send({"type": "result", "seq": header["seq"], "index": index, **result},
                          [] if value is None else [value])

    def call(self, call: dict, pending: object, budget: list[int]) -> tuple[dict, object]:
        """Run one call; ({"mutated": ...}, array) or ({kind, message, detail, mutated}, None)."""
        np = self.np
        run = self.runs.setdefault(str(call["run"]), {"state": {}, "rng": None})
        args: list[object] = []
        before: list[object] = []
        for item in call["args"]:
            kind = item["t"]
            if kind == "array":
                a = next(pending)
                args.append(a)
                before.append(a.copy())
            elif kind == "scalar":
                args.append(item["v"])
                before.append(None)
            elif kind == "state":
                args.append(run["state"])
                before.append(None)
            else:  # "rng": one generator per run, created at its first use
                if run["rng"] is None:
                    run["rng"] = np.random.default_rng(call["seed"])
                args.append(run["rng"])
                before.append(None)
        result: object = None
        failure: BaseException | None = None
        try:
            result = self.fn(*args, **call["kwargs"])
        except BaseException as err:  # SystemExit and KeyboardInterrupt included
            failure = err
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(BaseException):
                stream.flush()
        mutated = [None if b is None else
                   not (args[i].shape == b.shape and args[i].tobytes() == b.tobytes())
                   for i, b in enumerate(before)]

        def error(kind: str, message: str, detail: str = "") -> tuple[dict, None]:
            return {"kind": kind, "message": message, "detail": detail, "mutated": mutated}, None

        if failure is not None:
            kind = self._classify(failure, during_call=True)
            message, detail = _exception_frame(failure)
            if kind == "exit":
                message = f"called sys.exit({failure.code!r})"[:300] + " during the call"
            return error(kind, message, detail)
        if self._type(result) is not self._ndarray:
            what = _describe_type(result)
            if isinstance(result, self._ndarray):
                what = f"{what} (a subclass of numpy.ndarray)"
            return error("bad_return", f"returned {what}, expected a numpy array")
        if self.protocol.dtype_name(result.dtype) is None:
            return error("bad_return", f"returned an array of dtype {str(result.dtype)[:80]}, "
                         f"expected {', '.join(self.protocol.DTYPES)}")
        if result.ndim > self.protocol.MAX_NDIM or result.size > budget[0]:
            return error("bad_return", f"returned an array of shape {result.shape}, larger than "
                         f"the limit ({self.cfg['max_elements']} elements per reply)")
        budget[0] -= result.size
        if not result.flags.c_contiguous:
            result = result.copy(order="C")
        return {"mutated": mutated}, result


def main() -> None:
    """Entry point of a child started as its own Python process (the spawn path)."""
    run(json.loads(sys.argv[1]))


def run(cfg: dict) -> None:
    """Confine this process, import the student's file and serve calls; never returns.

    Called by `main` in a fresh process, or by `grader.forkserver` in a process it forked
    (NumPy then already imported, which is the point of the fork server)."""
    faulthandler.enable()
    import signal

    if hasattr(signal, "SIGXFSZ"):  # Python ignores it; by default it ends an output flood
        signal.signal(signal.SIGXFSZ, signal.SIG_DFL)
    notes: list[str] = []
    libc = _libc()
    rlimits = _set_rlimits(cfg, notes)
    network = _isolate_network(libc, notes)
    import numpy as np

    from grader import protocol

    _drop_privileges(cfg, notes)
    _limit_processes(cfg, notes)
    landlock = _landlock(libc, os.getcwd(), notes)
    seccomp = _seccomp(libc, cfg["subprocesses"], notes)
    server = _Server(cfg, np, protocol)
    server.send({"type": "hello", "protections": {
        "rlimits": rlimits, "network": network, "landlock": landlock, "seccomp": seccomp,
        "uid": os.geteuid(), "notes": notes}})
    if server.load():
        server.send({"type": "ready"})
        server.serve()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(BaseException):
            stream.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
