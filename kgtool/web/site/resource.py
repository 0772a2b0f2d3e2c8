"""The page of any resource under ``id/``: its labels, types, properties, links both ways and
memberships; and the rows other page kinds show too (memberships, posts)."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Literal, URIRef

from kgtool.web.site.model import SOURCE_PROPERTIES, Row, SiteModel, Value
from kgtool.web.site.vocab import KS, ORG, RDF, RDFS, SKOS


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
class PostRow:
    post: Value
    role: Value | None
    holder: Value | None
    period: str
    place: Value | None = None


def post_order(row: PostRow) -> tuple[str, ...]:
    """Posts by name, then by what the row shows (ties must not fall to the graph's order)."""
    shown = (row.role, row.holder, row.place)
    return (row.post.text.lower(), *(v.text if v else "" for v in shown), row.period)


def post_row(model: SiteModel, post, here: str, place=None) -> PostRow:
    """A post: its role, who holds it, when, and where (``place``, when given)."""
    model.graph.prefetch(post)
    role = model.one(post, ORG.role)
    holder = model.one(post, ORG.heldBy)
    during = model.one(post, KS.heldDuring)
    return PostRow(
        post=model.value(post, here),
        role=model.value(role, here) if role is not None else None,
        holder=model.value(holder, here) if holder is not None else None,
        period=model.period(during) if during is not None else "",
        place=model.value(place, here) if place is not None else None,
    )


def resource_view(model: SiteModel, iri: URIRef, with_memberships: bool = True) -> ResourceView:
    """Everything a resource page shows (links from the page in ``model``'s language); the
    memberships table only ``with_memberships`` (a collaboration's and a municipality's page
    show their members and collaborations in their summary instead)."""
    path = model.pages[iri]
    here = model.prefix + path
    g = model.graph
    literal, linked, labels, types, sources = [], [], [], [], []
    kinds, names, said_by = {RDF.type}, {RDFS.label, SKOS.prefLabel}, set(SOURCE_PROPERTIES)
    for p, o in g.predicate_objects(iri):
        if p in kinds:
            types.append(o)
        elif p in names and type(o) is Literal:  # (the store's terms: rdflib's own classes)
            labels.append(o)
        elif p in said_by:
            sources.append(o)
        elif type(o) is Literal:
            literal.append((p, o))
        else:
            linked.append((p, o))
    in_table = {ORG.member, ORG.organization}  # shown in the memberships table instead
    incoming = [(p, s) for s, p in g.subject_predicates(iri) if p not in in_table]
    return ResourceView(
        iri=str(iri),
        path=path,
        label=model.label(iri),
        labels=sorted(
            (model.value(o, here) for o in labels),
            key=lambda v: (v.note or "", v.text, v.lang or ""),
        ),
        types=sorted(
            (model.value(t, here) for t in types), key=lambda v: ((v.text, v.iri or ""), repr(v))
        ),
        properties=model.rows(literal, here),
        relations=model.rows(linked, here),
        incoming=model.rows(incoming, here),
        memberships=memberships(model, iri, here) if with_memberships else [],
        sources=sorted(
            (model.value(s, here) for s in set(sources)), key=lambda v: (v.text, v.iri or "")
        ),
    )


def memberships(model: SiteModel, iri: URIRef, here: str) -> list[MembershipRow]:
    """Memberships (and chairmanships) where ``iri`` is the member or the organisation."""
    g = model.graph
    found = set(g.subjects(ORG.member, iri)) | set(g.subjects(ORG.organization, iri))
    rows = []
    for m in found:
        g.prefetch(m)
        member = next(iter(g.objects(m, ORG.member)), None)
        organization = next(iter(g.objects(m, ORG.organization)), None)
        period = next(iter(g.objects(m, ORG.memberDuring)), None)
        rows.append(
            MembershipRow(
                link=model.value(m, here),
                member=model.value(member, here) if member is not None else None,
                organization=(
                    model.value(organization, here) if organization is not None else None
                ),
                roles=sorted(
                    (model.value(r, here) for r in g.objects(m, ORG.role)), key=lambda v: v.text
                ),
                period=model.period(period),
                sources=sorted(
                    (model.value(s, here) for p in SOURCE_PROPERTIES for s in g.objects(m, p)),
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
