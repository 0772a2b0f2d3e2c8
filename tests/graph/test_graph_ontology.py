"""The ontology: its header, and every term used anywhere in data/ (or in the ontology itself)
is declared in ontology/ or exists in the reused vocabulary it claims to come from."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib import namespace as rdflib_namespace
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS, VOID

from kgtool.store.graph import parse_turtle
from kgtool.terms import KS

ROOT = Path(__file__).resolve().parents[2]
ONTOLOGY = ROOT / "ontology" / "kommunsamverkan.ttl"
TIME_NS = "http://www.w3.org/2006/time#"

#: Reused vocabularies, each with rdflib's list of its terms.
REUSED_NAMES = "ORG FOAF SKOS PROV DCTERMS TIME SDO OWL RDF RDFS XSD VOID DCAT"
REUSED = tuple(getattr(rdflib_namespace, name) for name in REUSED_NAMES.split())


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return parse_turtle(ONTOLOGY)


def data_files() -> list[Path]:
    return sorted((ROOT / "data").rglob("*.ttl"))


def declared_terms(ontology: Graph) -> set[URIRef]:
    defined = ontology.subjects(RDFS.isDefinedBy, URIRef(str(KS)))
    return {s for s in defined if isinstance(s, URIRef)}


def vocabulary_terms(graph: Graph) -> set[URIRef]:
    """Every IRI used as a predicate or class, plus object IRIs inside a known vocabulary."""
    used = set(graph.predicates())
    used |= {o for o in graph.objects(None, RDF.type) if isinstance(o, URIRef)}
    known = [str(KS), *(str(ns) for ns in REUSED)]
    used |= {
        o
        for o in graph.objects()
        if isinstance(o, URIRef) and any(str(o).startswith(ns) for ns in known)
    }
    used |= {
        o.datatype for o in graph.objects() if isinstance(o, Literal) and o.datatype is not None
    }
    return used


def unknown_terms(graph: Graph, declared: set[URIRef]) -> list[str]:
    """Terms that are neither declared by us nor part of a reused vocabulary's term list."""
    problems = []
    for iri in sorted(vocabulary_terms(graph)):
        text = str(iri)
        if text.startswith(str(KS)):
            if iri not in declared and text != str(KS):
                problems.append(f"{text}: not declared in ontology/")
            continue
        for ns in REUSED:
            if text.startswith(str(ns)):
                local = text[len(str(ns)) :]
                terms = {*ns.__annotations__, *getattr(ns, "_extras", ())}
                if local and local not in terms:
                    problems.append(f"{text}: not a term of {ns}")
                break
        else:
            problems.append(f"{text}: from a vocabulary we do not reuse")
    return problems


@pytest.mark.parametrize("path", data_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_term_in_data_is_declared_or_reused(path, ontology):
    assert unknown_terms(parse_turtle(path), declared_terms(ontology)) == []


def test_every_term_in_ontology_is_declared_or_reused(ontology):
    assert unknown_terms(ontology, declared_terms(ontology)) == []


@pytest.mark.parametrize(
    ("snippet", "expected"),
    [
        ("<x> org:membr <y> .", "http://www.w3.org/ns/org#membr: not a term of"),
        ("<x> a ks:Municipalty .", "def/Municipalty: not declared in ontology/"),
        ("<x> time:hasBegining <y> .", "time#hasBegining: not a term of"),
        ("<x> dct:tittle 'x' .", "terms/tittle: not a term of"),
        ("<x> <http://example.org/p> <y> .", "example.org/p: from a vocabulary we do not reuse"),
    ],
)
def test_a_typo_is_caught(snippet, expected, ontology):
    prefixes = (
        "PREFIX org: <http://www.w3.org/ns/org#>\nPREFIX time: <http://www.w3.org/2006/time#>\n"
        "PREFIX dct: <http://purl.org/dc/terms/>\nPREFIX ks: <https://w3id.org/kommunsamverkan/def/>\n"
        "BASE <https://w3id.org/kommunsamverkan/id/>\n"
    )
    graph = Graph().parse(data=prefixes + snippet, format="turtle")
    problems = unknown_terms(graph, declared_terms(ontology))
    assert len(problems) == 1 and expected in problems[0], problems


def test_every_term_of_ours_has_labels_and_definitions_in_both_languages(ontology):
    terms = {s for s in ontology.subjects() if isinstance(s, URIRef) and str(s).startswith(str(KS))}
    terms.discard(URIRef(str(KS)))
    assert len(terms) > 50
    missing = []
    for iri in sorted(terms):
        for prop in (RDFS.label, SKOS.definition):
            langs = {o.language for o in ontology.objects(iri, prop) if isinstance(o, Literal)}
            if not {"sv", "en"} <= langs:
                missing.append(f"{iri} {prop}: {sorted(map(str, langs))}")
        if (iri, RDFS.isDefinedBy, URIRef(str(KS))) not in ontology:
            missing.append(f"{iri}: no rdfs:isDefinedBy ks:")
        if not set(ontology.objects(iri, RDF.type)):
            missing.append(f"{iri}: no type")
    assert missing == []


def test_ontology_header(ontology):
    header = URIRef(str(KS))
    assert (header, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(header, OWL.versionInfo) is not None
    assert ontology.value(header, DCTERMS.license) == URIRef(
        "https://creativecommons.org/publicdomain/zero/1.0/"
    )
    assert ontology.value(header, DCTERMS.creator) is not None
    titles = {t.language for t in ontology.objects(header, DCTERMS.title)}
    assert titles == {"sv", "en"}
    reused = set(ontology.objects(header, VOID.vocabulary))
    assert {URIRef(str(ns)) for ns in (ORG, TIME_NS, PROV, SKOS, DCTERMS, FOAF)} <= reused


@pytest.mark.parametrize(
    ("term", "parent"),
    [
        (KS.Municipality, ORG.FormalOrganization),
        (KS.Region, ORG.FormalOrganization),
        (KS.County, SKOS.Concept),
        (KS.County, DCTERMS.Location),
        (KS.Collaboration, ORG.OrganizationalCollaboration),
        (KS.Body, ORG.OrganizationalUnit),
        (KS.Board, KS.Body),
        (KS.MandatePeriod, URIRef(TIME_NS + "ProperInterval")),
        (KS.Chairmanship, ORG.Membership),
        (KS.Plan, FOAF.Document),
        (KS.LetterOfIntent, KS.Plan),
        (KS.Decision, PROV.Activity),
        (KS.Meeting, PROV.Activity),
        (KS.Minutes, FOAF.Document),
        (KS.SourceDocument, PROV.Entity),
        (KS.SourceDocument, FOAF.Document),
    ],
)
def test_our_classes_specialise_reused_ones(ontology, term, parent):
    assert (term, RDFS.subClassOf, parent) in ontology


@pytest.mark.parametrize(
    "role",
    [
        KS.FullMember,
        KS.AssociateMember,
        KS.Chair,
        KS.SecretaryGeneral,
        KS.SecretariatLead,
        KS.ExecutiveBoardChair,
    ],
)
def test_role_concepts(ontology, role):
    assert {ORG.Role, SKOS.Concept} <= set(ontology.objects(role, RDF.type))
