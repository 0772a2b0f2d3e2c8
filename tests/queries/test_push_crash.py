"""The store dies mid-push (SIGKILL): the target graph is unchanged, and the next push cleans up.

Both real stores, Oxigraph and Virtuoso. The push runs in this process; the store is killed
for real right after the third chunk of the upload reached it (a wrapper around
``send_update`` only decides *when*; every request goes to the real server).
"""

from __future__ import annotations

import os
import re
from unittest import mock

import pytest
from conftest import OxigraphServer
from stores import VirtuosoServer, count, temporary_graphs

from kgtool.errors import EndpointError
from kgtool.project import Project
from kgtool.query import remote
from kgtool.store.graph import load_project

GRAPH = "https://example.org/target"


def baseline(graph):
    """A small, different graph to push first: what the target must still hold afterwards."""
    from rdflib import Graph

    small = Graph()
    for triple in sorted(graph)[:100]:
        small.add(triple)
    return small


def crash_mid_push(graph, url: str, kill, after_inserts: int = 3) -> str:
    """Push, killing the store after ``after_inserts`` chunks; returns the error message."""
    real = remote.send_update
    inserts = {"n": 0}

    def send_then_maybe_kill(update_url: str, text: str, timeout: float = 30.0) -> None:
        real(update_url, text, timeout)
        if text.startswith("INSERT"):
            inserts["n"] += 1
            if inserts["n"] == after_inserts:
                kill()

    with (
        mock.patch.object(remote, "send_update", send_then_maybe_kill),
        pytest.raises(EndpointError) as caught,
    ):
        remote.push(graph, url, GRAPH, timeout=10, chunk_size=200)
    assert inserts["n"] == after_inserts
    return caught.value.message


def check_crash_and_recovery(graph, url, query_url, kill, restart) -> None:
    """``url()`` and ``query_url()`` give the store's current push and query URLs."""
    remote.push(baseline(graph), url(), GRAPH)
    before = count(query_url(), GRAPH)
    assert before == 100
    message = crash_mid_push(graph, url(), kill)
    assert "connection refused" in message
    assert "push stopped before replacing the target: the target graph was left unchanged" in (
        message
    )
    named = re.search(r"a push after 6 h removes the temporary graph <([^>]+)>", message)
    assert named, message
    restart()
    assert count(query_url(), GRAPH) == before, "the target graph is unchanged"
    assert temporary_graphs(query_url()) == [named.group(1)], "the debris a later push removes"
    assert count(query_url(), named.group(1)) == 600
    report = remote.push(graph, url(), GRAPH)  # the debris may be a push still running: kept
    assert report.triples_in_store == len(graph)
    assert temporary_graphs(query_url()) == [named.group(1)]
    assert count(query_url(), GRAPH) == len(graph)
    report = remote.push(graph, url(), GRAPH, grace=0)  # once past the grace period: removed
    assert temporary_graphs(query_url()) == []
    assert count(query_url(), GRAPH) == len(graph)


def test_oxigraph_killed_mid_push(tmp_path, project_dir):
    graph = load_project(Project(project_dir)).graph
    location = tmp_path / "store"
    servers = [OxigraphServer(location)]

    def kill() -> None:
        servers[-1].process.kill()
        servers[-1].process.wait()

    def restart() -> None:
        servers.append(OxigraphServer(location))

    try:
        check_crash_and_recovery(
            graph, lambda: servers[-1].url, lambda: servers[-1].url + "/query", kill, restart
        )
    finally:
        servers[-1].stop()


def test_virtuoso_killed_mid_push(tmp_path, portable_project):
    graph = load_project(Project(portable_project)).graph
    server = VirtuosoServer(tmp_path / "virtuoso")
    environment = {"KGTOOL_USER": server.user, "KGTOOL_PASSWORD": server.password}
    try:
        with mock.patch.dict(os.environ, environment):
            check_crash_and_recovery(
                graph,
                lambda: server.auth_url,
                lambda: server.query_url,
                server.kill,
                server.start,
            )
    finally:
        server.stop()
