"""What the fast engine works with: the shapes that have focus nodes, the plan of compiled
queries (and the shapes handed to pySHACL, with why), and the results before they are placed."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import Node

from kgtool.terms import SH

TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
"""The SHACL Core target parameters (SHACL-AF's ``sh:target`` is not among them)."""
SEVERITY: dict[Node, str] = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}
"""SHACL's severities by the names reports use (a severity of the shapes' own: its IRI)."""


class Unsupported(Exception):
    """A shape uses a SHACL feature this translation does not cover exactly."""


@dataclass(frozen=True)
class RawResult:
    """One validation result before it is placed in a file: terms as rdflib terms."""

    focus: Node | None
    shape: Node | None
    severity: str
    component: str
    path: Node | None = None
    value: Node | None = None
    detail: str | None = None  # what tells apart results that name no value (a language)


@dataclass
class CompiledQuery:
    """One SPARQL query for one constraint of one shape; rows give ?this (and ?value, ?path).

    ``distinct`` names extra columns (e.g. ``lang``) that tell results apart when the rows
    carry no value (one sh:uniqueLang result per language)."""

    shape: Node
    severity: str
    component: str
    text: str
    path: Node | None = None
    node_shape: bool = False
    distinct: tuple[str, ...] = ()


@dataclass
class Plan:
    """The shapes as queries, plus the shapes that must go to pySHACL (and why)."""

    queries: list[CompiledQuery] = field(default_factory=list)
    unsupported: list[Node] = field(default_factory=list)
    reasons: dict[Node, str] = field(default_factory=dict)
    translated: list[Node] = field(default_factory=list)
    datatypes: set[URIRef] = field(default_factory=set)


def hand_over_all(plan: Plan, reason: str) -> Plan:
    """A plan with no queries: every shape of ``plan`` goes to pySHACL for ``reason``."""
    handed = Plan(unsupported=[*plan.translated, *plan.unsupported])
    handed.reasons = {shape: reason for shape in plan.translated} | plan.reasons
    return handed


# -- which shapes have focus nodes ----------------------------------------------------------


def focus_shapes(shapes: Graph) -> list[Node]:
    """Every shape that has focus nodes of its own: one with a ``sh:target*`` (also SHACL-AF's
    ``sh:target``), or an implicit class target (a shape that is also an ``rdfs:Class``)."""
    found: set[Node] = {s for t in (*TARGETS, SH.target) for s in shapes.subjects(t, None)}
    found |= implicit_class_targets(shapes)
    return sorted(found, key=lambda s: (isinstance(s, BNode), str(s)))


def implicit_class_targets(shapes: Graph) -> set[Node]:
    """Shapes that are SHACL instances of rdfs:Class (or owl:Class) in the shapes graph."""
    classes: set[Node] = {RDFS.Class, OWL.Class}
    classes |= {c for k in list(classes) for c in _subclasses(shapes, k)}
    kinds: set[Node] = {SH.NodeShape, SH.PropertyShape}
    kinds |= {c for k in list(kinds) for c in _subclasses(shapes, k)}
    found: set[Node] = set()
    for cls in classes:
        for node in shapes.subjects(RDF.type, cls):
            if isinstance(node, URIRef) and _is_shape(shapes, node, kinds):
                found.add(node)
    return found


def _subclasses(shapes: Graph, cls: Node) -> Iterator[Node]:
    """``cls`` and its subclasses in the shapes graph."""
    for found in shapes.transitive_subjects(RDFS.subClassOf, cls):
        if found is not None:
            yield found


def _is_shape(shapes: Graph, node: Node, kinds: set[Node]) -> bool:
    if any((node, RDF.type, kind) in shapes for kind in kinds):
        return True
    return any(
        str(p).startswith(str(SH)) and p not in (SH.deactivated,)
        for p in shapes.predicates(node, None)
    )
