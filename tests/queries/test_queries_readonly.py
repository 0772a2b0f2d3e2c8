"""Ad-hoc queries are read-only; SERVICE and FROM need --allow-remote; values never splice."""

from __future__ import annotations

import pyoxigraph
import pytest

from kgtool.errors import InputError, QueryRefused
from kgtool.query.run import check_read_only, run_local, with_values

HOSTILE = [
    'Västerås"',
    "Västerås' ",
    '" } ; DROP ALL ; SELECT * { "',
    "} ; DROP ALL",
    "> <http://example.org/x",
    '"""\n} DROP ALL #',
    "\\",
]


@pytest.mark.parametrize(
    "update",
    [
        "DROP ALL",
        "INSERT DATA { <http://a> <http://b> <http://c> }",
        "DELETE WHERE { ?s ?p ?o }",
        "LOAD <http://example.org/data.ttl>",
        "CLEAR DEFAULT",
    ],
)
def test_updates_are_refused(run_cli, update):
    result = run_cli("sparql", update)
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: updates are refused")


@pytest.mark.parametrize(
    ("query", "words"),
    [
        (
            "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
            "SERVICE <http://example.org/sparql>",
        ),
        (
            "SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE SILENT <http://x.org/q> { ?s ?p ?o } } }",
            "SERVICE <http://x.org/q>",
        ),
        ("SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }", "FROM <file:///etc/passwd>"),
        (
            "SELECT * FROM NAMED <http://example.org/g> WHERE { GRAPH ?g { ?s ?p ?o } }",
            "FROM NAMED <http://example.org/g>",
        ),
    ],
)
def test_remote_access_is_refused_by_default(run_cli, query, words):
    result = run_cli("sparql", query)
    assert result.exit_code == 2
    assert words in result.stderr and "--allow-remote" in result.stderr


def test_allow_remote_lets_service_through_the_check():
    query = "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"
    with pytest.raises(QueryRefused):
        check_read_only(query)
    assert check_read_only(query, allow_remote=True) == "SELECT"


def test_service_hidden_in_a_string_or_comment_is_not_service(run_cli):
    query = 'SELECT ?x WHERE { BIND("SERVICE <http://x>" AS ?x) } # SERVICE <http://y>'
    result = run_cli("sparql", query, "-f", "sparql-csv")
    assert result.exit_code == 0, result.stderr
    assert result.output == "x\nSERVICE <http://x>\n"  # CliRunner shows CRLF as LF


def test_malformed_query_shows_parser_message(run_cli):
    result = run_cli("sparql", "SELECT ?x WHERE { ?x ?p }")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: malformed query: line 1, column")
    assert "Traceback" not in result.output


def test_project_prefixes_are_predeclared_but_others_are_not(run_cli):
    """ks:, id: … work without PREFIX lines; an unknown prefix is a malformed query."""
    result = run_cli("sparql", "SELECT ?c WHERE { ?c a ks:Collaboration }", "-f", "sparql-csv")
    assert result.exit_code == 0, result.stderr
    assert len(result.output.splitlines()) == 5  # header and the four collaborations
    unknown = run_cli("sparql", "SELECT ?m WHERE { ?m a nope:Municipality }")
    assert unknown.exit_code == 2
    assert "malformed query" in unknown.stderr and "nope" in unknown.stderr


def test_own_prefix_wins_over_the_predeclared_one(run_cli):
    query = "PREFIX ks: <http://example.org/> SELECT ?c WHERE { ?c a ks:Collaboration }"
    result = run_cli("sparql", query, "-f", "sparql-csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == ["c"]
    assert "PREFIX ks: <http://example.org/> is not a namespace of the graph" in result.stderr


def test_sparql_from_file_and_count(run_cli, tmp_path):
    path = tmp_path / "q.rq"
    path.write_text(
        "PREFIX ks: <https://w3id.org/kommunsamverkan/def/>\n"
        "SELECT (COUNT(?m) AS ?n) WHERE { ?m a ks:Municipality }\n",
        encoding="utf-8",
    )
    result = run_cli("sparql", "-i", str(path), "-f", "sparql-csv")
    assert result.exit_code == 0, result.stderr
    assert result.output == "n\n290\n"


def test_sparql_file_not_utf8_is_input_error(run_cli, tmp_path):
    path = tmp_path / "latin1.rq"
    path.write_bytes("SELECT ?x WHERE { BIND('Västerås' AS ?x) }\n".encode("latin-1"))
    result = run_cli("sparql", "-i", str(path))
    assert result.exit_code == 2, result.output
    assert f"{path}: not UTF-8 text" in result.stderr


def test_sparql_needs_exactly_one_query(run_cli, tmp_path):
    result = run_cli("sparql")
    assert result.exit_code == 2 and "either a QUERY" in result.stderr


def test_values_block_opens_outermost_where_and_escapes():
    query = (
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "CONSTRUCT { ?x rdfs:label ?name } # a { brace } in a comment\n"
        'WHERE { ?x rdfs:label ?name FILTER(?name != "}") { SELECT ?x WHERE { ?x ?p ?o } } }'
    )
    hostile = pyoxigraph.Literal('" } ; DROP ALL ; #')
    text = with_values(query, {"name": hostile, "x": pyoxigraph.NamedNode("http://example.org/a")})
    opening = text.index("WHERE {") + len("WHERE {")
    assert (
        text[opening:]
        .lstrip()
        .startswith('VALUES (?name ?x) { ("\\" } ; DROP ALL ; #" <http://example.org/a>) }')
    )
    assert check_read_only(text) == "CONSTRUCT"


def test_values_refuse_an_iri_that_would_break_out():
    with pytest.raises(ValueError, match="Invalid IRI"):
        with_values("SELECT ?x WHERE { ?x ?p ?o }", {"x": pyoxigraph.NamedNode("http://a> <b")})


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_match_as_plain_values_locally(run_cli, value):
    result = run_cli("query", "find-by-name", "-p", f"name={value}", "-f", "sparql-csv")
    assert result.exit_code == 0, result.stderr
    assert result.output.splitlines() == [result.output.splitlines()[0]]  # header, no rows


def test_plain_value_does_match(run_cli):
    result = run_cli("query", "find-by-name", "-p", "name=Västerås", "-f", "sparql-csv")
    assert result.exit_code == 0, result.stderr
    assert "https://w3id.org/kommunsamverkan/id/municipality/1980" in result.output


def test_hostile_value_for_a_typed_parameter_names_it(run_cli):
    result = run_cli("query", "collaborations-of-municipality", "-p", "municipality=} ; DROP ALL")
    assert result.exit_code == 2
    assert "parameter 'municipality'" in result.stderr


def test_local_graph_unchanged_by_hostile_values(project_dir):
    from kgtool.project import Project
    from kgtool.query.catalogue import get_query
    from kgtool.store.engine import open_project_store

    project = Project(project_dir)
    store = open_project_store(project)
    before = store.triple_count()
    query = get_query(project, "find-by-name")
    for value in HOSTILE:
        result = run_local(store, query.text, query.bind({"name": value}, store=store))
        assert result.rows == []
    assert open_project_store(project).triple_count() == before


def test_malformed_saved_query_is_input_error():
    with pytest.raises(InputError):
        check_read_only("SELECT WHERE")


def test_malformed_saved_query_names_its_file(run_cli, project_dir, tmp_path):
    for folder in ("ontology", "data", "shapes"):
        (tmp_path / folder).symlink_to(project_dir / folder)
    (tmp_path / "queries").mkdir()
    (tmp_path / "queries" / "broken.rq").write_text(
        "#+ summary: A query with a missing brace\nSELECT ?s WHERE { ?s ?p ?o\n", encoding="utf-8"
    )
    result = run_cli("query", "broken", project=tmp_path)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("Error: queries/broken.rq: malformed query: line 3")
