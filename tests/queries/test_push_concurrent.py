"""Two pushes to one store at once each end with their own target complete; a push verifies
its target (count and checksum), and ``push --verify`` finds a partial or altered target.

A real Oxigraph server. The first push is held after its third chunk until the second push has
finished (a wrapper around ``send_update`` only decides *when*; every request goes to the real
server), so the two overlap the same way on every run.
"""

from __future__ import annotations

import threading
import urllib.request
from unittest import mock
from urllib.parse import urlencode

from conftest import OxigraphServer
from stores import count, temporary_graphs

from kgtool.project import Project
from kgtool.query import remote
from kgtool.store.engine import open_project_store

FIRST = "https://example.org/first"
SECOND = "https://example.org/second"


def update(url: str, text: str) -> None:
    request = urllib.request.Request(
        url + "/update",
        data=urlencode({"update": text}).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()


def test_two_pushes_at_once_each_end_complete(tmp_path, project_dir):
    triples = open_project_store(Project(project_dir)).distinct_triples()
    server = OxigraphServer(tmp_path / "store")
    real = remote.send_update
    first_uploading, second_done = threading.Event(), threading.Event()
    inserts = {"n": 0}
    outcome: dict[str, object] = {}

    def held_after_third_chunk(update_url: str, text: str, timeout: float = 30.0) -> None:
        real(update_url, text, timeout)
        if threading.current_thread().name == "first" and text.startswith("INSERT"):
            inserts["n"] += 1
            if inserts["n"] == 3:
                first_uploading.set()
                second_done.wait(120)

    def first() -> None:
        try:
            outcome["report"] = remote.push(triples, server.url, FIRST, chunk_size=200)
        except Exception as error:  # reported by the assertion below
            outcome["error"] = error

    try:
        with mock.patch.object(remote, "send_update", held_after_third_chunk):
            pushing = threading.Thread(target=first, name="first")
            pushing.start()
            assert first_uploading.wait(120)
            assert len(temporary_graphs(server.url + "/query")) == 1  # the first's, uploading
            second = remote.push(triples, server.url, SECOND)
            second_done.set()
            pushing.join(120)
        assert "error" not in outcome, outcome.get("error")
        first_report = outcome["report"]
        assert first_report.triples_in_store == len(triples) and first_report.checksum
        assert second.triples_in_store == len(triples)
        assert count(server.url + "/query", FIRST) == len(triples)
        assert count(server.url + "/query", SECOND) == len(triples)
        assert temporary_graphs(server.url + "/query") == []
    finally:
        server.stop()


def test_push_verify_finds_a_partial_or_altered_target(tmp_path, project_dir, run_cli):
    server = OxigraphServer(tmp_path / "store")
    try:
        pushed = run_cli("push", "--endpoint", server.url, "--graph", FIRST)
        assert pushed.exit_code == 0, pushed.output
        good = run_cli("push", "--verify", "--endpoint", server.url, "--graph", FIRST)
        assert good.exit_code == 0, good.output
        assert "matches the project" in good.output
        # one value changed, the count kept: only the checksum can tell
        update(
            server.url,
            f"DELETE {{ GRAPH <{FIRST}> {{ ?s ?p ?o }} }} INSERT {{ GRAPH <{FIRST}> "
            '{ ?s ?p "altered" } } WHERE { { SELECT ?s ?p ?o WHERE { GRAPH <'
            + FIRST
            + '> { ?s ?p ?o FILTER(ISLITERAL(?o) && STR(?o) = "Västerås") } } LIMIT 1 } }',
        )
        altered = run_cli("push", "--verify", "--endpoint", server.url, "--graph", FIRST)
        assert altered.exit_code == 1, altered.output
        assert "checksum differs" in altered.output
        # a partial target, as a store killed during MOVE can leave
        update(
            server.url,
            f"DELETE {{ GRAPH <{FIRST}> {{ ?s ?p ?o }} }} WHERE {{ {{ SELECT ?s ?p ?o "
            f"WHERE {{ GRAPH <{FIRST}> {{ ?s ?p ?o }} }} LIMIT 500 }} }}",
        )
        partial = run_cli("push", "--verify", "--endpoint", server.url, "--graph", FIRST)
        assert partial.exit_code == 1, partial.output
        assert "differs from the project" in partial.output and "missing e.g." in partial.output
    finally:
        server.stop()
