"""``kgtool sparql`` explains a suspicious query on stderr; the rows and exit code stay."""

from __future__ import annotations

import pytest

from kgtool.query.hints import sparql_term
from kgtool.terms import ID_IRI


def run(run_cli, query: str):
    result = run_cli("sparql", query, "-f", "csv")
    assert result.exit_code == 0, result.stderr
    return result


def test_misspelt_class_names_the_declared_one(run_cli):
    result = run(run_cli, "SELECT * WHERE { ?m a ks:Municipalty }")
    assert "warning: ks:Municipalty is used nowhere" in result.stderr
    assert "did you mean ks:Municipality?" in result.stderr
    assert "{ ?m a ks:Municipalty } matches nothing" in result.stderr
    assert result.stdout.splitlines()[1:] == []


def test_language_less_literal_warns_about_the_tag(run_cli):
    result = run(run_cli, 'SELECT ?m WHERE { ?m rdfs:label "Västerås" }')
    assert '"Västerås" has no language tag' in result.stderr
    assert '"Västerås"@sv' in result.stderr
    assert result.stdout.splitlines()[1:] == []  # the rows are not changed


def test_tagged_literal_gives_rows_and_no_warning(run_cli):
    result = run(run_cli, 'SELECT ?m WHERE { ?m rdfs:label "Västerås"@sv }')
    assert result.stderr == ""
    assert ID_IRI + "municipality/1980" in result.stdout


@pytest.mark.parametrize(("typo", "meant"), [("Vasteras", "Västerås"), ("Eskilstna", "Eskilstuna")])
def test_misspelt_name_suggests_the_graphs(run_cli, typo, meant):
    result = run(run_cli, f'SELECT ?m WHERE {{ ?m rdfs:label "{typo}" }}')
    assert f'did you mean "{meant}"@sv' in result.stderr


def test_member_of_points_to_member(run_cli):
    result = run(run_cli, "SELECT ?m ?c WHERE { ?m org:memberOf ?c }")
    assert "org:memberOf is used nowhere" in result.stderr
    assert "did you mean org:member?" in result.stderr


@pytest.mark.parametrize(
    "namespace", ["https://w3id.org/kommunsamverkn/def/", "https://w3id.org/kommunsamverkan/def"]
)
def test_misspelt_namespace(run_cli, namespace):
    result = run(run_cli, f"PREFIX ks: <{namespace}> SELECT ?m WHERE {{ ?m a ks:Municipality }}")
    assert f"PREFIX ks: <{namespace}> is not a namespace of the graph" in result.stderr
    assert "did you mean ks: <https://w3id.org/kommunsamverkan/def/>?" in result.stderr


def test_join_that_empties_the_answer(run_cli):
    result = run(run_cli, "SELECT ?m WHERE { ?m a ks:Collaboration . ?m ks:municipalityCode ?c }")
    assert "{ ?m ks:municipalityCode ?c } matches, but joined with" in result.stderr


def test_a_good_query_gets_no_warning(run_cli):
    result = run(run_cli, "SELECT ?c WHERE { ?c a ks:Collaboration ; rdfs:label ?l }")
    assert result.stderr == ""


def test_printed_terms_paste_back(run_cli):
    iri = ID_IRI + "municipality/1980"
    assert sparql_term(iri) == f"<{iri}>"  # id:municipality/1980 is not SPARQL
    assert sparql_term("https://w3id.org/kommunsamverkan/def/Municipality") == "ks:Municipality"
    result = run(run_cli, f"SELECT ?n WHERE {{ {sparql_term(iri)} rdfs:label ?n }}")
    assert "Västerås" in result.stdout


def test_api_result_carries_the_hints():
    import kgtool

    result = kgtool.open().sparql("SELECT * WHERE { ?m a ks:Municipalty }")
    assert len(result) == 0 and any("ks:Municipality" in hint for hint in result.hints)


def test_a_pasted_slashed_name_says_what_to_write(run_cli):
    """kgtool prints id:municipality/1980; SPARQL needs id:municipality\\/1980 or the IRI."""
    result = run_cli("sparql", "SELECT ?n WHERE { id:municipality/1980 rdfs:label ?n }")
    assert result.exit_code == 2
    assert "id:municipality/1980 is not a SPARQL prefixed name" in result.stderr
    assert "id:municipality\\/1980" in result.stderr
    assert f"<{ID_IRI}municipality/1980>" in result.stderr
    escaped = run(run_cli, "SELECT ?n WHERE { id:municipality\\/1980 rdfs:label ?n }")
    assert "Västerås" in escaped.stdout and escaped.stderr == ""
