"""The server's ASGI app: ``create_app`` lists the routes; each route family is one module.

``state`` holds what the server keeps while it runs, ``pages`` the HTML pages, ``resources``
the data under ``/id/`` and ``/def/`` (HTML or RDF by content negotiation), ``queries`` the
SPARQL endpoint and the saved queries, ``http`` the helpers they share. Imported only when a
server starts (``kgtool serve`` or ``create_app`` as a library), so starlette, rdflib and the
site are imported at the top of these modules.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from kgtool.project import Project
from kgtool.web.app.pages import PageRoutes
from kgtool.web.app.queries import QueryRoutes
from kgtool.web.app.resources import ResourceRoutes
from kgtool.web.app.state import ServerState
from kgtool.web.serve_protocol import SecurityHeaders
from kgtool.web.settings import WARM_PAGES_UP_TO, ServeSettings


def _to_english(request: Request) -> Response:
    return RedirectResponse("/en/", status_code=308)


def create_app(project: Project, settings: ServeSettings | None = None) -> Starlette:
    """The ASGI app: pages and RDF under ``/id/`` and ``/def/``, ``/sparql``, ``/api/<name>``."""
    state = ServerState(project, settings or ServeSettings())
    pages, data, queries = PageRoutes(state), ResourceRoutes(state), QueryRoutes(state)
    routes = [
        Route("/", pages.index),
        Route("/index.html", pages.index),
        Route("/id/{path:path}", data.thing),
        Route("/def", data.ontology),
        Route("/def/", data.ontology),
        Route("/def/{term}", data.ontology),
        Route("/def/{term}/", data.term_file),
        Route("/def/{term}/{name}", data.term_file),
        Route("/sparql", queries.sparql, methods=["GET", "POST"]),
        Route("/api", queries.api_list),
        Route("/api/", queries.api_list),
        Route("/api/openapi.json", queries.openapi),
        Route("/api/docs/", pages.api_docs),
        Route("/api/docs/index.html", pages.api_docs),
        Route("/api/{name}", queries.api),
        Route("/queries/", pages.queries_page),
        Route("/queries/index.html", pages.queries_page),
        Route("/queries/{name}/", pages.query_page),
        Route("/queries/{name}/index.html", pages.query_page),
        Route("/sparql/", pages.editor),
        Route("/sparql/index.html", pages.editor),
        Route("/en", _to_english),
        Route("/en/{rest:path}", pages.english),
        Route("/static/{path:path}", pages.assets),
        Route("/search.json", pages.assets),
        Route("/void.ttl", data.static),
        Route("/catalog.ttl", data.static),
        Route("/dumps/{name}", data.static),
        Route("/releases/", data.releases),
        Route("/releases/{path:path}", data.releases),
    ]

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await state.pool.start()
        # The pages' model is an in-memory rdflib graph (about 2 kB a triple): built ahead for a
        # small graph, and only when a page is first asked for in a big one, so a server used
        # for /sparql and /api stays small.
        small = state.store.triple_count() <= WARM_PAGES_UP_TO
        warm = asyncio.create_task(asyncio.to_thread(state.warm_up if small else lambda: None))
        try:
            yield
        finally:
            warm.cancel()
            state.pool.close()
            state.site.close()  # its dumps' folder (serve exits with os._exit: no atexit)

    app = Starlette(routes=routes, lifespan=lifespan, middleware=[Middleware(SecurityHeaders)])
    app.state.site = state.site
    app.state.pool = state.pool
    return app
