"""``kgtool plot network --as-of`` and ``export network --as-of``: the network at a date, with
a record of how the file was made."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("matplotlib")


def test_plot_network_as_of_writes_its_provenance(run_cli, tmp_path):
    out = tmp_path / "n.svg"
    result = run_cli("plot", "network", "--as-of", "2020-09-09", "--lang", "sv", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert out.read_bytes().startswith(b"<?xml")
    assert "Medlemsnätverk" in result.stderr  # the text alternative in Swedish
    record = json.loads((tmp_path / "n.svg.provenance.json").read_text(encoding="utf-8"))
    assert record["query"]["name"] == "network-edges" and record["query"]["as_of"] == "2020-09-09"
    assert record["made"] == "plot network (svg)"
    assert {s["iri"][-3:] for s in record["sources"]} == {"000", "001", "003", "004"}


def test_export_network_as_of_keeps_undated_memberships(run_cli, tmp_path):
    """The sources date no membership, so every membership is kept at any date."""
    now, then = tmp_path / "now.csv", tmp_path / "then.csv"
    assert run_cli("export", "network", "-o", str(now)).exit_code == 0
    assert run_cli("export", "network", "--as-of", "2019", "-o", str(then)).exit_code == 0
    assert then.read_bytes() == now.read_bytes()
    record = json.loads((tmp_path / "then.csv.provenance.json").read_text(encoding="utf-8"))
    assert record["result"]["rows"] == len(now.read_text().splitlines()) - 1


def test_a_bad_date_names_the_option(run_cli, tmp_path):
    result = run_cli("plot", "network", "--as-of", "2020-13", "-o", str(tmp_path / "x.svg"))
    assert result.exit_code == 2 and "--as-of" in result.stderr
