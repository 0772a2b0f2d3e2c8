"""``/api/<name>``: the same columns as the CLI in CSV, JSON and xlsx; a page for a browser."""

from __future__ import annotations

import csv
import io

import openpyxl
from publish_helpers import ROOT

import kgtool

PARAMS = {"collaboration": "malardalsradet", "role": "associate"}


def test_api_csv_json_xlsx_have_the_cli_columns(ui_http):
    expected = kgtool.open(ROOT).query("members-of-collaboration", **PARAMS).columns
    response = ui_http.get(
        "/api/members-of-collaboration", params=PARAMS, headers={"Accept": "text/csv"}
    )
    assert response.status_code == 200, response.text
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == expected and len(rows) == 12
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["member_label"] and record["member_code"] and record["memberCounty_code"]
    answer = ui_http.get(
        "/api/members-of-collaboration", params={**PARAMS, "format": "json"}
    ).json()
    assert answer["head"]["vars"] == expected
    assert len(answer["results"]["bindings"]) == 11
    book = ui_http.get("/api/members-of-collaboration", params={**PARAMS, "format": "xlsx"})
    assert book.status_code == 200, book.text
    sheet = openpyxl.load_workbook(io.BytesIO(book.content)).active
    assert [c.value for c in sheet[1]] == expected


def test_an_empty_api_answer_keeps_the_columns(ui_http):
    params = {"collaboration": "fyra-malarstader", "role": "associate", "format": "csv"}
    response = ui_http.get("/api/members-of-collaboration", params=params)
    assert response.status_code == 200, response.text
    header = response.text.splitlines()
    assert (
        len(header) == 1
        and header[0].split(",")
        == kgtool.open(ROOT).query("members-of-collaboration", **PARAMS).columns
    )


def test_a_browser_gets_a_page_with_the_table_and_downloads(ui_http):
    headers = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8", "Accept-Language": "en"}
    response = ui_http.get("/api/members-of-collaboration", params=PARAMS, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert page.count('<td data-col="member_label"') == 11
    assert "11 rows" in page
    assert "format=csv" in page and "format=xlsx" in page
    assert 'href="../en/id/municipality/2023/"' in page  # a local link, not w3id.org
    plain = ui_http.get("/api/members-of-collaboration", params=PARAMS, headers={"Accept": "*/*"})
    assert not plain.headers["content-type"].startswith("text/html")


def test_api_answers_name_things_in_the_asked_language(ui_http):
    """timeline reads the language: Accept-Language picks its item names, in the table
    (CSV) and on the page a browser gets."""
    params = {"collaboration": "malardalsradet", "format": "csv"}
    names = {}
    for lang in ("sv", "en"):
        response = ui_http.get("/api/timeline", params=params, headers={"Accept-Language": lang})
        assert response.status_code == 200, response.text
        names[lang] = {row["itemName"] for row in csv.DictReader(io.StringIO(response.text))}
    assert "Rådsmötet 2019" in names["sv"] and "Council meeting 2019" in names["en"]
    assert "Rådsmötet 2019" not in names["en"]
    headers = {"Accept": "text/html", "Accept-Language": "en"}
    page = ui_http.get("/api/timeline", params={"collaboration": "malardalsradet"}, headers=headers)
    assert ">Council meeting 2019<" in page.text and "Rådsmötet 2019" not in page.text
