"""Routes of the HTML pages: the front page, the English pages, the query pages, the editor and
the static files (CSS, scripts, the search index)."""

from __future__ import annotations

import asyncio

from rdflib import URIRef
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from kgtool.web.app.http import LANG_VARY, plain, wants_english
from kgtool.web.app.state import ServerState


class PageRoutes:
    """One handler per page route."""

    def __init__(self, state: ServerState) -> None:
        self.state = state

    async def index(self, request: Request) -> Response:
        if request.url.path == "/" and wants_english(request):
            return RedirectResponse("/en/", status_code=303, headers=LANG_VARY)
        await self.state.with_dumps()  # the front page gives the dumps' sizes
        return self.state.html(self.state.pages.index("sv"))

    async def english(self, request: Request) -> Response:
        """``/en/…``: the English page of whatever the Swedish path shows."""
        site = await self.state.loaded()
        pages = self.state.pages
        rest = request.path_params.get("rest", "")
        rest = rest.removesuffix("index.html")
        if rest == "":
            await self.state.with_dumps()
            return self.state.html(pages.index("en"))
        if rest == "def/":
            return self.state.html(pages.ontology("en"))
        if rest == "queries/":
            return self.state.html(await asyncio.to_thread(pages.queries, "en"))
        if rest == "sparql/":
            return self.state.html(await asyncio.to_thread(pages.editor, "en"))
        if rest == "api/docs/":
            return self.state.html(pages.api_docs("en"))
        if rest.startswith("queries/") and rest.endswith("/"):
            name = rest[len("queries/") : -1]
            page = await asyncio.to_thread(pages.query, name, "en")
            return self.state.html(page) if page else plain(404, f"no such query: {name}")
        if rest.startswith("id/") and rest.endswith("/"):
            subject = URIRef(site.base + rest.rstrip("/"))
            if subject in site.model.pages:
                return self.state.html(pages.resource(subject, "en"))
        return plain(404, f"no such page: {request.url.path}")

    async def query_page(self, request: Request) -> Response:
        name = request.path_params["name"]
        page = await asyncio.to_thread(self.state.pages.query, name, "sv")
        return self.state.html(page) if page else plain(404, f"no such query: {name}")

    async def api_docs(self, request: Request) -> Response:
        await self.state.loaded()
        return self.state.html(self.state.pages.api_docs("sv"))

    async def editor(self, request: Request) -> Response:
        return self.state.html(await asyncio.to_thread(self.state.pages.editor, "sv"))

    async def queries_page(self, request: Request) -> Response:
        await self.state.loaded()
        # Answers are computed once, in a thread, so the event loop keeps serving meanwhile.
        return self.state.html(await asyncio.to_thread(self.state.pages.queries, "sv"))

    async def assets(self, request: Request) -> Response:
        site = await self.state.loaded()
        name = request.url.path.lstrip("/")
        if name == "search.json":
            return Response(site.search_index, media_type="application/json")
        data = site.static_files.get(name)
        if data is None:
            return plain(404, f"no such file: {request.url.path}")
        kinds = {".css": "text/css", ".js": "text/javascript", ".svg": "image/svg+xml"}
        media = kinds.get(name[name.rfind(".") :], "text/plain; charset=utf-8")
        return Response(data, media_type=media)
