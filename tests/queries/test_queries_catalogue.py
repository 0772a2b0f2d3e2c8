"""The catalogue: headers, listing, Turtle export, and typed parameters as usage errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from kgtool.errors import InputError, ParameterError
from kgtool.project import Project
from kgtool.query.catalogue import get_query, load_catalogue
from kgtool.store.engine import open_project_store
from kgtool.terms import ID, SH
from kgtool.web.rdfio import rdflib_term


def as_rdflib(bound: dict) -> dict:
    return {name: rdflib_term(term) for name, term in bound.items()}


XSD_DATE = URIRef("http://www.w3.org/2001/XMLSchema#date")
GOOD_BODY = (
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    "SELECT ?x WHERE { ?x rdfs:label ?name } ORDER BY ?x\n"
)


def project_with_query(tmp_path: Path, project_dir: Path, text: str) -> Path:
    """A copy of the project's folders whose queries/ holds one file, ``broken.rq``."""
    for folder in ("ontology", "data", "shapes"):
        (tmp_path / folder).symlink_to(project_dir / folder)
    (tmp_path / "queries").mkdir()
    (tmp_path / "queries" / "broken.rq").write_text(text, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("header", "complaint"),
    [
        ("#+ summary: ok\n#+ colour: blue\n", "unknown header key(s) colour"),
        ("#+ summary: [unclosed\n", "header is not valid YAML"),
        ("#+ summary: ok\n#+ params:\n#+   place: {type: string}\n", "'place' is not a variable"),
        ("#+ summary: ok\n#+ params:\n#+   name: {type: colour}\n", "unknown type 'colour'"),
        ("#+ summary: ok\n#+ params:\n#+   name: {type: string, dflt: x}\n", "key(s) dflt"),
        ("# no header\n", "no '#+' header"),
    ],
)
def test_broken_header_is_usage_error_naming_file(
    tmp_path, project_dir, run_cli, header, complaint
):
    root = project_with_query(tmp_path, project_dir, header + GOOD_BODY)
    result = run_cli("queries", project=root)
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: queries/broken.rq")
    assert complaint in result.stderr
    assert "Traceback" not in result.output


def test_good_header_in_copy_lists(tmp_path, project_dir, run_cli):
    header = "#+ summary: Labels\n#+ params:\n#+   name: {type: string, optional: true}\n"
    root = project_with_query(tmp_path, project_dir, header + GOOD_BODY)
    result = run_cli("queries", project=root)
    assert result.exit_code == 0, result.stderr
    assert result.output.splitlines() == ["broken  Labels", "        params: [name: string]"]


def test_queries_lists_every_file_with_summary_and_params(run_cli, project_dir):
    result = run_cli("queries", "-f", "json")
    assert result.exit_code == 0, result.stderr
    listed = json.loads(result.output)
    names = sorted(path.stem for path in (project_dir / "queries").glob("*.rq"))
    assert [item["name"] for item in listed] == names
    assert all(item["summary"] for item in listed)
    first = next(item for item in listed if item["name"] == "collaborations-of-municipality")
    assert {"name": "municipality", "type": "municipality", "default": "1980"}.items() <= (
        first["params"][0].items()
    )
    table = run_cli("queries")
    assert "collaborations-of-municipality" in table.output
    assert "params: municipality=1980 [date: xsd:date]" in table.output


def test_catalogue_exports_as_shacl_executables(run_cli, project_dir):
    result = run_cli("queries", "-f", "ttl")
    assert result.exit_code == 0, result.stderr
    graph = Graph().parse(data=result.output, format="turtle")
    executables = set(graph.subjects(RDF.type, SH.SPARQLExecutable))
    assert len(executables) == len(list((project_dir / "queries").glob("*.rq")))
    node = ID["query/collaborations-of-municipality"]
    assert node in executables
    text = str(graph.value(node, SH.select))
    assert text == (project_dir / "queries" / "collaborations-of-municipality.rq").read_text()
    comment = graph.value(node, URIRef("http://www.w3.org/2000/01/rdf-schema#comment"))
    assert comment.language == "en"


def test_every_saved_query_has_a_time_param_or_none_named_otherwise(project_dir):
    checked = set()
    for query in load_catalogue(Project(project_dir)):
        for param in query.params:
            if param.name in ("date", "as_of"):
                assert param.type == "xsd:date", query.name
                checked.add((query.name, param.name))
    assert {("chair-history", "date"), ("documents-of-collaboration", "as_of")} <= checked


def test_bind_makes_rdf_terms(project_dir):
    query = get_query(Project(project_dir), "collaborations-of-municipality")
    store = open_project_store(Project(project_dir))
    bound = as_rdflib(query.bind({"municipality": "Västerås"}, as_of="2020-01-01", store=store))
    assert bound == {
        "municipality": ID["municipality/1980"],
        "date": Literal("2020-01-01", datatype=XSD_DATE),
    }
    assert as_rdflib(query.bind({}, store=store)) == {"municipality": ID["municipality/1980"]}
    assert (
        rdflib_term(
            query.bind({"municipality": str(ID["municipality/0484"])}, store=store)["municipality"]
        )
        == ID["municipality/0484"]
    )


def test_bind_rejects_unknown_and_badly_typed(project_dir):
    query = get_query(Project(project_dir), "collaborations-of-municipality")
    store = open_project_store(Project(project_dir))
    with pytest.raises(ParameterError, match="parameter 'municipality'"):
        query.bind({"municipality": "9999"}, store=store)
    with pytest.raises(ParameterError, match=r"parameter 'date'.*not a day, a month or a year"):
        query.bind({"date": "2020-02-30"}, store=store)
    with pytest.raises(ParameterError, match="parameter 'colour'"):
        query.bind({"colour": "blue"}, store=store)


def test_bad_date_is_usage_error_naming_parameter(run_cli):
    result = run_cli("query", "collaborations-of-municipality", "-p", "date=2020-13-01")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "Error: parameter 'date': '2020-13-01' is not a day, a month or a year "
        "(YYYY-MM-DD, YYYY-MM, YYYY)"
    )
    assert "Traceback" not in result.output


def test_unknown_municipality_is_usage_error(run_cli):
    result = run_cli("query", "collaborations-of-municipality", "-p", "municipality=Atlantis")
    assert result.exit_code == 2
    assert "parameter 'municipality'" in result.stderr and "'Atlantis'" in result.stderr


def test_param_without_value_syntax(run_cli):
    result = run_cli("query", "collaborations-of-municipality", "-p", "municipality")
    assert result.exit_code == 2
    assert "name=value" in result.stderr


def test_unknown_query_suggests_close_name(run_cli):
    result = run_cli("query", "collaborations-of-municipalty")
    assert result.exit_code == 2
    assert "did you mean collaborations-of-municipality" in result.stderr


def test_as_of_on_query_without_time_is_usage_error(run_cli, project_dir):
    timeless = [q for q in load_catalogue(Project(project_dir)) if q.time_param is None]
    assert timeless, "at least one saved query has no time"
    result = run_cli("query", timeless[0].name, "--as-of", "2020-01-01")
    assert result.exit_code == 2
    assert "has no time" in result.stderr


def test_get_query_broken_file_names_it(tmp_path, project_dir):
    root = project_with_query(tmp_path, project_dir, "#+ summary: [x\n" + GOOD_BODY)
    with pytest.raises(InputError, match=r"^queries/broken\.rq"):
        get_query(Project(root), "broken")


def test_installed_copy_is_not_needed_for_listing(tmp_path, project_dir, run_cli):
    """A project copied elsewhere lists the same queries (nothing depends on the checkout)."""
    copy = tmp_path / "copy"
    shutil.copytree(project_dir / "queries", copy / "queries")
    for folder in ("ontology", "data", "shapes"):
        (copy / folder).symlink_to(project_dir / folder)
    here, there = run_cli("queries"), run_cli("queries", project=copy)
    assert here.exit_code == there.exit_code == 0
    assert here.output == there.output


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        ("xsd:gYear", "2023", Literal("2023", datatype=URIRef(XSD_DATE[:-4] + "gYear"))),
        ("xsd:integer", "19", Literal(19)),
        ("string", '" } ; DROP ALL', Literal('" } ; DROP ALL')),
        ("iri", "id/county/19", ID["county/19"]),
        ("iri", "collaboration/malardalsradet", ID["collaboration/malardalsradet"]),
        ("iri", "def/FullMember", URIRef("https://w3id.org/kommunsamverkan/def/FullMember")),
        ("county", "Västmanlands län", ID["county/19"]),
        ("county", "SE-U", ID["county/19"]),
        ("collaboration", "Mälardalsrådet", ID["collaboration/malardalsradet"]),
        ("area", "digitalisation", ID["area/digitalisering"]),
        ("source", "004", ID["source/004"]),
        ("municipality", "Västerås stad", ID["municipality/1980"]),
    ],
)
def test_convert_each_type(project_dir, kind, value, expected):
    from kgtool.query.catalogue import Param, convert
    from kgtool.query.names import NameIndex

    index = NameIndex.from_store(open_project_store(Project(project_dir)))
    assert rdflib_term(convert(Param("p", kind), value, index)) == expected


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("xsd:gYear", "23"),
        ("xsd:integer", "1.5"),
        ("iri", "http://a> <http://b"),
        ("county", "99"),
        ("collaboration", "nowhere"),
        ("area", "knitting"),
        ("source", "009"),
    ],
)
def test_convert_rejects(project_dir, kind, value):
    from kgtool.query.catalogue import Param, convert
    from kgtool.query.names import NameIndex

    index = NameIndex.from_store(open_project_store(Project(project_dir)))
    with pytest.raises(ParameterError, match="parameter 'p'"):
        convert(Param("p", kind), value, index)
