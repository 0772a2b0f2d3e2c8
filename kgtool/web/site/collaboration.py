"""The summary a collaboration's page shows above its resource view: description, forms, members
grouped by county (or by role), bodies with their seats and posts, chairs, work areas,
documents and sources; and the shorter summary the index lists of each collaboration."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from rdflib import URIRef

from kgtool.web.site.model import SiteModel, Value
from kgtool.web.site.municipality import code_of, county_of
from kgtool.web.site.resource import PostRow, post_order, post_row
from kgtool.web.site.vocab import DCTERMS, KS, ORG, RDF


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
    dated: bool = False  # any row has a period (the table then has a column for it)


@dataclass
class SeatsRow:
    period: str
    members: str
    deputies: str
    qualifier: str


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
class Members:
    """A collaboration's members as its page groups them (see ``members``)."""

    groups: list[MemberGroup]
    by_role: dict  # role -> the members that have it
    listed_counties: set  # the counties the source lists members under (often none)


def _member_order(row: MemberRow) -> tuple:
    """Members by name, then role and period (ties must not fall to the graph's order)."""
    return (row.member.text.lower(), [v.text for v in row.roles], row.period)


def collaboration_view(model: SiteModel, iri: URIRef, here: str) -> CollaborationView:
    """Everything a collaboration's summary shows."""
    g = model.graph
    for m in g.subjects(ORG.organization, iri):  # each asked several things below
        g.prefetch(m)
    memberships = [
        m for m in g.subjects(ORG.organization, iri) if (m, RDF.type, KS.Chairmanship) not in g
    ]
    chairmanships = [
        c for c in g.subjects(ORG.organization, iri) if (c, RDF.type, KS.Chairmanship) in g
    ]
    found = members(model, memberships, here)
    counties = found.listed_counties or {
        county_of(model, model.one(m, ORG.member)) for m in memberships
    } - {None}
    shown = [iri, *memberships, *chairmanships, *g.subjects(ORG.unitOf, iri)]
    shown += list(g.subjects(ORG.postIn, iri))
    description, description_lang = _description(model, iri)
    return CollaborationView(
        counties_listed=bool(found.listed_counties),
        description_lang=description_lang,
        description=description,
        forms=model.sorted_values(g.objects(iri, ORG.classification), here),
        role_counts=_role_counts(model, found.by_role, here),
        member_total=len({model.one(m, ORG.member) for m in memberships} - {None}),
        counties=sorted(
            (model.value(c, here) for c in counties),
            key=lambda v: (v.text.lower(), repr(v)),
        ),
        groups=found.groups,
        bodies=bodies(model, iri, here),
        posts=sorted(
            (post_row(model, p, here) for p in g.subjects(ORG.postIn, iri)), key=post_order
        ),
        chairs=chairs(model, chairmanships, here),
        areas=model.sorted_values(g.objects(iri, KS.workArea), here),
        documents=documents(model, iri, here),
        sources=model.sorted_values(model.sources_of(*shown), here),
    )


def member_roles(model: SiteModel, iri: URIRef) -> tuple[set, dict]:
    """A collaboration's members (chairs aside) and each role's members (the same in every
    language: the index of each language asks once)."""
    g = model.graph
    by_role: dict = defaultdict(set)
    found = set()
    for m in g.subjects(ORG.organization, iri):
        if (m, RDF.type, KS.Chairmanship) in g:
            continue
        member = model.one(m, ORG.member)
        if member is None:
            continue
        found.add(member)
        for role in g.objects(m, ORG.role):
            by_role[role].add(member)
    return found, by_role


def collaboration_summary(
    model: SiteModel, iri: URIRef, here: str, members: tuple[set, dict] | None = None
) -> dict:
    """What the index lists of a collaboration (as ``collaboration_view`` gives it): its
    description, how many members, and members per role (no member rows, bodies or
    documents: the index lists every collaboration); ``members`` as ``member_roles`` gives
    them, when known."""
    found, by_role = members if members is not None else member_roles(model, iri)
    return {
        "description": _description(model, iri)[0],
        "members": len(found),
        "roles": _role_counts(model, by_role, here),
    }


def _description(model: SiteModel, iri: URIRef) -> tuple[str, str]:
    """The description in the page's language, else the Swedish one with its language."""
    own = model.text(iri, (DCTERMS.description,), model.lang)
    if own:
        return own, ""
    return model.text(iri, (DCTERMS.description,), "sv"), "" if model.lang == "sv" else "sv"


def _role_counts(model: SiteModel, by_role: dict, here: str) -> list[tuple[Value, int]]:
    """Each role and how many members have it, the most common first."""
    return sorted(
        ((model.value(role, here), len(found)) for role, found in by_role.items()),
        key=lambda pair: (-pair[1], repr(pair)),
    )


def members(model: SiteModel, memberships: list, here: str) -> Members:
    """Member rows grouped by county (by the county the source lists them under, when it
    does; members it lists under none are grouped by role), and members per role."""
    g = model.graph
    listed = any((m, KS.listedUnderCounty, None) in g for m in memberships)
    by_role: dict = defaultdict(set)
    groups: dict = defaultdict(list)
    headings: dict = {}
    listed_counties = set()
    for m in memberships:
        member = model.one(m, ORG.member)
        if member is None:
            continue
        g.prefetch(member)  # its code, county and name
        roles = list(g.objects(m, ORG.role))
        for role in roles:
            by_role[role].add(member)
        listed_county = model.one(m, KS.listedUnderCounty)
        county = listed_county or county_of(model, member)
        if listed_county is not None:
            listed_counties.add(listed_county)
        if listed and listed_county is None:
            key = ("1", *sorted(model.label(r) for r in roles))
            heading = ", ".join(model.label(r) for r in roles) or "?"
        else:
            code = model.one(county, KS.countyCode) if county is not None else None
            key = ("0", str(code or ""), model.label(county) if county is not None else "")
            heading = model.label(county) if county is not None else "–"
        headings[key] = heading
        groups[key].append(
            MemberRow(
                member=model.value(member, here),
                code=code_of(model, member),
                county=model.value(county, here) if county is not None else None,
                roles=model.sorted_values(roles, here),
                period=model.period(model.one(m, ORG.memberDuring)),
            )
        )
    member_groups = [
        MemberGroup(
            heading=headings[key],
            rows=sorted(groups[key], key=_member_order),
            dated=any(row.period for row in groups[key]),
        )
        for key in sorted(groups)
    ]
    if len(member_groups) == 1:
        member_groups[0].open = True
    return Members(member_groups, by_role, listed_counties)


def bodies(model: SiteModel, iri: URIRef, here: str) -> list[BodyView]:
    """The collaboration's bodies by name, each with its seats and posts."""
    g = model.graph
    found = []
    for body in sorted(g.subjects(ORG.unitOf, iri), key=lambda b: (model.label(b).lower(), str(b))):
        kinds = [t for t in g.objects(body, RDF.type) if str(t).startswith(str(KS))]
        posts = [post_row(model, p, here) for p in g.subjects(ORG.postIn, body)]
        found.append(
            BodyView(
                body=model.value(body, here),
                kind=model.value(kinds[0], here) if kinds else None,
                mandates=mandates(model, body),
                posts=sorted(posts, key=post_order),
            )
        )
    return found


def _seats(model: SiteModel, node, period: str) -> SeatsRow:
    def text(prop) -> str:
        value = model.one(node, prop)
        return "" if value is None else str(value)

    return SeatsRow(
        period=period,
        members=text(KS.memberSeats),
        deputies=text(KS.deputySeats),
        qualifier=text(KS.seatsQualifier),
    )


def mandates(model: SiteModel, body) -> list[SeatsRow]:
    """A body's seats in each mandate period (and those it states without one), latest first."""
    g = model.graph
    rows = [
        _seats(model, mandate, model.period(mandate)) for mandate in g.subjects(KS.mandateOf, body)
    ]
    if (body, KS.memberSeats, None) in g:
        rows.append(_seats(model, body, ""))
    rows.sort(key=lambda r: (r.period, repr(r)), reverse=True)
    return rows


def chairs(model: SiteModel, chairmanships: list, here: str) -> list[PostRow]:
    """Who chaired the collaboration, and when, latest first."""
    rows = []
    for c in chairmanships:
        member = model.one(c, ORG.member)
        rows.append(
            PostRow(
                post=model.value(c, here),
                role=None,
                holder=model.value(member, here) if member is not None else None,
                period=model.period(model.one(c, ORG.memberDuring)),
            )
        )
    rows.sort(key=lambda r: (r.period, repr(r)), reverse=True)
    return rows


def documents(model: SiteModel, iri: URIRef, here: str) -> list[DocumentRow]:
    """The documents that concern the collaboration, latest first, with their sources."""
    g = model.graph
    rows = []
    for doc in g.subjects(KS.concerns, iri):
        kinds = [t for t in g.objects(doc, RDF.type) if str(t).startswith(str(KS))]
        date = model.one(doc, DCTERMS.date)
        temporal = model.one(doc, DCTERMS.temporal)
        when = str(date) if date is not None else model.period(temporal)
        rows.append(
            DocumentRow(
                document=model.value(doc, here),
                kind=model.value(kinds[0], here) if kinds else None,
                date=when,
                sources=model.sorted_values(model.sources_of(doc), here),
            )
        )
    rows.sort(key=lambda d: (d.date, d.document.text.lower()), reverse=True)
    return rows
