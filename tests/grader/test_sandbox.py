"""The sandbox with real child processes, against the hostile submissions in `hostile/`.

Most tests use `hostile/` itself as the submission folder, so every one of them also checks that
the sandbox works on a copy: `test_submission_folder_is_never_modified` hashes it before and
after a vandal runs. Time limits are short (`FAST`), so a hang costs about two seconds.
Protections that depend on the kernel (seccomp, Landlock, namespaces) are asserted only where
the child reports that it applied them; `test_protections_on_this_machine` says which did.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from grader import forkserver, protocol
from grader import sandbox as sandbox_module
from grader.sandbox import (
    RNG,
    STATE,
    Call,
    FailureKind,
    Limits,
    Sandbox,
    Session,
)

HOSTILE = Path(__file__).parent / "hostile"
FAST = Limits(call_timeout=2.0, exercise_timeout=8.0, cpu_seconds=5, file_bytes=1 << 20,
              output_bytes=4096)
P = np.array([1.0, 2.0, 3.0])
G = np.array([0.5, -1.0, 2.0])
EXPECTED = P - 0.1 * G

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the sandbox needs POSIX")


@pytest.fixture(params=[True, False], ids=["forked", "spawned"])
def box(request):
    """Each test twice: children forked by the fork server, and started as new processes."""
    with Sandbox(HOSTILE, FAST, fork_server=request.param) as b:
        yield b


def call(session: Session, run: str = "run", **kw):
    return session.call(run, [P.copy(), G.copy(), STATE], {"lr": 0.1, **kw})


def group_gone(pgid: int, wait: float = 3.0) -> bool:
    """No live (non-zombie) process is left in the process group."""
    end = time.monotonic() + wait
    while True:
        alive = []
        for entry in Path("/proc").iterdir() if Path("/proc/self").exists() else []:
            if entry.name.isdigit():
                try:
                    fields = (entry / "stat").read_bytes().rsplit(b")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[2]) == pgid and fields[0] != b"Z":
                    alive.append(entry.name)
        if not Path("/proc/self").exists():
            try:
                os.killpg(pgid, 0)
                alive = ["?"]
            except ProcessLookupError:
                alive = []
        if not alive:
            return True
        if time.monotonic() > end:
            return False
        time.sleep(0.05)


def pid_gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_bytes().rsplit(b")", 1)[1].split()[0]
    except OSError:
        return True
    return state == b"Z"


@pytest.fixture(scope="module")
def protections():
    with Sandbox(HOSTILE, FAST) as b:
        s = b.open("good.py", "step")
        assert s.failure is None, s.failure
        return s.protections


# --- correct code -------------------------------------------------------------------------------
def test_correct_function_returns_arrays(box):
    s = box.open("good.py", "step")
    assert s.failure is None and s.alive
    r1 = call(s)
    assert r1.ok and r1.failure is None
    assert type(r1.value) is np.ndarray and r1.value.dtype == np.float64
    np.testing.assert_array_equal(r1.value, EXPECTED)
    assert r1.mutated == (False, False, None)
    assert r1.output.stdout == "step 1\n" and r1.duration > 0
    assert call(s).output.stdout == "step 2\n"  # the run's state persists
    assert call(s, run="other").output.stdout == "step 1\n"  # a new run starts empty
    r32 = s.call(9, [P.astype(np.float32), G.astype(np.float32), STATE], {"lr": 0.5})
    assert r32.value.dtype == np.float32
    m = s.call("m", [np.eye(2), np.ones((2, 2)), STATE]).value
    assert m.shape == (2, 2) and m.flags.writeable


def test_in_place_update_and_mutated_inputs_are_reported(box):
    r = call(box.open("good.py", "step_in_place"))
    np.testing.assert_allclose(r.value, EXPECTED)
    assert r.mutated == (True, False, None)
    r = call(box.open("good.py", "mutates_grad"))
    assert r.ok and r.mutated == (False, True, None)


def test_rng_is_made_from_the_seed_and_kept_per_run(box):
    s = box.open("good.py", "permutation")
    first = s.call("a", [10, RNG], rng_seed=5).value
    second = s.call("a", [10, RNG], rng_seed=5).value
    again = s.call("b", [10, RNG], rng_seed=5).value
    ref = np.random.default_rng(5)
    np.testing.assert_array_equal(first, ref.permutation(10))
    np.testing.assert_array_equal(second, ref.permutation(10))  # the same generator, advanced
    np.testing.assert_array_equal(again, first)  # another run: a fresh generator
    with pytest.raises(ValueError):
        s.call("c", [10, RNG])


def test_minibatch_epoch(box):
    x = np.arange(7.0)
    y = 2 * x + 1
    r = box.open("good.py", "epoch").call("e", [np.array([0.0, 0.0]), x, y, RNG],
                                          {"lr": 0.01, "batch_size": 2}, rng_seed=3)
    assert r.ok and r.value.shape == (2,)


def test_call_many_matches_single_calls(box):
    s = box.open("good.py", "step")
    batch = s.call_many([Call("b", [P, G, STATE], {"lr": 0.1}) for _ in range(20)])
    assert [r.ok for r in batch] == [True] * 20
    assert batch[0].output.stdout.splitlines()[-1] == "step 20"
    np.testing.assert_array_equal(batch[7].value, EXPECTED)
    assert s.call_many([]) == []
    bad = box.open("raises.py", "step").call_many([Call("x", [P, G, STATE])] * 3)
    assert [r.failure.kind for r in bad] == [FailureKind.EXCEPTION] * 3


def test_api_misuse_raises(box):
    s = box.open("good.py", "step")
    with pytest.raises(TypeError):
        s.call("r", [P, [1, 2], STATE])
    with pytest.raises(TypeError):
        s.call("r", [P.astype(np.complex128), G, STATE])
    with pytest.raises(TypeError):
        s.call("r", [P, G, STATE], {"lr": "fast"})
    with pytest.raises(ValueError):
        box.open("../outside.py", "step")
    with pytest.raises(ValueError):
        box.open("good.py", "not a name")
    assert s.call("r", [P, G, STATE]).ok  # the session is unharmed


def test_child_is_minimal(box):
    flags = call(box.open("introspect.py", "modules")).value
    numba, tutor, isolated, cwd_has_file = flags.tolist()
    assert not numba and not tutor and isolated and cwd_has_file
    n_env, python_vars = call(box.open("introspect.py", "environment")).value.tolist()
    assert n_env <= 12 and not python_vars
    _uid, pid, pgid, sid = call(box.open("introspect.py", "ids")).value.tolist()
    assert pid == pgid == sid != os.getpid()  # its own session and process group


def test_child_holds_only_its_own_descriptors_and_is_our_child(box):
    ppid, fds, sockets = call(box.open("introspect.py", "family")).value.tolist()
    assert ppid == os.getpid()  # forked ones are re-parented to the grader (a subreaper)
    assert fds == 5 and sockets == 0  # stdin, stdout, stderr, its two pipes: no server socket


def test_child_is_dumpable_and_the_fork_server_is_not(box):
    assert call(box.open("introspect.py", "dumpable")).value.tolist() == [1]
    pid = forkserver.server().pid
    if pid is not None:  # non-dumpable: /proc/<pid>/environ is root's, whoever started it
        assert os.stat(f"/proc/{pid}/environ").st_uid == 0


def test_forked_and_spawned_children_apply_the_same_protections():
    seen = []
    for fork_server in (True, False):
        with Sandbox(HOSTILE, FAST, fork_server=fork_server) as b:
            s = b.open("good.py", "step")
            assert s.failure is None and call(s).ok
            seen.append(s.protections)
    forked, spawned = seen
    assert not any(n.startswith("fork server") for n in forked.notes)
    assert forked == spawned


def test_a_dead_fork_server_is_replaced():
    with Sandbox(HOSTILE, FAST) as b:
        assert call(b.open("good.py", "step")).ok
        server = forkserver.server()
        first = server.pid
        if first is None:
            pytest.skip(f"no fork server here: {server.unavailable}")
        os.kill(first, signal.SIGKILL)
        s = b.open("good.py", "step")  # this one is spawned, and says why
        assert call(s).ok
        assert any(n.startswith("fork server: the fork server stopped answering")
                   for n in s.protections.notes)
        s = b.open("good.py", "step")
        assert call(s).ok and not any(n.startswith("fork server") for n in s.protections.notes)
        assert server.pid not in (None, first)


def test_a_hang_inside_a_batch_costs_one_call_limit(box):
    s = box.open("hangs.py", "third_call")
    calls = [Call(f"r{i}", [P.copy(), G.copy(), STATE], {"lr": 0.1}) for i in range(20)]
    results = s.call_many(calls)
    # 20 calls x 2 s would be 40 s; the exercise's 8 s limit is not what ends it either.
    assert all(r.failure.kind == FailureKind.TIMEOUT for r in results)
    assert "the time limit per call ran out" in results[0].failure.message
    assert group_gone(s.pid)


# --- failures at import -------------------------------------------------------------------------
def test_syntax_error(tmp_path):
    (tmp_path / "broken.py").write_text("def step(params, grad, state):\n    return params +\n")
    with Sandbox(tmp_path, FAST) as b:
        s = b.open("broken.py", "step")
    assert s.failure.kind == FailureKind.SYNTAX and "line 2" in s.failure.message
    assert "broken.py" in s.failure.detail and "^" in s.failure.detail
    r = call(s)
    assert r.value is None and r.failure.kind == FailureKind.SYNTAX
    assert r.failure.message.startswith("not run")


@pytest.mark.parametrize(("file", "needle"), [
    ("import_error.py", "numpy_that_does_not_exist"),
    ("name_error_at_import.py", "undefined_name"),
])
def test_import_error(box, file, needle):
    s = box.open(file, "step")
    assert s.failure.kind == FailureKind.IMPORT and needle in s.failure.message
    assert file in s.failure.detail and "grader" not in s.failure.detail
    assert group_gone(s.pid)


@pytest.mark.parametrize(("file", "function"), [
    ("no_such_file.py", "step"), ("raises.py", "no_such_function"), ("raises.py", "NOT_CALLABLE"),
])
def test_missing_file_or_function(box, file, function):
    s = box.open(file, function)
    assert s.failure.kind == FailureKind.MISSING
    assert call(s).failure.kind == FailureKind.MISSING


@pytest.mark.parametrize("file", ["sys_exit_at_import.py", "os_exit_at_import.py"])
def test_exit_during_import_is_a_failure(box, file):
    s = box.open(file, "step")
    assert s.failure.kind == FailureKind.EXIT and not s.alive
    assert not call(s).ok


def test_hang_during_import(box):
    t = time.monotonic()
    s = box.open("hangs_at_import.py", "step")
    assert s.failure.kind == FailureKind.TIMEOUT and "killed after 2 s" in s.failure.message
    assert time.monotonic() - t < FAST.call_timeout + 1.5
    assert group_gone(s.pid)


# --- failures in the call -----------------------------------------------------------------------
def test_student_text_is_always_utf8_encodable(box):
    r = call(box.open("raises.py", "surrogate"))
    assert r.failure.kind == FailureKind.EXCEPTION
    assert "half a character: \ufffd" in r.failure.message
    (r.failure.message + r.failure.detail).encode("utf-8")


def test_exception_in_the_call(box):
    s = box.open("raises.py", "step")
    r = call(s)
    assert r.failure.kind == FailureKind.EXCEPTION
    assert r.failure.message == "ValueError: the learner's bug"
    assert 'File "raises.py", line 5, in step' in r.failure.detail
    assert "child.py" not in r.failure.detail
    assert s.alive and call(s).failure.kind == FailureKind.EXCEPTION  # the session goes on


def test_student_text_is_escaped(box):
    r = call(box.open("raises.py", "escapes"))
    assert r.failure.kind == FailureKind.EXCEPTION
    for text in (r.failure.message, r.failure.detail, r.output.stdout):
        assert "\x1b" not in text and "\r" not in text
    assert "\\x1b[31mred" in r.failure.message and "score: 100/100\\x0d" in r.output.stdout
    r = call(box.open("raises.py", "unprintable"))
    assert r.failure.kind == FailureKind.EXCEPTION and "could not be printed" in r.failure.message


@pytest.mark.parametrize("function", ["busy", "sleeps", "stops_itself"])
def test_timeout_kills_everything(box, function):
    s = box.open("hangs.py", function)
    t = time.monotonic()
    r = call(s)
    assert r.failure.kind == FailureKind.TIMEOUT
    assert r.failure.message.startswith("killed after 2 s")
    assert time.monotonic() - t < FAST.call_timeout + 1.5
    assert group_gone(s.pid)
    t = time.monotonic()
    again = call(s)
    assert again.failure.kind == FailureKind.TIMEOUT and again.failure.message.startswith("not run")
    assert time.monotonic() - t < 0.1


def test_exercise_time_limit(tmp_path):
    with Sandbox(HOSTILE, Limits(call_timeout=30, exercise_timeout=1.5)) as b:
        s = b.open("hangs.py", "sleeps")
        t = time.monotonic()
        r = call(s)
    assert r.failure.kind == FailureKind.TIMEOUT and "exercise" in r.failure.message
    assert time.monotonic() - t < 2.5


def test_cpu_limit():
    with Sandbox(HOSTILE, Limits(call_timeout=10, cpu_seconds=1)) as b:
        s = b.open("hangs.py", "busy")
        t = time.monotonic()
        r = call(s)
    assert r.failure.kind == FailureKind.CPU, r.failure
    assert time.monotonic() - t < 4


@pytest.mark.parametrize(("function", "kind", "alive"), [
    ("sys_exit", FailureKind.EXIT, True),
    ("os_exit", FailureKind.EXIT, False),
    ("keyboard_interrupt", FailureKind.EXCEPTION, True),
])
def test_early_exit_is_a_failure_never_a_pass(box, function, kind, alive):
    s = box.open("exits.py", function)
    r = call(s)
    assert r.value is None and r.failure.kind == kind
    if kind == FailureKind.EXIT:
        assert "code 0" in r.failure.message or "sys.exit(0)" in r.failure.message
    assert s.alive is alive


@pytest.mark.parametrize(("function", "needle"), [
    ("segfault", "SIGSEGV"), ("aborts", "SIGABRT"), ("kills_own_group", "SIGTERM"),
])
def test_crash(box, function, needle):
    s = box.open("crashes.py", function)
    r = call(s)
    assert r.failure.kind == FailureKind.CRASH and needle in r.failure.message
    if function == "segfault":
        assert "Segmentation fault" in r.output.stderr and "crashes.py" in r.output.stderr
    assert group_gone(s.pid)
    assert box.open("good.py", "step").call("r", [P, G, STATE], {"lr": 0.1}).ok


@pytest.mark.parametrize("function", ["numpy_bomb", "bytes_bomb", "list_bomb"])
def test_memory_bomb(function):
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with Sandbox(HOSTILE, Limits(call_timeout=10, memory_bytes=512 << 20)) as b:
        s = b.open("memory.py", function)
        r = call(s)
    assert r.failure.kind == FailureKind.MEMORY, r.failure
    assert "MemoryError" in r.failure.detail or "Unable to allocate" in r.failure.message
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kib < 50_000


@pytest.mark.parametrize("function", ["stdout", "stderr", "stdout_ignoring_errors"])
def test_output_flood_is_truncated_and_killed(box, function):
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    s = box.open("flood.py", function)
    r = call(s)
    assert r.failure.kind == FailureKind.OUTPUT, r.failure
    assert "output flood" in r.failure.message and function[:6] in r.failure.message
    text = r.output.stdout + r.output.stderr
    assert "flood flood" in text and len(text) < FAST.output_bytes + 200
    assert "bytes cut" in text
    assert not s.alive and group_gone(s.pid)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 50_000


def test_output_is_bounded_per_call(box):
    s = box.open("good.py", "step")
    for _ in range(3):
        assert call(s).output.stdout.count("step") == 1  # each call gets its own output


# --- forged results ------------------------------------------------------------------------------
def test_fake_results_on_stdout_are_only_output(box):
    r = call(box.open("fake_results.py", "step"))
    assert r.ok
    np.testing.assert_array_equal(r.value, P + 1000.0)  # the returned value, not the printed one
    assert "score: 100" in r.output.stdout and '"type": "results"' in r.output.stdout


@pytest.mark.parametrize("function", ["garbage", "huge_header", "huge_array_claim"])
def test_garbage_on_the_result_pipe_is_a_protocol_failure(box, function):
    s = box.open("result_pipe.py", function)
    r = call(s)
    assert r.value is None and r.failure.kind == FailureKind.PROTOCOL, r.failure
    assert not s.alive and group_gone(s.pid)


def test_closing_the_result_pipe_is_a_failure(box):
    s = box.open("result_pipe.py", "closes_it")
    r = call(s)
    assert r.value is None and r.failure.kind in (FailureKind.EXIT, FailureKind.PROTOCOL)


def test_garbage_written_between_calls_is_caught(box):
    s = box.open("result_pipe.py", "after_return")
    assert call(s).ok
    time.sleep(0.5)
    r = call(s)
    assert r.failure.kind == FailureKind.PROTOCOL, r.failure


def test_garbage_at_import(box):
    s = box.open("garbage_at_import.py", "step")
    assert s.failure.kind == FailureKind.PROTOCOL


@pytest.mark.parametrize(("function", "needle"), [
    ("always_equal", "returned submission.AlwaysEqual, expected a numpy array"),
    ("a_list", "returned list, expected a numpy array"),
    ("returns_none", "returned None, expected a numpy array"),
    ("subclass", "subclass of numpy.ndarray"),
    ("matrix", "returned numpy.matrix"),
    ("masked", "subclass of numpy.ndarray"),
    ("numpy_scalar", "returned numpy.float64"),
    ("object_dtype", "dtype object"),
    ("int32", "dtype int32"),
    ("float16", "dtype float16"),
    ("big_endian", "dtype >f8"),
    ("huge", "larger than the limit"),
])
def test_bad_returns_are_rejected(box, function, needle):
    s = box.open("returns.py", function)
    r = call(s)
    assert r.value is None and r.failure.kind == FailureKind.BAD_RETURN
    assert needle in r.failure.message
    assert s.alive


@pytest.mark.parametrize(("function", "shape", "dtype"), [
    ("zero_d", (), np.float64), ("boolean", (3,), np.bool_), ("transposed", (3,), np.float64),
])
def test_odd_but_valid_arrays_travel_as_they_are(box, function, shape, dtype):
    r = call(box.open("returns.py", function))
    assert r.ok and r.value.shape == shape and r.value.dtype == dtype  # the caller compares


def test_transposed_matrix_arrives_in_the_right_order(box):
    m = np.arange(6.0).reshape(2, 3)
    r = box.open("returns.py", "transposed").call("t", [m, np.zeros((2, 3)), STATE])
    np.testing.assert_array_equal(r.value, m.T)


def test_result_size_limit_is_configurable():
    with Sandbox(HOSTILE, Limits(max_elements=100)) as b:
        s = b.open("good.py", "step")
        with pytest.raises(ValueError):
            s.call("r", [np.zeros(80), np.zeros(80), STATE])
        r = s.call_many([Call("r", [np.zeros(30), np.zeros(30), STATE])] * 1)
        assert r[0].ok


def test_monkeypatched_numpy_has_no_effect_on_the_parent(box):
    s = box.open("monkeypatch.py", "wrong")
    r = call(s)
    assert r.ok and type(r.value) is np.ndarray
    assert not np.allclose(r.value, EXPECTED)  # the parent's own NumPy
    assert np.allclose.__module__.startswith("numpy") and not np.array_equal([1], [2])
    r = call(box.open("monkeypatch.py", "list_as_ndarray"))
    assert r.failure.kind == FailureKind.BAD_RETURN
    r = call(box.open("monkeypatch.py", "object_array"))
    assert not r.ok or (r.value.dtype == np.float64 and not np.allclose(r.value, EXPECTED))


def test_broken_builtins_fail_the_exercise(box):
    s = box.open("breaks_builtins.py", "step")
    assert s.failure is not None and not call(s).ok


# --- the grader's process ------------------------------------------------------------------------
DRIVER = textwrap.dedent("""
    import json, sys
    import numpy as np
    from grader.sandbox import Limits, Sandbox, STATE
    with Sandbox(sys.argv[2], Limits(call_timeout=3, exercise_timeout=6)) as box:
        s = box.open("signals_parent.py", sys.argv[1])
        r = s.call("r", [np.ones(3), np.ones(3), STATE], {"lr": 0.1})
        after = box.open("good.py", "step").call("r", [np.ones(3), np.ones(3), STATE])
    print(json.dumps({"kind": r.failure and r.failure.kind, "detail": r.failure and
                      r.failure.detail, "after": after.ok}))
""")


@pytest.mark.parametrize("function", [
    "sigterm", "sigint", "sigstop", "sigkill", "parent_group", "probe_everyone",
])
def test_child_cannot_signal_the_grader(protections, function):
    if not protections.signals_blocked:
        pytest.skip("neither seccomp nor Landlock's signal scope applies here")
    # The grader is a separate driver process in its own session: if the defence failed, the
    # driver (not pytest) would be stopped or killed, and this test would fail.
    proc = subprocess.Popen([sys.executable, "-c", DRIVER, function, str(HOSTILE)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    try:
        out, err = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGCONT)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail("the grader hung: its child stopped it")
    assert proc.returncode == 0, (proc.returncode, err.decode()[-2000:])
    report = json.loads(out)
    assert report["kind"] == "exception" and "PermissionError" in report["detail"]
    assert report["after"]  # the next exercise is graded as usual


def test_fork_bomb_is_refused_and_nothing_is_left(box, protections):
    s = box.open("processes.py", "fork_bomb")
    r = call(s)
    if protections.seccomp:
        assert r.failure.kind == FailureKind.EXCEPTION and "PermissionError" in r.failure.message
    elif protections.uid != 0:  # RLIMIT_NPROC=1 (root is exempt from it)
        assert r.failure.kind == FailureKind.EXCEPTION
    s.close()
    assert group_gone(s.pid)  # whatever was forked died with the group


def test_no_subprocess_by_default(box, protections):
    r = call(box.open("processes.py", "shell"))
    assert not r.ok


def test_background_process_is_killed_with_the_session(protections):
    with Sandbox(HOSTILE, Limits(call_timeout=3, subprocesses=True)) as b:
        s = b.open("processes.py", "background")
        r = call(s)
        assert r.ok, r.failure
        pid, escaped = r.value.tolist()
        assert not pid_gone(pid)
        if escaped:  # without seccomp, setsid() leaves the group: a documented limitation
            os.kill(pid, signal.SIGKILL)
            pytest.skip("setsid() is allowed here, so a grandchild can leave the process group")
    assert group_gone(s.pid)
    deadline = time.monotonic() + 3
    while not pid_gone(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert pid_gone(pid)


def test_network_is_blocked(box, protections):
    if not protections.network_blocked:
        pytest.skip("no network isolation applies here")
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        server.settimeout(0.5)
        port = server.getsockname()[1]
        r = box.open("network.py", "connect").call("n", [port])
        assert r.failure is not None and r.failure.kind == FailureKind.EXCEPTION
        with pytest.raises(TimeoutError):
            server.accept()


def test_filesystem_outside_the_copy_is_out_of_reach(box, protections):
    if protections.landlock == 0:
        pytest.skip("Landlock does not apply here")
    r = box.open("snoop.py", "parent_environ").call("s", [0])
    assert r.failure.kind == FailureKind.EXCEPTION and "PermissionError" in r.failure.message
    planted = Path("/tmp/tutor-sandbox-escape.txt")  # the path snoop.py tries to write
    planted.unlink(missing_ok=True)
    r = box.open("snoop.py", "write_outside").call("s", [0])
    assert r.failure.kind == FailureKind.EXCEPTION and "PermissionError" in r.failure.message
    assert not planted.exists()


def test_submission_folder_is_never_modified(box):
    def digest() -> str:
        h = hashlib.sha256()
        for p in sorted(HOSTILE.rglob("*")):
            if "__pycache__" in p.parts:
                continue
            h.update(str(p.relative_to(HOSTILE)).encode())
            if p.is_file():
                h.update(p.read_bytes())
        return h.hexdigest()

    before = digest()
    s = box.open("vandal.py", "step")
    assert s.failure is None
    assert call(s).ok
    assert digest() == before
    assert (HOSTILE / "nested" / "data.txt").read_text().startswith("data the vandal")
    assert box.open("good.py", "step").call("r", [P, G, STATE]).ok  # a fresh copy per session


def test_temporary_folders_are_removed(tmp_path):
    b = Sandbox(HOSTILE, FAST)
    s = b.open("good.py", "step")
    work = Path(b._tmp)
    assert work.is_dir() and call(s).ok
    b.close()
    assert not work.exists() and group_gone(s.pid)
    assert not call(s).ok


def test_submission_size_limit(tmp_path):
    (tmp_path / "good.py").write_text((HOSTILE / "good.py").read_text())
    (tmp_path / "blob.bin").write_bytes(b"\0" * 4096)
    with Sandbox(tmp_path, Limits(max_copy_bytes=1024)) as b:
        s = b.open("good.py", "step")
    assert s.failure.kind == FailureKind.SANDBOX and "larger than" in s.failure.message


def test_symlinks_are_copied_as_links_not_followed(tmp_path):
    (tmp_path / "good.py").write_text((HOSTILE / "good.py").read_text())
    secret = tmp_path.parent / f"{tmp_path.name}-secret.txt"
    secret.write_text("secret")
    (tmp_path / "link.txt").symlink_to(secret)
    os.mkfifo(tmp_path / "fifo")  # would block a naive copy
    with Sandbox(tmp_path, FAST) as b:
        s = b.open("good.py", "step")
        work = Path(b._tmp) / "s1" / "work"
        assert (work / "link.txt").is_symlink() and not (work / "fifo").exists()
        assert call(s).ok
    secret.unlink()


def test_submission_cannot_shadow_modules(tmp_path):
    (tmp_path / "good.py").write_text((HOSTILE / "good.py").read_text())
    for name in ("numpy.py", "sitecustomize.py", "usercustomize.py", "json.py", "grader.py"):
        (tmp_path / name).write_text("raise SystemExit('imported from the submission')\n")
    with Sandbox(tmp_path, FAST) as b:
        s = b.open("good.py", "step")
        assert s.failure is None, s.failure
        assert call(s).ok


def test_parent_never_imports_student_code(box):
    call(box.open("good.py", "step"))
    assert "submission" not in sys.modules
    assert not any(str(HOSTILE) in str(getattr(m, "__file__", "") or "")
                   for m in list(sys.modules.values()))


def test_privilege_drop_when_root(monkeypatch):
    if os.geteuid() != 0:
        pytest.skip("only root drops privileges")
    monkeypatch.setattr(sandbox_module, "_drop_target", lambda limits: ((65534, 65534), None))
    with Sandbox(HOSTILE, FAST) as b:
        s = b.open("introspect.py", "ids")
        assert s.failure is None, (s.failure, s.output)
        assert s.protections.uid == 65534
        assert call(s).value[0] == 65534
        assert call(b.open("good.py", "step")).ok


def test_protections_on_this_machine(protections, capsys):
    with capsys.disabled():
        print(f"\nsandbox protections here: {protections}")
    if sys.platform.startswith("linux"):
        assert protections.rlimits


# --- the wire format ----------------------------------------------------------------------------
def frame(header: dict, payload: bytes = b"") -> bytes:
    body = json.dumps(header).encode()
    return len(body).to_bytes(4, "big") + body + payload


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "bool"])
@pytest.mark.parametrize("shape", [(), (0,), (1,), (3,), (2, 3), (2, 1, 2)])
def test_round_trip(dtype, shape):
    a = (np.arange(int(np.prod(shape))).reshape(shape) % 3).astype(dtype)
    reader = protocol.FrameReader(1000)
    for part in protocol.encode({"type": "x"}, [a]):
        for i in range(0, len(part), 5):  # byte by byte-ish: frames may arrive in pieces
            reader.feed(bytes(part[i:i + 5]))
    header, (b,) = reader.pop()
    assert header["type"] == "x" and b.dtype == a.dtype and b.shape == a.shape
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(("data", "needle"), [
    (b"\xff\xff\xff\xff", "header of"),
    (b"\x00\x00\x00\x01x", "header of"),
    (frame({"a": 1})[:4] + b"\x80" * (len(frame({"a": 1})) - 4), "not JSON"),
    (frame([1, 2]), "not a JSON object"),
    (frame({"arrays": [{"dtype": "object", "shape": [1]}]}), "dtype"),
    (frame({"arrays": [{"dtype": "float64", "shape": [10**9]}]}), "exceed"),
    (frame({"arrays": [{"dtype": "float64", "shape": [-1]}]}), "non-negative"),
    (frame({"arrays": [{"dtype": "float64", "shape": [True]}]}), "non-negative"),
    (frame({"arrays": [{"dtype": "float64", "shape": [1] * 9}]}), "at most"),
    (frame({"arrays": [{"dtype": "float64", "shape": [1], "x": 1}]}), "{dtype, shape}"),
    (frame({"arrays": "no"}), "not a list"),
])
def test_malformed_frames_are_rejected(data, needle):
    reader = protocol.FrameReader(1000)
    with pytest.raises(protocol.ProtocolError) as info:
        reader.feed(data)
    assert needle in str(info.value)


def test_deeply_nested_json_is_rejected():
    reader = protocol.FrameReader(1000)
    body = b"[" * 50000 + b"]" * 50000
    with pytest.raises(protocol.ProtocolError):
        reader.feed(len(body).to_bytes(4, "big") + body)


def test_frames_before_garbage_are_delivered_first():
    reader = protocol.FrameReader(1000)
    good = b"".join(bytes(p) for p in protocol.encode({"type": "hello"}))
    reader.feed(good + b"\x00\x00\x00\x05junk!")  # one read may hold both
    assert reader.pop()[0]["type"] == "hello"
    with pytest.raises(protocol.ProtocolError):
        reader.pop()
    with pytest.raises(protocol.ProtocolError):
        reader.feed(good)
