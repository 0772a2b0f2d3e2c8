"""Every exported answer says how it was made, and that record re-runs to the same rows."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import kgtool
from kgtool.version import dataset_version

ROOT = Path(__file__).resolve().parents[2]


def export(run_cli, tmp_path: Path, name: str, *args: str) -> tuple[Path, dict]:
    out = tmp_path / name
    result = run_cli(*args, "-o", str(out))
    assert result.exit_code == 0, result.stderr
    sidecar = out.with_name(out.name + ".provenance.json")
    return out, json.loads(sidecar.read_text(encoding="utf-8"))


def test_csv_provenance_reruns_to_identical_rows(run_cli, tmp_path):
    out, record = export(
        run_cli, tmp_path, "chairs.csv",
        "query", "chairs-on-date", "-p", "collaboration=Fyra Mälarstäder", "--as-of", "2020",
    )  # fmt: skip
    query = record["query"]
    assert query["name"] == "chairs-on-date" and query["as_of"] == "2020"
    assert query["parameters"] == {"collaboration": "Fyra Mälarstäder"}
    assert "SELECT" in query["text"]
    assert (
        record["used"]["content_sha256"] == dataset_version(kgtool.open(ROOT).project).content_hash
    )
    assert record["wasGeneratedBy"]["version"] == kgtool.version.__version__
    assert record["result"]["rows"] == 2
    assert [s["iri"].rsplit("/", 1)[1] for s in record["sources"]] == ["000"]
    assert "Source 000" in record["citation"] and "chairs-on-date" in record["citation"]
    # Re-run from the record, through the API and through the recorded command line.
    again = kgtool.open(ROOT).query(query["name"], as_of=query["as_of"], **query["parameters"])
    assert again.to_csv() == out.read_bytes().decode()
    words = shlex.split(record["rerun"])
    assert words[:2] == ["kgtool", "query"]
    rerun = run_cli(*words[1:], "-f", "csv")
    assert rerun.exit_code == 0, rerun.stderr
    assert rerun.stdout == out.read_bytes().decode().replace("\r\n", "\n")  # click's stdout


def test_repeated_parameter_is_recorded_and_reruns(run_cli, tmp_path):
    out, record = export(
        run_cli, tmp_path, "m.csv",
        "query", "members-of-collaboration", "-p", "county=Dalarna", "-p", "county=19",
    )  # fmt: skip
    assert record["query"]["parameters"] == {"county": ["Dalarna", "19"]}
    rerun = run_cli(*shlex.split(record["rerun"])[1:], "-f", "csv")
    assert rerun.exit_code == 0, rerun.stderr
    assert rerun.stdout == out.read_bytes().decode().replace("\r\n", "\n")  # click's stdout


def test_sparql_export_records_the_query_text(run_cli, tmp_path):
    text = "SELECT ?c WHERE { ?c a ks:Collaboration } ORDER BY ?c"
    out, record = export(run_cli, tmp_path, "c.json", "sparql", text)
    assert record["query"]["name"] is None and record["query"]["text"] == text
    assert json.loads(out.read_text()) == kgtool.open(ROOT).sparql(text).rows


def test_xlsx_shows_the_citation(run_cli, tmp_path):
    import openpyxl  # in the test extra: missing is an error, not a skip

    out, record = export(run_cli, tmp_path, "m.xlsx", "query", "members-of-collaboration")
    book = openpyxl.load_workbook(out)
    sheet = book["Provenance"]
    assert sheet["A1"].value == "Citation" and sheet["B1"].value == record["citation"]
    assert "Source 004" in record["citation"]
    assert book.properties.description == record["citation"]
    assert len(book.worksheets[0]["A"]) == record["result"]["rows"] + 1


def test_result_provenance_in_the_api():
    result = kgtool.open(ROOT).query("figures-compared")
    record = result.provenance
    assert record["query"]["name"] == "figures-compared"
    assert {s["iri"][-3:] for s in record["sources"]} == {"002", "004"}
    assert record["citation"].startswith("kgtool contributors")
