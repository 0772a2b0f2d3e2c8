"""One resource of the graph, found by IRI, code or name, with its relations both ways.

``find_resource`` turns what a user types (an IRI, ``municipality/1980``, ``ks:Region``, a code
such as ``1980`` or ``19``, or a name such as ``Västerås``) into one IRI, or raises an error
(exit 2) naming the candidates. ``describe`` returns a ``Description``: plain strings, ready
for the CLI (or any other caller) to render.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import FOAF, PROV, RDF, RDFS, SKOS, TIME

from kgtool.errors import KgtoolError
from kgtool.store.graph import LoadedGraph
from kgtool.terms import (
    ID,
    KS,
    LABEL_PROPERTIES,
    expand_prefixed,
    pick_label,
    shorten,
    source,
)

if TYPE_CHECKING:
    from kgtool.query.names import NameIndex

#: Properties whose values name a resource, in order of preference.
NAME_PROPERTIES = (RDFS.label, SKOS.prefLabel, FOAF.name, KS.officialName)
#: How many candidates an ambiguous name lists.
MAX_CANDIDATES = 10


class UnknownResource(KgtoolError):
    """Nothing in the graph matches what the user asked for."""


class AmbiguousResource(KgtoolError):
    """Several resources match a name; the message lists them."""


@dataclass(frozen=True)
class Term:
    """An IRI (or literal/blank node) shown compactly, with its label when it has one."""

    iri: str
    short: str
    label: str | None = None

    def __str__(self) -> str:
        return f"{self.short}  {self.label}" if self.label else self.short


@dataclass(frozen=True)
class Relation:
    """One triple seen from the described resource: the property and the node at the other end."""

    predicate: Term
    other: Term


@dataclass
class Description:
    """Everything ``kgtool describe`` prints about one resource."""

    resource: Term
    location: str | None
    labels: list[str] = field(default_factory=list)
    types: list[Term] = field(default_factory=list)
    values: list[Relation] = field(default_factory=list)
    outgoing: list[Relation] = field(default_factory=list)
    incoming: list[Relation] = field(default_factory=list)
    sources: list[Term] = field(default_factory=list)
    mentioned_in: list[Term] = field(default_factory=list)


def short(graph: Graph, node) -> str:
    """``id:municipality/1980``, ``ks:Region``, the N3 form for literals, ``[]`` for blanks."""
    if isinstance(node, Literal):
        return node.n3(graph.namespace_manager)
    if isinstance(node, BNode):
        return "[]"
    return shorten(str(node))


def label(graph: Graph, node) -> str | None:
    """The node's best name (``terms.pick_label``, Swedish first); None when it has none."""
    if not isinstance(node, URIRef | BNode):
        return None
    found = pick_label(
        (str(p), str(o), o.language)
        for p in LABEL_PROPERTIES
        for o in graph.objects(node, URIRef(p))
        if isinstance(o, Literal)
    )
    if found is None and isinstance(node, BNode):
        return _interval_text(graph, node)
    return found


def _instant_text(graph: Graph, instant) -> str | None:
    for prop in (TIME.inXSDDate, TIME.inXSDgYearMonth, TIME.inXSDgYear):
        value = graph.value(instant, prop)
        if value is not None:
            return str(value)
    return None


def _interval_text(graph: Graph, node: BNode) -> str | None:
    """``2019-09 – 2020-09`` for an anonymous interval (``… –`` when it has no end)."""
    begin = graph.value(node, TIME.hasBeginning)
    end = graph.value(node, TIME.hasEnd)
    if begin is None and end is None:
        return None
    start = _instant_text(graph, begin) if begin is not None else "?"
    stop = _instant_text(graph, end) if end is not None else ""
    return f"{start} – {stop}".rstrip()


def term(graph: Graph, node) -> Term:
    return Term(str(node), short(graph, node), label(graph, node))


def _exists(graph: Graph, iri: URIRef) -> bool:
    return (iri, None, None) in graph or (None, None, iri) in graph


#: Kinds the name matcher (``kgtool.query.names``) tries for describe, in this order.
NAMED_KINDS = ("municipality", "county", "region", "collaboration", "source")


def find_resource(graph: Graph, thing: str, names: NameIndex | None = None) -> URIRef:
    """The IRI ``thing`` stands for, or UnknownResource / AmbiguousResource (exit 2).

    With ``names`` (the matcher ``query`` uses), a municipality, county, region, collaboration
    or source is found as ``query`` finds it: ``Vasteras``, ``VÄSTERÅS``, ``västerås kommun``
    and ``1980`` are Västerås, and a misspelled name suggests the closest ones.
    """
    text = thing.strip()
    if not text:
        raise UnknownResource("THING is empty: give an IRI, a code such as 1980, or a name")
    if names is not None and not re.match(r"https?://", text) and expand_prefixed(text) is None:
        found = _by_matcher(names, text, thing)
        if found is not None:
            return URIRef(found)
        try:
            return _find_resource(graph, thing)
        except UnknownResource as error:
            hint = _suggestions(names, text)
            if hint:
                raise UnknownResource(f"THING {thing!r}: nothing has that name{hint}") from error
            raise
    return _find_resource(graph, thing)


def _by_matcher(names: NameIndex, text: str, thing: str) -> str | None:
    """The first kind (in NAMED_KINDS order) with a thing of that name or code: ``19`` is the
    county before the region. A name that fits several things of one kind is ambiguous."""
    from kgtool.errors import ParameterError

    for kind in NAMED_KINDS:
        try:
            return names.resolve(kind, text, f"THING {thing!r}")
        except ParameterError as error:
            if " fits several " in error.message:
                raise AmbiguousResource(error.message) from None
    return None


def _suggestions(names: NameIndex, text: str) -> str:
    """``; did you mean …?`` from the closest names of every kind, or ''."""
    titles: list[str] = []
    for kind in NAMED_KINDS:
        hint = names.suggest(kind, text)
        if hint.startswith("; did you mean "):
            titles += hint[len("; did you mean ") : -1].split(", ")
    return f"; did you mean {', '.join(dict.fromkeys(titles))}?" if titles else ""


def _find_resource(graph: Graph, thing: str) -> URIRef:
    text = thing.strip()
    kind = "resource"
    candidates: list[URIRef | None] = []
    if re.match(r"https?://", text):
        candidates = [URIRef(text)]
    elif expand_prefixed(text) is not None:
        candidates = [expand_prefixed(text)]
    elif "/" in text and " " not in text:
        candidates = [ID[text.strip("/")]]
    elif re.fullmatch(r"\d{4}", text):
        kind = "municipality with that code"
        candidates = list(graph.subjects(KS.municipalityCode, Literal(text))) or [None]
    elif re.fullmatch(r"\d{2}", text):
        kind = "county with that code"
        candidates = list(graph.subjects(KS.countyCode, Literal(text))) or [None]
    elif re.fullmatch(r"\d{3}", text):
        kind = "source with that number"
        candidates = [source(text)]
    elif re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)+|[a-z0-9]+", text):
        # a slug such as "malardalsradet" or "jens-sjostrom", as query parameters accept
        slugged = [ID[f"{folder}/{text}"] for folder in ("collaboration", "person", "area")]
        found = [iri for iri in slugged if _exists(graph, iri)]
        if found:
            return found[0]
    if candidates:
        found = [iri for iri in candidates if iri is not None and _exists(graph, iri)]
        if found:
            return found[0]
        raise UnknownResource(f"THING {thing!r}: no such {kind} in the graph")
    return _find_by_name(graph, thing)


def _find_by_name(graph: Graph, thing: str) -> URIRef:
    """An exact name (any case) first; failing that, a name containing ``thing``."""
    wanted = thing.strip().casefold()
    names = [
        (subject, str(value).casefold())
        for prop in NAME_PROPERTIES
        for subject, value in graph.subject_objects(prop)
        if isinstance(subject, URIRef)
    ]
    matches = {subject for subject, name in names if name == wanted}
    if not matches:
        matches = {subject for subject, name in names if wanted in name}
    if not matches:
        raise UnknownResource(
            f"THING {thing!r}: no resource has that name (try an IRI, a code such as 1980, "
            "or a name such as Västerås)"
        )
    if len(matches) > 1:
        listed = sorted(f"{short(graph, m)} ({label(graph, m)})" for m in matches)
        extra = len(listed) - MAX_CANDIDATES
        more = f"; … and {extra} more" if extra > 0 else ""
        raise AmbiguousResource(
            f"THING {thing!r} matches {len(listed)} resources: "
            + "; ".join(listed[:MAX_CANDIDATES])
            + more
        )
    return next(iter(matches))


def _sorted(relations: list[Relation]) -> list[Relation]:
    return sorted(relations, key=lambda r: (r.predicate.short, r.other.short, r.other.iri))


def describe(loaded: LoadedGraph, thing: str, names: NameIndex | None = None) -> Description:
    """Find ``thing`` (with ``names``, the matcher ``query`` uses) and gather its labels, types,
    relations both ways and sources."""
    graph = loaded.graph
    iri = find_resource(graph, thing, names)
    location = loaded.location(iri)
    result = Description(term(graph, iri), str(location) if location else None)
    label_props = {RDFS.label, SKOS.prefLabel, FOAF.name}
    for predicate, obj in graph.predicate_objects(iri):
        if predicate in label_props and isinstance(obj, Literal):
            lang = f" @{obj.language}" if obj.language else ""
            result.labels.append(f"{obj}{lang}")
        elif predicate == RDF.type:
            result.types.append(term(graph, obj))
        elif predicate == PROV.wasDerivedFrom:
            result.sources.append(term(graph, obj))
        elif isinstance(obj, Literal):
            result.values.append(Relation(term(graph, predicate), term(graph, obj)))
        else:
            result.outgoing.append(Relation(term(graph, predicate), term(graph, obj)))
    mentioned: set[URIRef] = set()
    for subject, predicate in graph.subject_predicates(iri):
        result.incoming.append(Relation(term(graph, predicate), term(graph, subject)))
        mentioned.update(s for s in graph.objects(subject, PROV.wasDerivedFrom))
    own = {URIRef(t.iri) for t in result.sources}
    result.mentioned_in = sorted((term(graph, s) for s in mentioned - own), key=lambda t: t.short)
    result.labels.sort()
    result.types.sort(key=lambda t: t.short)
    result.sources.sort(key=lambda t: t.short)
    result.values = _sorted(result.values)
    result.outgoing = _sorted(result.outgoing)
    result.incoming = _sorted(result.incoming)
    return result
