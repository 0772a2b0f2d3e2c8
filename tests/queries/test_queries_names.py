"""Counties and regions answer to their common names; a repeated -p means "any of these"
where the query says so, and is an error naming the parameter elsewhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from kgtool.project import Project
from kgtool.query.catalogue import load_catalogue

ROOT = Path(__file__).resolve().parents[2]
COUNTY_QUERIES = [
    q.name for q in load_catalogue(Project(ROOT)) if any(p.type == "county" for p in q.params)
]
COMMON_NAMES = [
    ("Västmanland", "19"),
    ("Västmanlands län", "19"),
    ("västmanland county", "19"),
    ("Sörmland", "04"),
    ("Södermanland", "04"),
    ("Region Sörmland", "04"),
    ("Dalarna", "20"),
    ("Dalarnas län", "20"),
    ("Region Stockholm", "01"),
    ("Stockholm", "01"),
    ("Stockholms län", "01"),
    ("Gotland", "09"),
    ("Jämtland Härjedalen", "23"),
]


def test_some_queries_take_a_county():
    assert len(COUNTY_QUERIES) >= 2


@pytest.mark.parametrize("query", COUNTY_QUERIES)
@pytest.mark.parametrize(("name", "code"), COMMON_NAMES)
def test_a_county_by_its_common_name(run_cli, query, name, code):
    by_code = run_cli("query", query, "-p", f"county={code}", "-f", "tsv")
    by_name = run_cli("query", query, "-p", f"county={name}", "-f", "tsv")
    assert by_code.exit_code == 0, by_code.stderr
    assert by_name.exit_code == 0, by_name.stderr
    assert by_name.output == by_code.output
    if len(by_code.output.splitlines()) == 1:  # no rows (e.g. Jämtland): the name must still
        import kgtool  # be that county, not any county without rows

        assert kgtool.open(ROOT).resolve("county", name).endswith(f"/county/{code}")


def test_region_by_its_short_name():
    import kgtool

    kg = kgtool.open(ROOT)
    assert kg.resolve("region", "Sörmland").endswith("/region/04")
    assert kg.resolve("region", "Västmanlands län").endswith("/region/19")
    assert kg.resolve("county", "Region Västmanland").endswith("/county/19")


@pytest.mark.parametrize("typo", ["Västmanlnd", "Sormlnd", "Dalrna", "Uppsla"])
def test_suggestions_are_names_never_iso_codes(run_cli, typo):
    result = run_cli("query", "members-of-collaboration", "-p", f"county={typo}")
    assert result.exit_code == 2
    assert "did you mean" in result.stderr
    assert "SE-" not in result.stderr


def test_repeated_county_means_any_of_them(run_cli):
    def members(*counties: str) -> set[str]:
        args = [a for c in counties for a in ("-p", f"county={c}")]
        result = run_cli("query", "members-of-collaboration", *args, "-f", "tsv")
        assert result.exit_code == 0, result.stderr
        return {tuple(line.split("\t")[:4]) for line in result.output.splitlines()[1:]}

    west, dalarna = members("Västmanland"), members("Dalarna")
    assert west and dalarna
    assert members("Västmanland", "Dalarna") == west | dalarna
    assert members("19", "Västmanland") == west  # the same county twice is once


def test_repeated_single_parameter_exits_2_naming_it(run_cli):
    result = run_cli(
        "query", "members-of-collaboration", "-p", "collaboration=malardalsradet",
        "-p", "collaboration=fyra-malarstader",
    )  # fmt: skip
    assert result.exit_code == 2
    assert "parameter 'collaboration'" in result.stderr
    assert "2 times" in result.stderr


def test_api_takes_a_list_for_a_multiple_parameter():
    import kgtool

    kg = kgtool.open(ROOT)
    both = kg.query("members-of-collaboration", county=["Västmanland", "Dalarna"])
    one = kg.query("members-of-collaboration", county="Dalarna")
    assert 0 < len(one) < len(both)
    listed = {q.name: q for q in kg.queries()}["members-of-collaboration"].listing()
    assert {p["name"]: p["multiple"] for p in listed["params"]}["county"] is True
