"""One result shape for every door: the query's text decides the table's columns.

The same saved query gives the same columns (its variables, each followed by its ``_label``
and ``_code`` companions) for any parameters and any data, an empty answer included.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pyoxigraph
import pytest

import kgtool
from kgtool.project import Project
from kgtool.query.catalogue import load_catalogue
from kgtool.query.names import NameIndex
from kgtool.query.run import run_local
from kgtool.query.tables import build_table
from kgtool.store.engine import ProjectStore, open_project_store

ROOT = Path(__file__).resolve().parents[2]
PROJECT = Project(ROOT)
QUERIES = [q for q in load_catalogue(PROJECT) if q.query_type == "SELECT"]


@pytest.fixture(scope="module")
def full_store() -> ProjectStore:
    return open_project_store(PROJECT)


@pytest.fixture(scope="module")
def ontology_only() -> ProjectStore:
    """The ontology and no data: every saved query answers with no rows."""
    store = pyoxigraph.Store()
    for path in sorted((ROOT / "ontology").glob("*.ttl")):
        store.load(path=str(path), format=pyoxigraph.RdfFormat.TURTLE)
    return ProjectStore(store, [])


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_an_empty_answer_has_the_same_columns(query, full_store, ontology_only):
    bindings = query.bind({}, store=NameIndex.from_store(full_store))
    answer = run_local(full_store, query.text, bindings)
    empty = run_local(ontology_only, query.text, bindings)
    assert answer.rows and not empty.rows
    full_table = build_table(answer, full_store, "en", query.text)
    empty_table = build_table(empty, ontology_only, "en", query.text)
    assert empty_table.columns == full_table.columns
    assert empty_table.rows == []
    variables = [c for c in full_table.columns if not c.endswith(("_label", "_code"))]
    assert variables == answer.variables, "the query's own variables, in its order"
    for column in full_table.columns:  # a companion that is never filled is a wrong guess
        if column.endswith("_label") or column.endswith("_code"):
            base = column.rsplit("_", 1)[0]
            if any(isinstance(r.get(base), pyoxigraph.NamedNode) for r in answer.rows):
                continue
            pytest.fail(f"{query.name}: {column} but {base} holds no IRI in the shipped answer")


def test_the_members_columns_do_not_change_with_the_role():
    kg = kgtool.open(ROOT)
    everyone = kg.query("members-of-collaboration", collaboration="malardalsradet")
    associates = kg.query(
        "members-of-collaboration", collaboration="malardalsradet", role="associate"
    )
    nobody = kg.query(
        "members-of-collaboration", collaboration="fyra-malarstader", role="associate"
    )
    assert len(everyone) == 66 and len(associates) == 11 and len(nobody) == 0
    assert everyone.columns == associates.columns == nobody.columns
    assert list(nobody.to_pandas().columns) == everyone.columns
    for column in ("member_label", "member_code", "role_label", "memberCounty_code",
                   "listedUnder_label", "listedUnder_code"):  # fmt: skip
        assert column in everyone.columns


def test_cli_csv_and_pandas_have_the_same_columns(run_cli):
    result = run_cli("query", "members-of-collaboration", "-p", "role=associate", "-f", "csv")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    frame = kgtool.open(ROOT).query("members-of-collaboration", role="associate").to_pandas()
    assert rows[0] == list(frame.columns)
    assert len(rows) == 12 and len(frame) == 11
    header = rows[0]
    for row in rows[1:]:
        record = dict(zip(header, row, strict=True))
        assert record["member_label"] and record["memberCounty_code"]
        assert (
            record["member_code"] == record["memberCounty_code"] or len(record["member_code"]) == 4
        )
