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


QUERY_TYPE = {q.name: q.query_type for q in load_catalogue(Project(ROOT)) if q.time_param}


def rows(run_cli, name: str, when: str) -> set[str]:
    """The answer's rows (an ASK answer is its one line, "true" or "false")."""
    result = run_cli("query", name, "--as-of", when, "-f", "tsv")
    assert result.exit_code == 0, result.stderr
    lines = result.output.splitlines()
    return set(lines if QUERY_TYPE[name] == "ASK" else lines[1:])


def test_every_query_with_a_date_parameter_is_covered():
    assert len(TIMED) >= 10
    for query in load_catalogue(Project(ROOT)):
        dated = [p for p in query.params if p.type == "xsd:date"]
        if len(dated) == 1:
            assert query.time_param == dated[0], query.name
        else:  # none, or a range (changes: from and to), which is not one "as of" date
            assert query.time_param is None, query.name


@pytest.mark.parametrize("name", TIMED)
def test_day_within_month_within_year(run_cli, name):
    """Checked by hand on the shipped data: with its default parameters every dated query has
    rows on 9 September 2020 (the Fyra Mälarstäder hand-over), so this compares real answers,
    never three empty sets."""
    day, month, year = (rows(run_cli, name, w) for w in ("2020-09-09", "2020-09", "2020"))
    assert day, f"{name}: no rows on 2020-09-09 with the default parameters"
    if QUERY_TYPE[name] == "ASK":  # a member on the day is a member during its month and year
        assert day == month == year == {"true"}
    else:
        assert day <= month <= year


# A row the wider date gives and the narrower one leaves out, each checked against the data.
NARROWER = [
    # Source 000: the Business Arena fair, 16-17 September 2020, is in September, not on the 9th.
    ("timeline", "2020-09-09", "2020-09", "fyra-malarstader/event/business-arena-2020"),
    # Source 000: Strängnäs (0486) chaired Fyra Mälarstäder until Västerås took over 2020-09-09.
    ("chair-history", "2020-10", "2020", "municipality/0486"),
    # Source 004: Mälardalsrådet's board mandate 2023-2027 is not a mandate of 2020.
    ("bodies-and-mandates", "2020", "2023", "malardalsradet/board/2023-2027"),
]


@pytest.mark.parametrize(
    ("name", "narrow", "wide", "marker"), NARROWER, ids=[n[0] for n in NARROWER]
)
def test_a_wider_date_adds_what_the_narrower_leaves_out(run_cli, name, narrow, wide, marker):
    narrow_rows, wide_rows = rows(run_cli, name, narrow), rows(run_cli, name, wide)
    assert not any(marker in row for row in narrow_rows), (name, narrow)
    assert any(marker in row for row in wide_rows), (name, wide)


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
