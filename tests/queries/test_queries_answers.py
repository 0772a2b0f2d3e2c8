"""Saved queries answer correctly on the shipped data: facts checked by hand against the sources.

Each test names the source text the expected answer was read from (../shared/sources/).
"""

from __future__ import annotations

import json

ID = "https://w3id.org/kommunsamverkan/id/"


def rows(run_cli, *args: str) -> list[dict[str, str]]:
    """The query's rows as {variable: value} from SPARQL JSON (missing = unbound)."""
    result = run_cli("query", *args, "-f", "sparql-json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.output)
    return [{k: v["value"] for k, v in b.items()} for b in data["results"]["bindings"]]


def test_vasteras_is_in_fyra_malarstader_and_malardalsradet(run_cli):
    """000: Västerås is one of the four; 004: 'Västerås stad' is listed under Västmanlands län."""
    found = rows(run_cli, "collaborations-of-municipality", "-p", "municipality=1980")
    assert [(r["collaborationName"], r["source"][-3:]) for r in found] == [
        ("Fyra Mälarstäder", "000"),
        ("Mälardalsrådet", "004"),
    ]
    by_name = rows(run_cli, "collaborations-of-municipality", "-p", "municipality=Västerås")
    assert by_name == found


def test_malmo_lundregionen_has_the_twelve_named_municipalities(run_cli):
    """003: 'Burlöv, Eslöv, Höör, Kävlinge, Lomma, Lund, Malmö, Skurup, Staffanstorp, Svedala,
    Trelleborg och Vellinge'."""
    found = rows(run_cli, "members-of-collaboration", "-p", "collaboration=malmo-lundregionen")
    assert sorted(r["memberName"] for r in found) == sorted(
        [
            "Burlöv",
            "Eslöv",
            "Höör",
            "Kävlinge",
            "Lomma",
            "Lund",
            "Malmö",
            "Skurup",
            "Staffanstorp",
            "Svedala",
            "Trelleborg",
            "Vellinge",
        ]
    )
    assert {r["source"] for r in found} == {ID + "source/003"}


def test_malardalsradet_members_by_role_and_county(run_cli):
    """004: eleven full members under Västmanlands län (Region Västmanland and ten
    municipalities) and eleven associate members once the run-together names are split."""
    west = rows(run_cli, "members-of-collaboration", "-p", "county=19", "-p", "role=def/FullMember")
    assert len(west) == 11
    assert "Region Västmanland" in {r["memberName"] for r in west}
    associates = rows(run_cli, "members-of-collaboration", "-p", "role=def/AssociateMember")
    assert sorted(r["memberName"] for r in associates) == [
        "Gävle",
        "Karlstad",
        "Linköping",
        "Malung-Sälen",
        "Norrköping",
        "Region Dalarna",
        "Region Gotland",
        "Region Gävleborg",
        "Region Värmland",
        "Region Östergötland",
        "Smedjebacken",
    ]


def test_malardalsradet_full_members_per_county(run_cli):
    """004: counted from the five county lists (16 + 9 + 10 + 9 + 11 = 55 full members)."""
    found = rows(run_cli, "counties-of-collaboration")
    full = {r["countyCode"]: int(r["fullMembers"]) for r in found if r["fullMembers"] != "0"}
    assert full == {"01": 16, "03": 9, "04": 10, "18": 9, "19": 11}


def test_fyra_malarstader_chair_history_and_as_of(run_cli):
    """000: Strängnäs leads September 2019 to September 2020; on 9 September 2020 the
    chairmanship passes to Västerås."""
    found = rows(run_cli, "chair-history")
    assert [(r["holderName"], r["start"], r.get("end")) for r in found] == [
        ("Strängnäs", "2019-09", "2020-09"),
        ("Västerås", "2020-09-09", None),
    ]
    on_new_year = rows(run_cli, "chair-history", "--as-of", "2020-01-01")
    assert [r["holderName"] for r in on_new_year] == ["Strängnäs"]
    later = rows(run_cli, "chair-history", "--as-of", "2021-03-01")
    assert [r["holderName"] for r in later] == ["Västerås"]


def test_malardalsradet_board_seats_and_mandate(run_cli):
    """004: the board 2023-2027 has 19 members and 19 deputies; the nomination committee ten
    and ten; the council 'närmare 200'."""
    found = {r["body"].rsplit("/", 1)[1]: r for r in rows(run_cli, "bodies-and-mandates")}
    board = found["board"]
    assert (board["start"], board["end"], board["memberSeats"], board["deputySeats"]) == (
        "2023",
        "2027",
        "19",
        "19",
    )
    committee = found["nomination-committee"]
    assert (committee["memberSeats"], committee["deputySeats"]) == ("10", "10")
    assert found["council"]["qualifier"] == "närmare"


def test_both_gdp_claims_side_by_side(run_cli):
    """002: '46 procent av Sveriges BNP' (2020); 004: 'hälften av Sveriges BNP'."""
    found = rows(run_cli, "figures-compared")
    gdp = [r for r in found if "GDP" in r["measure"]]
    assert len(gdp) == 1
    claim = gdp[0]
    assert (claim["earlierValue"], claim["earlierWords"], claim["earlierSource"][-3:]) == (
        "46",
        "46 procent",
        "002",
    )
    assert (claim["laterWords"], claim["laterSource"][-3:], claim["differs"]) == (
        "hälften",
        "004",
        "true",
    )


def test_municipalities_in_two_collaborations(run_cli):
    """001 names Arboga, Köping and Kungsör; 004 lists all three under Västmanlands län."""
    found = rows(
        run_cli,
        "municipalities-in-both",
        "-p",
        "first=Västra Mälardalen",
        "-p",
        "second=malardalsradet",
    )
    assert [r["municipalityName"] for r in found] == ["Kungsör", "Köping", "Arboga"]  # by kommunkod


def test_secretariat_lead_of_malmo_lundregionen(run_cli):
    """003: Linda Börjesson Katz, sekretariatsledare för Malmö-Lundregionen."""
    found = rows(run_cli, "posts-and-holders", "-p", "collaboration=malmo-lundregionen")
    assert [(r["holderName"], r["role"].rsplit("/", 1)[1]) for r in found] == [
        ("Linda Börjesson Katz", "SecretariatLead")
    ]


def test_timeline_of_fyra_malarstader_2020(run_cli):
    """000: presidium meeting 16 January, decision in April, joint meeting 9 September and the
    fair 16-17 September 2020; as of 11 February 2020 only January had happened."""
    found = rows(run_cli, "timeline", "-p", "collaboration=fyra-malarstader")
    assert [r["when"] for r in found] == [
        "2020-01-16",
        "2020-01-16",
        "2020-04",
        "2020-09-09",
        "2020-09-16",
    ]
    early = rows(
        run_cli, "timeline", "-p", "collaboration=fyra-malarstader", "--as-of", "2020-02-11"
    )
    assert {r["when"] for r in early} == {"2020-01-16"}


def test_no_collaboration_in_stockholms_lan(run_cli):
    """004 lists 15 municipalities of Stockholms län (26 in all); Stockholm itself is not one."""
    found = rows(run_cli, "municipalities-in-no-collaboration", "-p", "county=Stockholms län")
    names = {r["municipalityName"] for r in found}
    assert len(found) == 26 - 15
    assert "Stockholm" in names and names.isdisjoint({"Solna", "Sundbyberg", "Haninge"})
    assert rows(run_cli, "municipalities-in-no-collaboration", "-p", "county=19") == []


def test_is_member_ask(run_cli):
    yes = run_cli("query", "is-member", "-f", "sparql-json")
    assert json.loads(yes.output) == {"head": {}, "boolean": True}
    no = run_cli("query", "is-member", "-p", "municipality=Lund", "-f", "sparql-json")
    assert json.loads(no.output)["boolean"] is False


def test_collaboration_card_is_turtle_by_default(run_cli):
    from rdflib import Graph, URIRef

    result = run_cli("query", "collaboration-card")
    assert result.exit_code == 0, result.stderr
    graph = Graph().parse(data=result.output, format="turtle")
    members = set(graph.objects(None, URIRef("http://www.w3.org/ns/org#member")))
    assert members == {URIRef(ID + f"municipality/{c}") for c in ("0381", "0484", "0486", "1980")}
