"""Time rules on mixed precisions: they fire when periods surely clash, and never cry wolf."""

from __future__ import annotations

from pathlib import Path

import pytest

from kgtool.checks.validate import load_shapes, validate_loaded, with_files
from kgtool.project import Project
from kgtool.store.graph import load_project

ROOT = Path(__file__).resolve().parents[2]
PROJECT = Project(ROOT)
HEAD = """BASE <https://w3id.org/kommunsamverkan/id/>
PREFIX ks: <https://w3id.org/kommunsamverkan/def/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX time: <http://www.w3.org/2006/time#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""
BOARD = "collaboration/malardalsradet/board"
FM = "collaboration/fyra-malarstader"


def when(value: str) -> str:
    kind = {10: "inXSDDate date", 7: "inXSDgYearMonth gYearMonth"}.get(
        len(value), "inXSDgYear gYear"
    )
    predicate, datatype = kind.split()
    return f'[ a time:Instant ; time:{predicate} "{value}"^^xsd:{datatype} ]'


def mandate(start: str, end: str) -> str:
    return f"""<{BOARD}/{start[:4]}-{end[:4]}> a ks:MandatePeriod ; ks:mandateOf <{BOARD}> ;
    time:hasBeginning {when(start)} ; time:hasEnd {when(end)} ; prov:wasDerivedFrom <source/004> .
"""


def chair(member: str, start: str, end: str | None = None, comment: str = "") -> str:
    bounds = f"time:hasBeginning {when(start)}" + (f" ; time:hasEnd {when(end)}" if end else "")
    return f"""<{FM}/chair/test-{start}> a ks:Chairmanship ; org:member <municipality/{member}> ;
    org:organization <{FM}> ; org:role ks:Chair ; org:memberDuring [ {bounds} ] ;{comment}
    prov:wasDerivedFrom <source/000> .
"""


@pytest.fixture(scope="module")
def check(tmp_path_factory):
    loaded = load_project(PROJECT)
    shapes = load_shapes(PROJECT)
    folder = tmp_path_factory.mktemp("time")

    def run(name: str, turtle: str) -> set[str]:
        path = folder / f"{name}.ttl"
        path.write_text(HEAD + turtle, encoding="utf-8")
        return validate_loaded(with_files(loaded, [path]), shapes).shapes()

    return run


def test_mandate_periods_touching_in_a_year_do_not_overlap(check):
    # the board's own 2023-2027 period is in the data; 2019-2023 ends in the year it starts
    assert check("touching", mandate("2019", "2023")) == set()


def test_mandate_periods_overlapping_at_mixed_precision_are_caught(check):
    found = check("mixed", mandate("2019-01-01", "2024-06"))
    assert found == {"MandatePeriodsDoNotOverlap"}


def test_start_in_the_same_month_as_the_end_at_day_precision_is_not_after(check):
    assert check("same-month", mandate("2021-05", "2021-05-31").replace("2021-2021", "x")) == set()


def test_hand_over_on_the_next_day_is_no_gap(check):
    # Strängnäs holds the chair 2019-09 to 2020-09, Västerås from 2020-09-09 (shipped data);
    # an earlier turn ending 2019-08-31 hands over to a September 2019 start
    assert check("next-day", chair("0484", "2018-09-01", "2019-08-31")) == set()


def test_hand_over_a_month_late_is_a_gap_unless_explained(check):
    turtle = chair("0484", "2018-09-01", "2019-07-31")  # then Strängnäs from 2019-09
    assert check("late", turtle) == {"ChairHandOverWithoutGap"}
    explained = turtle.replace(
        "prov:wasDerivedFrom",
        'rdfs:comment "Ingen ordförande utsågs."@sv ;\n    prov:wasDerivedFrom',
    )
    assert check("explained", explained) == set()


def test_a_chair_overlapping_another_at_mixed_precision_is_caught(check):
    # a start of "2020" might be December: not surely inside Strängnäs's 2019-09 to 2020-09
    assert check("vague", chair("0381", "2020", "2020-06")) == set()
    found = check("overlap", chair("0381", "2020-01", "2020-06"))
    assert found == {"ChairTermsDoNotOverlap"}
