"""Every saved query whose rows state facts says where each row comes from.

A SELECT either returns a source column (``source``, or ``<what>Source`` when a row joins facts
from several) with its ``_label`` companion, or declares in its header (``derived``) that its
rows are counts or absences computed from facts another query sources. Every source a row gives
is a source document of ``data/sources.ttl`` (or the reference tables). Modelling notes
("planned", "inferred", "not in the sources") are data, shown beside the value.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

import kgtool
from kgtool.project import Project
from kgtool.query.catalogue import load_catalogue
from kgtool.terms import ID, KS_IRI

ROOT = Path(__file__).resolve().parents[2]
SELECTS = [q for q in load_catalogue(Project(ROOT)) if q.query_type == "SELECT"]


def source_columns(variables: list[str]) -> list[str]:
    return [v for v in variables if v == "source" or v.endswith("Source")]


@pytest.fixture(scope="module")
def kg():
    return kgtool.open(ROOT)


@pytest.fixture(scope="module")
def documents() -> set[str]:
    """The IRIs of the described sources: source documents and the reference tables."""
    graph = Graph()
    graph.parse(ROOT / "data" / "sources.ttl")
    graph.parse(ROOT / "data" / "reference" / "reference-table.ttl")
    kinds = (URIRef(KS_IRI + "SourceDocument"), URIRef(KS_IRI + "ReferenceTable"))
    return {str(s) for kind in kinds for s in graph.subjects(RDF.type, kind)}


@pytest.mark.parametrize("saved", SELECTS, ids=lambda q: q.name)
def test_rows_carry_their_sources(kg, documents, saved):
    result = kg.query(saved.name)
    columns = source_columns(result.raw.variables)
    if saved.derived:
        assert not columns, f"{saved.name} has a source column and says it is derived"
        return
    assert columns, f"{saved.name}: no source column and no 'derived' reason in its header"
    for column in columns:
        assert f"{column}_label" in result.columns
    given = [row[c] for row in result.rows for c in columns if row[c] is not None]
    assert given, f"{saved.name}: no row names a source"
    assert set(given) <= documents, set(given) - documents


def test_most_rows_say_where_they_come_from(kg):
    """A source column that is mostly empty would hide missing provenance."""
    for saved in SELECTS:
        if saved.derived:
            continue
        result = kg.query(saved.name)
        columns = source_columns(result.raw.variables)
        empty = [r for r in result.rows if all(r[c] is None for c in columns)]
        assert len(empty) <= len(result.rows) // 10, (saved.name, len(empty))


def test_planned_chair_shows_its_note(kg):
    rows = kg.query("chairs-on-date", as_of="2020-09-09").rows
    planned = [r for r in rows if r["planned"] is True]
    assert planned and all(r["note"].startswith("Planned:") for r in planned)
    assert all(r["note"] is None for r in rows if r["planned"] is not True)


def test_seats_per_member_are_said_to_be_missing(kg):
    rows = {r["body"]: r for r in kg.query("bodies-and-mandates").rows}
    board = rows[str(ID) + "collaboration/malardalsradet/board"]
    assert board["memberSeats"] == 19
    assert "not in the sources" in board["note"]
    council = rows[str(ID) + "collaboration/malardalsradet/council"]
    assert council["qualifier"] == "närmare" and "approximate" in council["note"]


def test_inferred_figures_say_why(kg):
    rows = kg.query("figures-with-sources").rows
    inferred = [r for r in rows if r["inferred"] is True]
    assert inferred and all("inferred" in r["note"] for r in inferred)


def test_municipalities_in_several_collaborations_lists_which(kg):
    rows = kg.query("municipalities-in-several-collaborations").rows
    arboga = [r for r in rows if r["municipalityCode"] == "1984"]
    assert {r["collaboration_label"] for r in arboga} == {"Mälardalsrådet", "Västra Mälardalen"}
    assert {r["collaborations"] for r in arboga} == {2}
    assert all(r["source"] for r in arboga)
