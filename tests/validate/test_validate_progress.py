"""Progress of ``kgtool validate``: on a terminal's stderr only, off with ``--quiet``.

The real CLI runs in a child process whose stderr is a pseudo-terminal (or a pipe)."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-c", "from kgtool.cli import main; main()"]


def _run_on_terminal(*args: str) -> tuple[int, str, str]:
    """Exit code, stdout (a pipe) and what reached the terminal on stderr."""
    leader, follower = pty.openpty()
    # a terminal 120 columns wide (a new pseudo-terminal has none: tqdm would cut every line)
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 120, 0, 0))
    process = subprocess.Popen(
        [*CLI, "--project", str(ROOT), "validate", *args],
        stdout=subprocess.PIPE,
        stderr=follower,
        stdin=subprocess.DEVNULL,
    )
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    stdout, _ = process.communicate(timeout=120)
    os.close(leader)
    return process.returncode, stdout.decode(), seen.decode(errors="replace")


def test_a_terminal_sees_each_phase_with_how_far_and_elapsed():
    code, stdout, terminal = _run_on_terminal("--lang", "en")
    assert code == 0
    assert stdout == "No findings: the graph conforms to the shapes.\n"
    assert "load (Oxigraph)" in terminal
    assert "SHACL 1/" in terminal  # rule k of n
    assert "Python checks" in terminal
    assert "00:0" in terminal  # elapsed, as tqdm writes it


def test_quiet_turns_progress_off_on_a_terminal():
    code, stdout, terminal = _run_on_terminal("--quiet", "--lang", "en")
    assert code == 0
    assert "SHACL" not in terminal and "load" not in terminal
    assert stdout.endswith("conforms to the shapes.\n")


def test_no_progress_when_stderr_is_not_a_terminal():
    result = subprocess.run(
        [*CLI, "--project", str(ROOT), "validate", "--lang", "en"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0
    assert result.stderr == ""
