"""Resolve the member names that the source texts write to official codes, loudly.

Run ``python scripts/resolve_members.py`` to print, per collaboration, each name as the text
writes it with the IRI it resolves to (and the county it is listed under). A name that matches
no municipality, region or county raises ``LookupError`` and the script exits 1: the data files'
memberships were written from this output, and ``tests/graph/test_graph_members.py`` repeats the
check against the graph.
"""

from __future__ import annotations

import csv
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SOURCES = SHARED / "sources"
#: The reference CSVs as copied into the project (data/reference/csv/), else the shared originals.
REFERENCE = next(
    (path for path in (ROOT / "data" / "reference" / "csv", SHARED / "reference") if path.is_dir()),
    ROOT / "data" / "reference" / "csv",
)

#: County names the texts use that differ from the official name.
COUNTY_ALIASES = {"Sörmlands län": "Södermanlands län"}


@dataclass(frozen=True)
class Member:
    """One member as a source lists it: its spelling, resolved IRI path and county heading."""

    name_in_source: str
    path: str  # e.g. "municipality/1980" or "region/01"
    listed_under_county: str | None = None  # e.g. "county/01"
    associate: bool = False

    @property
    def key(self) -> str:
        """The membership key: the municipality code, or ``region-<county code>``."""
        kind, code = self.path.split("/")
        return code if kind == "municipality" else f"region-{code}"


def _rows(name: str) -> list[dict[str, str]]:
    with (REFERENCE / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def municipality_codes() -> dict[str, str]:
    """Short official name → kommunkod, from the reference CSV."""
    return {row["name"]: row["kommunkod"] for row in _rows("municipalities.csv")}


def region_codes() -> dict[str, str]:
    """Region name → county code, from the reference CSV."""
    return {row["region_name"]: row["county_code"] for row in _rows("counties.csv")}


def county_codes() -> dict[str, str]:
    """County name (and the texts' aliases) → county code."""
    codes = {row["name"]: row["county_code"] for row in _rows("counties.csv")}
    codes.update({alias: codes[official] for alias, official in COUNTY_ALIASES.items()})
    return codes


def resolve(name: str) -> str:
    """IRI path of a member from its spelling in a text; LookupError when nothing matches."""
    regions = region_codes()
    if name in regions:
        return f"region/{regions[name]}"
    if name.startswith("Region "):
        raise LookupError(f"{name!r}: no region of that name in counties.csv")
    municipalities = municipality_codes()
    base = re.sub(r"\s+(kommun|stad)$", "", name.strip())
    candidates = [base] if base == name.strip() else [base, base[:-1] if base.endswith("s") else ""]
    for candidate in candidates:
        if candidate in municipalities:
            return f"municipality/{municipalities[candidate]}"
    raise LookupError(f"{name!r}: no municipality of that name in municipalities.csv")


def resolve_county(heading: str) -> str:
    """IRI path of a county from a heading such as ``Sörmlands län``."""
    codes = county_codes()
    if heading not in codes:
        raise LookupError(f"{heading!r}: no county of that name in counties.csv")
    return f"county/{codes[heading]}"


def split_names(line: str) -> list[str]:
    """Split a comma list whose names may run together (``Region GotlandRegion Gävleborg``)."""
    line = re.sub(r"(?<=[a-zåäö])(?=[A-ZÅÄÖ])", ", ", line.strip().rstrip("."))
    return [part.strip() for part in line.split(",") if part.strip()]


def source_text(number: str) -> str:
    (path,) = SOURCES.glob(f"{number}_*.txt")
    return path.read_text(encoding="utf-8")


def malardalsradet_members() -> list[Member]:
    """Source 004: full members under their county headings, then the associates."""
    lines = [line.strip() for line in source_text("004").splitlines()]
    members: list[Member] = []
    for index, line in enumerate(lines):
        if line.endswith(" län") and index + 1 < len(lines) and "," in lines[index + 1]:
            county = resolve_county(line)
            for name in split_names(lines[index + 1]):
                members.append(Member(name, resolve(name), county))
        if line == "Associerade medlemmar":
            for name in split_names(lines[index + 1]):
                members.append(Member(name, resolve(name), associate=True))
    return members


def _listed(text: str, pattern: str) -> list[str]:
    match = re.search(pattern, text)
    if not match:
        raise LookupError(f"member list not found with {pattern!r}")
    return [n.strip() for n in re.split(r",\s*|\s+och\s+", match.group(1)) if n.strip()]


def malmo_lundregionen_members() -> list[Member]:
    """Source 003: the twelve municipalities after the colon."""
    names = _listed(source_text("003"), r"12 kommuner i Sydvästra Skåne: ([^.]+)\.")
    return [Member(name, resolve(name)) for name in names]


def fyra_malarstader_members() -> list[Member]:
    """Source 000: the four municipalities named in the opening sentence."""
    names = _listed(source_text("000"), r"mellan kommunerna ([^.]+)\.")
    return [Member(name, resolve(name)) for name in names]


def vastra_malardalen_members() -> list[Member]:
    """Source 001: Arboga, Köping and Kungsör, named where their existing cooperation is listed."""
    names = _listed(source_text("001"), r"Redan i dag har ([^.]+?) en mellankommunal")
    return [Member(name, resolve(name)) for name in names]


COLLABORATIONS = {
    "malardalsradet": malardalsradet_members,
    "malmo-lundregionen": malmo_lundregionen_members,
    "fyra-malarstader": fyra_malarstader_members,
    "vastra-malardalen": vastra_malardalen_members,
}


def main() -> int:
    try:
        for slug, members_of in COLLABORATIONS.items():
            members = members_of()
            print(f"# {slug}: {len(members)} members")
            for member in members:
                role = "associate" if member.associate else "full"
                county = member.listed_under_county or ""
                print(f"{member.key}\t{member.path}\t{role}\t{county}\t{member.name_in_source}")
    except LookupError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
