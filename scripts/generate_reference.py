"""Generate the official reference data (counties, regions, municipalities) as Turtle.

Reads ``data/reference/csv/*.csv`` and writes ``data/reference/{counties,regions,municipalities,
reference-table}.ttl`` with rdflib's ``longturtle`` serializer: the same bytes on every run.

    python scripts/generate_reference.py            # (re)write the Turtle files
    python scripts/generate_reference.py --check    # exit 1 if a committed file differs

Inputs (a copy of ``../shared/reference/`` plus two small hand-kept tables):
``counties.csv`` and ``municipalities.csv`` (codes, names, ISO 3166-2, Wikidata), ``SOURCES.md``
(where they come from), ``official-names.csv`` (the "… kommun" / "… stad" forms a source text
attests, with the source's number) and ``organisation-numbers.csv`` (likewise).
Exit codes: 0 ok, 1 ``--check`` found a difference, 2 a bad input (the message names file:line).
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, XSD

from kgtool.atomic import write_atomic
from kgtool.terms import ID, KS, WD, county, municipality, region, source

ROOT = Path(__file__).resolve().parent.parent
CSV_DIR = ROOT / "data" / "reference" / "csv"
OUT_DIR = ROOT / "data" / "reference"

REFERENCE = ID["source/reference"]
# The file date of ../shared/reference/*.csv when they were copied into data/reference/csv/.
TABLE_MODIFIED = "2026-11-23"
GOTLAND_COUNTY = "09"
GOTLAND_MUNICIPALITY = "0980"

# Upstream repositories and packages that SOURCES.md names (its GEO, WOF, ODOK, PYPSA, ISO, WLE,
# NSI); the IDX files of a code index have no public address and are described in words only.
UPSTREAM = (
    "https://github.com/sjbrg/swedish-geodata",
    "https://github.com/whosonfirst-data/whosonfirst-data-admin-se",
    "https://github.com/Wikimedia-Sverige/ODOK",
    "https://github.com/viktorbengtsson/pypsa-vgr",
    "https://pypi.org/project/pycountry/",
    "https://github.com/Vesihiisi/WLE_import",
    "https://github.com/osmlab/name-suggestion-index",
)

_QID = re.compile(r"Q[1-9]\d*")
_ISO = re.compile(r"SE-[A-Z]{1,2}")
_SOURCE = re.compile(r"\d{3}")
_ORG_NUMBER = re.compile(r"\d{6}-\d{4}")
_OFFICIAL_NAME = re.compile(r".+ (kommun|stad)")


class InputProblem(Exception):
    """A reference CSV that is missing or malformed; the message names file:line."""


@dataclass(frozen=True)
class Row:
    """One CSV record with the place it came from, for error messages."""

    path: Path
    line: int
    values: dict[str, str]

    def get(self, column: str, pattern: re.Pattern[str] | None = None, empty: bool = False) -> str:
        """The value of ``column``, checked against ``pattern`` (empty allowed when asked)."""
        value = (self.values.get(column) or "").strip()
        if not value and empty:
            return ""
        if not value or (pattern is not None and not pattern.fullmatch(value)):
            raise InputProblem(f"{self.where}: bad {column} {value!r}")
        return value

    @property
    def where(self) -> str:
        try:
            shown = self.path.resolve().relative_to(ROOT)
        except ValueError:
            shown = self.path
        return f"{shown}:{self.line}"


def read_rows(path: Path, columns: tuple[str, ...]) -> list[Row]:
    """Read a CSV file with a header that has at least ``columns``."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [name for name in columns if name not in (reader.fieldnames or [])]
            if missing:
                raise InputProblem(f"{path}:1: missing column(s) {', '.join(missing)}")
            return [Row(path, reader.line_num, dict(record)) for record in reader]
    except OSError as error:
        raise InputProblem(f"{path}: cannot read: {error.strerror}") from error


@dataclass(frozen=True)
class County:
    code: str
    name: str
    iso: str
    qid: str
    region_name: str
    region_qid: str


@dataclass(frozen=True)
class Municipality:
    code: str
    name: str
    county: str
    qid: str


@dataclass(frozen=True)
class Attested:
    """A value a source document states about a municipality (official name, org. number)."""

    code: str
    value: str
    source: str


@dataclass(frozen=True)
class Tables:
    counties: list[County]
    municipalities: list[Municipality]
    official_names: list[Attested]
    organisation_numbers: list[Attested]


def read_tables(csv_dir: Path) -> Tables:
    """Read and cross-check the four CSV files of ``csv_dir``."""
    counties = [
        County(
            code=row.get("county_code", re.compile(r"\d{2}")),
            name=row.get("name", re.compile(r".+ län")),
            iso=row.get("iso_3166_2", _ISO),
            qid=row.get("wikidata_county", _QID),
            region_name=row.get("region_name"),
            region_qid=row.get("wikidata_region", _QID, empty=True),
        )
        for row in read_rows(
            csv_dir / "counties.csv",
            ("county_code", "name", "iso_3166_2", "wikidata_county", "region_name"),
        )
    ]
    county_codes = {item.code for item in counties}
    municipalities = []
    for row in read_rows(
        csv_dir / "municipalities.csv", ("kommunkod", "name", "county_code", "wikidata")
    ):
        item = Municipality(
            code=row.get("kommunkod", re.compile(r"\d{4}")),
            name=row.get("name"),
            county=row.get("county_code", re.compile(r"\d{2}")),
            qid=row.get("wikidata", _QID, empty=True),
        )
        if item.county not in county_codes or not item.code.startswith(item.county):
            raise InputProblem(f"{row.where}: county {item.county} does not fit {item.code}")
        municipalities.append(item)
    _unique(csv_dir / "counties.csv", [item.code for item in counties])
    _unique(csv_dir / "municipalities.csv", [item.code for item in municipalities])
    known = {item.code for item in municipalities}
    return Tables(
        counties=counties,
        municipalities=municipalities,
        official_names=_attested(
            csv_dir / "official-names.csv", "official_name", _OFFICIAL_NAME, known
        ),
        organisation_numbers=_attested(
            csv_dir / "organisation-numbers.csv", "organisation_number", _ORG_NUMBER, known
        ),
    )


def _unique(path: Path, codes: list[str]) -> None:
    duplicates = sorted({code for code in codes if codes.count(code) > 1})
    if duplicates:
        raise InputProblem(f"{path}: duplicate code(s) {', '.join(duplicates)}")


def _attested(path: Path, column: str, pattern: re.Pattern[str], known: set[str]) -> list[Attested]:
    found = []
    for row in read_rows(path, ("kommunkod", column, "source")):
        item = Attested(
            code=row.get("kommunkod", re.compile(r"\d{4}")),
            value=row.get(column, pattern),
            source=row.get("source", _SOURCE),
        )
        if item.code not in known:
            raise InputProblem(f"{row.where}: no municipality has the code {item.code}")
        clash = [other for other in found if other.code == item.code and other.value != item.value]
        if clash:
            raise InputProblem(f"{row.where}: {item.code} already has {column} {clash[0].value!r}")
        found.append(item)
    return found


def _graph() -> Graph:
    graph = Graph(bind_namespaces="none")
    for prefix, namespace in (
        ("dct", DCTERMS),
        ("ks", KS),
        ("owl", OWL),
        ("prov", PROV),
        ("rdfs", RDFS),
        ("wd", WD),
        ("xsd", XSD),
    ):
        graph.bind(prefix, namespace)
    return graph


def _sv(text: str) -> Literal:
    return Literal(text, lang="sv")


def _en(text: str) -> Literal:
    return Literal(text, lang="en")


def counties_graph(tables: Tables) -> Graph:
    """The 21 counties (län) with code, ISO 3166-2 code and Wikidata link."""
    graph = _graph()
    for item in tables.counties:
        node = county(item.code)
        graph.add((node, RDF.type, KS.County))
        graph.add((node, RDFS.label, _sv(item.name)))
        graph.add((node, KS.countyCode, Literal(item.code)))
        graph.add((node, KS.iso3166Code, Literal(item.iso)))
        graph.add((node, OWL.sameAs, WD[item.qid]))
        graph.add((node, PROV.wasDerivedFrom, REFERENCE))
    return graph


def regions_graph(tables: Tables) -> Graph:
    """The 21 regions (regional authorities); Region Gotland is the municipality of Gotland."""
    graph = _graph()
    for item in tables.counties:
        node = region(item.code)
        graph.add((node, RDF.type, KS.Region))
        graph.add((node, RDFS.label, _sv(item.region_name)))
        graph.add((node, KS.county, county(item.code)))
        if item.region_qid:
            graph.add((node, OWL.sameAs, WD[item.region_qid]))
        if item.code == GOTLAND_COUNTY:
            graph.add((node, KS.actingMunicipality, municipality(GOTLAND_MUNICIPALITY)))
            graph.add((node, RDFS.comment, _sv(GOTLAND_SV)))
            graph.add((node, RDFS.comment, _en(GOTLAND_EN)))
        graph.add((node, PROV.wasDerivedFrom, REFERENCE))
    return graph


GOTLAND_SV = (
    "Region Gotland är ingen egen organisation vid sidan av kommunen: Gotlands kommun (0980), "
    "den enda kommunen i Gotlands län, har själv regionens ansvar och är Region Gotland. "
    "Därför pekar ks:actingMunicipality på kommunen. Ingen Wikidata-länk anges, eftersom "
    "referenstabellen inte kunde bekräfta något eget Wikidata-objekt för organisationen."
)
GOTLAND_EN = (
    "Region Gotland is not an organisation apart from the municipality: the municipality of "
    "Gotland (0980), the only one in Gotland County, itself carries the regional responsibility "
    "and is Region Gotland. Hence ks:actingMunicipality points to the municipality. No Wikidata "
    "link is given, because the reference table could not confirm a separate Wikidata item for "
    "the organisation."
)


def municipalities_graph(tables: Tables) -> Graph:
    """The 290 municipalities; official names and numbers only where a source states them."""
    graph = _graph()
    for item in tables.municipalities:
        node = municipality(item.code)
        graph.add((node, RDF.type, KS.Municipality))
        graph.add((node, RDFS.label, _sv(item.name)))
        graph.add((node, KS.municipalityCode, Literal(item.code)))
        graph.add((node, KS.county, county(item.county)))
        if item.qid:
            graph.add((node, OWL.sameAs, WD[item.qid]))
        graph.add((node, PROV.wasDerivedFrom, REFERENCE))
    for attested in tables.official_names:
        graph.add((municipality(attested.code), KS.officialName, _sv(attested.value)))
        graph.add((municipality(attested.code), PROV.wasDerivedFrom, source(attested.source)))
    for attested in tables.organisation_numbers:
        graph.add((municipality(attested.code), KS.organisationNumber, Literal(attested.value)))
        graph.add((municipality(attested.code), PROV.wasDerivedFrom, source(attested.source)))
    return graph


def reference_table_graph(tables: Tables) -> Graph:
    """The resource ``<source/reference>`` that all reference data derive from."""
    graph = _graph()
    node = REFERENCE
    graph.add((node, RDF.type, KS.ReferenceTable))
    counts = _counts(tables)
    for predicate, swedish, english in (
        (RDFS.label, LABEL_SV, LABEL_EN),
        (DCTERMS.title, TITLE_SV, TITLE_EN),
        (DCTERMS.description, DESCRIPTION_SV.format(**counts), DESCRIPTION_EN.format(**counts)),
    ):
        graph.add((node, predicate, _sv(swedish)))
        graph.add((node, predicate, _en(english)))
    graph.add((node, DCTERMS.modified, Literal(TABLE_MODIFIED, datatype=XSD.date)))
    for name in ("municipalities.csv", "counties.csv", "SOURCES.md"):
        graph.add((node, KS.fileName, Literal(name)))
    for address in UPSTREAM:
        graph.add((node, DCTERMS.source, URIRef(address)))
    return graph


def _counts(tables: Tables) -> dict[str, int]:
    return {
        "municipalities": len(tables.municipalities),
        "counties": len(tables.counties),
        "with_qid": sum(1 for item in tables.municipalities if item.qid),
        "region_qids": sum(1 for item in tables.counties if item.region_qid),
    }


LABEL_SV = "Officiella referenstabeller för kommuner, län och regioner"
LABEL_EN = "Official reference tables of municipalities, counties and regions"
TITLE_SV = "Kommuner, län och regioner i Sverige: koder och namn"
TITLE_EN = "Municipalities, counties and regions of Sweden: codes and names"
DESCRIPTION_SV = (
    "Två CSV-tabeller: municipalities.csv med Sveriges {municipalities} kommuner (kommunkod, "
    "kortnamn, län, Wikidata-objekt för {with_qid} av dem) och counties.csv med de {counties} "
    "länen (länskod, namn, ISO 3166-2-kod, Wikidata-objekt, regionens namn och, för "
    "{region_qids} regioner, regionens Wikidata-objekt). SOURCES.md redovisar varifrån varje "
    "kolumn kommer och hur värdena jämfördes mellan oberoende källor: SCB-koder via projektet "
    "swedish-geodata, Who's On First, Wikimedia Sveriges ODOK, pypsa-vgr, ISO 3166-2:SE i "
    "pycountry, WLE_import, name-suggestion-index och filer hittade genom en kodsökning. Där "
    "källorna var oense lämnades cellen tom (Salems Wikidata-objekt) eller valdes "
    "majoritetsformen (Region Kalmar län). Läget avser 2024."
)
DESCRIPTION_EN = (
    "Two CSV tables: municipalities.csv with Sweden's {municipalities} municipalities (code, "
    "short name, county, Wikidata item for {with_qid} of them) and counties.csv with the "
    "{counties} counties (code, name, ISO 3166-2 code, Wikidata item, the region's name and, for "
    "{region_qids} regions, the region's Wikidata item). SOURCES.md states where each column "
    "comes from and how the values were cross-checked between independent sources: SCB codes "
    "via the swedish-geodata project, Who's On First, Wikimedia Sverige's ODOK, pypsa-vgr, "
    "ISO 3166-2:SE in pycountry, WLE_import, name-suggestion-index and files found through a "
    "code search. Where the sources disagreed, the cell was left empty (Salem's Wikidata item) "
    "or the majority form was taken (Region Kalmar län). The tables describe 2024."
)

OUTPUTS = {
    "counties.ttl": (counties_graph, ("counties.csv",)),
    "regions.ttl": (regions_graph, ("counties.csv",)),
    "municipalities.ttl": (
        municipalities_graph,
        ("municipalities.csv", "official-names.csv", "organisation-numbers.csv"),
    ),
    "reference-table.ttl": (reference_table_graph, ("municipalities.csv", "counties.csv")),
}


def serialize(graph: Graph, inputs: tuple[str, ...]) -> bytes:
    """Turtle with a generated-file header, ``BASE`` and IRIs under ``id/`` made relative."""
    body = graph.serialize(format="longturtle", base=str(ID), encoding="utf-8").decode("utf-8")
    body = body.replace(f"<{ID}", "<").replace("BASE <>", f"BASE <{ID}>", 1)
    listed = ", ".join(f"data/reference/csv/{name}" for name in inputs)
    header = (
        f"# Generated by scripts/generate_reference.py from {listed}.\n"
        "# Do not edit: change the CSV and run `python scripts/generate_reference.py`.\n"
    )
    return (header + body).encode("utf-8")


def generate(csv_dir: Path = CSV_DIR) -> Iterator[tuple[str, bytes]]:
    """Each output file's name and its bytes."""
    tables = read_tables(csv_dir)
    for name, (build, inputs) in OUTPUTS.items():
        yield name, serialize(build(tables), inputs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a file would change")
    parser.add_argument("--output-dir", type=Path, default=OUT_DIR, help="where to write")
    parser.add_argument("--csv-dir", type=Path, default=CSV_DIR, help="where the CSVs are")
    args = parser.parse_args(argv)
    try:
        outputs = list(generate(args.csv_dir))
    except InputProblem as problem:
        print(f"Error: {problem}", file=sys.stderr)
        return 2
    stale = []
    for name, content in outputs:
        target = args.output_dir / name
        current = target.read_bytes() if target.exists() else None
        if current == content:
            continue
        if args.check:
            stale.append(name)
            continue
        args.output_dir.mkdir(parents=True, exist_ok=True)
        write_atomic(target, content)
        print(f"wrote {target}")
    if stale:
        print(f"out of date: {', '.join(stale)} (run scripts/generate_reference.py)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
