"""Routes of the data: things under ``/id/``, the ontology and its terms under ``/def/``, the
dumps and the VoID and DCAT descriptions; HTML or RDF by content negotiation."""

from __future__ import annotations

from collections.abc import Callable

from rdflib import Graph, URIRef
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response

from kgtool.web import negotiate as ng
from kgtool.web import rdfio
from kgtool.web.app.http import LANG_VARY, RESOURCE_OFFERS, not_acceptable, plain, wants_english
from kgtool.web.app.state import ServerState


class ResourceRoutes:
    """One handler per data route."""

    def __init__(self, state: ServerState) -> None:
        self.state = state

    async def negotiate(
        self,
        request: Request,
        graph_of: Callable[[], Graph],
        html_url: str,
        subject: URIRef | None = None,
    ) -> Response:
        """See other (the page) for HTML, else the RDF in the media type asked for."""
        media = ng.choose(request.headers.get("accept"), RESOURCE_OFFERS)
        if media is None:
            return not_acceptable(RESOURCE_OFFERS)
        if media == ng.HTML:
            if wants_english(request) and not html_url.startswith("/en/"):
                html_url = "/en" + html_url
            return RedirectResponse(html_url, status_code=303, headers=LANG_VARY)
        if subject is not None:
            return self.state.resource_rdf(subject, media)
        return self.state.rdf(graph_of(), media)

    async def thing(self, request: Request) -> Response:
        site = await self.state.loaded()
        path = request.path_params["path"]
        folder, _, last = path.rpartition("/")
        if last.startswith("index.") and folder:
            subject = URIRef(site.base + "id/" + folder)
            if subject not in site.model.pages:
                return plain(404, f"no such resource: {subject}")
            ext = last.removeprefix("index.")
            if ext == "html":
                return self.state.html(self.state.pages.resource(subject, "sv"))
            media = ng.TYPE_OF_EXT.get(ext)
            if media is None:
                return plain(404, f"no such file: {request.url.path}")
            return self.state.resource_rdf(subject, media)
        subject = URIRef(site.base + "id/" + path.rstrip("/"))
        if subject not in site.model.pages:
            return plain(404, f"no such resource: {subject}")
        if path.endswith("/"):
            return self.state.html(self.state.pages.resource(subject, "sv"))
        return await self.negotiate(
            request, lambda: site.resource_graph(subject), request.url.path + "/", subject
        )

    async def ontology(self, request: Request) -> Response:
        site = await self.state.loaded()
        term = request.path_params.get("term", "")
        if not term:
            if request.url.path.endswith("/"):
                return self.state.html(self.state.pages.ontology("sv"))
            return await self.negotiate(request, lambda: site.ontology_graph, "/def/")
        if term.startswith("index."):
            ext = term.removeprefix("index.")
            if ext == "html":
                return self.state.html(self.state.pages.ontology("sv"))
            media = ng.TYPE_OF_EXT.get(ext)
            if media is None:
                return plain(404, f"no such file: {request.url.path}")
            return self.state.rdf(site.ontology_graph, media)
        iri = URIRef(site.model.def_base + term)
        if (iri, None, None) not in site.graph:
            return plain(404, f"no such term: {iri}")
        return await self.negotiate(request, lambda: site.term_graph(iri), f"/def/#{term}")

    async def term_file(self, request: Request) -> Response:
        """``/def/<Term>/`` and ``/def/<Term>/index.*``: the files ``kgtool publish`` writes."""
        site = await self.state.loaded()
        term = request.path_params["term"]
        name = request.path_params.get("name") or "index.html"
        iri = URIRef(site.model.def_base + term)
        if iri not in self.state.def_terms():
            return plain(404, f"no such term: {iri}")
        ext = name.removeprefix("index.") if name.startswith("index.") else ""
        if ext == "html":
            return self.state.html(self.state.pages.term(iri))
        media = ng.TYPE_OF_EXT.get(ext)
        if media is None:
            return plain(404, f"no such file: {request.url.path}")
        return self.state.rdf(site.term_graph(iri), media)

    async def static(self, request: Request) -> Response:
        """``/void.ttl``, ``/catalog.ttl`` and ``/dumps/<name>``."""
        site = await self.state.with_dumps()
        name = request.url.path.lstrip("/")
        if name == "void.ttl":
            return Response(rdfio.to_turtle(site.void), media_type=ng.TURTLE)
        if name == "catalog.ttl":
            return Response(rdfio.to_turtle(site.dcat), media_type=ng.TURTLE)
        path = self.state.site.dump_path(name)
        if path is not None:
            ext = name.removesuffix(".gz").rsplit(".", 1)[-1]
            media = ng.TYPE_OF_EXT[ext]
            media = "application/gzip" if name.endswith(".gz") else media
            return FileResponse(path, media_type=media)  # streamed from the file
        return plain(404, f"no such file: {request.url.path}")

    async def releases(self, request: Request) -> Response:
        """``/releases/…``: the project's releases, as ``kgtool publish`` puts them on the site."""
        import asyncio

        from kgtool.web.site.releases import release_files

        name = request.url.path.lstrip("/")
        name = name + "index.html" if name.endswith("/") else name
        files = await asyncio.to_thread(release_files, self.state.project.root)
        if name not in files:
            return plain(404, f"no such file: {request.url.path}")
        ext = name.removesuffix(".gz").rsplit(".", 1)[-1]
        media = {"html": ng.HTML, "md": "text/markdown; charset=utf-8"}.get(ext)
        media = "application/gzip" if name.endswith(".gz") else media or ng.TYPE_OF_EXT.get(ext)
        return Response(files[name], media_type=media or "application/octet-stream")
