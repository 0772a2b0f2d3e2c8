"""A second real store: Debian's Virtuoso. Push with HTTP Digest, then every saved query.

Virtuoso's query default graph is the union of all its graphs, so the graph is pushed into a
named graph and read back with ``default-graph-uri`` (docs/stores.md). Saved queries whose
header says ``stores: {virtuoso: …}`` must still differ here (else the header is stale).
"""

from __future__ import annotations

import os
from pathlib import Path
from unittest import mock

import pytest
from stores import count, temporary_graphs

from kgtool.project import Project
from kgtool.query.catalogue import load_catalogue

ROOT = Path(__file__).resolve().parents[2]
GRAPH = "https://example.org/kommunsamverkan"


def credentials(user: str = "dba", password: str = "dba"):
    return mock.patch.dict(os.environ, {"KGTOOL_USER": user, "KGTOOL_PASSWORD": password})


@pytest.fixture(scope="module")
def loaded(virtuoso, portable_project):
    """Virtuoso with the portable project pushed into GRAPH, through /sparql-auth (Digest)."""
    from click.testing import CliRunner

    from kgtool.cli import cli

    args = ["--project", str(portable_project), "push", "--endpoint", virtuoso.auth_url]
    with credentials():
        result = CliRunner().invoke(cli, [*args, "--graph", GRAPH])
    assert result.exit_code == 0, result.output + result.stderr
    return virtuoso


def local_triples(project: Path) -> int:
    from kgtool.store.graph import load_project

    return len(load_project(Project(project)).graph)


def test_push_and_repush(loaded, run_cli, portable_project):
    triples = local_triples(portable_project)
    assert count(loaded.query_url, GRAPH) == triples
    with credentials():
        again = run_cli(
            "push", "--endpoint", loaded.auth_url, "--graph", GRAPH, project=portable_project
        )
    assert again.exit_code == 0, again.stderr
    assert again.output.startswith(f"pushed {triples} triples to <{GRAPH}> at {loaded.auth_url}")
    assert f"the store now holds {triples} triples there, checksum " in again.output
    assert again.output.rstrip().endswith("verified")
    assert count(loaded.query_url, GRAPH) == triples, "a second push replaces"
    assert temporary_graphs(loaded.query_url) == []


def test_push_with_wrong_credentials_is_exit_2(loaded, run_cli, portable_project):
    before = count(loaded.query_url, GRAPH)
    with credentials(password="not-the-password"):
        result = run_cli(
            "push", "--endpoint", loaded.auth_url, "--graph", GRAPH, project=portable_project
        )
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"Error: endpoint {loaded.auth_url}: HTTP 401: digest auth failed; the credentials "
        "from KGTOOL_USER were refused; push stopped before sending any data: the target "
        "graph was left unchanged"
    )
    assert "not-the-password" not in result.stderr
    assert count(loaded.query_url, GRAPH) == before


def test_push_without_credentials_is_exit_2(loaded, run_cli, portable_project, monkeypatch):
    for name in ("KGTOOL_USER", "KGTOOL_PASSWORD", "NETRC"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(portable_project / "no-home"))
    result = run_cli("push", "--endpoint", loaded.auth_url, project=portable_project)
    assert result.exit_code == 2
    assert "HTTP 401" in result.stderr and "set KGTOOL_USER and KGTOOL_PASSWORD" in result.stderr


def test_updates_on_the_public_endpoint_are_refused(loaded, run_cli, portable_project):
    before = count(loaded.query_url, GRAPH)
    result = run_cli(
        "push", "--endpoint", loaded.query_url, "--graph", GRAPH, project=portable_project
    )
    assert result.exit_code == 2
    assert "left unchanged" in result.stderr
    assert count(loaded.query_url, GRAPH) == before


def test_duration_literals_are_refused_with_a_pointer(loaded, run_cli):
    """The real project holds xsd:duration, which Virtuoso 7 would turn into numbers."""
    before = count(loaded.query_url, GRAPH)
    with credentials():
        result = run_cli("push", "--endpoint", loaded.auth_url, "--graph", GRAPH)
    assert result.exit_code == 2
    assert "Literal of type xsd:duration" in result.stderr
    assert result.stderr.rstrip().endswith(
        "the target graph was left unchanged; the temporary graph was dropped; this store "
        "cannot hold literals of that datatype faithfully (Virtuoso 7 turns xsd:duration into "
        "a number): see docs/stores.md"
    )
    assert count(loaded.query_url, GRAPH) == before
    assert temporary_graphs(loaded.query_url) == []


def test_push_to_the_default_graph_is_refused_with_a_pointer(loaded, run_cli, portable_project):
    """Virtuoso has no default graph of its own: MOVE … TO DEFAULT is refused."""
    with credentials():
        result = run_cli("push", "--endpoint", loaded.auth_url, project=portable_project)
    assert result.exit_code == 2
    assert "MOVE...DEFAULT operator requires declaration of a plain default graph" in (
        result.stderr
    )
    assert result.stderr.rstrip().endswith(
        "the target graph was left unchanged; this store (Virtuoso) has no default graph of its "
        "own: push into a named graph with --graph (see docs/stores.md)"
    )
    assert temporary_graphs(loaded.query_url) == []


def saved_queries():
    return load_catalogue(Project(ROOT))


@pytest.mark.parametrize("saved", saved_queries(), ids=lambda saved: saved.name)
def test_every_saved_query_same_rows_on_virtuoso(loaded, run_cli, portable_project, saved):
    local = run_cli("query", saved.name, "-f", "tsv", project=portable_project)
    remote = run_cli(
        "query",
        saved.name,
        "-f",
        "tsv",
        "--endpoint",
        loaded.reading(GRAPH),
        project=portable_project,
    )
    assert local.exit_code == 0, local.stderr
    assert remote.exit_code == 0, remote.stderr
    if "virtuoso" in saved.stores:
        assert remote.output != local.output, f"{saved.name}: the 'stores' header is stale"
    else:
        assert remote.output == local.output
