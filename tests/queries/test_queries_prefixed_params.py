"""Typed parameters accept the prefixed forms kgtool prints (``ks:…``, ``id:…``)."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest


def rows(result) -> list[dict[str, str]]:
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.stdout)))


def test_role_given_as_prefixed_name_selects_the_associates(run_cli):
    found = rows(
        run_cli(
            "query", "members-of-collaboration", "-p", "role=ks:AssociateMember", "-f", "sparql-csv"
        )
    )
    assert len(found) == 11
    full = rows(
        run_cli("query", "members-of-collaboration", "-p", "role=ks:FullMember", "-f", "sparql-csv")
    )
    assert len(full) == 55


@pytest.mark.parametrize(
    "value",
    ["id:municipality/0486", "municipality/0486", "0486", "Strängnäs"],
)
def test_municipality_in_every_printed_form(run_cli, value):
    found = rows(
        run_cli(
            "query",
            "collaborations-of-municipality",
            "-p",
            f"municipality={value}",
            "-f",
            "sparql-csv",
        )
    )
    assert {row["collaborationName"] for row in found} == {"Fyra Mälarstäder", "Mälardalsrådet"}


def test_saved_query_refusal_does_not_suggest_an_option_query_lacks(run_cli, tmp_path):
    """`kgtool sparql` has --allow-remote; the refusal for `kgtool query` must not point at it."""
    root = Path(__file__).resolve().parents[2]
    for folder in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(root / folder, tmp_path / folder)
    (tmp_path / "queries" / "remote.rq").write_text(
        "#+ summary: Calls a remote endpoint\n"
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }\n",
        encoding="utf-8",
    )
    result = run_cli("query", "remote", project=tmp_path)
    assert result.exit_code == 2
    assert "SERVICE <http://127.0.0.1:9/sparql>" in result.stderr
    assert "--allow-remote" not in result.stderr
    sparql = run_cli(
        "sparql", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    )
    assert sparql.exit_code == 2 and "--allow-remote" in sparql.stderr
