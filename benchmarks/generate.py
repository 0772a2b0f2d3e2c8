"""Synthetic data for the validation benchmark: a project folder of about N triples.

Realistic shapes of data (counties, municipalities with codes and organisation numbers,
collaborations with memberships, rotating chairmanships, boards with mandate periods and a chair
post, persons, figures, meetings), with a known number of planted defects of each kind.
``planted.json`` lists every defect with the focus nodes its finding must name.

    python benchmarks/generate.py --triples 100000 --out /tmp/bench-100k
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ID = "https://w3id.org/kommunsamverkan/id/"
# the 21 county codes (länskoder)
COUNTIES = [f"{code:02d}" for code in (1, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 14, *range(17, 26))]
HEADER = """BASE <https://w3id.org/kommunsamverkan/id/>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX ks: <https://w3id.org/kommunsamverkan/def/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX time: <http://www.w3.org/2006/time#>
PREFIX wd: <http://www.wikidata.org/entity/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>

<source/bench>
    a ks:SourceDocument ;
    rdfs:label "Syntetisk källa"@sv .

<source/reference>
    a ks:ReferenceTable ;
    rdfs:label "Syntetisk referenstabell"@sv .
"""
# Each kind names the rule whose finding a planted defect must produce.
KINDS = (
    "MunicipalityCodeMatchesCounty",
    "OrganisationNumberCheckDigit",
    "WikidataLinkWellFormed",
    "MembershipMemberIsKnown",
    "StartNotAfterEnd",
    "MembershipsDoNotOverlap",
    "MembershipNotFullAndAssociate",
    "ListedUnderMembersCounty",
    "MandatePeriodsDoNotOverlap",
    "SeatsNotExceeded",
    "ChairTermsDoNotOverlap",
    "ChairmanshipHolderIsMember",
    "ChairHandOverWithoutGap",
    "InstantDateValid",
    "FigureHasUnit",
    "PersonHasNoEmail",
    "PersonHasNoContactText",
    "DerivedResourceHasSource",
    "SourceIsKnown",
    "DateLiteralWellFormed",
)
TRIPLES_PER_COLLABORATION = 330  # measured on the output, used only to pick how many to make


def luhn_digit(digits: str) -> str:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (1 if position % 2 else 2)
        total += value - 9 if value > 9 else value
    return str((10 - total % 10) % 10)


def interval(start: str, end: str | None) -> str:
    def instant(value: str) -> str:
        kind = {10: ("inXSDDate", "date"), 7: ("inXSDgYearMonth", "gYearMonth")}.get(
            len(value), ("inXSDgYear", "gYear")
        )
        return f'[ a time:Instant ; time:{kind[0]} "{value}"^^xsd:{kind[1]} ]'

    parts = [f"time:hasBeginning {instant(start)}"]
    if end:
        parts.append(f"time:hasEnd {instant(end)}")
    return "[ a time:ProperInterval ; " + " ; ".join(parts) + " ]"


@dataclass
class Block:
    """One subject block: the IRI (relative to BASE) and its predicate-object lines."""

    iri: str
    lines: list[str] = field(default_factory=list)

    def render(self) -> str:
        return f"<{self.iri}>\n    " + " ;\n    ".join(self.lines) + " .\n"

    def drop(self, prefix: str) -> None:
        self.lines = [line for line in self.lines if not line.startswith(prefix)]

    def replace(self, old: str, new: str) -> None:
        self.lines = [line.replace(old, new) for line in self.lines]


@dataclass
class Collaboration:
    slug: str
    blocks: list[Block]
    memberships: list[Block]
    members: list[str]
    chairs: list[Block]
    periods: list[Block]
    person: Block
    figure: Block
    meeting: Block


def municipality_block(code: str, county: str, number: int, orgnr: str | None = None) -> Block:
    block = Block(
        f"municipality/{code}",
        [
            "a ks:Municipality",
            f'rdfs:label "Kommun {code}"@sv',
            f"owl:sameAs wd:Q{100000 + number}",
            f'ks:municipalityCode "{code}"',
            f"ks:county <county/{county}>",
            "prov:wasDerivedFrom <source/reference>",
        ],
    )
    if orgnr:
        block.lines.insert(4, f'ks:organisationNumber "{orgnr}"')
    return block


def make_collaboration(
    number: int, rng: random.Random, pool: list[tuple[str, str]]
) -> Collaboration:
    slug = f"collaboration/c{number:05d}"
    blocks = [
        Block(
            slug,
            [
                "a ks:Collaboration",
                f'rdfs:label "Samverkan {number}"@sv',
                "prov:wasDerivedFrom <source/bench>",
            ],
        )
    ]
    chosen = rng.sample(pool, rng.randint(8, 25))
    memberships = []
    for code, county in chosen:
        memberships.append(
            Block(
                f"{slug}/membership/{code}",
                [
                    "a org:Membership",
                    f"org:member <municipality/{code}>",
                    f"org:organization <{slug}>",
                    "org:role ks:FullMember",
                    f"ks:listedUnderCounty <county/{county}>",
                    f"org:memberDuring {interval('2015-01-01', '2030')}",
                    "prov:wasDerivedFrom <source/bench>",
                ],
            )
        )
    chairs = []
    for turn, (start, end) in enumerate(
        (("2016-01", "2017-01"), ("2017-01", "2018-01"), ("2018-01", "2019-01"))
    ):
        code = chosen[turn][0]
        chairs.append(
            Block(
                f"{slug}/chair/{start}-{end}",
                [
                    "a ks:Chairmanship",
                    f"org:member <municipality/{code}>",
                    f"org:organization <{slug}>",
                    "org:role ks:Chair",
                    f"org:memberDuring {interval(start, end)}",
                    "prov:wasDerivedFrom <source/bench>",
                ],
            )
        )
    board = Block(
        f"{slug}/board",
        [
            "a ks:Board",
            f'rdfs:label "Styrelse {number}"@sv',
            f"org:unitOf <{slug}>",
            "prov:wasDerivedFrom <source/bench>",
        ],
    )
    periods = []
    for start, end in (("2019", "2022"), ("2023", "2026")):
        periods.append(
            Block(
                f"{slug}/board/{start}-{end}",
                [
                    "a ks:MandatePeriod",
                    f"ks:mandateOf <{slug}/board>",
                    f'time:hasBeginning [ a time:Instant ; time:inXSDgYear "{start}"^^xsd:gYear ]',
                    f'time:hasEnd [ a time:Instant ; time:inXSDgYear "{end}"^^xsd:gYear ]',
                    "ks:memberSeats 11",
                    "ks:deputySeats 11",
                    "prov:wasDerivedFrom <source/bench>",
                ],
            )
        )
    person = Block(
        f"person/p{number:05d}",
        [
            "a foaf:Person",
            f'rdfs:label "Person {number}"@sv',
            f'foaf:name "Person {number}"',
            "prov:wasDerivedFrom <source/bench>",
        ],
    )
    post = Block(
        f"{slug}/board/post/chair",
        [
            "a org:Post",
            f"org:postIn <{slug}/board>",
            "org:role ks:Chair",
            f"org:heldBy <{person.iri}>",
            f"ks:heldDuring <{slug}/board/2023-2026>",
            "prov:wasDerivedFrom <source/bench>",
        ],
    )
    figure = Block(
        f"{slug}/figure/population-bench",
        [
            "a ks:Figure",
            f'rdfs:label "Invånare {number}"@sv',
            'ks:measure "invånare"@sv',
            f"ks:value {rng.randint(10000, 900000)}",
            'ks:unit "persons"',
            f"ks:figureOf <{slug}>",
            'dct:date "2020"^^xsd:gYear',
            "prov:wasDerivedFrom <source/bench>",
        ],
    )
    meeting = Block(
        f"{slug}/meeting/2020-01-16",
        [
            "a ks:Meeting",
            f'rdfs:label "Möte {number}"@sv',
            'dct:date "2020-01-16"^^xsd:date',
            f"ks:concerns <{slug}>",
            "prov:wasDerivedFrom <source/bench>",
        ],
    )
    blocks += [*memberships, *chairs, board, *periods, post, person, figure, meeting]
    return Collaboration(
        slug, blocks, memberships, [c for c, _ in chosen], chairs, periods, person, figure, meeting
    )


def plant(
    kind: str,
    collaborations: list[Collaboration],
    cursors: dict[str, int],
    extras: list[Block],
    reserve: list[tuple[str, str]],
    pool: list[tuple[str, str]],
) -> list[str]:
    """Plant one defect of ``kind``; return the IRIs its finding(s) must name as focus."""

    def next_collaboration(group: str) -> Collaboration:
        index = cursors[group]
        cursors[group] += 1
        return collaborations[index % len(collaborations)]

    def next_membership() -> Block:
        # memberships 3.. of each collaboration hold no chair; each is used once
        index = cursors["membership"]
        cursors["membership"] += 1
        per = 5
        collaboration = collaborations[(index // per) % len(collaborations)]
        return collaboration.memberships[3 + index % per]

    if kind in (
        "MunicipalityCodeMatchesCounty",
        "OrganisationNumberCheckDigit",
        "WikidataLinkWellFormed",
    ):
        code, county = reserve.pop()
        base = f"212000{code[1:]}"
        orgnr = f"{base[:6]}-{base[6:]}{luhn_digit(base)}"
        block = municipality_block(code, county, int(code), orgnr)
        if kind == "MunicipalityCodeMatchesCounty":
            other = next(c for c in COUNTIES if c != county)
            block.replace(f"<county/{county}>", f"<county/{other}>")
        elif kind == "OrganisationNumberCheckDigit":
            wrong = str((int(orgnr[-1]) + 1) % 10)
            block.replace(f'"{orgnr}"', f'"{orgnr[:-1]}{wrong}"')
        else:
            block.replace("owl:sameAs wd:", "owl:sameAs <https://www.wikidata.org/wiki/")
            block.lines = [
                line + ">" if line.startswith("owl:sameAs <") else line for line in block.lines
            ]
        extras.append(block)
        return [block.iri]
    if kind in (
        "MembershipMemberIsKnown",
        "StartNotAfterEnd",
        "MembershipNotFullAndAssociate",
        "ListedUnderMembersCounty",
        "InstantDateValid",
        "SourceIsKnown",
    ):
        block = next_membership()
        if kind == "MembershipMemberIsKnown":
            block.lines = [
                line.replace(">", "x>") if line.startswith("org:member ") else line
                for line in block.lines
            ]
            block.drop("ks:listedUnderCounty")
        elif kind == "StartNotAfterEnd":
            block.replace('"2015-01-01"^^xsd:date', '"2031-01-01"^^xsd:date')
        elif kind == "MembershipNotFullAndAssociate":
            block.replace("org:role ks:FullMember", "org:role ks:FullMember , ks:AssociateMember")
        elif kind == "ListedUnderMembersCounty":
            line = next(line for line in block.lines if line.startswith("ks:listedUnderCounty"))
            county = line[len("ks:listedUnderCounty <county/") : -1]
            other = next(c for c in COUNTIES if c != county)
            block.replace(line, f"ks:listedUnderCounty <county/{other}>")
        elif kind == "InstantDateValid":
            block.replace('"2015-01-01"^^xsd:date', '"2015-13-45"^^xsd:date')
        else:
            block.replace("<source/bench>", "<source/bnech>")
        return [block.iri]
    if kind == "MembershipsDoNotOverlap":
        original = next_membership()
        collaboration = next(c for c in collaborations if original in c.memberships)
        duplicate = Block(original.iri + "-again", list(original.lines))
        collaboration.blocks.append(duplicate)
        return [original.iri, duplicate.iri]
    if kind in ("MandatePeriodsDoNotOverlap", "SeatsNotExceeded"):
        collaboration = next_collaboration("board")
        first, second = collaboration.periods
        if kind == "MandatePeriodsDoNotOverlap":
            first.replace('"2022"^^xsd:gYear', '"2024"^^xsd:gYear')
            return [first.iri, second.iri]
        second.replace("ks:memberSeats 11", "ks:memberSeats 0")
        return [second.iri]
    if kind in ("ChairTermsDoNotOverlap", "ChairmanshipHolderIsMember", "ChairHandOverWithoutGap"):
        collaboration = next_collaboration("chair")
        first, second, third = collaboration.chairs
        if kind == "ChairTermsDoNotOverlap":
            second.replace('"2017-01"^^xsd:gYearMonth ]', '"2016-06"^^xsd:gYearMonth ]')
            return [first.iri, second.iri]
        if kind == "ChairmanshipHolderIsMember":
            outsider = next(code for code, _ in pool if code not in collaboration.members)
            line = next(line for line in third.lines if line.startswith("org:member "))
            third.replace(line, f"org:member <municipality/{outsider}>")
            return [third.iri]
        third.replace(
            'time:hasBeginning [ a time:Instant ; time:inXSDgYearMonth "2018-01"',
            'time:hasBeginning [ a time:Instant ; time:inXSDgYearMonth "2018-06"',
        )
        return [second.iri]
    if kind in ("PersonHasNoEmail", "PersonHasNoContactText"):
        person = next_collaboration("person").person
        if kind == "PersonHasNoEmail":
            person.lines.insert(3, f"foaf:mbox <mailto:{person.iri[7:]}@example.org>")
        else:
            person.lines.insert(3, 'rdfs:comment "Telefon 070-123 45 67"@sv')
        return [person.iri]
    if kind == "FigureHasUnit":
        figure = next_collaboration("figure").figure
        figure.drop("ks:unit")
        return [figure.iri]
    if kind in ("DerivedResourceHasSource", "DateLiteralWellFormed"):
        meeting = next_collaboration("meeting").meeting
        if kind == "DerivedResourceHasSource":
            meeting.drop("prov:wasDerivedFrom")
        else:
            meeting.lines.insert(3, 'dct:issued "2020-13-01"^^xsd:date')
        return [meeting.iri]
    raise ValueError(kind)


def generate(triples: int, out: Path, seed: int = 1, per_kind: int | None = None) -> dict:
    """Write a project folder at ``out`` with about ``triples`` triples of data."""
    rng = random.Random(seed)
    per_county = min(89, max(12, triples // 4000))
    pool = [(f"{county}{n:02d}", county) for county in COUNTIES for n in range(per_county)]
    reserve = [(f"{county}{n:02d}", county) for county in COUNTIES for n in range(90, 100)]
    # Three kinds each plant a new municipality from the reserve: at most a third of it each
    # (from about 1.4 M triples on, the default is this cap).
    per_kind = per_kind or min(len(reserve) // 3, max(2, triples // 20000))
    rng.shuffle(reserve)
    municipalities = []
    for number, (code, county) in enumerate(pool):
        base = f"212000{code[1:]}"
        municipalities.append(
            municipality_block(code, county, number, f"{base[:6]}-{base[6:]}{luhn_digit(base)}")
        )
    counties = [
        Block(
            f"county/{code}",
            [
                "a ks:County",
                f'rdfs:label "Län {code}"@sv',
                f'ks:countyCode "{code}"',
                "prov:wasDerivedFrom <source/reference>",
            ],
        )
        for code in COUNTIES
    ]
    fixed = 8 * len(pool) + 4 * len(counties)
    count = max(len(KINDS), (triples - fixed) // TRIPLES_PER_COLLABORATION)
    collaborations = [make_collaboration(n, rng, pool) for n in range(count)]
    cursors = {"membership": 0, "board": 0, "chair": 0, "person": 0, "figure": 0, "meeting": 0}
    extras: list[Block] = []
    planted = []
    for kind in KINDS:
        for _ in range(per_kind):
            focus = plant(kind, collaborations, cursors, extras, reserve, pool)
            planted.append({"kind": kind, "focus": [ID + iri for iri in focus]})
    for folder in ("ontology", "shapes"):
        shutil.copytree(ROOT / folder, out / folder, dirs_exist_ok=True)
    (out / "queries").mkdir(parents=True, exist_ok=True)
    (out / "data").mkdir(parents=True, exist_ok=True)
    with (out / "data" / "synthetic.ttl").open("w", encoding="utf-8") as stream:
        stream.write(HEADER)
        for block in [*counties, *municipalities, *extras]:
            stream.write("\n" + block.render())
        for collaboration in collaborations:
            for block in collaboration.blocks:
                stream.write("\n" + block.render())
    summary = {"target_triples": triples, "collaborations": count, "planted": planted}
    (out / "planted.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=10000)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--per-kind", type=int, default=None, help="defects planted per kind")
    args = parser.parse_args()
    summary = generate(args.triples, args.out, args.seed, args.per_kind)
    print(
        f"{args.out}: {summary['collaborations']} collaborations, {len(summary['planted'])} defects"
    )


if __name__ == "__main__":
    main()
