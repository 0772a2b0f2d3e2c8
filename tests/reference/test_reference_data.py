"""The official reference data: counts, codes, Wikidata links, official names, regeneration."""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS

from kgtool.project import find_project
from kgtool.store.graph import LoadedGraph, load_project, parse_turtle
from kgtool.terms import ID, KS, SCHEMA, WD, county, municipality, region, source

ROOT = Path(__file__).resolve().parents[2]
REFERENCE_DIR = ROOT / "data" / "reference"
CSV_DIR = REFERENCE_DIR / "csv"
SCRIPT = ROOT / "scripts" / "generate_reference.py"
GENERATED = ("counties.ttl", "regions.ttl", "municipalities.ttl", "reference-table.ttl")
REFERENCE = ID["source/reference"]
XSD_DATE = URIRef("http://www.w3.org/2001/XMLSchema#date")
SOURCE_DIRS = (ROOT / "sources", ROOT.parent / "shared" / "sources")


def read_csv(name: str) -> list[dict[str, str]]:
    with (CSV_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


MUNICIPALITIES = read_csv("municipalities.csv")
COUNTIES = read_csv("counties.csv")
OFFICIAL_NAMES = read_csv("official-names.csv")


@pytest.fixture(scope="module")
def loaded() -> LoadedGraph:
    """The real project graph: ontology, reference data and every other data file."""
    return load_project(find_project(ROOT))


def instances(loaded: LoadedGraph, cls: URIRef) -> set[URIRef]:
    return set(loaded.graph.subjects(RDF.type, cls))


def one(loaded: LoadedGraph, subject: URIRef, predicate: URIRef):
    values = list(loaded.graph.objects(subject, predicate))
    assert len(values) == 1, f"{subject} {predicate}: expected one value, got {values}"
    return values[0]


def run_script(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, cwd=ROOT
    )


def test_csv_copies_have_the_reference_sizes():
    assert len(MUNICIPALITIES) == 290
    assert len(COUNTIES) == 21
    assert (CSV_DIR / "SOURCES.md").is_file()


@pytest.mark.parametrize(
    ("cls", "count"),
    [(KS.Municipality, 290), (KS.County, 21), (KS.Region, 21)],
    ids=["municipalities", "counties", "regions"],
)
def test_exact_counts(loaded, cls, count):
    assert len(instances(loaded, cls)) == count


def test_municipalities_match_csv(loaded):
    in_graph = instances(loaded, KS.Municipality)
    assert in_graph == {municipality(row["kommunkod"]) for row in MUNICIPALITIES}
    for row in MUNICIPALITIES:
        node = municipality(row["kommunkod"])
        code = str(one(loaded, node, KS.municipalityCode))
        assert re.fullmatch(r"\d{4}", code) and code == row["kommunkod"]
        assert one(loaded, node, RDFS.label) == Literal(row["name"], lang="sv")
        home = one(loaded, node, KS.county)
        assert home == county(row["county_code"])
        assert code.startswith(str(one(loaded, home, KS.countyCode))), node
        assert (node, PROV.wasDerivedFrom, REFERENCE) in loaded.graph


def test_counties_match_csv(loaded):
    assert instances(loaded, KS.County) == {county(row["county_code"]) for row in COUNTIES}
    for row in COUNTIES:
        node = county(row["county_code"])
        assert one(loaded, node, RDFS.label) == Literal(row["name"], lang="sv")
        assert str(one(loaded, node, KS.countyCode)) == row["county_code"]
        assert str(one(loaded, node, KS.iso3166Code)) == row["iso_3166_2"]
        assert (node, PROV.wasDerivedFrom, REFERENCE) in loaded.graph


def test_regions_match_csv(loaded):
    assert instances(loaded, KS.Region) == {region(row["county_code"]) for row in COUNTIES}
    for row in COUNTIES:
        node = region(row["county_code"])
        assert one(loaded, node, RDFS.label) == Literal(row["region_name"], lang="sv")
        assert one(loaded, node, KS.county) == county(row["county_code"])
        assert (node, PROV.wasDerivedFrom, REFERENCE) in loaded.graph


def test_region_gotland_is_the_municipality_acting_as_region(loaded):
    gotland = region("09")
    assert one(loaded, gotland, KS.actingMunicipality) == municipality("0980")
    assert {c.language for c in loaded.graph.objects(gotland, RDFS.comment)} == {"sv", "en"}
    assert list(loaded.graph.objects(gotland, OWL.sameAs)) == []
    assert set(loaded.graph.subjects(KS.actingMunicipality, None)) == {gotland}


def expected_wikidata_links() -> set[tuple[URIRef, URIRef]]:
    links = {(municipality(r["kommunkod"]), WD[r["wikidata"]]) for r in MUNICIPALITIES}
    links |= {(county(r["county_code"]), WD[r["wikidata_county"]]) for r in COUNTIES}
    links |= {(region(r["county_code"]), WD[r["wikidata_region"]]) for r in COUNTIES}
    return {(node, qid) for node, qid in links if qid != WD[""]}


def test_every_wikidata_link_of_the_reference_and_no_other(loaded):
    expected = expected_wikidata_links()
    assert len(expected) == 289 + 21 + 4
    found = {
        (subject, target)
        for predicate in (OWL.sameAs, SCHEMA.sameAs)
        for subject, target in loaded.graph.subject_objects(predicate)
        if str(target).startswith(str(WD))
    }
    assert found == expected, (sorted(found - expected), sorted(expected - found))


def test_salem_has_no_wikidata_link(loaded):
    salem = municipality("0128")
    assert one(loaded, salem, RDFS.label) == Literal("Salem", lang="sv")
    assert list(loaded.graph.objects(salem, OWL.sameAs)) == []


def test_reference_table_resource(loaded):
    assert (REFERENCE, RDF.type, KS.ReferenceTable) in loaded.graph
    assert {t.language for t in loaded.graph.objects(REFERENCE, DCTERMS.title)} == {"sv", "en"}
    descriptions = list(loaded.graph.objects(REFERENCE, DCTERMS.description))
    assert {d.language for d in descriptions} == {"sv", "en"}
    assert all("SOURCES.md" in d for d in descriptions)
    modified = one(loaded, REFERENCE, DCTERMS.modified)
    assert modified.datatype == XSD_DATE and not modified.ill_typed


# -- official names: only forms a source attests --------------------------------------------


def source_text(number: str, attested_in: str) -> str:
    """The source text (``text``) or its row in the sources README (``readme``)."""
    folder = next((d for d in SOURCE_DIRS if d.is_dir()), None)
    if folder is None:
        if os.environ.get("CI"):
            pytest.fail("the source texts (../shared/sources/) are missing in CI")
        pytest.skip("the source texts (../shared/sources/) are not available here")
    if attested_in == "text":
        (path,) = folder.glob(f"{number}_*.txt")
        return path.read_text(encoding="utf-8")
    assert attested_in == "readme", f"unknown attested_in {attested_in!r}"
    readme = (folder / "README.md").read_text(encoding="utf-8")
    (row,) = [line for line in readme.splitlines() if line.startswith(f"| {number}_")]
    return row


@pytest.mark.parametrize(
    "row", OFFICIAL_NAMES, ids=[f"{r['kommunkod']}-{r['source']}" for r in OFFICIAL_NAMES]
)
def test_official_name_is_attested_by_its_source(row):
    text = " ".join(source_text(row["source"], row["attested_in"]).split())
    assert row["official_name"] in text


def test_official_names_in_graph_are_exactly_the_attested_ones(loaded):
    expected = {
        (municipality(r["kommunkod"]), Literal(r["official_name"], lang="sv"))
        for r in OFFICIAL_NAMES
    }
    assert set(loaded.graph.subject_objects(KS.officialName)) == expected
    for row in OFFICIAL_NAMES:
        node = municipality(row["kommunkod"])
        assert (node, PROV.wasDerivedFrom, source(row["source"])) in loaded.graph
        label = str(one(loaded, node, RDFS.label))
        assert row["official_name"].startswith(label), (row, label)


def test_member_forms_of_source_004_all_have_official_names():
    """50 full member municipalities plus 6 associates are written '… kommun'/'… stad' in 004."""
    from_004 = [r for r in OFFICIAL_NAMES if r["source"] == "004"]
    assert len(from_004) == 56
    assert {r["official_name"] for r in from_004} >= {"Solna stad", "Västerås stad", "Gävle kommun"}


def test_organisation_number_only_where_a_source_gives_it(loaded):
    municipalities = instances(loaded, KS.Municipality)
    numbers = {
        (node, number)
        for node, number in loaded.graph.subject_objects(KS.organisationNumber)
        if node in municipalities
    }
    assert numbers == {(municipality("1960"), Literal("212000-2056"))}
    assert (municipality("1960"), PROV.wasDerivedFrom, source("001")) in loaded.graph
    assert "212000-2056" in source_text("001", "text")


def test_reference_terms_are_declared_in_the_ontology(loaded):
    ontology = find_project(ROOT).ontology_dir
    declared = set()
    for path in sorted(ontology.rglob("*.ttl")):
        declared |= set(parse_turtle(path).subjects())
    used = set()
    for name in GENERATED:
        graph = parse_turtle(REFERENCE_DIR / name)
        used |= {p for p in graph.predicates() if str(p).startswith(str(KS))}
        used |= {o for o in graph.objects(None, RDF.type) if str(o).startswith(str(KS))}
    assert {KS.Municipality, KS.municipalityCode, KS.ReferenceTable} <= used
    assert sorted(used - declared) == []


# -- regeneration ---------------------------------------------------------------------------


def test_regeneration_reproduces_committed_turtle_byte_for_byte(tmp_path):
    result = run_script("--output-dir", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(GENERATED)
    assert sorted(p.name for p in REFERENCE_DIR.glob("*.ttl")) == sorted(GENERATED)
    for name in GENERATED:
        assert (tmp_path / name).read_bytes() == (REFERENCE_DIR / name).read_bytes(), name


def test_check_reports_a_changed_file(tmp_path):
    for name in GENERATED:
        shutil.copy(REFERENCE_DIR / name, tmp_path / name)
    assert run_script("--check", "--output-dir", str(tmp_path)).returncode == 0
    edited = tmp_path / "regions.ttl"
    edited.write_bytes(edited.read_bytes().replace(b"Region Uppsala", b"Region Upsala"))
    result = run_script("--check", "--output-dir", str(tmp_path))
    assert result.returncode == 1
    assert "regions.ttl" in result.stdout and "counties.ttl" not in result.stdout
    assert b"Region Upsala" in edited.read_bytes(), "--check must not rewrite files"


def test_unknown_code_in_official_names_fails_with_file_and_line(tmp_path):
    shutil.copytree(CSV_DIR, tmp_path / "csv")
    names = tmp_path / "csv" / "official-names.csv"
    names.write_text(
        names.read_text(encoding="utf-8") + "9999,Atlantis kommun,004,text\n", encoding="utf-8"
    )
    result = run_script("--csv-dir", str(tmp_path / "csv"), "--output-dir", str(tmp_path / "out"))
    assert result.returncode == 2
    line = len(OFFICIAL_NAMES) + 2
    assert f"official-names.csv:{line}: no municipality has the code 9999" in result.stderr
    assert not (tmp_path / "out").exists()
