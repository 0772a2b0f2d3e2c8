"""``--as-of`` (and every saved query's date parameter) takes a day, a month or a year.

A month or a year means "at any time during it", so a year's rows hold its months' rows, and a
month's rows hold its days' rows.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kgtool.project import Project
from kgtool.query.catalogue import load_catalogue

ROOT = Path(__file__).resolve().parents[2]
TIMED = [q.name for q in load_catalogue(Project(ROOT)) if q.time_param is not None]


def rows(run_cli, name: str, when: str) -> set[str]:
    result = run_cli("query", name, "--as-of", when, "-f", "tsv")
    assert result.exit_code == 0, result.stderr
    return set(result.output.splitlines()[1:])


def test_every_query_with_a_date_parameter_is_covered():
    assert len(TIMED) >= 10
    for query in load_catalogue(Project(ROOT)):
        dated = [p for p in query.params if p.type == "xsd:date"]
        assert dated == ([query.time_param] if dated else []), query.name


@pytest.mark.parametrize("name", TIMED)
def test_day_within_month_within_year(run_cli, name):
    day, month, year = (rows(run_cli, name, w) for w in ("2020-09-09", "2020-09", "2020"))
    assert day <= month <= year


@pytest.mark.parametrize("name", TIMED)
def test_the_date_parameter_takes_the_three_forms(run_cli, name):
    time_param = next(q.time_param for q in load_catalogue(Project(ROOT)) if q.name == name)
    for when in ("2021", "2021-03", "2021-03-01"):
        by_option = run_cli("query", name, "--as-of", when, "-f", "tsv")
        by_param = run_cli("query", name, "-p", f"{time_param.name}={when}", "-f", "tsv")
        assert by_option.exit_code == by_param.exit_code == 0, by_param.stderr
        assert by_option.output == by_param.output


def test_a_year_lists_both_chairs_of_a_hand_over(run_cli):
    """000: Strängnäs chaired to September 2020, Västerås from 2020-09-09."""

    def holders(when: str) -> list[str]:
        result = run_cli(
            "query", "chair-history", "-p", "collaboration=fyra-malarstader",
            "--as-of", when, "-f", "csv",
        )  # fmt: skip
        assert result.exit_code == 0, result.stderr
        return sorted(line.split(",")[0] for line in result.output.splitlines()[1:])

    assert len(holders("2020")) == 2
    assert len(holders("2020-01-01")) == 1
    assert len(holders("2020-10")) == 1
    assert holders("2020") == sorted(holders("2020-01-01") + holders("2020-10"))


@pytest.mark.parametrize("bad", ["20", "2020-13", "2020-02-30", "2020-9", "last year"])
def test_a_bad_as_of_is_a_usage_error(run_cli, bad):
    result = run_cli("query", "chair-history", "--as-of", bad)
    assert result.exit_code == 2
    assert "is not a day, a month or a year" in result.stderr


def test_api_takes_a_year_and_a_date(run_cli):
    import datetime

    import kgtool

    kg = kgtool.open(ROOT)
    year = kg.query("chair-history", collaboration="fyra-malarstader", as_of=2020)
    new_year = datetime.date(2020, 1, 1)
    day = kg.query("chair-history", collaboration="fyra-malarstader", as_of=new_year)
    assert len(year) == 2 and len(day) == 1
