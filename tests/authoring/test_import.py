"""``kgtool import memberships`` and ``kgtool export memberships``: a new collaboration from a
30-row spreadsheet validates; a sheet with mistakes is refused row by row with nothing written;
export gives the table back unchanged."""

from __future__ import annotations

import csv
import datetime
import io

import openpyxl
import pytest

from tests.authoring.conftest import ROOT, snapshot

MUNICIPALITIES = list(
    csv.DictReader((ROOT / "data/reference/csv/municipalities.csv").open(encoding="utf-8"))
)


def _sheet(path, rows, header=("municipality", "role", "from", "to", "notes")):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path


def _start(run_cli, project):
    result = run_cli(
        "new",
        "collaboration",
        "test-samverkan",
        "--name",
        "Testsamverkan",
        "--source",
        "004",
        project=project,
    )
    assert result.exit_code == 0, result.output


def _thirty_rows():
    """30 municipalities of the reference table, by name (some by another spelling), with
    periods at every precision, a date cell, both roles and notes."""
    rows = []
    for i, m in enumerate(MUNICIPALITIES[40:70]):
        name = m["name"] if i % 3 else m["name"].upper()  # names match without case
        start = [2019, "2019-09", datetime.date(2019, 9, 1)][i % 3]
        end = "2022-12-31" if i % 5 == 0 else None
        rows.append((name, "associate" if i % 4 == 0 else "full", start, end, f"rad {i}"))
    return rows


def test_thirty_rows_import_into_a_new_collaboration_and_validate(run_cli, project_copy, tmp_path):
    _start(run_cli, project_copy)
    table = _sheet(tmp_path / "members.xlsx", _thirty_rows())
    result = run_cli(
        "import",
        "memberships",
        str(table),
        "--collaboration",
        "test-samverkan",
        "--source",
        "004",
        project=project_copy,
    )
    assert result.exit_code == 0, result.output
    assert "added 30 membership(s) to data/collaborations/test-samverkan.ttl" in result.output
    check = run_cli("validate", "-q", project=project_copy)
    assert check.exit_code == 0, check.stdout

    exported = run_cli("export", "memberships", "test-samverkan", project=project_copy)
    rows = list(csv.DictReader(io.StringIO(exported.stdout)))
    assert len(rows) == 30
    by_code = {r["code"]: r for r in rows}
    first = MUNICIPALITIES[40]  # row 2: upper-case name, start 2019, end 2022-12-31, associate
    assert by_code[first["kommunkod"]] == {
        "code": first["kommunkod"],
        "municipality": first["name"],
        "role": "associate",
        "from": "2019",
        "to": "2022-12-31",
        "notes": "rad 0",
    }
    third = MUNICIPALITIES[42]  # a date cell is a day
    assert by_code[third["kommunkod"]]["from"] == "2019-09-01"
    assert by_code[MUNICIPALITIES[41]["kommunkod"]]["from"] == "2019-09"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_import_export_is_the_identity(run_cli, project_copy, tmp_path, fmt):
    _start(run_cli, project_copy)
    table = tmp_path / f"members.{fmt}"
    source = "malardalsradet"  # 55 full members (one a region) and 11 associates
    exported = run_cli("export", "memberships", source, "-o", str(table), project=project_copy)
    assert exported.exit_code == 0, exported.output
    imported = run_cli(
        "import",
        "memberships",
        str(table),
        "--collaboration",
        "test-samverkan",
        "--source",
        "004",
        project=project_copy,
    )
    assert imported.exit_code == 0, imported.output
    again = tmp_path / f"again.{fmt}"
    run_cli("export", "memberships", "test-samverkan", "-o", str(again), project=project_copy)
    assert _cells(again) == _cells(table)
    assert len(_cells(table)) == 1 + 66
    assert run_cli("validate", "-q", project=project_copy).exit_code == 0


def _cells(path):
    if path.suffix == ".csv":
        return list(csv.reader(path.open(encoding="utf-8")))
    sheet = openpyxl.load_workbook(path).active
    return [[c if c is not None else "" for c in row] for row in sheet.iter_rows(values_only=True)]


def test_a_sheet_with_mistakes_is_refused_row_by_row_and_nothing_changes(
    run_cli, project_copy, tmp_path
):
    _start(run_cli, project_copy)
    table = _sheet(tmp_path / "members.xlsx", [("Eskilstuna", "full", "2020", None, None)])
    first = run_cli(
        "import",
        "memberships",
        str(table),
        "--collaboration",
        "test-samverkan",
        "--source",
        "004",
        project=project_copy,
    )
    assert first.exit_code == 0, first.output
    before = snapshot(project_copy)

    bad = _sheet(
        tmp_path / "bad.xlsx",
        [
            ("Västerås", "full", "2020-01", None, None),  # row 2: fine
            ("Eskilstna", "full", "2021", None, None),  # row 3: misspelt
            ("Arboga", "full", "2021-02-30", None, None),  # row 4: no such day
            ("Eskilstuna", "full", "2019", "2021", None),  # row 5: overlaps the graph's
            ("Köping", "chair", "2020", None, None),  # row 6: role not allowed
            ("Västerås", "associate", "2020-06", None, None),  # row 7: overlaps row 2
        ],
    )
    result = run_cli(
        "import",
        "memberships",
        str(bad),
        "--collaboration",
        "test-samverkan",
        "--source",
        "004",
        project=project_copy,
    )
    assert result.exit_code == 2
    lines = result.output.splitlines()
    shown = str(bad)
    assert lines[0] == "Error: 5 problem(s), nothing written:"
    assert lines[1] == (
        f"{shown} row 3 column A (municipality): no municipality 'Eskilstna' in the graph; "
        "did you mean Eskilstuna?"
    )
    assert lines[2] == f"{shown} row 4 column C (from): impossible date '2021-02-30': no such day"
    assert lines[3] == (
        f"{shown} row 5 column C (from): Eskilstuna's period 2019–2021 overlaps the membership "
        "<collaboration/test-samverkan/membership/0484> in the graph (2020–)"
    )
    assert lines[4] == (
        f"{shown} row 6 column B (role): 'chair' is not a membership role; "
        "allowed values: full, associate"
    )
    assert lines[5] == f"{shown} row 7 column C (from): Västerås's period 2020-06– overlaps row 2"
    assert len(lines) == 6
    assert snapshot(project_copy) == before


def test_the_template_ships_with_its_help(run_cli, tmp_path):
    target = tmp_path / "empty.xlsx"
    assert run_cli("new", "sheet", str(target)).exit_code == 0
    book = openpyxl.load_workbook(target)
    assert [c.value for c in book["memberships"][1]] == [
        "code",
        "municipality",
        "role",
        "from",
        "to",
        "notes",
    ]
    help_text = " ".join(str(r[0].value) for r in book["help"].iter_rows())
    assert "| `role` | yes | `full` or `associate`" in help_text
