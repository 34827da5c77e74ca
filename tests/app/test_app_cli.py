"""`tutor` and `tutor serve` as users start them: real child processes, a real pseudo-terminal
where the app needs one, a real HTTP request to the served page (on this machine only)."""

from __future__ import annotations

import asyncio
import os
import pty
import select
import socket
import sqlite3
import struct
import subprocess
import sys
import time
import urllib.request
from fcntl import ioctl
from pathlib import Path
from termios import TIOCSWINSZ

import aiohttp

from tutor.progress import Progress

TIMEOUT = 60.0


def tutor_in_a_terminal(*args: str) -> tuple[subprocess.Popen[bytes], int]:
    """`tutor ARGS` in a 80x24 pseudo-terminal (stdin, stdout and stderr: Textual draws on
    stderr); returns the process and the terminal's other end."""
    master, slave = pty.openpty()
    ioctl(slave, TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color"}
    proc = subprocess.Popen([sys.executable, "-m", "tutor", *args], stdin=slave, stdout=slave,
                            stderr=slave, env=env)
    os.close(slave)
    return proc, master


def read_until(master: int, needle: bytes, deadline: float) -> bytes:
    """What the terminal showed up to `needle` (or up to the end, for b"")."""
    seen = b""
    while not needle or needle not in seen:
        assert time.monotonic() < deadline, f"{needle!r} not shown; got {seen[-500:]!r}"
        if select.select([master], [], [], 0.05)[0]:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the child closed the terminal
                chunk = b""
            if not chunk and not needle:
                break
            seen += chunk
    return seen


def test_no_terminal_is_one_line_and_exit_2(tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, "-m", "tutor", "--db", str(tmp_path / "p.sqlite3")],
                         capture_output=True, text=True, timeout=TIMEOUT)
    assert out.returncode == 2
    assert out.stdout == ""
    assert len(out.stderr.strip().splitlines()) == 1, out.stderr
    assert "needs a terminal" in out.stderr and "Traceback" not in out.stderr
    assert not (tmp_path / "p.sqlite3").exists()  # refused before touching anything


def test_the_app_paints_in_a_terminal_and_q_quits(tmp_path: Path) -> None:
    db = tmp_path / "p.sqlite3"
    start = time.monotonic()
    proc, master = tutor_in_a_terminal("--db", str(db), "--lang", "ko")
    try:
        read_until(master, "미분과 접선".encode(), start + TIMEOUT)  # lesson 1, in Korean
        os.write(master, b"q")
        assert proc.wait(timeout=TIMEOUT) == 0
    finally:
        proc.kill()
        os.close(master)
    with Progress.open(db) as store:  # --lang is for this run; the app's `l` is remembered
        assert store.setting("lang") is None


def test_an_unusable_progress_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    db = tmp_path / "p.sqlite3"
    Progress.open(db).close()
    with sqlite3.connect(db) as conn:  # as if a newer tutor had written it
        conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    proc, master = tutor_in_a_terminal("--db", str(db))
    try:
        shown = read_until(master, b"", time.monotonic() + TIMEOUT).decode()
        assert proc.wait(timeout=TIMEOUT) == 2
    finally:
        proc.kill()
        os.close(master)
    assert len(shown.strip().splitlines()) == 1, shown
    assert "newer tutor" in shown and "Traceback" not in shown


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def test_serve_prints_the_url_and_serves_the_app(tmp_path: Path) -> None:
    """The page, then the app itself over the websocket, run with the given --db and --lang."""
    port = free_port()
    db = tmp_path / "p.sqlite3"
    proc = subprocess.Popen([sys.executable, "-m", "tutor", "--db", str(db), "--lang", "ko",
                             "serve", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        url = f"http://127.0.0.1:{port}"
        assert url in first, first
        deadline = time.monotonic() + TIMEOUT
        while True:
            try:
                with urllib.request.urlopen(url, timeout=5) as page:
                    body = page.read().decode()
                break
            except OSError:
                assert time.monotonic() < deadline and proc.poll() is None, "no page served"
                time.sleep(0.2)
        assert f"ws://127.0.0.1:{port}/ws" in body
        seen = b""
        async with aiohttp.ClientSession() as session, session.ws_connect(
                f"ws://127.0.0.1:{port}/ws?width=80&height=24") as ws:
            while "미분과 접선".encode() not in seen:  # lesson 1's title, in Korean
                message = await asyncio.wait_for(ws.receive(), TIMEOUT)
                assert message.type in (aiohttp.WSMsgType.BINARY, aiohttp.WSMsgType.TEXT)
                seen += message.data if isinstance(message.data, bytes) else message.data.encode()
        assert db.exists()
    finally:
        proc.terminate()
        proc.wait(timeout=TIMEOUT)


def test_serve_help_imports_nothing_heavy() -> None:
    probe = ("import sys\nsys.argv = ['tutor', 'serve', '--help']\nfrom tutor.cli import main\n"
             "try:\n    main()\nexcept SystemExit:\n    pass\n"
             "print('LOADED', [m for m in ('textual', 'textual_serve', 'numba', 'sympy') "
             "if m in sys.modules])\n")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         timeout=TIMEOUT)
    assert "LOADED []" in out.stdout, out.stdout + out.stderr
