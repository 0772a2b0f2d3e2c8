"""Fixtures for the saved-query tests: the real Oxigraph server, and golden-file handling."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

GOLDEN = Path(__file__).resolve().parent.parent / "golden"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def oxigraph_binary() -> Path:
    """The ``oxigraph`` server installed next to this Python (PyPI package ``oxigraph``)."""
    binary = Path(sys.executable).parent / "oxigraph"
    if not binary.exists():
        pytest.fail(f"the Oxigraph server is missing: {binary} (pip install oxigraph)")
    return binary


class OxigraphServer:
    """A running ``oxigraph serve`` process: its base URL and its own process."""

    def __init__(self, location: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = location.with_suffix(".log")
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [
                    str(oxigraph_binary()),
                    "serve",
                    "--location",
                    str(location),
                    "--bind",
                    f"127.0.0.1:{self.port}",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self._wait()

    def _wait(self, seconds: float = 20) -> None:
        deadline = time.monotonic() + seconds
        probe = f"{self.url}/query?query=ASK%7B%7D"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"oxigraph exited: {self.log.read_text(errors='replace')}")
            try:
                with urllib.request.urlopen(probe, timeout=1) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        self.stop()
        pytest.fail(f"oxigraph did not answer on {self.url} within {seconds} s")

    def count(self) -> int:
        """Triples in the default graph, asked over HTTP."""
        import json
        from urllib.parse import quote

        query = quote("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        request = urllib.request.Request(
            f"{self.url}/query?query={query}",
            headers={"Accept": "application/sparql-results+json"},
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            data = json.load(answer)
        return int(data["results"]["bindings"][0]["n"]["value"])

    def stop(self) -> None:
        """Stop this server by its own process id."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture(scope="session")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    """A real Oxigraph server on 127.0.0.1, a free port and a temporary store."""
    server = OxigraphServer(tmp_path_factory.mktemp("oxigraph") / "store")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def pushed(oxigraph: OxigraphServer, project_dir: Path) -> OxigraphServer:
    """The Oxigraph server with the project's graph pushed into its default graph."""
    from click.testing import CliRunner

    from kgtool.cli import cli

    result = CliRunner().invoke(
        cli, ["--project", str(project_dir), "push", "--endpoint", oxigraph.url]
    )
    assert result.exit_code == 0, result.output + result.stderr
    return oxigraph


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    """True when pytest runs with ``--update-golden`` (registered in tests/conftest.py)."""
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def dead_port() -> Iterator[int]:
    """A port that refuses connections: bound, never listening."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        yield holder.getsockname()[1]


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory):
    """A real Virtuoso (Debian's virtuoso-opensource) on 127.0.0.1 with a temporary database."""
    from stores import VirtuosoServer

    server = VirtuosoServer(tmp_path_factory.mktemp("virtuoso"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def portable_project(tmp_path_factory: pytest.TempPathFactory, project_dir: Path) -> Path:
    """The project with its xsd:duration literals as plain strings, which every store can hold.

    Virtuoso 7 cannot store xsd:duration faithfully (docs/stores.md); the local engine and the
    store are compared on this same copy.
    """
    import re
    import shutil

    copy = tmp_path_factory.mktemp("portable")
    for folder in ("ontology", "shapes", "queries"):
        (copy / folder).symlink_to(project_dir / folder)
    shutil.copytree(project_dir / "data", copy / "data")
    changed = 0
    for path in (copy / "data").rglob("*.ttl"):
        text = path.read_text(encoding="utf-8")
        new, n = re.subn(r'"(P[0-9YMDTHS.]+)"\^\^xsd:duration', r'"\1"', text)
        if n:
            path.write_text(new, encoding="utf-8")
            changed += n
    assert changed, "the project has xsd:duration literals: this copy replaces them"
    return copy
