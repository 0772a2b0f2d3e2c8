"""The published VoID and DCAT-AP metadata: SHACL (shapes kept in tests/publish/shapes)."""

from __future__ import annotations

from pathlib import Path

import pytest
from publish_helpers import ROOT
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS, VOID

from kgtool.project import Project
from kgtool.store.graph import load_project

SHAPES = Path(__file__).resolve().parent / "shapes"
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")  # plain: a closed namespace warns under pytest
DATASET = URIRef("https://w3id.org/kommunsamverkan/dataset")


def conforms(data: Graph, shapes_file: str) -> tuple[bool, str]:
    from pyshacl import validate

    shapes = Graph().parse(SHAPES / shapes_file, format="turtle")
    ok, _, text = validate(data, shacl_graph=shapes)
    return ok, text


@pytest.fixture(scope="module")
def dcat(site_dir) -> Graph:
    return Graph().parse(site_dir / "catalog.ttl", format="turtle")


@pytest.fixture(scope="module")
def void(site_dir) -> Graph:
    return Graph().parse(site_dir / "void.ttl", format="turtle")


def test_publish_dcat_meets_dcat_ap_se_shapes(dcat):
    ok, text = conforms(dcat, "dcat-ap-se.ttl")
    assert ok, text


def test_publish_void_meets_void_shapes(void):
    ok, text = conforms(void, "void.ttl")
    assert ok, text


@pytest.mark.parametrize(
    ("removed", "why"),
    [
        ((None, DCTERMS.publisher, None), "publisher"),
        ((None, DCAT.contactPoint, None), "contact point"),
        ((None, DCAT.mediaType, None), "media types"),
        ((None, DCTERMS.license, None), "licence"),
        ((None, VCARD.hasURL, None), "contact address"),
    ],
)
def test_publish_dcat_shapes_catch_missing_parts(dcat, removed, why):
    broken = Graph()
    broken += dcat
    broken.remove(removed)
    ok, _ = conforms(broken, "dcat-ap-se.ttl")
    assert not ok, f"the shapes must require the {why}"


def test_publish_dcat_shapes_refuse_blank_distributions(dcat):
    broken = Graph()
    broken += dcat
    blank = BNode()
    broken.add((DATASET, DCAT.distribution, blank))
    for p, o in dcat.predicate_objects(URIRef(DATASET + "/distribution/kommunsamverkan.ttl")):
        broken.add((blank, p, o))
    assert not conforms(broken, "dcat-ap-se.ttl")[0]


def test_publish_dcat_has_no_person_contact_data(dcat):
    assert not list(dcat.subjects(RDF.type, VCARD.Individual))
    assert not list(dcat.objects(None, VCARD.hasTelephone))


def test_publish_void_statistics_match_the_graph(void):
    graph = load_project(Project(ROOT)).graph
    assert void.value(DATASET, VOID.triples) == Literal(len(graph))
    assert void.value(DATASET, VOID.classes) == Literal(len(set(graph.objects(None, RDF.type))))
    assert void.value(DATASET, VOID.properties) == Literal(len(set(graph.predicates())))
    dumps = {str(d).rsplit("/", 1)[-1] for d in void.objects(DATASET, VOID.dataDump)}
    assert {"kommunsamverkan.ttl", "kommunsamverkan.nt", "kommunsamverkan.jsonld"} <= dumps
    assert void.value(DATASET, VOID.sparqlEndpoint) == URIRef(
        "https://w3id.org/kommunsamverkan/sparql"
    )


def test_publish_modified_date_comes_from_the_data_not_the_clock(dcat, hostile_site):
    """The copy has no git history: the date falls back to dates stated in the data."""
    copy = Graph().parse(hostile_site / "catalog.ttl", format="turtle")
    graph = load_project(Project(ROOT)).graph
    stated = sorted(
        o.toPython()
        for p in (DCTERMS.date, DCTERMS.modified, DCTERMS.issued)
        for o in graph.objects(None, p)
        if isinstance(o, Literal) and o.datatype and str(o.datatype).endswith("#date")
    )
    assert str(copy.value(DATASET, DCTERMS.modified)) == stated[-1].isoformat()
    assert dcat.value(DATASET, DCTERMS.modified) is not None


def test_publish_contact_email_goes_on_the_organisations_contact_point(tmp_path, run_cli):
    """DCAT-AP-SE wants an e-mail on the contact point: the publisher gives it, never invented."""
    result = run_cli("publish", "-o", str(tmp_path / "site"), "--contact-email", "data@example.org")
    assert result.exit_code == 0, result.output
    dcat = Graph().parse(tmp_path / "site" / "catalog.ttl", format="turtle")
    (contact,) = set(dcat.objects(DATASET, DCAT.contactPoint))
    assert set(dcat.objects(contact, VCARD.hasEmail)) == {URIRef("mailto:data@example.org")}
    assert (contact, RDF.type, VCARD.Organization) in dcat
    ok, text = conforms(dcat, "dcat-ap-se.ttl")
    assert ok, text


def test_publish_without_contact_email_invents_none(dcat):
    assert not set(dcat.objects(None, VCARD.hasEmail))


@pytest.mark.parametrize("address", ["not-an-address", "data{1}@example.org", "a|b@example.org"])
def test_publish_rejects_a_contact_email_that_is_not_one(tmp_path, run_cli, address):
    result = run_cli("publish", "-o", str(tmp_path / "site"), "--contact-email", address)
    assert result.exit_code == 2
    assert "--contact-email" in result.stderr
    assert not (tmp_path / "site").exists()


# -- the official DCAT-AP 3.0.0 shapes -------------------------------------------------------

DCAT_AP_3 = URIRef("https://semiceu.github.io/DCAT-AP/releases/3.0.0/")
EU = "http://publications.europa.eu/resource/authority/"


def official(data: Graph, inference: str) -> tuple[bool, str]:
    from pyshacl import validate

    shapes = Graph().parse(SHAPES / "dcat-ap-3.0.0-SHACL.ttl", format="turtle")
    ok, _, text = validate(data, shacl_graph=shapes, inference=inference)
    return ok, text


def test_publish_dcat_says_it_follows_dcat_ap_3(dcat):
    catalog = URIRef("https://w3id.org/kommunsamverkan/catalog")
    assert (catalog, DCTERMS.conformsTo, DCAT_AP_3) in dcat


@pytest.mark.parametrize("inference", ["none", "rdfs"])
def test_publish_dcat_passes_the_official_dcat_ap_3_shapes(dcat, inference):
    ok, text = official(dcat, inference)
    assert ok, text


@pytest.mark.parametrize(
    ("removed", "message"),
    [
        ((URIRef(EU + "language/SWE"), RDF.type, DCTERMS.LinguisticSystem), "LinguisticSystem"),
        ((URIRef(EU + "data-theme/GOVE"), RDF.type, None), "skos:Concept"),
        ((URIRef("https://w3id.org/kommunsamverkan/contact"), RDF.type, None), "vcard:Kind"),
        ((URIRef("https://w3id.org/kommunsamverkan/"), RDF.type, None), "foaf:Document"),
        ((None, RDF.type, DCTERMS.MediaType), "MediaType"),
        ((URIRef(EU + "data-theme/REGI"), SKOS.prefLabel, None), "prefLabel"),
    ],
)
def test_publish_dcat_official_shapes_catch_an_untyped_reference(dcat, removed, message):
    broken = Graph()
    broken += dcat
    broken.remove(removed)
    ok, text = official(broken, "none")
    assert not ok
    assert message in text


def test_publish_dcat_carries_the_dataset_version(dcat):
    """data/dataset.ttl's version and its date reach the catalogue (DCAT 3 and OWL)."""
    from rdflib.namespace import OWL, XSD

    from kgtool.version import dataset_version

    version = dataset_version(Project(ROOT))
    assert version.version and version.issued
    assert (DATASET, DCAT.version, Literal(version.version)) in dcat
    assert (DATASET, OWL.versionInfo, Literal(version.version)) in dcat
    issued = Literal(version.issued, datatype=XSD.date)
    assert set(dcat.objects(DATASET, DCTERMS.issued)) == {issued}
