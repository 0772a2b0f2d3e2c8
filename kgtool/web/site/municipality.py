"""The summary a municipality's page shows above its resource view: code, official name, county
and region, its collaborations, posts and Wikidata links; and a member's code and county (the
collaboration page lists them too)."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import URIRef

from kgtool.web.site.model import SiteModel, Value
from kgtool.web.site.resource import MembershipRow, PostRow, memberships, post_order, post_row
from kgtool.web.site.vocab import KS, ORG, OWL, RDF


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


def county_of(model: SiteModel, member):
    return model.one(member, KS.county)


def code_of(model: SiteModel, member) -> str:
    """A municipality's or county's code; a region's is its county's."""
    for prop in ("municipalityCode", "countyCode"):
        code = model.one(member, KS[prop])
        if code is not None:
            return str(code)
    county = county_of(model, member)
    if county is not None and (member, RDF.type, KS.Region) in model.graph:
        code = model.one(county, KS.countyCode)
        return str(code) if code is not None else ""
    return ""


def municipality_view(
    model: SiteModel, iri: URIRef, here: str, collaborations: list[MembershipRow] | None = None
) -> MunicipalityView:
    """Everything a municipality's summary shows (``collaborations``: its memberships, as
    ``resource.memberships`` gives them, when known)."""
    g = model.graph
    county = county_of(model, iri)
    region = None
    if county is not None:
        region = next(
            (r for r in g.subjects(KS.county, county) if (r, RDF.type, KS.Region) in g),
            None,
        )
    places = [iri, *g.subjects(ORG.unitOf, iri)]
    posts = [
        post_row(model, p, here, place) for place in places for p in g.subjects(ORG.postIn, place)
    ]
    if collaborations is None:
        collaborations = memberships(model, iri, here)
    shown = [iri, *places]
    shown += [m for m in g.subjects(ORG.member, iri)]
    shown += [p for place in places for p in g.subjects(ORG.postIn, place)]
    wikidata = [o for o in g.objects(iri, OWL.sameAs) if "wikidata.org" in str(o)]
    name = model.text(iri, (KS.officialName,), "sv")
    return MunicipalityView(
        code=code_of(model, iri),
        official_name=name,
        county=model.value(county, here) if county is not None else None,
        region=model.value(region, here) if region is not None else None,
        collaborations=collaborations,
        posts=sorted(posts, key=post_order),
        wikidata=[Value(str(w).rsplit("/", 1)[-1], str(w), str(w)) for w in sorted(wikidata)],
        sources=model.sorted_values(model.sources_of(*shown), here),
    )
