"""The W3C RDF 1.1 Turtle and N-Triples syntax suites, through the loading path of the project.

Each file is given to ``kgtool sparql --data FILE 'ASK {}'``, which loads it with the project's
files into the store: every negative-syntax file must exit 2 naming ``file:line``, every
positive file must load. Tests are chosen from the manifests by type (read with an RDF parser).
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph
import pytest

# Vendored from w3c/rdf-tests with their licence (w3c/README.md), so the suite runs from this
# repository alone.
ROOT = Path(__file__).resolve().parents[2]
CONFORMANCE = Path(__file__).resolve().parent / "w3c"
MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
RDFT = "http://www.w3.org/ns/rdftest#"
RDF_TYPE = pyoxigraph.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
ACTION = pyoxigraph.NamedNode(MF + "action")


def manifest_files(suite: str, test_type: str) -> list[Path]:
    """The files of the manifest's tests of ``test_type`` that are present in the folder."""
    folder = CONFORMANCE / suite
    manifest = folder / "manifest.ttl"
    if not manifest.is_file():
        return []
    store = pyoxigraph.Store()
    store.load(path=manifest, format=pyoxigraph.RdfFormat.TURTLE, base_iri=manifest.as_uri())
    found = []
    for quad in store.quads_for_pattern(None, RDF_TYPE, pyoxigraph.NamedNode(RDFT + test_type)):
        for action in store.quads_for_pattern(quad.subject, ACTION, None):
            path = folder / action.object.value.rsplit("/", 1)[-1]
            if path.is_file():
                found.append(path)
    return sorted(found)


NEGATIVE = manifest_files("turtle", "TestTurtleNegativeSyntax") + manifest_files(
    "ntriples", "TestNTriplesNegativeSyntax"
)
POSITIVE = manifest_files("turtle", "TestTurtlePositiveSyntax")


def test_the_suites_are_here():
    """94 Turtle and 29 N-Triples negative tests, 74 Turtle positive ones (see the README)."""
    assert len(NEGATIVE) == 94 + 29
    assert len(POSITIVE) == 74


@pytest.mark.parametrize("path", NEGATIVE, ids=lambda p: p.name)
def test_negative_syntax_is_exit_2_with_file_and_line(run_cli, path):
    result = run_cli("sparql", "--data", str(path), "ASK {}")
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    shown = path.relative_to(ROOT).as_posix()  # inside the project: shown relative to it
    assert re.match(rf"Error: {re.escape(shown)}:\d+(:\d+)?: \S", result.stderr), result.stderr
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr


@pytest.mark.parametrize("path", POSITIVE, ids=lambda p: p.name)
def test_positive_syntax_loads(run_cli, path):
    result = run_cli("sparql", "--data", str(path), "ASK { ?s ?p ?o }", "-f", "sparql-csv")
    assert result.exit_code == 0, result.stderr
    assert result.output == "true\n"
