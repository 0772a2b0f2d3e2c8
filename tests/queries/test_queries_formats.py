"""Result formats: table, csv, tsv, json, md, ttl, xml, on real query results."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pyoxigraph
import pytest
from rdflib import Graph, Literal

from kgtool.errors import KgtoolError
from kgtool.query.formats import render
from kgtool.query.run import QueryResult

QUERY = (
    "PREFIX ks: <https://w3id.org/kommunsamverkan/def/>\n"
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    "SELECT ?m ?name ?code ?none WHERE { ?m ks:municipalityCode ?code ; rdfs:label ?name . "
    'FILTER(?code IN ("1980", "0486")) } ORDER BY ?code'
)
MUNI = "https://w3id.org/kommunsamverkan/id/municipality/"


def run(run_cli, fmt: str) -> str:
    result = run_cli("sparql", QUERY, "-f", fmt)
    assert result.exit_code == 0, result.stderr
    return result.output


def test_table(run_cli):
    lines = run(run_cli, "table").splitlines()
    assert lines[0].split() == ["m", "m_label", "m_code", "name", "code", "none"]
    assert lines[2].split() == ["id:municipality/0486", "Strängnäs", "0486", "Strängnäs", "0486"]
    assert lines[-1] == "(2 rows)"


def test_csv_is_sparql_csv(run_cli):
    reader = list(csv.reader(io.StringIO(run(run_cli, "sparql-csv"))))
    assert reader == [
        ["m", "name", "code", "none"],
        [MUNI + "0486", "Strängnäs", "0486", ""],
        [MUNI + "1980", "Västerås", "1980", ""],
    ]


def test_tsv_keeps_terms(run_cli):
    lines = run(run_cli, "tsv").splitlines()
    assert lines[0] == "?m\t?name\t?code\t?none"
    assert lines[2] == f'<{MUNI}1980>\t"Västerås"@sv\t"1980"\t'


def test_json_round_trips(run_cli):
    data = json.loads(run(run_cli, "sparql-json"))
    assert data["head"]["vars"] == ["m", "name", "code", "none"]
    first = data["results"]["bindings"][0]
    assert first["name"] == {"type": "literal", "value": "Strängnäs", "xml:lang": "sv"}
    assert "none" not in first
    back = list(
        pyoxigraph.parse_query_results(
            json.dumps(data).encode(), format=pyoxigraph.QueryResultsFormat.JSON
        )
    )
    assert back[1]["name"] == pyoxigraph.Literal("Västerås", language="sv")
    assert back[1]["m"] == pyoxigraph.NamedNode(MUNI + "1980")


def test_xml_is_sparql_results_xml(run_cli):
    root = ET.fromstring(run(run_cli, "xml"))
    ns = {"r": "http://www.w3.org/2005/sparql-results#"}
    names = [v.get("name") for v in root.findall("r:head/r:variable", ns)]
    assert names == ["m", "name", "code", "none"]
    literal = root.find("r:results/r:result/r:binding[@name='name']/r:literal", ns)
    assert literal.text == "Strängnäs"
    assert literal.get("{http://www.w3.org/XML/1998/namespace}lang") == "sv"


def test_markdown(run_cli):
    lines = run(run_cli, "md").splitlines()
    assert lines[:2] == [
        "| m | m_label | m_code | name | code | none |",
        "|---|---|---|---|---|---|",
    ]
    assert lines[2] == "| id:municipality/0486 | Strängnäs | 0486 | Strängnäs | 0486 |  |"


def test_ttl_for_select_is_usage_error(run_cli):
    result = run_cli("sparql", QUERY, "-f", "ttl")
    assert result.exit_code == 2
    assert "format ttl needs a CONSTRUCT or DESCRIBE query" in result.stderr


def test_construct_as_ttl_and_as_rows(run_cli):
    query = (
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        f"CONSTRUCT {{ <{MUNI}1980> rdfs:label ?l }} WHERE {{ <{MUNI}1980> rdfs:label ?l }}"
    )
    ttl = run_cli("sparql", query)
    assert ttl.exit_code == 0, ttl.stderr
    graph = Graph().parse(data=ttl.output, format="turtle")
    assert set(graph.objects()) == {Literal("Västerås", lang="sv")}
    table = run_cli("sparql", query, "-f", "sparql-csv")
    assert table.output.splitlines()[0] == "subject,predicate,object"


def test_describe_returns_a_graph(run_cli):
    result = run_cli("sparql", f"DESCRIBE <{MUNI}1980>", "-f", "tsv")
    assert result.exit_code == 0, result.stderr
    assert f"<{MUNI}1980>\t<http://www.w3.org/2000/01/rdf-schema#label>" in result.output


def test_ask_formats():
    yes = QueryResult("ASK", boolean=True)
    assert render(yes, "csv") == "true\n"
    assert json.loads(render(yes, "json")) == {"head": {}, "boolean": True}
    assert "<boolean>true</boolean>" in render(yes, "xml")
    assert render(yes, "table").splitlines()[-1] == "yes"


def test_unknown_format():
    with pytest.raises(KgtoolError, match="format 'yaml'"):
        render(QueryResult("ASK", boolean=False), "yaml")


BAD_IRI = (
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    "{form} WHERE {{ <https://w3id.org/kommunsamverkan/id/municipality/1980> rdfs:label ?l "
    'BIND(IRI(CONCAT("http://example.org/", ?l, " stad")) AS ?i) }}'
)


def test_engine_builds_no_iri_with_a_space(run_cli):
    """Oxigraph's IRI() refuses a text that is not an IRI (an error, so ?i stays unbound)
    rather than make a term no writer could write."""
    result = run_cli("sparql", BAD_IRI.format(form="SELECT ?i"), "-f", "tsv")
    assert result.exit_code == 0, result.stderr
    assert result.output.splitlines() == ["?i", ""]
