"""Analysis-ready exports: labels and official codes beside IRIs, -o FILE, xlsx, --excel."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl
import pytest

from kgtool.project import Project
from kgtool.query.catalogue import load_catalogue

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "data" / "reference" / "csv"
KS = "https://w3id.org/kommunsamverkan/def/"
MEMBERS = ("query", "members-of-collaboration", "-p", "collaboration=malardalsradet")


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def test_csv_export_joins_every_member_municipality_by_kommunkod(run_cli, tmp_path):
    out = tmp_path / "members.csv"
    result = run_cli(*MEMBERS, "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert result.output == ""
    raw = out.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert raw.count(b"\r\n") == 67, "RFC 4180: CRLF after the header and each of 66 rows"
    rows = read_csv(out)
    municipalities = [r for r in rows if r["kind"] == KS + "Municipality"]
    reference = {r["kommunkod"]: r for r in read_csv(REFERENCE / "municipalities.csv")}
    joined = [r for r in municipalities if r["member_code"] in reference]
    assert len(joined) == len(municipalities) == 56
    full = {r["member_code"] for r in joined if r["role"] == KS + "FullMember"}
    assert len(full) == 50
    assert all(reference[r["member_code"]]["name"] == r["member_label"] for r in joined)
    counties = {r["county_code"] for r in read_csv(REFERENCE / "counties.csv")}
    assert {r["memberCounty_code"] for r in rows} <= counties
    # 004: full members under five county headings; associates from five other counties
    headings, others = {"01", "03", "04", "18", "19"}, {"05", "09", "17", "20", "21"}
    assert {r["memberCounty_code"] for r in rows} == headings | others
    regions = [r for r in rows if r["kind"] == KS + "Region"]
    assert regions and all(r["member_code"] in counties for r in regions)


def test_xlsx_has_the_same_rows_as_csv(run_cli, tmp_path):
    assert run_cli(*MEMBERS, "-o", str(tmp_path / "m.csv")).exit_code == 0
    result = run_cli(*MEMBERS, "-o", str(tmp_path / "members.xlsx"))
    assert result.exit_code == 0, result.stderr
    sheet = openpyxl.load_workbook(tmp_path / "members.xlsx").active
    rows = sheet.iter_rows(values_only=True)
    cells = [["" if v is None else str(v) for v in row] for row in rows]
    expected = list(csv.reader(io.StringIO((tmp_path / "m.csv").read_text(encoding="utf-8"))))
    assert cells == expected
    assert len(cells) == 67


def test_excel_flag_adds_the_bom_and_keeps_the_text(run_cli, tmp_path):
    result = run_cli(*MEMBERS, "-f", "csv", "--excel")
    assert result.exit_code == 0
    assert result.stdout_bytes.startswith(b"\xef\xbb\xbfmember,")
    assert "Malung-Sälen".encode() in result.stdout_bytes


@pytest.mark.parametrize(
    ("suffix", "check"),
    [
        (".json", lambda text: len(json.loads(text)) == 66),
        (".md", lambda text: text.startswith("| member | member_label | member_code |")),
        (".tsv", lambda text: text.startswith("?member\t?memberName\t")),
        (".xml", lambda text: "sparql-results#" in text),
    ],
)
def test_output_suffix_picks_the_format(run_cli, tmp_path, suffix, check):
    out = tmp_path / f"members{suffix}"
    result = run_cli(*MEMBERS, "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert check(out.read_text(encoding="utf-8"))


def test_tsv_output_file_is_the_sparql_tsv(run_cli, tmp_path):
    out = tmp_path / "m.tsv"
    assert run_cli(*MEMBERS, "-o", str(out)).exit_code == 0
    assert out.read_text(encoding="utf-8") == run_cli(*MEMBERS, "-f", "tsv").output


def test_ttl_suffix_for_a_construct(run_cli, tmp_path):
    out = tmp_path / "card.ttl"
    assert run_cli("query", "collaboration-card", "-o", str(out)).exit_code == 0
    assert "@prefix ks:" in out.read_text(encoding="utf-8")


def test_unknown_suffix_and_xlsx_to_stdout_are_usage_errors(run_cli, tmp_path):
    result = run_cli(*MEMBERS, "-o", str(tmp_path / "m.parquet"))
    assert result.exit_code == 2 and "cannot tell the format" in result.stderr
    result = run_cli(*MEMBERS, "-f", "xlsx")
    assert result.exit_code == 2 and "give -o FILE.xlsx" in result.stderr


def test_raw_gives_the_w3c_forms(run_cli):
    csv_raw = run_cli(*MEMBERS, "-f", "csv", "--raw").output
    assert csv_raw.splitlines()[0] == run_cli(*MEMBERS, "-f", "sparql-csv").output.splitlines()[0]
    assert "member_label" not in csv_raw
    data = json.loads(run_cli(*MEMBERS, "-f", "json", "--raw").output)
    assert data["head"]["vars"][0] == "member"


def test_a_role_reads_one_way_in_every_saved_query(run_cli, project_dir):
    """Wherever a membership role is an IRI, the column after it is its label."""
    labels = {KS + "FullMember": "full member", KS + "AssociateMember": "associate member"}
    seen = 0
    for query in load_catalogue(Project(project_dir)):
        result = run_cli("query", query.name, "-f", "csv")
        assert result.exit_code == 0, (query.name, result.stderr)
        if query.query_type == "ASK":
            continue
        rows = list(csv.DictReader(io.StringIO(result.output)))
        for row in rows:
            for column, value in row.items():
                if value in labels:
                    assert row[f"{column}_label"] == labels[value], (query.name, column)
                    seen += 1
    assert seen > 100
