"""The ontology's pages: every term under ``def/`` by kind (classes, properties, concepts) on
``def/index.html``, a page per term that leads to its anchor there, and their RDF."""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from kgtool.store.graph import new_graph
from kgtool.web import rdfio
from kgtool.web.site.model import Row, SiteModel, Value
from kgtool.web.site.render import Renderer
from kgtool.web.site.store import StoreGraph

PROPERTY_KINDS = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property)
SECTIONS = ("classes", "properties", "concepts")


@dataclass
class TermView:
    iri: str
    anchor: str
    label_sv: str
    label_en: str
    definition_sv: str
    definition_en: str
    types: list[Value]
    rows: list[Row] = field(default_factory=list)


def term_kind(types: set) -> str:
    """Which section lists a term of ``types``: 'classes', 'properties' or 'concepts'."""
    if types & {OWL.Class, RDFS.Class}:
        return "classes"
    return "properties" if types & set(PROPERTY_KINDS) else "concepts"


def term_view(model: SiteModel, term: URIRef, types: set) -> TermView:
    """What the ontology page shows of one term."""
    here = "def/"
    shown = {RDF.type, RDFS.label, SKOS.definition, SKOS.prefLabel}
    return TermView(
        iri=str(term),
        anchor=str(term)[len(model.def_base) :],
        label_sv=model.text(term, (RDFS.label, SKOS.prefLabel), "sv"),
        label_en=model.text(term, (RDFS.label, SKOS.prefLabel), "en"),
        definition_sv=model.text(term, (SKOS.definition, RDFS.comment), "sv"),
        definition_en=model.text(term, (SKOS.definition, RDFS.comment), "en"),
        types=sorted((model.value(t, here) for t in types), key=lambda v: (v.text, v.iri or "")),
        rows=model.rows(
            ((p, o) for p, o in model.graph.predicate_objects(term) if p not in shown), here
        ),
    )


def terms(model: SiteModel) -> dict[str, list[TermView]]:
    """Ontology terms by kind: 'classes', 'properties', 'concepts' (all under ``def/``)."""
    kinds: dict[str, list[TermView]] = {kind: [] for kind in SECTIONS}
    for term in sorted(model.def_terms()):
        types = set(model.graph.objects(term, RDF.type))
        kinds[term_kind(types)].append(term_view(model, term, types))
    return kinds


def ontology_graph(graph: StoreGraph, def_base: str) -> Graph:
    """The description of every term under ``def_base``."""
    out = new_graph()
    for s in graph.iri_subjects(def_base):
        out += rdfio.describe(graph, s)
    return out


def ontology_html(model: SiteModel, renderer: Renderer) -> str:
    """``def/index.html`` in the model's language."""
    from kgtool.web.site.i18n import UI

    lang = model.lang
    sections = tuple((key, UI[lang][key]) for key in SECTIONS)
    title = "Ontologin kommunsamverkan" if lang == "sv" else "The kommunsamverkan ontology"
    return renderer.render(
        "ontology.html",
        "def/",
        lang,
        title=title,
        namespace=model.def_base,
        sections=sections,
        terms=terms(model),
    )


def term_html(renderer: Renderer, def_base: str, term: URIRef) -> str:
    """The page of one term: it leads to the term's anchor on the ontology page."""
    anchor = str(term)[len(def_base) :]
    return renderer.env.get_template("term.html").render(anchor=anchor, iri=str(term))
