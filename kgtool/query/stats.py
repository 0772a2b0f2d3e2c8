"""Counts over the graph: triples, resources per class, facts per source, coverage.

A *fact* of a source is a triple whose subject is derived from it (``prov:wasDerivedFrom``),
together with the triples of the anonymous nodes (intervals, instants) that subject points at.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import ORG, PROV, RDF

from kgtool.query.describe import Term, term
from kgtool.terms import KS


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


def _closure_size(graph: Graph, subject) -> int:
    """Triples of ``subject`` plus those of the blank nodes it reaches."""
    count = 0
    seen: set = set()
    todo = [subject]
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for _, obj in graph.predicate_objects(node):
            count += 1
            if isinstance(obj, BNode):
                todo.append(obj)
    return count


def _members(graph: Graph, collaboration: URIRef) -> list[tuple[URIRef, URIRef | None]]:
    """(member, role) of each plain membership (chairmanships left out) of a collaboration."""
    found = []
    for membership in graph.subjects(ORG.organization, collaboration):
        if (membership, RDF.type, KS.Chairmanship) in graph:
            continue
        member = graph.value(membership, ORG.member)
        if member is not None:
            found.append((member, graph.value(membership, ORG.role)))
    return found


def compute_stats(graph: Graph) -> Stats:
    """Count triples, resources per class, facts per source and municipal coverage."""
    stats = Stats(triples=len(graph))
    classes = Counter(o for s, o in graph.subject_objects(RDF.type) if isinstance(s, URIRef))
    counted = [(term(graph, cls), n) for cls, n in classes.items()]
    stats.classes = sorted(counted, key=lambda item: (-item[1], item[0].short))
    per_source: dict[URIRef, list[URIRef]] = {}
    for subject, source in graph.subject_objects(PROV.wasDerivedFrom):
        if isinstance(subject, URIRef) and isinstance(source, URIRef):
            per_source.setdefault(source, []).append(subject)
    for source, subjects in sorted(per_source.items()):
        facts = sum(_closure_size(graph, subject) for subject in subjects)
        stats.sources.append(SourceCount(term(graph, source), len(subjects), facts))
    in_collaboration: set[URIRef] = set()
    for collaboration in sorted(graph.subjects(RDF.type, KS.Collaboration)):
        members = _members(graph, collaboration)
        stats.collaborations.append(
            CollaborationCount(
                term(graph, collaboration),
                sum(1 for _, role in members if role == KS.FullMember),
                sum(1 for _, role in members if role == KS.AssociateMember),
            )
        )
        in_collaboration.update(m for m, _ in members if (m, RDF.type, KS.Municipality) in graph)
    stats.municipalities = len(set(graph.subjects(RDF.type, KS.Municipality)))
    stats.municipalities_in_collaboration = len(in_collaboration)
    return stats
