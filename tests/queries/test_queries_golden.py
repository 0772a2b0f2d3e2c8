"""Every saved query's default answer on the shipped data matches its golden file.

Golden files are SPARQL TSV (terms in N-Triples form, so datatypes and languages count), one
per query: ``tests/golden/<name>.tsv``. ``pytest --update-golden`` rewrites them for review.
They are the Swedish answers (``--lang sv``): a query that reads the language (``?lang``) picks
its texts in it, whatever the machine's locale.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from kgtool.project import Project
from kgtool.query.catalogue import load_catalogue
from kgtool.query.sparql_text import query_form

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden"
NAMES = [path.stem for path in sorted((ROOT / "queries").glob("*.rq"))]


def golden_path(name: str) -> Path:
    return GOLDEN / f"{name}.tsv"


@pytest.mark.parametrize("name", NAMES)
def test_saved_query_matches_golden(run_cli, update_golden, name):
    result = run_cli("query", name, "-f", "tsv", "--lang", "sv")  # names as the data gives them
    assert result.exit_code == 0, result.stderr
    path = golden_path(name)
    if update_golden:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(result.output, encoding="utf-8")
    assert path.exists(), f"no golden file {path.name}: run pytest --update-golden"
    assert result.output == path.read_text(encoding="utf-8")


def test_a_query_that_reads_the_language_answers_in_it(run_cli):
    """timeline names its items in the answer's language where the data has it (English here),
    in Swedish where it does not."""
    names = {}
    for lang in ("sv", "en"):
        result = run_cli("query", "timeline", "-f", "csv", "--lang", lang)
        assert result.exit_code == 0, result.stderr
        rows = list(csv.DictReader(io.StringIO(result.output)))
        names[lang] = {row["item"].rsplit("/", 1)[-1]: row["itemName"] for row in rows}
    assert names["sv"]["council-2019"] == "Rådsmötet 2019"
    assert names["en"]["council-2019"] == "Council meeting 2019"
    assert names["sv"].keys() == names["en"].keys()
    only_swedish = [key for key in names["en"] if names["en"][key] == names["sv"][key]]
    assert len(only_swedish) < len(names["en"]) / 2, only_swedish


def test_at_least_twenty_saved_queries():
    assert len(NAMES) >= 20


def test_every_golden_file_has_its_query():
    strays = sorted(p.stem for p in GOLDEN.glob("*.tsv") if p.stem not in NAMES)
    assert strays == []


def test_every_select_query_orders_its_rows(project_dir):
    checked = set()
    for query in load_catalogue(Project(project_dir)):
        if query.query_type == "SELECT":
            assert re.search(r"\bORDER\s+BY\b", query.text, re.I), query.name
            checked.add(query.name)
    assert {"members-of-collaboration", "chair-history"} <= checked


def test_golden_answers_are_not_empty():
    """A golden file with no rows would let a broken query pass."""
    for name in NAMES:
        text = golden_path(name).read_text(encoding="utf-8")
        if query_form((ROOT / "queries" / f"{name}.rq").read_text()) == "ASK":
            assert text.strip() in ("true", "false")
        else:
            assert len(text.splitlines()) >= 2, name
