"""Counts over the graph: triples, resources per class, facts per source, coverage.

A *fact* of a source is a triple whose subject is derived from it (``prov:wasDerivedFrom``),
together with the triples of the anonymous nodes (intervals, instants) that subject points at.

Everything is counted by SPARQL on the project's Oxigraph store (the union of its files'
graphs; a triple written in two files counts once), never by loading the graph into rdflib.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kgtool.query.describe import StoreView, Term, _named, term
from kgtool.terms import PREFIX_IRIS

if TYPE_CHECKING:
    from kgtool.store.engine import ProjectStore


@dataclass(frozen=True)
class SourceCount:
    """One source (document or reference table): how many resources and triples derive from it."""

    source: Term
    resources: int
    facts: int


@dataclass(frozen=True)
class CollaborationCount:
    """Members of one collaboration by role (full, associate, other)."""

    collaboration: Term
    full: int
    associate: int


@dataclass
class Stats:
    """What ``kgtool stats`` prints."""

    triples: int
    classes: list[tuple[Term, int]] = field(default_factory=list)
    sources: list[SourceCount] = field(default_factory=list)
    collaborations: list[CollaborationCount] = field(default_factory=list)
    municipalities: int = 0
    municipalities_in_collaboration: int = 0


_PROLOGUE = "".join(f"PREFIX {p}: <{PREFIX_IRIS[p]}>\n" for p in ("ks", "org", "prov", "rdf"))
TRIPLES = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"
CLASSES = """SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class FILTER isIRI(?s) }
GROUP BY ?class"""
# A source's resources, and the triples of each (the subject's own and its blank nodes').
SOURCES = """SELECT ?source (COUNT(DISTINCT ?s) AS ?resources) WHERE {
  ?s prov:wasDerivedFrom ?source FILTER(isIRI(?s) && isIRI(?source)) } GROUP BY ?source"""
OWN_FACTS = """SELECT ?source (COUNT(*) AS ?facts) WHERE {
  { SELECT DISTINCT ?source ?s WHERE {
      ?s prov:wasDerivedFrom ?source FILTER(isIRI(?s) && isIRI(?source)) } }
  { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }
} GROUP BY ?source"""
BLANK_STARTS = """SELECT DISTINCT ?source ?s ?b WHERE {
  ?s prov:wasDerivedFrom ?source FILTER(isIRI(?s) && isIRI(?source))
  ?s ?p ?b FILTER isBlank(?b) }"""
MEMBERS = """SELECT ?c ?role (COUNT(DISTINCT ?m) AS ?n) WHERE {
  ?c a ks:Collaboration . ?m org:organization ?c ; org:member ?member ; org:role ?role .
  MINUS { ?m a ks:Chairmanship }
} GROUP BY ?c ?role"""
COLLABORATIONS = "SELECT DISTINCT ?c WHERE { ?c a ks:Collaboration } ORDER BY ?c"
MUNICIPALITIES = "SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m a ks:Municipality }"
COVERED = """SELECT (COUNT(DISTINCT ?member) AS ?n) WHERE {
  ?c a ks:Collaboration . ?m org:organization ?c ; org:member ?member .
  ?member a ks:Municipality .
  MINUS { ?m a ks:Chairmanship } }"""


def _rows(project_store: ProjectStore, text: str) -> list:
    answer = project_store.store.query(_PROLOGUE + text, use_default_graph_as_union=True)
    return list(answer)


def _count(project_store: ProjectStore, text: str) -> int:
    return int(_rows(project_store, text)[0][0].value)


def _blank_facts(view: StoreView, starts) -> dict[str, int]:
    """Per source: the triples of the blank nodes its resources reach (each node once per
    resource, as a walk from that resource counts them)."""
    import pyoxigraph

    sizes: dict = {}

    def closure(node) -> set:
        if node not in sizes:
            sizes[node] = set()  # a cycle through blank nodes ends here
            found: set = set()
            for quad in view.store.quads_for_pattern(node, None, None, None):
                found.add((node, quad.predicate, quad.object))
                if isinstance(quad.object, pyoxigraph.BlankNode) and quad.object != node:
                    found |= closure(quad.object)
            sizes[node] = found
        return sizes[node]

    reached: dict[tuple[str, str], set] = {}
    for source, subject, blank in starts:
        reached.setdefault((source.value, subject.value), set()).update(closure(blank))
    out: dict[str, int] = {}
    for (source, _), triples in reached.items():
        out[source] = out.get(source, 0) + len(triples)
    return out


def compute_stats(project_store: ProjectStore, lang: str = "sv") -> Stats:
    """Count triples, resources per class, facts per source and municipal coverage (names of
    sources and collaborations in ``lang``)."""
    view = StoreView(project_store, lang)
    stats = Stats(triples=_count(project_store, TRIPLES))
    counted = [(term(view, row[0]), int(row[1].value)) for row in _rows(project_store, CLASSES)]
    stats.classes = sorted(counted, key=lambda item: (-item[1], item[0].short))
    resources = {row[0].value: int(row[1].value) for row in _rows(project_store, SOURCES)}
    facts = {row[0].value: int(row[1].value) for row in _rows(project_store, OWN_FACTS)}
    blank = _blank_facts(view, _rows(project_store, BLANK_STARTS))
    for source in sorted(resources):
        total = facts.get(source, 0) + blank.get(source, 0)
        stats.sources.append(SourceCount(term(view, _named(source)), resources[source], total))
    roles: dict[tuple[str, str], int] = {
        (row[0].value, row[1].value): int(row[2].value) for row in _rows(project_store, MEMBERS)
    }
    for (collaboration,) in _rows(project_store, COLLABORATIONS):
        full = roles.get((collaboration.value, PREFIX_IRIS["ks"] + "FullMember"), 0)
        associate = roles.get((collaboration.value, PREFIX_IRIS["ks"] + "AssociateMember"), 0)
        stats.collaborations.append(CollaborationCount(term(view, collaboration), full, associate))
    stats.municipalities = _count(project_store, MUNICIPALITIES)
    stats.municipalities_in_collaboration = _count(project_store, COVERED)
    return stats
