"""``kgtool describe`` and ``kgtool stats`` through the real CLI on the real project."""

from __future__ import annotations

import re

import pytest
from rdflib.namespace import ORG, RDF

from kgtool.project import Project
from kgtool.query.describe import UnknownResource, find_resource
from kgtool.store.engine import open_project_store
from kgtool.store.graph import load_project
from kgtool.terms import KS


@pytest.fixture(scope="module")
def graph(project_dir):
    return load_project(Project(project_dir)).graph


@pytest.fixture(scope="module")
def store(project_dir):
    return open_project_store(Project(project_dir))


def section(output: str, name: str) -> list[str]:
    """The indented lines under ``name:`` in describe's output."""
    lines = output.splitlines()
    start = lines.index(f"{name}:") + 1
    body = []
    for line in lines[start:]:
        if not line.startswith("  "):
            break
        body.append(line.strip())
    return body


def test_describe_1980(run_cli):
    result = run_cli("describe", "1980", "--lang", "sv")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.splitlines()[0] == "<https://w3id.org/kommunsamverkan/id/municipality/1980>"
    assert re.search(r"^defined in: data/reference/municipalities\.ttl:\d+$", out, re.M)
    assert section(out, "labels") == ["Västerås @sv"]
    assert section(out, "types") == ["ks:Municipality  kommun"]
    assert any(re.fullmatch(r'ks:municipalityCode\s+"1980"', v) for v in section(out, "values"))
    outgoing = section(out, "outgoing")
    assert any(re.fullmatch(r"ks:county\s+→ id:county/19  Västmanlands län", r) for r in outgoing)
    incoming = section(out, "incoming")
    for membership in (
        "collaboration/fyra-malarstader/membership/1980  Västerås i Fyra Mälarstäder",
        "collaboration/malardalsradet/membership/1980  Västerås i Mälardalsrådet",
        "collaboration/fyra-malarstader/chair/2020-09-09",
    ):
        assert any(membership in line for line in incoming), membership
    sources = section(out, "sources")
    assert any(s.startswith("id:source/reference") for s in sources)
    assert any(s.startswith("id:source/004") for s in sources)
    assert any(s.startswith("id:source/000") for s in section(out, "also mentioned in"))


def test_describe_by_name_prints_the_same_as_by_code(run_cli):
    assert run_cli("describe", "västerås").stdout == run_cli("describe", "1980").stdout


@pytest.mark.parametrize(
    ("thing", "iri"),
    [
        ("Västerås", "id/municipality/1980"),
        ("VÄSTERÅS STAD", "id/municipality/1980"),
        ("municipality/1980", "id/municipality/1980"),
        ("https://w3id.org/kommunsamverkan/id/municipality/1980", "id/municipality/1980"),
        ("19", "id/county/19"),
        ("region/19", "id/region/19"),
        ("004", "id/source/004"),
        ("ks:Region", "def/Region"),
        ("Mälardalsrådet", "id/collaboration/malardalsradet"),
        ("Region Örebro län", "id/region/18"),
        ("Mälartinget", "id/collaboration/malardalsradet/event/malartinget"),
        # the forms kgtool itself prints in tables, and the slugs query parameters accept
        ("id:municipality/1980", "id/municipality/1980"),
        ("id:collaboration/malardalsradet/board", "id/collaboration/malardalsradet/board"),
        ("malardalsradet", "id/collaboration/malardalsradet"),
        ("jens-sjostrom", "id/person/jens-sjostrom"),
    ],
)
def test_find_resource_by_iri_code_term_or_name(store, thing, iri):
    assert find_resource(store, thing) == "https://w3id.org/kommunsamverkan/" + iri


def test_describe_collaboration_lists_members_with_their_labels(run_cli):
    out = run_cli("describe", "collaboration/malardalsradet", "--lang", "sv").stdout
    incoming = section(out, "incoming")
    members = [line for line in incoming if line.startswith("org:organization")]
    assert len(members) == 66
    assert any("membership/region-09  Region Gotland i Mälardalsrådet" in m for m in members)
    assert {"id:source/002  Källa 002: Mälardalsrådets verksamhet"} <= set(section(out, "sources"))


def test_describe_shows_anonymous_intervals(run_cli):
    out = run_cli("describe", "collaboration/fyra-malarstader/chair/2019-09-2020-09").stdout
    assert any(
        re.fullmatch(r"org:memberDuring\s+→ \[\]  2019-09 – 2020-09", line)
        for line in section(out, "outgoing")
    )


def test_describe_ambiguous_name_lists_candidates(run_cli):
    result = run_cli("describe", "län")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "ks:County (län)" in result.stderr and "ks:county (län)" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("thing", "message"),
    [
        ("Atlantis", "no resource has that name"),
        ("9999", "no such municipality with that code"),
        ("99", "no such county with that code"),
        ("999", "no such source with that number"),
        ("municipality/9999", "no such resource"),
        ("https://example.org/nothing", "no such resource"),
    ],
)
def test_find_resource_unknown(store, thing, message):
    with pytest.raises(UnknownResource, match=message) as raised:
        find_resource(store, thing)
    assert raised.value.exit_code == 2 and thing in raised.value.message


@pytest.mark.parametrize("thing", ["Atlantis", "municipality/9999"])
def test_describe_unknown_is_a_usage_error(run_cli, thing):
    result = run_cli("describe", thing)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("Error: THING") and thing in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_stats(run_cli, graph):
    result = run_cli("stats")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert f"triples: {len(graph)}" in out.splitlines()
    classes = dict(re.findall(r"^  (\S+:\S+)\s+(\d+)$", out, re.M))
    assert classes["ks:Municipality"] == "290"
    assert classes["ks:County"] == "21" and classes["ks:Region"] == "21"
    assert classes["ks:Collaboration"] == "4" and classes["ks:SourceDocument"] == "5"
    assert int(classes["org:Membership"]) == len(set(graph.subjects(RDF.type, ORG.Membership)))
    members = dict(
        (slug, (int(full), int(assoc)))
        for slug, full, assoc in re.findall(
            r"^  id:collaboration/(\S+)\s+(\d+)\s+(\d+)$", out, re.M
        )
    )
    assert members == {
        "fyra-malarstader": (4, 0),
        "malardalsradet": (55, 11),
        "malmo-lundregionen": (12, 0),
        "vastra-malardalen": (3, 0),
    }
    per_source = re.findall(r"^  id:source/(\S+)\s+(\d+)\s+(\d+)", out, re.M)
    assert [name for name, _, _ in per_source] == ["000", "001", "002", "003", "004", "reference"]
    assert all(
        int(resources) > 0 and int(facts) > int(resources) for _, resources, facts in per_source
    )
    assert "municipalities in at least one collaboration: 68 of 290" in out


def test_stats_coverage_matches_a_sparql_count(graph):
    query = """
        SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE {
          ?ms org:member ?m ; org:organization ?c .
          ?c a ks:Collaboration . ?m a ks:Municipality .
        }"""
    (row,) = graph.query(query, initNs={"org": ORG, "ks": KS})
    assert int(row.n) == 68


def test_describe_and_stats_speak_the_chosen_language(run_cli, monkeypatch):
    """One default for every command: --lang, else $KGTOOL_LANG, else the locale, else en."""
    english = run_cli("describe", "1980", "--lang", "en").stdout
    assert section(english, "types") == ["ks:Municipality  municipality"]
    monkeypatch.setenv("KGTOOL_LANG", "sv")
    assert section(run_cli("describe", "1980").stdout, "types") == ["ks:Municipality  kommun"]
    assert "Källa 000" in run_cli("stats").stdout
    assert "Source 000" in run_cli("stats", "--lang", "en").stdout
    monkeypatch.setenv("KGTOOL_LANG", "en")
    rows = run_cli("query", "members-of-collaboration", "-f", "csv").stdout
    assert "full member" in rows and ",medlem," not in rows
