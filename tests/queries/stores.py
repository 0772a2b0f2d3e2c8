"""Real SPARQL stores for the tests: Debian's Virtuoso, and helpers to ask any store over HTTP.

The Virtuoso server runs from a minimal ``virtuoso.ini`` written into a temporary folder (its
database files live there too), on free ports of 127.0.0.1, started and stopped by its PID.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import pytest

VIRTUOSO_INI = """\
[Database]
DatabaseFile = virtuoso.db
ErrorLogFile = virtuoso.log
LockFile = virtuoso.lck
TransactionFile = virtuoso.trx
xa_persistent_file = virtuoso.pxa
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = virtuoso-temp.db
TransactionFile = virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = .

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerThreads = 4
MaxClientConnections = 4
Charset = UTF-8

[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 60
"""

TEMPORARY_PREFIX = "urn:kgtool:push:"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def select(url: str, query: str, auth: tuple[str, str] | None = None) -> list[dict]:
    """The bindings of a SELECT, asked with plain urllib (independent of kgtool's client)."""
    opener = urllib.request.build_opener()
    if auth:
        manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        manager.add_password(None, url, *auth)
        opener = urllib.request.build_opener(urllib.request.HTTPDigestAuthHandler(manager))
    request = urllib.request.Request(
        url,
        data=urlencode({"query": query}).encode(),
        headers={"Accept": "application/sparql-results+json"},
    )
    with opener.open(request, timeout=30) as answer:
        return json.load(answer)["results"]["bindings"]


def count(url: str, graph: str | None = None) -> int:
    pattern = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
    rows = select(url, f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}")
    return int(rows[0]["n"]["value"])


def temporary_graphs(url: str) -> list[str]:
    """Every ``urn:kgtool:push:…`` graph in the store (listing all its graphs)."""
    rows = select(url, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    graphs = (row["g"]["value"] for row in rows)
    return sorted(graph for graph in graphs if graph.startswith(TEMPORARY_PREFIX))


def virtuoso_binary() -> str:
    found = shutil.which("virtuoso-t")
    if found is None:
        message = "Virtuoso is missing (apt-get install virtuoso-opensource; .ci/run does)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return found


class VirtuosoServer:
    """A running ``virtuoso-t`` on a temporary database: /sparql (read) and /sparql-auth."""

    user, password = "dba", "dba"  # the Debian package's defaults

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.http_port = free_port()
        (folder / "virtuoso.ini").write_text(
            VIRTUOSO_INI.format(sql_port=free_port(), http_port=self.http_port), encoding="utf-8"
        )
        self.base = f"http://127.0.0.1:{self.http_port}"
        self.query_url = f"{self.base}/sparql"
        self.auth_url = f"{self.base}/sparql-auth"
        self.process: subprocess.Popen | None = None
        self.start()

    def start(self, seconds: float = 60) -> None:
        log = (self.folder / "server.log").open("ab")
        self.process = subprocess.Popen(
            [virtuoso_binary(), "+foreground", "+configfile", str(self.folder / "virtuoso.ini")],
            cwd=self.folder,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"virtuoso exited: {(self.folder / 'server.log').read_text()}")
            try:
                select(self.query_url, "SELECT * WHERE { ?s ?p ?o } LIMIT 1")
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        pytest.fail(f"virtuoso did not answer on {self.query_url} within {seconds} s")

    def reading(self, graph: str) -> str:
        """The query URL that reads ``graph`` as the default graph (Virtuoso's is all graphs)."""
        return f"{self.query_url}?{urlencode({'default-graph-uri': graph})}"

    def kill(self) -> None:
        """SIGKILL, as a crash would: no checkpoint, no goodbye."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
