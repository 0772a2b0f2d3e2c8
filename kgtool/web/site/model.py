"""What the HTML pages show: plain view objects built from the graph (no markup here).

Resources under ``id/`` get a page each at ``id/<path>/index.html``; ontology terms under
``def/`` are anchors of ``def/index.html``. Links between pages are relative, so the site works
from any folder or host; external IRIs (Wikidata, W3C vocabularies) link to themselves.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS, TIME, XSD

from kgtool.terms import KS, label_rank, shorten
from kgtool.web.site.i18n import TERM_LABELS

if TYPE_CHECKING:
    from kgtool.web.site.store import StoreGraph

LABELS_KEPT = 200_000  # labels remembered per language before the memo starts again
LANGUAGE_ORDERS = {"sv": ("sv", None, "en"), "en": ("en", None, "sv")}
PLAIN_TYPES = {
    XSD.integer,
    XSD.nonNegativeInteger,
    XSD.positiveInteger,
    XSD.decimal,
    XSD.double,
    XSD.date,
    XSD.gYear,
    XSD.gYearMonth,
    XSD.gMonth,
    XSD.dateTime,
    XSD.string,
    XSD.boolean,
    XSD.anyURI,
    XSD.duration,
    XSD.time,
}  # shown as plain text: no datatype badge
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
    lang: str | None = None  # the text's language, when not the page's


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


# -- pages by kind ------------------------------------------------------------------------------


@dataclass
class MemberRow:
    member: Value
    code: str
    county: Value | None
    roles: list[Value]
    period: str


@dataclass
class MemberGroup:
    heading: str
    rows: list[MemberRow]
    open: bool = False


@dataclass
class SeatsRow:
    period: str
    members: str
    deputies: str
    qualifier: str


@dataclass
class PostRow:
    post: Value
    role: Value | None
    holder: Value | None
    period: str
    place: Value | None = None


def _member_order(row: MemberRow) -> tuple:
    """Members by name, then role and period (ties must not fall to the graph's order)."""
    return (row.member.text.lower(), [v.text for v in row.roles], row.period)


def _post_order(row: PostRow) -> tuple[str, ...]:
    """Posts by name, then by what the row shows (ties must not fall to the graph's order)."""
    shown = (row.role, row.holder, row.place)
    return (row.post.text.lower(), *(v.text if v else "" for v in shown), row.period)


@dataclass
class BodyView:
    body: Value
    kind: Value | None
    mandates: list[SeatsRow]
    posts: list[PostRow]


@dataclass
class DocumentRow:
    document: Value
    kind: Value | None
    date: str
    sources: list[Value]


@dataclass
class CollaborationView:
    description: str
    forms: list[Value]
    role_counts: list[tuple[Value, int]]
    member_total: int
    counties: list[Value]
    groups: list[MemberGroup]
    bodies: list[BodyView]
    posts: list[PostRow]
    chairs: list[PostRow]
    areas: list[Value]
    documents: list[DocumentRow]
    sources: list[Value]
    counties_listed: bool = False  # counties: those the source lists the members under
    description_lang: str = ""  # the description's language when not the page's


@dataclass
class MunicipalityView:
    code: str
    official_name: str
    county: Value | None
    region: Value | None
    collaborations: list[MembershipRow]
    posts: list[PostRow]
    wikidata: list[Value]
    sources: list[Value]


class KindViews:
    """Summaries of collaborations and municipalities (mixed into SiteModel)."""

    graph: Graph

    def _one(self, subject, prop):
        return next(iter(self.graph.objects(subject, prop)), None)

    def _sources_of(self, *subjects) -> set:
        return {o for s in subjects for p in SOURCE_PROPERTIES for o in self.graph.objects(s, p)}

    def _sorted_values(self, terms, here: str) -> list[Value]:
        return sorted(
            (self.value(t, here) for t in set(terms)), key=lambda v: (v.text.lower(), repr(v))
        )

    def _seat_text(self, node, prop) -> str:
        value = self._one(node, prop)
        return "" if value is None else str(value)

    def _post_row(self, post, here: str, place=None) -> PostRow:
        role = self._one(post, ORG.role)
        holder = self._one(post, ORG.heldBy)
        during = self._one(post, KS.heldDuring)
        return PostRow(
            post=self.value(post, here),
            role=self.value(role, here) if role is not None else None,
            holder=self.value(holder, here) if holder is not None else None,
            period=self.period(during) if during is not None else "",
            place=self.value(place, here) if place is not None else None,
        )

    def county_of(self, member):
        return self._one(member, KS.county)

    def code_of(self, member) -> str:
        for prop in ("municipalityCode", "countyCode"):
            code = self._one(member, KS[prop])
            if code is not None:
                return str(code)
        county = self.county_of(member)
        if county is not None and (member, RDF.type, KS.Region) in self.graph:
            code = self._one(county, KS.countyCode)
            return str(code) if code is not None else ""
        return ""

    def collaboration(self, iri: URIRef, here: str) -> CollaborationView:
        g = self.graph
        memberships = [
            m for m in g.subjects(ORG.organization, iri) if (m, RDF.type, KS.Chairmanship) not in g
        ]
        chairmanships = [
            c for c in g.subjects(ORG.organization, iri) if (c, RDF.type, KS.Chairmanship) in g
        ]
        listed = any((m, KS.listedUnderCounty, None) in g for m in memberships)
        by_role: dict = defaultdict(set)
        groups: dict = defaultdict(list)
        group_keys: dict = {}
        core_counties = set()
        for m in memberships:
            member = self._one(m, ORG.member)
            if member is None:
                continue
            roles = list(g.objects(m, ORG.role))
            for role in roles:
                by_role[role].add(member)
            listed_county = self._one(m, KS.listedUnderCounty)
            county = listed_county or self.county_of(member)
            if listed_county is not None:
                core_counties.add(listed_county)
            if listed and listed_county is None:
                key = ("1", *sorted(self.label(r) for r in roles))
                heading = ", ".join(self.label(r) for r in roles) or "?"
            else:
                code = self._one(county, KS.countyCode) if county is not None else None
                key = ("0", str(code or ""), self.label(county) if county is not None else "")
                heading = self.label(county) if county is not None else "–"
            group_keys[key] = heading
            groups[key].append(
                MemberRow(
                    member=self.value(member, here),
                    code=self.code_of(member),
                    county=self.value(county, here) if county is not None else None,
                    roles=self._sorted_values(roles, here),
                    period=self.period(self._one(m, ORG.memberDuring)),
                )
            )
        member_groups = [
            MemberGroup(
                heading=group_keys[key],
                rows=sorted(groups[key], key=_member_order),
            )
            for key in sorted(groups)
        ]
        if len(member_groups) == 1:
            member_groups[0].open = True
        counties = core_counties or {
            self.county_of(self._one(m, ORG.member)) for m in memberships
        } - {None}
        bodies = []
        posts_done = set()
        for body in sorted(
            g.subjects(ORG.unitOf, iri), key=lambda b: (self.label(b).lower(), str(b))
        ):
            kinds = [t for t in g.objects(body, RDF.type) if str(t).startswith(str(KS))]
            mandates = []
            for mandate in g.subjects(KS.mandateOf, body):
                mandates.append(
                    SeatsRow(
                        period=self.period(mandate),
                        members=self._seat_text(mandate, KS.memberSeats),
                        deputies=self._seat_text(mandate, KS.deputySeats),
                        qualifier=self._seat_text(mandate, KS.seatsQualifier),
                    )
                )
            if (body, KS.memberSeats, None) in g:
                mandates.append(
                    SeatsRow(
                        period="",
                        members=self._seat_text(body, KS.memberSeats),
                        deputies=self._seat_text(body, KS.deputySeats),
                        qualifier=self._seat_text(body, KS.seatsQualifier),
                    )
                )
            mandates.sort(key=lambda r: (r.period, repr(r)), reverse=True)
            posts = [self._post_row(p, here) for p in g.subjects(ORG.postIn, body)]
            posts_done |= set(g.subjects(ORG.postIn, body))
            bodies.append(
                BodyView(
                    body=self.value(body, here),
                    kind=self.value(kinds[0], here) if kinds else None,
                    mandates=mandates,
                    posts=sorted(posts, key=_post_order),
                )
            )
        own_posts = [self._post_row(p, here) for p in g.subjects(ORG.postIn, iri)]
        chairs = []
        for c in chairmanships:
            member = self._one(c, ORG.member)
            chairs.append(
                PostRow(
                    post=self.value(c, here),
                    role=None,
                    holder=self.value(member, here) if member is not None else None,
                    period=self.period(self._one(c, ORG.memberDuring)),
                )
            )
        chairs.sort(key=lambda r: (r.period, repr(r)), reverse=True)
        documents = []
        for doc in g.subjects(KS.concerns, iri):
            kinds = [t for t in g.objects(doc, RDF.type) if str(t).startswith(str(KS))]
            date = self._one(doc, DCTERMS.date)
            temporal = self._one(doc, DCTERMS.temporal)
            when = str(date) if date is not None else self.period(temporal)
            documents.append(
                DocumentRow(
                    document=self.value(doc, here),
                    kind=self.value(kinds[0], here) if kinds else None,
                    date=when,
                    sources=self._sorted_values(self._sources_of(doc), here),
                )
            )
        documents.sort(key=lambda d: (d.date, d.document.text.lower()), reverse=True)
        shown = [iri, *memberships, *chairmanships, *g.subjects(ORG.unitOf, iri)]
        shown += list(g.subjects(ORG.postIn, iri))
        sources = self._sources_of(*shown)
        counts = sorted(
            ((self.value(role, here), len(members)) for role, members in by_role.items()),
            key=lambda pair: (-pair[1], repr(pair)),
        )
        own_description = self._text(iri, (DCTERMS.description,), self.lang)
        return CollaborationView(
            counties_listed=bool(core_counties),
            description_lang="" if own_description or self.lang == "sv" else "sv",
            description=own_description or self._text(iri, (DCTERMS.description,), "sv"),
            forms=self._sorted_values(g.objects(iri, ORG.classification), here),
            role_counts=counts,
            member_total=len({self._one(m, ORG.member) for m in memberships} - {None}),
            counties=sorted(
                (self.value(c, here) for c in counties),
                key=lambda v: (v.text.lower(), repr(v)),
            ),
            groups=member_groups,
            bodies=bodies,
            posts=sorted(own_posts, key=_post_order),
            chairs=chairs,
            areas=self._sorted_values(g.objects(iri, KS.workArea), here),
            documents=documents,
            sources=self._sorted_values(sources, here),
        )

    def collaboration_summary(self, iri: URIRef, here: str) -> dict:
        """What the index lists of a collaboration (as ``collaboration`` gives it): its
        description, how many members, and members per role (no member rows, bodies or
        documents: the index lists every collaboration)."""
        g = self.graph
        by_role: dict = defaultdict(set)
        members = set()
        for m in g.subjects(ORG.organization, iri):
            if (m, RDF.type, KS.Chairmanship) in g:
                continue
            member = self._one(m, ORG.member)
            if member is None:
                continue
            members.add(member)
            for role in g.objects(m, ORG.role):
                by_role[role].add(member)
        counts = sorted(
            ((self.value(role, here), len(found)) for role, found in by_role.items()),
            key=lambda pair: (-pair[1], repr(pair)),
        )
        own = self._text(iri, (DCTERMS.description,), self.lang)
        return {
            "description": own or self._text(iri, (DCTERMS.description,), "sv"),
            "members": len(members),
            "roles": counts,
        }

    def municipality(self, iri: URIRef, here: str) -> MunicipalityView:
        g = self.graph
        county = self.county_of(iri)
        region = None
        if county is not None:
            region = next(
                (r for r in g.subjects(KS.county, county) if (r, RDF.type, KS.Region) in g),
                None,
            )
        places = [iri, *g.subjects(ORG.unitOf, iri)]
        posts = [
            self._post_row(p, here, place)
            for place in places
            for p in g.subjects(ORG.postIn, place)
        ]
        collaborations = self.memberships(iri, here)
        shown = [iri, *places]
        shown += [m for m in g.subjects(ORG.member, iri)]
        shown += [p for place in places for p in g.subjects(ORG.postIn, place)]
        wikidata = [o for o in g.objects(iri, OWL.sameAs) if "wikidata.org" in str(o)]
        name = self._text(iri, (KS.officialName,), "sv")
        return MunicipalityView(
            code=self.code_of(iri),
            official_name=name,
            county=self.value(county, here) if county is not None else None,
            region=self.value(region, here) if region is not None else None,
            collaborations=collaborations,
            posts=sorted(posts, key=_post_order),
            wikidata=[Value(str(w).rsplit("/", 1)[-1], str(w), str(w)) for w in sorted(wikidata)],
            sources=self._sorted_values(self._sources_of(*shown), here),
        )


class SiteModel(KindViews):
    """The graph seen as a site under ``base``: pages, labels and relative links."""

    def __init__(
        self,
        graph: StoreGraph,
        base: str,
        lang: str = "sv",
        prefix: str = "",
        pages: dict[URIRef, str] | None = None,
    ) -> None:
        self.graph = graph
        self.base = base
        self.lang = lang
        self.prefix = prefix  # folder of this language's pages: '' (Swedish) or 'en/'
        self.term_labels = TERM_LABELS[lang]
        self.id_base = base + "id/"
        self.def_base = base + "def/"
        self.labels: dict = {}  # node -> its best label (or None), looked up on first use
        if pages is None:
            subjects = graph.iri_subjects(self.id_base)
            pages = {s: path for s in subjects if (path := self._path_of(s))}
        self.pages: dict[URIRef, str] = pages

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
            target = self.prefix + self.pages[iri]
        elif text.startswith(self.def_base) and len(text) > len(self.def_base):
            return self.relative(self.prefix + "def/", from_dir) + "#" + text[len(self.def_base) :]
        elif text == self.def_base:
            target = self.prefix + "def/"
        elif text.startswith(("http://", "https://")) and not text.startswith(self.base):
            return text
        else:
            return None
        return self.relative(target, from_dir)

    @staticmethod
    def relative(target_dir: str, from_dir: str) -> str:
        """Relative link from folder ``from_dir`` to folder ``target_dir`` (both end in '/').

        What ``posixpath.relpath`` gives for two folders of the site, without its calls to
        ``os.getcwd`` (a page has hundreds of links)."""
        target = [part for part in target_dir.split("/") if part and part != "."]
        start = [part for part in from_dir.split("/") if part and part != "."]
        if ".." in target or ".." in start:
            rel = posixpath.relpath(target_dir or ".", from_dir or ".")
            return "./" if rel == "." else rel + "/"
        common = 0
        for mine, theirs in zip(target, start):
            if mine != theirs:
                break
            common += 1
        parts = [".."] * (len(start) - common) + target[common:]
        return "/".join(parts) + "/" if parts else "./"

    # -- labels and values ------------------------------------------------------------------

    def _label_of(self, node) -> str | None:
        """The node's best label (``terms.label_rank``, then the text), from the store."""
        best = None
        for prop, o in self.graph.label_literals(node):
            rank = (label_rank(prop, o.language, self.lang), str(o))
            if best is None or rank < best:
                best = rank
        return None if best is None else best[1]

    def label(self, node) -> str:
        if isinstance(node, URIRef | BNode):
            self.graph.note(node)
            if node not in self.labels:
                if len(self.labels) > LABELS_KEPT:  # a bounded memo: pages ask for neighbours
                    self.labels.clear()
                self.labels[node] = self._label_of(node)
            found = self.labels[node]
            if found is not None:
                return found
        if str(node) in self.term_labels:
            return self.term_labels[str(node)]
        if isinstance(node, URIRef):
            return shorten(str(node), bare=True)
        return str(node)

    def value(self, term, from_dir: str) -> Value:
        if isinstance(term, Literal):
            if term.datatype == XSD.boolean:
                yes = term.toPython() is True
                return Value(("ja" if yes else "nej") if self.lang == "sv" else str(yes).lower())
            shown = term.datatype is not None and term.datatype not in PLAIN_TYPES
            note = shorten(str(term.datatype), bare=True) if shown else None
            lang = term.language if term.language and term.language != self.lang else None
            return Value(str(term), note=note, lang=lang)
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
        if start and start == stop:  # a period within one year, month or day
            return start
        return f"{start} – {stop}".strip()

    def _rows(self, pairs, from_dir: str) -> list[Row]:
        grouped: dict[URIRef, list] = defaultdict(list)
        for p, o in pairs:
            grouped[p].append(o)
        rows = []
        for p in sorted(grouped, key=lambda p: (self.label(p).lower(), str(p))):
            values = [self.value(o, from_dir) for o in grouped[p]]
            values.sort(key=lambda v: (v.text.lower(), v.iri or "", v.note or "", v.lang or ""))
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
                (self.value(o, here) for o in labels),
                key=lambda v: (v.note or "", v.text, v.lang or ""),
            ),
            types=sorted(
                (self.value(t, here) for t in types), key=lambda v: ((v.text, v.iri or ""), repr(v))
            ),
            properties=self._rows(literal, here),
            relations=self._rows(linked, here),
            incoming=self._rows(incoming, here),
            memberships=self.memberships(iri, here),
            sources=sorted(
                (self.value(s, here) for s in set(sources)), key=lambda v: (v.text, v.iri or "")
            ),
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
                        key=lambda v: (v.text, repr(v)),
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
            for s in self.graph.iri_subjects(self.def_base)
            if str(s) != self.def_base and self._path_of(s)
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
                    types=sorted(
                        (self.value(t, here) for t in types), key=lambda v: (v.text, v.iri or "")
                    ),
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
