"""What the HTML pages show: plain view objects built from the graph (no markup here).

Resources under ``id/`` get a page each at ``id/<path>/index.html``; ontology terms under
``def/`` are anchors of ``def/index.html``. Links between pages are relative, so the site works
from any folder or host; external IRIs (Wikidata, W3C vocabularies) link to themselves.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS, TIME

from kgtool.namespaces import PREFIXES

LABEL_PROPERTIES = (SKOS.prefLabel, RDFS.label, FOAF.name, DCTERMS.title)
LANGUAGE_ORDER = ("sv", None, "en")
SOURCE_PROPERTIES = (PROV.wasDerivedFrom, DCTERMS.source)
TIME_VALUES = (TIME.inXSDDate, TIME.inXSDgYearMonth, TIME.inXSDgYear, TIME.inXSDDateTime)
PROPERTY_KINDS = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property)


@dataclass(frozen=True)
class Value:
    """One value as shown: text, an optional link, and the IRI or datatype/language it carries."""

    text: str
    href: str | None = None
    iri: str | None = None
    note: str | None = None


@dataclass
class Row:
    """A predicate and its values."""

    predicate: Value
    values: list[Value]


@dataclass
class MembershipRow:
    link: Value
    member: Value | None
    organization: Value | None
    roles: list[Value]
    period: str
    sources: list[Value]


@dataclass
class ResourceView:
    iri: str
    path: str
    label: str
    labels: list[Value]
    types: list[Value]
    properties: list[Row]
    relations: list[Row]
    incoming: list[Row]
    memberships: list[MembershipRow]
    sources: list[Value]


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


def _qname(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(str(namespace)) and len(iri) > len(str(namespace)):
            return f"{prefix}:{iri[len(str(namespace)) :]}"
    return iri


class SiteModel:
    """The graph seen as a site under ``base``: pages, labels and relative links."""

    def __init__(self, graph: Graph, base: str) -> None:
        self.graph = graph
        self.base = base
        self.id_base = base + "id/"
        self.def_base = base + "def/"
        self.labels = self._labels()
        self.pages: dict[URIRef, str] = {
            s: self._path_of(s)
            for s in set(graph.subjects())
            if isinstance(s, URIRef) and str(s).startswith(self.id_base) and self._path_of(s)
        }

    # -- paths and links --------------------------------------------------------------------

    def _path_of(self, iri: URIRef) -> str:
        rest = str(iri)[len(self.base) :].strip("/")
        if not rest or any(ch in rest for ch in "#?") or ".." in rest.split("/"):
            return ""
        return rest + "/"

    def href(self, iri: URIRef, from_dir: str) -> str | None:
        """A link to ``iri`` from a page in folder ``from_dir`` ('' for the site root)."""
        text = str(iri)
        if iri in self.pages:
            target = self.pages[iri]
        elif text.startswith(self.def_base) and len(text) > len(self.def_base):
            return self.relative("def/", from_dir) + "#" + text[len(self.def_base) :]
        elif text == self.def_base:
            target = "def/"
        elif text.startswith(("http://", "https://")) and not text.startswith(self.base):
            return text
        else:
            return None
        return self.relative(target, from_dir)

    @staticmethod
    def relative(target_dir: str, from_dir: str) -> str:
        """Relative link from folder ``from_dir`` to folder ``target_dir`` (both end in '/')."""
        rel = posixpath.relpath(target_dir or ".", from_dir or ".")
        return "./" if rel == "." else rel + "/"

    # -- labels and values ------------------------------------------------------------------

    def _labels(self) -> dict[URIRef, str]:
        best: dict[URIRef, tuple[int, str]] = {}
        for rank_p, prop in enumerate(LABEL_PROPERTIES):
            for s, o in self.graph.subject_objects(prop):
                if not isinstance(o, Literal):
                    continue
                lang = o.language
                rank_l = LANGUAGE_ORDER.index(lang) if lang in LANGUAGE_ORDER else 3
                rank = rank_l * 10 + rank_p
                if s not in best or (rank, str(o)) < best[s]:
                    best[s] = (rank, str(o))
        return {s: text for s, (_, text) in best.items()}

    def label(self, node) -> str:
        if node in self.labels:
            return self.labels[node]
        if isinstance(node, URIRef):
            return _qname(str(node))
        return str(node)

    def value(self, term, from_dir: str) -> Value:
        if isinstance(term, Literal):
            note = term.language or (_qname(str(term.datatype)) if term.datatype else None)
            return Value(str(term), note=note)
        if isinstance(term, BNode):
            return Value(self.blank_text(term))
        return Value(self.label(term), self.href(term, from_dir), str(term))

    def blank_text(self, node: BNode) -> str:
        """A blank node in words: an interval as 'start – end', else its property values."""
        if (node, TIME.hasBeginning, None) in self.graph or (node, TIME.hasEnd, None) in self.graph:
            return self.period(node)
        for prop in TIME_VALUES:
            for value in self.graph.objects(node, prop):
                return str(value)
        parts = []
        for p, o in sorted(self.graph.predicate_objects(node)):
            if p == RDF.type:
                continue
            shown = self.blank_text(o) if isinstance(o, BNode) else self.label(o)
            parts.append(f"{self.label(p)}: {shown}")
        return "; ".join(parts) or "[ ]"

    def instant(self, node) -> str:
        for prop in TIME_VALUES:
            for value in self.graph.objects(node, prop):
                return str(value)
        return self.label(node) if isinstance(node, URIRef) else "?"

    def period(self, interval) -> str:
        """'2019 – 2020', '2016-08 –' (no end: ongoing), or '' when there is none."""
        if interval is None:
            return ""
        begin = next(iter(self.graph.objects(interval, TIME.hasBeginning)), None)
        end = next(iter(self.graph.objects(interval, TIME.hasEnd)), None)
        if begin is None and end is None:
            return self.label(interval)
        start = self.instant(begin) if begin is not None else ""
        stop = self.instant(end) if end is not None else ""
        return f"{start} – {stop}".strip()

    def _rows(self, pairs, from_dir: str) -> list[Row]:
        grouped: dict[URIRef, list] = defaultdict(list)
        for p, o in pairs:
            grouped[p].append(o)
        rows = []
        for p in sorted(grouped, key=lambda p: (self.label(p).lower(), str(p))):
            values = [self.value(o, from_dir) for o in grouped[p]]
            values.sort(key=lambda v: (v.text.lower(), v.iri or "", v.note or ""))
            rows.append(Row(self.value(p, from_dir), values))
        return rows

    # -- views ------------------------------------------------------------------------------

    def resource(self, iri: URIRef) -> ResourceView:
        """Everything a resource page shows."""
        here = self.pages[iri]
        g = self.graph
        literal, linked, labels, types, sources = [], [], [], [], []
        for p, o in g.predicate_objects(iri):
            if p == RDF.type:
                types.append(o)
            elif p in (RDFS.label, SKOS.prefLabel) and isinstance(o, Literal):
                labels.append(o)
            elif p in SOURCE_PROPERTIES:
                sources.append(o)
            elif isinstance(o, Literal):
                literal.append((p, o))
            else:
                linked.append((p, o))
        in_table = (ORG.member, ORG.organization)  # shown in the memberships table instead
        incoming = [(p, s) for s, p in g.subject_predicates(iri) if p not in in_table]
        return ResourceView(
            iri=str(iri),
            path=here,
            label=self.label(iri),
            labels=sorted(
                (self.value(o, here) for o in labels), key=lambda v: (v.note or "", v.text)
            ),
            types=sorted((self.value(t, here) for t in types), key=lambda v: v.text),
            properties=self._rows(literal, here),
            relations=self._rows(linked, here),
            incoming=self._rows(incoming, here),
            memberships=self.memberships(iri, here),
            sources=sorted((self.value(s, here) for s in set(sources)), key=lambda v: v.text),
        )

    def memberships(self, iri: URIRef, here: str) -> list[MembershipRow]:
        """Memberships (and chairmanships) where ``iri`` is the member or the organisation."""
        g = self.graph
        found = set(g.subjects(ORG.member, iri)) | set(g.subjects(ORG.organization, iri))
        rows = []
        for m in found:
            member = next(iter(g.objects(m, ORG.member)), None)
            organization = next(iter(g.objects(m, ORG.organization)), None)
            period = next(iter(g.objects(m, ORG.memberDuring)), None)
            rows.append(
                MembershipRow(
                    link=self.value(m, here),
                    member=self.value(member, here) if member is not None else None,
                    organization=(
                        self.value(organization, here) if organization is not None else None
                    ),
                    roles=sorted(
                        (self.value(r, here) for r in g.objects(m, ORG.role)), key=lambda v: v.text
                    ),
                    period=self.period(period),
                    sources=sorted(
                        (self.value(s, here) for p in SOURCE_PROPERTIES for s in g.objects(m, p)),
                        key=lambda v: v.text,
                    ),
                )
            )
        rows.sort(
            key=lambda r: (
                (r.organization.text if r.organization else "").lower(),
                (r.member.text if r.member else "").lower(),
                r.period,
                r.link.iri or "",
            )
        )
        return rows

    def def_terms(self) -> set[URIRef]:
        """Every term under ``def/`` that the graph says something about."""
        return {
            s
            for s in self.graph.subjects()
            if isinstance(s, URIRef)
            and str(s).startswith(self.def_base)
            and str(s) != self.def_base
            and self._path_of(s)
        }

    def terms(self) -> dict[str, list[TermView]]:
        """Ontology terms by kind: 'classes', 'properties', 'concepts' (all under ``def/``)."""
        g = self.graph
        found = self.def_terms()
        kinds: dict[str, list[TermView]] = {"classes": [], "properties": [], "concepts": []}
        here = "def/"
        for term in sorted(found):
            types = set(g.objects(term, RDF.type))
            kind = (
                "classes"
                if types & {OWL.Class, RDFS.Class}
                else "properties"
                if types & set(PROPERTY_KINDS)
                else "concepts"
            )
            shown = {RDF.type, RDFS.label, SKOS.definition, SKOS.prefLabel}
            kinds[kind].append(
                TermView(
                    iri=str(term),
                    anchor=str(term)[len(self.def_base) :],
                    label_sv=self._text(term, (RDFS.label, SKOS.prefLabel), "sv"),
                    label_en=self._text(term, (RDFS.label, SKOS.prefLabel), "en"),
                    definition_sv=self._text(term, (SKOS.definition, RDFS.comment), "sv"),
                    definition_en=self._text(term, (SKOS.definition, RDFS.comment), "en"),
                    types=sorted((self.value(t, here) for t in types), key=lambda v: v.text),
                    rows=self._rows(
                        ((p, o) for p, o in g.predicate_objects(term) if p not in shown), here
                    ),
                )
            )
        return kinds

    def _text(self, node, props, lang: str) -> str:
        for prop in props:
            for value in sorted(self.graph.objects(node, prop)):
                if isinstance(value, Literal) and value.language == lang:
                    return str(value)
        return ""

    def of_type(self, cls: URIRef) -> list[URIRef]:
        """Subjects of class ``cls`` that have a page, sorted by label."""
        return sorted(
            (s for s in self.graph.subjects(RDF.type, cls) if s in self.pages),
            key=lambda s: (self.label(s).lower(), str(s)),
        )
