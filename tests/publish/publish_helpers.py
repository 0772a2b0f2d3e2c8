"""Helpers for the publishing tests (imported by conftest.py and the test modules)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner
from terminal import ctrl_c_as_in_a_terminal

from kgtool.cli import cli

ROOT = Path(__file__).resolve().parents[2]
SHAPES = Path(__file__).resolve().parent / "shapes"
ARTIFACTS = ROOT / "tests" / "artifacts"
HOSTILE_LABEL = "<script>alert(1)</script>"
HOSTILE_TTL = f"""\
BASE <https://w3id.org/kommunsamverkan/id/>
PREFIX ks: <https://w3id.org/kommunsamverkan/def/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>

<collaboration/hostile>
    a ks:Collaboration ;
    rdfs:label "{HOSTILE_LABEL}"@sv .
"""


def publish_to(project: Path, out: Path, *extra: str) -> Path:
    """Run ``kgtool publish`` through the real CLI; fail the test on a non-zero exit."""
    result = CliRunner().invoke(cli, ["--project", str(project), "publish", "-o", str(out), *extra])
    assert result.exit_code == 0, result.output + (result.stderr or "")
    return out


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def kgtool_command() -> list[str]:
    script = Path(sys.executable).with_name("kgtool")
    if script.exists():
        return [str(script)]
    found = shutil.which("kgtool")
    assert found, "the kgtool console script is not installed"
    return [found]


class Server:
    """A ``kgtool serve`` subprocess on a free port, stopped by its own pid."""

    def __init__(self, project: Path, *options: str, env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = (ARTIFACTS / f"serve-{self.port}.log").resolve()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        command = [*kgtool_command(), "--project", str(project), "serve", "--port", str(self.port)]
        self._log_file = self.log.open("w")
        self.process = subprocess.Popen(
            [*command, *options],
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
            preexec_fn=ctrl_c_as_in_a_terminal,  # the lifecycle tests send it SIGINT
        )

    def wait_ready(self, timeout: float = 60.0) -> None:
        import httpx

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"kgtool serve exited: {self.log.read_text()}")
            try:
                if httpx.get(self.url + "/", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        raise RuntimeError(f"kgtool serve did not start in {timeout} s: {self.log.read_text()}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)
        self._log_file.close()


def leftovers(out: Path) -> list[str]:
    """The ``.NAME.kgtool-…`` folders beside ``out`` (a staging folder, an old site)."""
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.kgtool-"))


def wait_for_no_leftovers(out: Path, timeout: float = 60) -> list[str]:
    """Wait until the old site a publish replaced (deleted by a detached process) is gone
    from beside ``out``; the leftovers still there after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while (found := leftovers(out)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return found
