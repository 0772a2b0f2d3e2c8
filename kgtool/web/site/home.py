"""The home page (``index.html``: what the graph holds, every collaboration, the lists of
municipalities, regions, counties and sources, the dumps) and the static search's index."""

from __future__ import annotations

import json
from functools import cached_property
from typing import TYPE_CHECKING

from rdflib import URIRef
from rdflib.namespace import RDF

from kgtool.terms import KS
from kgtool.web.site.collaboration import collaboration_summary, member_roles
from kgtool.web.site.model import SiteModel, move_term
from kgtool.web.site.render import Renderer
from kgtool.web.site.store import StoreGraph

if TYPE_CHECKING:
    from kgtool.plot import Picture
    from kgtool.web.site.metadata import Dump

INDEX_GROUPS = (
    ("collaborations", "collaborations", KS.Collaboration, False),
    ("municipalities", "municipalities", KS.Municipality, True),
    ("regions", "regions", KS.Region, False),
    ("counties", "counties", KS.County, False),
    ("sources", "source_documents", KS.SourceDocument, False),
)
CODES = {KS.Municipality: KS.municipalityCode, KS.County: KS.countyCode}


class HomePage:
    """The home page and the search index of the site that ``models`` (one per language)
    describe, read from ``graph``."""

    def __init__(self, graph: StoreGraph, models: dict[str, SiteModel], renderer: Renderer):
        self.graph = graph
        self.models = models
        self.renderer = renderer
        self.base = renderer.base
        self._members: dict[URIRef, tuple[set, dict]] = {}

    @cached_property
    def class_counts(self) -> dict[URIRef, int]:
        """Each class (under ``base``) and how many things are of it."""
        rows = self.graph.select(
            "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c"
        )
        return {cls: int(n) for cls, n in rows}

    def html(
        self, lang: str, dumps: list[Dump], network: Picture | None, left_out: int, releases: bool
    ) -> str:
        """``index.html`` in ``lang``: ``network`` the picture of the whole network,
        ``left_out`` the picture limit when pictures are left out (else 0)."""
        from kgtool.web.site.metadata import DESCRIPTION_EN, DESCRIPTION_SV, TITLE_EN, TITLE_SV

        model = self.models[lang]
        here = model.prefix
        entities = self.class_counts
        classes = sorted(entities, key=lambda c: (model.label(c), str(c)))
        counts = [
            {"cls": model.value(c, here), "count": entities[c]}
            for c in classes
            if str(c).startswith(model.def_base)
        ]
        members = self._member_roles
        collaborations = [
            {
                "link": model.value(iri, here),
                **collaboration_summary(model, iri, here, members(model, iri)),
            }
            for iri in model.of_type(move_term(KS.Collaboration, self.base))
        ]
        return self.renderer.render(
            "index.html",
            "",
            lang,
            title=TITLE_SV if lang == "sv" else TITLE_EN,
            description=DESCRIPTION_SV if lang == "sv" else DESCRIPTION_EN,
            triples=len(self.graph),
            counts=counts,
            collaborations=collaborations,
            network=network,
            pictures_left_out=left_out,
            groups=self.groups(model),
            dumps=dumps,
            releases=releases,
        )

    def _member_roles(self, model: SiteModel, iri: URIRef) -> tuple[set, dict]:
        """``member_roles`` of a collaboration, remembered for the other language's index."""
        found = self._members.get(iri)
        if found is None:
            found = self._members[iri] = member_roles(model, iri)
        return found

    def groups(self, model: SiteModel) -> list[dict]:
        """The lists of municipalities, regions, counties and sources (those that have any)."""
        here = model.prefix
        groups = []
        for group_id, key, cls, _ in INDEX_GROUPS[1:]:
            code = move_term(CODES[cls], self.base) if cls in CODES else None
            items = []
            for s in model.of_type(move_term(cls, self.base)):
                codes = [str(o) for p, o in self.graph.predicate_objects(s) if p == code]
                items.append(
                    {"href": model.href(s, here), "text": model.label(s), "note": " ".join(codes)}
                )
            if items:
                groups.append({"id": group_id, "key": key, "entries": items})
        return groups

    def search_entry(self, iri: URIRef) -> list:
        """One page in the search index: its path, names (both languages) and kinds."""
        models = self.models
        types = sorted(self.graph.objects(iri, RDF.type))
        kind = {lang: ", ".join(models[lang].label(t) for t in types) for lang in models}
        names = {models[lang].label(iri) for lang in models}
        return [models["sv"].pages[iri], sorted(names), kind["sv"], kind["en"]]

    def search_index(self, found: dict) -> str:
        """Every page's name in both languages, for the static search (JSON, compact):
        ``found`` (path → entry) holds the entries already made, the rest are made here."""
        pages = self.models["sv"].pages
        entries = [
            found.get(path) or self.search_entry(iri)
            for iri, path in sorted(pages.items(), key=lambda item: item[1])
        ]
        return json.dumps(entries, ensure_ascii=False, separators=(",", ":"))
