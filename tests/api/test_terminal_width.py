"""``table`` output fits the terminal; long cells end in an ellipsis there and nowhere else."""

from __future__ import annotations

import pytest

from kgtool.query.tables import Table, clip, fit_widths, to_text

QUERY = ("query", "collaborations-of-municipality", "-p", "municipality=1980")


def test_fit_widths_gives_way_from_the_widest_columns():
    assert fit_widths([5, 10, 50], 100) == [5, 10, 50]
    widths = fit_widths([5, 10, 50], 40)
    assert widths[:2] == [5, 10] and sum(widths) + 4 <= 40
    assert fit_widths([30, 30, 30], 40) == [12, 12, 12]
    assert fit_widths([30, 30], 5) == [6, 6], "never below six characters"


def test_shorten():
    assert clip("Västerås", 8) == "Västerås"
    assert clip("Västerås stad", 8) == "Västerå…"
    assert len(clip("Västerås stad", 8)) == 8


def test_to_text_fits_the_width():
    table = Table(["iri", "name"], [{"iri": "x" * 90, "name": "Fyra Mälarstäder"}])
    lines = to_text(table, 60).splitlines()
    assert all(len(line) <= 60 for line in lines)
    assert lines[2].startswith("x" * 10) and "…" in lines[2] and "Fyra Mälarstäder" in lines[2]
    assert "…" not in to_text(table)


@pytest.mark.parametrize("columns", [80, 120])
def test_cli_table_fits_columns(run_cli, monkeypatch, columns):
    monkeypatch.setenv("COLUMNS", str(columns))
    result = run_cli(*QUERY)
    assert result.exit_code == 0, result.stderr
    lines = result.output.splitlines()
    assert all(len(line) <= columns for line in lines), max(map(len, lines))
    assert "…" in result.output
    assert lines[-1] == "(2 rows)"


def test_piped_table_keeps_whole_cells(run_cli, monkeypatch):
    monkeypatch.delenv("COLUMNS", raising=False)
    result = run_cli(*QUERY)
    assert "…" not in result.output
    assert "id:collaboration/fyra-malarstader" in result.output
    assert max(len(line) for line in result.output.splitlines()) > 120


@pytest.mark.parametrize("fmt", ["csv", "json", "md", "tsv", "xml", "sparql-json"])
def test_machine_formats_never_shorten(run_cli, monkeypatch, fmt):
    monkeypatch.delenv("COLUMNS", raising=False)
    whole = run_cli(*QUERY, "-f", fmt)
    assert whole.exit_code == 0 and "collaboration/fyra-malarstader" in whole.output, whole.stderr
    monkeypatch.setenv("COLUMNS", "40")
    narrow = run_cli(*QUERY, "-f", fmt).output
    assert narrow == whole.output and "…" not in narrow
