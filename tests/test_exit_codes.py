"""One exit-code contract for every command: 0, 1 findings, 2 user error, 3 bug, 130 Ctrl-C.

An internal error is forced by running the real CLI in a fresh Python process that first
replaces a library function with one that raises (``python -c``), then calls ``kgtool.cli.main``:
nothing in kgtool itself knows about the fault.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest
from terminal import ctrl_c_as_in_a_terminal, ctrl_c_ignored

ROOT = Path(__file__).resolve().parent.parent

# Every command, with arguments that would otherwise work (or at least get past parsing).
COMMANDS = {
    "describe": ["describe", "1980"],
    "export": ["export", "network", "-o", "{tmp}/n.graphml"],
    "plot": ["plot", "network", "-o", "{tmp}/n.svg"],
    "info": ["info"],
    "publish": ["publish", "-o", "{tmp}/site"],
    "push": ["push", "--endpoint", "http://127.0.0.1:9"],
    "queries": ["queries"],
    "query": ["query", "find-by-name"],
    "serve": ["serve", "--port", "0"],
    "sparql": ["sparql", "ASK {}"],
    "stats": ["stats"],
    "validate": ["validate"],
    "new": ["new", "collaboration", "x-test", "--name", "X"],
    "import": [
        "import",
        "memberships",
        "kgtool/authoring/templates/memberships.csv",
        "--collaboration",
        "fyra-malarstader",
        "--source",
        "000",
    ],
    "diff": ["diff", "HEAD"],
    "release": ["release", "9.9.9"],
    "coverage": ["coverage"],
    "changes": ["changes", "--from", "2019", "--to", "2021"],
}

FAULT = """
import sys
import kgtool.project

def broken(*args, **kwargs):
    raise {exception}("forced fault for the test")

kgtool.project.find_project = broken
sys.argv = ["kgtool", *sys.argv[1:]]
from kgtool.cli import main
main()
"""


def run_with_fault(args: list[str], exception: str = "RuntimeError", timeout: float = 120):
    code = FAULT.format(exception=exception)
    return subprocess.run(
        [sys.executable, "-c", code, "--project", str(ROOT), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
    )


def test_every_command_is_listed():
    from kgtool.cli import cli

    assert sorted(cli.commands) == sorted(COMMANDS)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_internal_error_is_exit_3_one_line(name, tmp_path):
    args = [part.replace("{tmp}", str(tmp_path)) for part in COMMANDS[name]]
    result = run_with_fault(args)
    assert result.returncode == 3, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines == [
        "kgtool: internal error (RuntimeError: forced fault for the test); this is a bug in "
        "kgtool, please report it with the output of the same command run with --debug"
    ]


@pytest.mark.parametrize("name", ["validate", "push"])
def test_internal_error_with_debug_shows_traceback(name, tmp_path):
    args = [part.replace("{tmp}", str(tmp_path)) for part in COMMANDS[name]]
    result = run_with_fault(["--debug", *args])
    assert result.returncode == 3
    assert "Traceback (most recent call last)" in result.stderr
    assert "RuntimeError: forced fault for the test" in result.stderr
    assert result.stderr.rstrip().endswith("please report it with the traceback above")


@pytest.mark.parametrize("name", ["query", "stats"])
def test_ctrl_c_is_exit_130(name):
    result = run_with_fault(COMMANDS[name], exception="KeyboardInterrupt")
    assert result.returncode == 130, result.stderr
    assert result.stderr.strip() == "kgtool: interrupted"


def test_ctrl_c_signal_is_exit_130():
    """A real SIGINT to ``kgtool sparql --endpoint`` waiting on a server that never answers."""
    import signal

    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(5)
        silent.settimeout(300)  # readiness is the connection, however slow the start
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/sparql"
        code = "import sys; from kgtool.cli import main; sys.argv[0] = 'kgtool'; main()"
        args = ["sparql", "ASK {}", "--endpoint", url, "--timeout", "60"]
        process = subprocess.Popen(
            [sys.executable, "-c", code, "--project", str(ROOT), *args],
            stderr=subprocess.PIPE,
            text=True,
            preexec_fn=ctrl_c_as_in_a_terminal,
        )
        try:
            connection, _ = silent.accept()
            connection.settimeout(300)
            assert connection.recv(65536)  # the request has arrived: kgtool waits for the answer
            process.send_signal(signal.SIGINT)
            _, stderr = process.communicate(timeout=120)
            connection.close()
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    assert process.returncode == 130, stderr
    assert stderr.strip() == "kgtool: interrupted"


def console_script() -> Path:
    """The installed ``kgtool`` console script beside this interpreter (what a user runs)."""
    script = Path(sys.executable).parent / "kgtool"
    if not script.is_file():
        pytest.skip(f"no kgtool console script beside {sys.executable}: install the package")
    return script


@pytest.mark.parametrize(
    "when",
    ["kgtool.entry", "click", "kgtool.cli.query_commands"],
    ids=["entry-loaded", "importing-click", "importing-commands"],
)
def test_ctrl_c_while_starting_is_exit_130(when):
    """SIGINT while the CLI is still being imported: exit 130 and one line, no traceback.

    Readiness comes from the interpreter itself: with ``PYTHONPROFILEIMPORTTIME`` every finished
    import is a line on stderr, so the signal is sent right after ``when`` was imported, while the
    rest of the CLI is still loading (no fixed sleep)."""
    import os
    import signal

    env = dict(os.environ, PYTHONPROFILEIMPORTTIME="1")
    process = subprocess.Popen(
        [str(console_script()), "--project", str(ROOT), "stats"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        preexec_fn=ctrl_c_as_in_a_terminal,
    )
    lines = []
    try:
        for line in process.stderr:
            lines.append(line)
            if line.startswith("import time:") and line.rsplit("|", 1)[-1].strip() == when:
                process.send_signal(signal.SIGINT)
                break
        else:
            pytest.fail(f"{when} was never imported:\n{''.join(lines)}")
        rest = process.stderr.read()
        process.wait(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    said = [line for line in rest.splitlines() if not line.startswith("import time:")]
    assert process.returncode == 130, rest
    assert said == ["kgtool: interrupted"], rest


def test_ctrl_c_ignored_by_the_caller_stays_ignored():
    """Started with SIGINT ignored (a background command of a script), kgtool keeps ignoring it,
    as Python does: a Ctrl-C meant for the foreground while the CLI loads changes nothing."""
    import os
    import signal

    env = dict(os.environ, PYTHONPROFILEIMPORTTIME="1")
    process = subprocess.Popen(
        [str(console_script()), "--project", str(ROOT), "queries"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        preexec_fn=ctrl_c_ignored,
    )
    try:
        for line in process.stderr:
            if line.startswith("import time:") and line.rsplit("|", 1)[-1].strip() == "click":
                process.send_signal(signal.SIGINT)
                break
        out, rest = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, rest
    assert "members-of-collaboration" in out
    assert "interrupted" not in rest


def test_ctrl_c_after_the_command_keeps_its_exit_code():
    """A SIGINT once the command's output is written neither kills the process by signal nor
    prints a traceback from the interpreter's shutdown: the command's own exit code stands."""
    import signal

    process = subprocess.Popen(
        [str(console_script()), "--project", str(ROOT), "queries"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=ctrl_c_as_in_a_terminal,
    )
    out = process.stdout.readline()  # the command is answering
    process.stdout.read()  # ... and has written everything
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    assert out.strip()
    assert process.returncode in (0, 130), stderr
    assert "Traceback" not in stderr


def test_user_error_is_exit_2_one_line(run_cli):
    result = run_cli("query", "no-such-query")
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1


def test_findings_are_exit_1(run_cli):
    broken = ROOT / "tests" / "fixtures" / "broken" / "MembershipMemberIsKnown.ttl"
    result = run_cli("validate", "--data", str(broken), "-f", "json")
    assert result.exit_code == 1, result.output


def test_a_failed_query_leaks_nothing(run_cli, monkeypatch):
    """The engine's result iterator of a query that failed is freed in its own thread: freed in
    another (when the error's frames are collected later) it would be leaked with a warning."""
    import gc
    import sys

    unraisable = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{holder.getsockname()[1]}/sparql"
        result = run_cli(
            "sparql", f"SELECT * {{ SERVICE <{url}> {{ ?s ?p ?o }} }}", "--allow-remote"
        )
    assert result.exit_code == 2, result.output
    del result
    gc.collect()
    assert [str(u.exc_value) for u in unraisable] == []


def test_service_to_closed_port_is_exit_2_naming_the_url(run_cli):
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        port = holder.getsockname()[1]
        url = f"http://127.0.0.1:{port}/sparql"
        result = run_cli(
            "sparql", f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}", "--allow-remote"
        )
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == (
        f"Error: SERVICE <{url}>: connection refused (is the server running?)"
    )
