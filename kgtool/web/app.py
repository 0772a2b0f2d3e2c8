"""The server's ASGI app: ``create_app`` lists the routes, ``_Server`` holds one handler each.

Imported only when a server starts (``kgtool serve`` or ``create_app`` as a library), so its
imports of starlette, rdflib and the site are made here at the top.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import threading
from urllib.parse import parse_qsl

from rdflib import URIRef
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from kgtool.errors import KgtoolError, QueryRefused
from kgtool.project import Project
from kgtool.store.engine import open_project_store
from kgtool.web import negotiate as ng
from kgtool.web import rdfio
from kgtool.web.serve import (
    FORMAT_OF,
    FORMAT_PARAM,
    GRAPH_OFFERS,
    RESOURCE_OFFERS,
    SELECT_OFFERS,
    WARM_PAGES_UP_TO,
    BodyTooLarge,
    ServeSettings,
    _LazySite,
    _plain,
    _read_body,
)
from kgtool.web.serve_protocol import ProtocolError, SecurityHeaders, page_policy
from kgtool.web.site.build import Site
from kgtool.web.workers import (
    Job,
    PoolBusy,
    QueryPool,
    QueryTimeout,
    ReplyCache,
    WorkerStartFailed,
)


class _Server:
    """The server's state, and one small handler per route (the routes: ``create_app``)."""

    def __init__(self, project: Project, settings: ServeSettings) -> None:
        self.project = project
        self.settings = settings
        self.store = open_project_store(
            self.project
        )  # built or reused; the workers open it read-only
        # The pages' model (the data's own IRIs: /id/… is <https://w3id.org/kommunsamverkan/id/…>)
        # is loaded in a thread after start, so /sparql and /api answer at once.
        self.site = _LazySite(lambda: Site(self.project))
        self.pool = QueryPool(
            self.project.root,
            self.settings.workers,
            self.settings.timeout,
            self.store.location,
            self.settings.worker_memory_mb,
            quick=self.settings.quick_workers,
            quick_seconds=self.settings.quick_seconds,
            queue_wait=self.settings.queue_wait,
            queue_size=self.settings.queue_size,
        )
        self.answers = (
            ReplyCache(self.settings.cache_mb * 1024 * 1024) if self.settings.cache_mb else None
        )
        self.vary = {"Vary": "Accept"}
        self.lang_vary = {"Vary": "Accept, Accept-Language"}
        self.parse_lock = threading.Lock()  # rdflib's SPARQL parser (pyparsing) is not thread-safe
        self.policy = functools.lru_cache(maxsize=1024)(page_policy)  # pages repeat: hash each once
        self.saved_query = functools.lru_cache(maxsize=256)(self.saved_query)
        self.query_form = functools.lru_cache(maxsize=1024)(self.query_form)
        self.names = functools.cache(self.names)
        self.def_terms = functools.cache(self.def_terms)
        # a page is some 10-50 kB: bounded, the most visited kept
        self.rendered = functools.lru_cache(maxsize=1024)(self.rendered)
        self.resource_bytes = functools.lru_cache(maxsize=1024)(self.resource_bytes)

    def parsing(self, function):
        """``function`` run with ``parse_lock`` held: for anything that parses SPARQL."""

        def locked(*args):
            with self.parse_lock:
                return function(*args)

        return locked

    def saved_query(self, name: str):
        """A saved query as it was when first asked for (the store is fixed while serving too)."""
        from kgtool.query.catalogue import get_query

        return get_query(self.project, name)

    def query_form(self, text: str) -> str:
        """The query's form after the read-only check (QueryRefused or KgtoolError if not)."""
        from kgtool.query.run import check_read_only
        from kgtool.terms import PREFIX_IRIS

        return check_read_only(text, False, None, PREFIX_IRIS)

    def names(self):
        from kgtool.query.names import NameIndex

        return NameIndex.from_store(self.store)

    def def_terms(self) -> frozenset[URIRef]:
        return frozenset(self.site.model.def_terms())

    async def loaded(self) -> None:
        """Wait (in a thread, once) for the site model; pages never wait for a query worker."""
        if not self.site.ready:
            await asyncio.to_thread(self.site.load)

    def html(self, text: str) -> Response:
        headers = {**self.vary, "Content-Security-Policy": self.policy(text)}
        return Response(text, media_type="text/html; charset=utf-8", headers=headers)

    def rendered(self, page: str, *args) -> str:
        """``site.<page>(*args)``, rendered once: the site model does not change while serving."""
        return getattr(self.site, page)(*args)

    def resource_page(self, subject: URIRef, lang: str) -> str:
        return self.rendered("resource_html", subject, lang)

    def resource_bytes(self, subject: URIRef, media: str) -> bytes:
        return rdfio.serialise(self.site.resource_graph(subject), ng.RDF_TYPES[media])

    def resource_rdf(self, subject: URIRef, media: str) -> Response:
        return Response(self.resource_bytes(subject, media), media_type=media, headers=self.vary)

    def rdf(self, graph, media: str) -> Response:
        return Response(
            rdfio.serialise(graph, ng.RDF_TYPES[media]), media_type=media, headers=self.vary
        )

    def not_acceptable(self, offers: list[str]) -> Response:
        return _plain(
            406, "not acceptable: this resource is offered as " + ", ".join(offers), self.vary
        )

    async def negotiate_resource(
        self, request: Request, graph_of, html_url: str, subject: URIRef | None = None
    ) -> Response:
        media = ng.choose(request.headers.get("accept"), RESOURCE_OFFERS)
        if media is None:
            return self.not_acceptable(RESOURCE_OFFERS)
        if media == ng.HTML:
            if self.wants_english(request) and not html_url.startswith("/en/"):
                html_url = "/en" + html_url
            return RedirectResponse(html_url, status_code=303, headers=self.lang_vary)
        if subject is not None:
            return self.resource_rdf(subject, media)
        return self.rdf(graph_of(), media)

    def wants_english(self, request: Request) -> bool:
        return ng.choose_language(request.headers.get("accept-language"), ["sv", "en"]) == "en"

    async def index(self, request: Request) -> Response:
        if request.url.path == "/" and self.wants_english(request):
            return RedirectResponse("/en/", status_code=303, headers=self.lang_vary)
        await self.loaded()
        return self.html(self.rendered("index_html"))

    async def english(self, request: Request) -> Response:
        """``/en/…``: the English page of whatever the Swedish path shows."""
        await self.loaded()
        rest = request.path_params.get("rest", "")
        rest = rest.removesuffix("index.html")
        if rest == "":
            return self.html(self.rendered("index_html", "en"))
        if rest == "def/":
            return self.html(self.rendered("ontology_html", "en"))
        if rest == "queries/":
            return self.html(
                await asyncio.to_thread(self.parsing(lambda: self.rendered("queries_html", "en")))
            )
        if rest == "sparql/":
            return self.html(
                await asyncio.to_thread(self.parsing(lambda: self.rendered("editor_html", "en")))
            )
        if rest.startswith("queries/") and rest.endswith("/"):
            name = rest[len("queries/") : -1]
            page = await asyncio.to_thread(
                self.parsing(lambda: self.rendered("query_html", name, "en"))
            )
            return self.html(page) if page else _plain(404, f"no such query: {name}")
        if rest.startswith("id/") and rest.endswith("/"):
            subject = URIRef(self.site.base + rest.rstrip("/"))
            if subject in self.site.model.pages:
                return self.html(self.resource_page(subject, "en"))
        return _plain(404, f"no such page: {request.url.path}")

    async def query_page(self, request: Request) -> Response:
        name = request.path_params["name"]
        page = await asyncio.to_thread(self.parsing(lambda: self.rendered("query_html", name)))
        return self.html(page) if page else _plain(404, f"no such query: {name}")

    async def editor(self, request: Request) -> Response:
        return self.html(
            await asyncio.to_thread(self.parsing(lambda: self.rendered("editor_html")))
        )

    async def assets(self, request: Request) -> Response:
        await self.loaded()
        name = request.url.path.lstrip("/")
        if name == "search.json":
            return Response(self.site.search_index, media_type="application/json")
        data = self.site.static_files.get(name)
        if data is None:
            return _plain(404, f"no such file: {request.url.path}")
        kinds = {".css": "text/css", ".js": "text/javascript"}
        media = kinds.get(name[name.rfind(".") :], "text/plain; charset=utf-8")
        return Response(data, media_type=media)

    async def thing(self, request: Request) -> Response:
        await self.loaded()
        path = request.path_params["path"]
        folder, _, last = path.rpartition("/")
        if last.startswith("index.") and folder:
            subject = URIRef(self.site.base + "id/" + folder)
            if subject not in self.site.model.pages:
                return _plain(404, f"no such resource: {subject}")
            ext = last.removeprefix("index.")
            if ext == "html":
                return self.html(self.resource_page(subject, "sv"))
            media = ng.TYPE_OF_EXT.get(ext)
            if media is None:
                return _plain(404, f"no such file: {request.url.path}")
            return self.resource_rdf(subject, media)
        subject = URIRef(self.site.base + "id/" + path.rstrip("/"))
        if subject not in self.site.model.pages:
            return _plain(404, f"no such resource: {subject}")
        if path.endswith("/"):
            return self.html(self.resource_page(subject, "sv"))
        return await self.negotiate_resource(
            request, lambda: self.site.resource_graph(subject), request.url.path + "/", subject
        )

    async def ontology(self, request: Request) -> Response:
        await self.loaded()
        term = request.path_params.get("term", "")
        if not term:
            if request.url.path.endswith("/"):
                return self.html(self.rendered("ontology_html"))
            return await self.negotiate_resource(request, lambda: self.site.ontology_graph, "/def/")
        if term.startswith("index."):
            ext = term.removeprefix("index.")
            if ext == "html":
                return self.html(self.rendered("ontology_html"))
            media = ng.TYPE_OF_EXT.get(ext)
            if media is None:
                return _plain(404, f"no such file: {request.url.path}")
            return self.rdf(self.site.ontology_graph, media)
        iri = URIRef(self.site.model.def_base + term)
        if (iri, None, None) not in self.site.graph:
            return _plain(404, f"no such term: {iri}")
        return await self.negotiate_resource(
            request, lambda: self.site.term_graph(iri), f"/def/#{term}"
        )

    async def term_file(self, request: Request) -> Response:
        """``/def/<Term>/`` and ``/def/<Term>/index.*``: the files ``kgtool publish`` writes."""
        await self.loaded()
        term = request.path_params["term"]
        name = request.path_params.get("name") or "index.html"
        iri = URIRef(self.site.model.def_base + term)
        if iri not in self.def_terms():
            return _plain(404, f"no such term: {iri}")
        ext = name.removeprefix("index.") if name.startswith("index.") else ""
        if ext == "html":
            return self.html(self.rendered("term_html", iri))
        media = ng.TYPE_OF_EXT.get(ext)
        if media is None:
            return _plain(404, f"no such file: {request.url.path}")
        return self.rdf(self.site.term_graph(iri), media)

    async def static(self, request: Request) -> Response:
        await self.loaded()
        name = request.url.path.lstrip("/")
        if name == "void.ttl":
            return Response(rdfio.to_turtle(self.site.void), media_type=ng.TURTLE)
        if name == "catalog.ttl":
            return Response(rdfio.to_turtle(self.site.dcat), media_type=ng.TURTLE)
        if name in self.site.dump_files:
            ext = name.removesuffix(".gz").rsplit(".", 1)[-1]
            media = ng.TYPE_OF_EXT[ext]
            media = "application/gzip" if name.endswith(".gz") else media
            return Response(self.site.dump_files[name], media_type=media)
        return _plain(404, f"no such file: {request.url.path}")

    async def queries_page(self, request: Request) -> Response:
        await self.loaded()
        # Answers are computed once, in a thread, so the event loop keeps serving meanwhile.
        return self.html(
            await asyncio.to_thread(self.parsing(lambda: self.rendered("queries_html")))
        )

    async def execute(self, request: Request, job_text: str, bindings, explicit: str | None):
        """Pick the result format, run the query in a worker, map errors to HTTP statuses."""
        try:  # parsed in a thread, so a long query text cannot stall the loop
            form = await asyncio.to_thread(self.query_form, job_text)
        except QueryRefused as error:
            return _plain(403, error.format_message())
        except KgtoolError as error:
            return _plain(400, error.format_message())
        offers = GRAPH_OFFERS if form in ("CONSTRUCT", "DESCRIBE") else SELECT_OFFERS
        if explicit:
            media = FORMAT_PARAM.get(explicit)
            if media not in offers:
                return _plain(400, f"parameter 'format': {explicit!r} is not offered here")
        else:
            media = ng.choose(request.headers.get("accept"), offers)
        if media is None:
            return self.not_acceptable(offers)
        job = Job(job_text, FORMAT_OF[media], self.settings.max_rows, bindings)
        reply = self.answers.get(job) if self.answers else None
        try:
            if reply is None:
                reply = await self.pool.run(job)
                if self.answers:
                    self.answers.put(job, reply)
        except QueryTimeout:
            return _plain(503, f"query stopped: it ran longer than {self.settings.timeout:g} s")
        except PoolBusy as error:
            return _plain(503, str(error), {"Retry-After": str(error.retry_after)})
        except WorkerStartFailed as error:
            message = f"{error}; it is tried again on the next request"
            return _plain(503, message, {"Retry-After": "5"})
        except (EOFError, OSError):  # the worker died mid-query (e.g. out of memory); replaced
            return _plain(503, "query stopped: its worker process ended unexpectedly")
        headers = dict(self.vary)
        if reply.status == 200:
            headers["X-Result-Rows"] = str(reply.rows)
            if reply.truncated:
                headers["X-Result-Truncated"] = "true"
                headers["X-Result-Limit"] = str(self.settings.max_rows)
        return Response(reply.body, reply.status, headers=headers, media_type=reply.media_type)

    async def sparql(self, request: Request) -> Response:
        try:
            return await self.sparql_checked(request)
        except ProtocolError as error:
            return _plain(error.status, error.message)

    async def sparql_checked(self, request: Request) -> Response:
        from kgtool.web.serve_protocol import body_text, check_single

        limit = self.settings.max_request_bytes
        if len(request.url.query.encode()) > limit:
            return _plain(414, f"request too large: the query string is over {limit} bytes")
        check_single(request.query_params.multi_items())
        params = {k: v for k, v in request.query_params.multi_items()}
        query = params.get("query")
        if request.method == "POST":
            content_type = request.headers.get("content-type", "")
            kind = content_type.split(";")[0].strip().lower()
            try:
                body = await _read_body(request, limit)
            except BodyTooLarge:
                return _plain(413, f"request too large: the body is over {limit} bytes")
            if kind == "application/sparql-update":
                return _plain(403, "updates are refused: this endpoint is read-only")
            if kind not in ("application/sparql-query", "application/x-www-form-urlencoded"):
                return _plain(415, f"unsupported content type {kind!r} for a SPARQL query")
            text = body_text(content_type, body)
            if kind == "application/sparql-query":
                sent = [("query", text)]
            else:
                sent = parse_qsl(text, keep_blank_values=True)
                check_single(sent, "the body")
            if "update" in dict(sent):
                return _plain(403, "updates are refused: this endpoint is read-only")
            if "query" in dict(sent) and query is not None:
                raise ProtocolError(400, "parameter 'query' given both in the URL and the body")
            query = dict(sent).get("query", query)
        if "update" in params:
            return _plain(403, "updates are refused: this endpoint is read-only")
        if not query:
            if request.method == "GET" and ng.choose(request.headers.get("accept"), [ng.HTML]):
                accept = request.headers.get("accept") or ""
                if "text/html" in accept:  # a browser: the editor
                    lang = "en" if self.wants_english(request) else "sv"
                    page = await asyncio.to_thread(
                        self.parsing(lambda: self.rendered("editor_html", lang))
                    )
                    return self.html(page)
            return _plain(400, "missing parameter 'query'")
        return await self.execute(request, query, None, params.get("format"))

    async def api(self, request: Request) -> Response:
        from kgtool.web.serve_protocol import check_single

        name = request.path_params["name"]
        limit = self.settings.max_request_bytes
        if len(request.url.query.encode()) > limit:
            return _plain(414, f"request too large: the query string is over {limit} bytes")
        try:
            query = self.saved_query(name)
        except KgtoolError as error:
            return _plain(404, error.format_message())
        try:
            check_single(request.query_params.multi_items(), "an API call")
        except ProtocolError as error:
            return _plain(error.status, error.message)
        values = dict(request.query_params.multi_items())
        explicit = values.pop("format", None)
        try:
            bindings = await asyncio.to_thread(query.bind, values, None, self.names())
        except KgtoolError as error:
            return _plain(400, error.format_message())
        return await self.execute(request, query.text, bindings, explicit)

    async def openapi(self, request: Request) -> Response:
        text = await asyncio.to_thread(lambda: self.site.openapi_text)
        return Response(text, media_type="application/json")

    async def api_list(self, request: Request) -> Response:
        from starlette.responses import JSONResponse

        from kgtool.query.catalogue import load_catalogue

        return JSONResponse([q.listing(f"/api/{q.name}") for q in load_catalogue(self.project)])

    @contextlib.asynccontextmanager
    async def lifespan(self, app):
        await self.pool.start()

        def warm_up() -> None:
            self.site.load()
            self.site.dump_files  # noqa: B018  (computed once, cached)
            self.parsing(lambda: self.rendered("queries_html"))()
            for lang in ("sv", "en"):  # the slowest pages, rendered before anyone waits
                self.rendered("index_html", lang)
                self.rendered("ontology_html", lang)

        # The pages' model is an in-memory rdflib graph (about 2 kB a triple): built ahead for a
        # small graph, and only when a page is first asked for in a big one, so a server used
        # for /sparql and /api stays small.
        small = self.store.triple_count() <= WARM_PAGES_UP_TO
        warm = asyncio.create_task(asyncio.to_thread(warm_up if small else lambda: None))
        try:
            yield
        finally:
            warm.cancel()
            self.pool.close()


def create_app(project: Project, settings: ServeSettings | None = None) -> Starlette:
    """The ASGI app: pages and RDF under ``/id/`` and ``/def/``, ``/sparql``, ``/api/<name>``."""
    server = _Server(project, settings or ServeSettings())
    routes = [
        Route("/", server.index),
        Route("/index.html", server.index),
        Route("/id/{path:path}", server.thing),
        Route("/def", server.ontology),
        Route("/def/", server.ontology),
        Route("/def/{term}", server.ontology),
        Route("/def/{term}/", server.term_file),
        Route("/def/{term}/{name}", server.term_file),
        Route("/sparql", server.sparql, methods=["GET", "POST"]),
        Route("/api", server.api_list),
        Route("/api/", server.api_list),
        Route("/api/openapi.json", server.openapi),
        Route("/api/{name}", server.api),
        Route("/queries/", server.queries_page),
        Route("/queries/index.html", server.queries_page),
        Route("/queries/{name}/", server.query_page),
        Route("/queries/{name}/index.html", server.query_page),
        Route("/sparql/", server.editor),
        Route("/sparql/index.html", server.editor),
        Route("/en", lambda request: RedirectResponse("/en/", status_code=308)),
        Route("/en/{rest:path}", server.english),
        Route("/static/{path:path}", server.assets),
        Route("/search.json", server.assets),
        Route("/void.ttl", server.static),
        Route("/catalog.ttl", server.static),
        Route("/dumps/{name}", server.static),
    ]
    from starlette.middleware import Middleware

    app = Starlette(
        routes=routes, lifespan=server.lifespan, middleware=[Middleware(SecurityHeaders)]
    )
    app.state.site = server.site
    app.state.pool = server.pool
    return app
