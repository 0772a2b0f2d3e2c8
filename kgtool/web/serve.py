"""``kgtool serve``: the site over HTTP with content negotiation, a SPARQL endpoint and the
saved queries, read-only and with limits.

Stack: starlette on uvicorn (both already dependencies). Async request handling lets the server
keep answering while a query runs in a worker process (``kgtool.web.workers``); a query
cannot be stopped in a thread, so only a separate process makes the timeout real.

Fairness, so that simple requests keep being answered while runaway queries run:

* Pages, RDF of resources, dumps and static files never touch a query worker: they come from
  the site model (rdflib, built lazily in a thread by ``_LazySite``), each rendered once and
  then served from memory (the data does not change while the server runs).
* Queries (``/sparql`` and ``/api/<name>``) go to ``QueryPool``: ``--workers`` long-query
  slots plus ``--quick-workers`` processes that only short queries use. A query still running
  after ``--quick-seconds`` needs a free long-query slot or is stopped at once with 503 and
  ``Retry-After``; so runaway queries hold at most ``--workers`` processes, at lower CPU
  priority. A query waits at most ``--queue-wait`` seconds for a worker, and at most
  ``--queue-size`` wait at once; beyond either: 503 with ``Retry-After``.
* Answers (200 only, by query text, bound parameters, format and row limit) are kept in a
  least-recently-used cache of ``--cache-mb``: the same query again needs no worker.

No per-client limit: behind a proxy every client has the same address, and the lanes above
already bound what one client's runaway queries can hold.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl

from kgtool.web import negotiate as ng

if TYPE_CHECKING:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response

    from kgtool.project import Project

SELECT_OFFERS = [ng.SPARQL_JSON, ng.SPARQL_XML, ng.CSV, ng.TSV]
GRAPH_OFFERS = [ng.TURTLE, ng.NTRIPLES, ng.JSONLD]
RESOURCE_OFFERS = [ng.HTML, *GRAPH_OFFERS]
FORMAT_OF = {
    ng.SPARQL_JSON: "json",
    ng.SPARQL_XML: "xml",
    ng.CSV: "csv",
    ng.TSV: "tsv",
    ng.TURTLE: "ttl",
    ng.NTRIPLES: "nt",
    ng.JSONLD: "jsonld",
}
FORMAT_PARAM = {
    "json": ng.SPARQL_JSON,
    "xml": ng.SPARQL_XML,
    "csv": ng.CSV,
    "tsv": ng.TSV,
    "ttl": ng.TURTLE,
    "turtle": ng.TURTLE,
    "nt": ng.NTRIPLES,
    "jsonld": ng.JSONLD,
}
TEXT = "text/plain; charset=utf-8"


@dataclass(frozen=True)
class ServeSettings:
    """Server options; every limit has a safe default."""

    host: str = "127.0.0.1"
    port: int = 8000
    timeout: float = 10.0
    max_rows: int = 10_000
    max_request_bytes: int = 64 * 1024
    workers: int = 2
    worker_memory_mb: int | None = 1024
    quick_workers: int = 2
    quick_seconds: float = 1.0
    queue_wait: float = 2.0
    queue_size: int = 64
    cache_mb: int = 32


WARM_PAGES_UP_TO = 200_000  # triples: bigger graphs build the page model on first use


class _LazySite:
    """The site model, built on first use (once, under a lock) and then shared."""

    def __init__(self, build) -> None:
        self._build = build
        self._lock = threading.Lock()
        self._site = None

    @property
    def ready(self) -> bool:
        return self._site is not None

    def load(self):
        with self._lock:
            if self._site is None:
                self._site = self._build()
        return self._site

    def __getattr__(self, name: str):
        return getattr(self.load(), name)


class BodyTooLarge(Exception):
    """The request body passed the size limit."""


def _plain(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    from starlette.responses import PlainTextResponse

    return PlainTextResponse(message.rstrip("\n") + "\n", status, headers=headers)


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge()
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge()
        chunks.append(chunk)
    return b"".join(chunks)


def create_app(project: Project, settings: ServeSettings | None = None) -> Starlette:
    """The ASGI app: pages and RDF under ``/id/`` and ``/def/``, ``/sparql``, ``/api/<name>``."""
    from rdflib import URIRef
    from starlette.applications import Starlette
    from starlette.responses import RedirectResponse, Response
    from starlette.routing import Route

    from kgtool.errors import KgtoolError, QueryRefused
    from kgtool.store.engine import open_project_store
    from kgtool.web import rdfio
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

    settings = settings or ServeSettings()
    store = open_project_store(project)  # built or reused; the workers open it read-only
    # The pages' model (the data's own IRIs: /id/… is <https://w3id.org/kommunsamverkan/id/…>)
    # is loaded in a thread after start, so /sparql and /api answer at once.
    site = _LazySite(lambda: Site(project))
    pool = QueryPool(
        project.root,
        settings.workers,
        settings.timeout,
        store.location,
        settings.worker_memory_mb,
        quick=settings.quick_workers,
        quick_seconds=settings.quick_seconds,
        queue_wait=settings.queue_wait,
        queue_size=settings.queue_size,
    )
    answers = ReplyCache(settings.cache_mb * 1024 * 1024) if settings.cache_mb else None
    vary = {"Vary": "Accept"}
    lang_vary = {"Vary": "Accept, Accept-Language"}
    parse_lock = threading.Lock()  # rdflib's SPARQL parser (pyparsing) is not thread-safe

    def parsing(function):
        """``function`` run with ``parse_lock`` held: for anything that parses SPARQL."""

        def locked(*args):
            with parse_lock:
                return function(*args)

        return locked

    @functools.lru_cache(maxsize=256)
    def saved_query(name: str):
        """A saved query as it was when first asked for (the store is fixed while serving too)."""
        from kgtool.query.catalogue import get_query

        return get_query(project, name)

    @functools.lru_cache(maxsize=1024)
    def query_form(text: str) -> str:
        """The query's form after the read-only check (QueryRefused or KgtoolError if not)."""
        from kgtool.query.run import check_read_only
        from kgtool.terms import PREFIX_IRIS

        return check_read_only(text, False, None, PREFIX_IRIS)

    @functools.cache
    def names():
        from kgtool.query.names import NameIndex

        return NameIndex.from_store(store)

    @functools.cache
    def def_terms() -> frozenset[URIRef]:
        return frozenset(site.model.def_terms())

    async def loaded() -> None:
        """Wait (in a thread, once) for the site model; pages never wait for a query worker."""
        if not site.ready:
            await asyncio.to_thread(site.load)

    policy = functools.lru_cache(maxsize=1024)(page_policy)  # pages repeat: hash each once

    def html(text: str) -> Response:
        headers = {**vary, "Content-Security-Policy": policy(text)}
        return Response(text, media_type="text/html; charset=utf-8", headers=headers)

    @functools.lru_cache(maxsize=1024)  # a page is some 10-50 kB: bounded, most visited kept
    def rendered(page: str, *args) -> str:
        """``site.<page>(*args)``, rendered once: the site model does not change while serving."""
        return getattr(site, page)(*args)

    def resource_page(subject: URIRef, lang: str) -> str:
        return rendered("resource_html", subject, lang)

    @functools.lru_cache(maxsize=1024)
    def resource_bytes(subject: URIRef, media: str) -> bytes:
        return rdfio.serialise(site.resource_graph(subject), ng.RDF_TYPES[media])

    def resource_rdf(subject: URIRef, media: str) -> Response:
        return Response(resource_bytes(subject, media), media_type=media, headers=vary)

    def rdf(graph, media: str) -> Response:
        return Response(rdfio.serialise(graph, ng.RDF_TYPES[media]), media_type=media, headers=vary)

    def not_acceptable(offers: list[str]) -> Response:
        return _plain(406, "not acceptable: this resource is offered as " + ", ".join(offers), vary)

    async def negotiate_resource(
        request: Request, graph_of, html_url: str, subject: URIRef | None = None
    ) -> Response:
        media = ng.choose(request.headers.get("accept"), RESOURCE_OFFERS)
        if media is None:
            return not_acceptable(RESOURCE_OFFERS)
        if media == ng.HTML:
            if wants_english(request) and not html_url.startswith("/en/"):
                html_url = "/en" + html_url
            return RedirectResponse(html_url, status_code=303, headers=lang_vary)
        if subject is not None:
            return resource_rdf(subject, media)
        return rdf(graph_of(), media)

    def wants_english(request: Request) -> bool:
        return ng.choose_language(request.headers.get("accept-language"), ["sv", "en"]) == "en"

    async def index(request: Request) -> Response:
        if request.url.path == "/" and wants_english(request):
            return RedirectResponse("/en/", status_code=303, headers=lang_vary)
        await loaded()
        return html(rendered("index_html"))

    async def english(request: Request) -> Response:
        """``/en/…``: the English page of whatever the Swedish path shows."""
        await loaded()
        rest = request.path_params.get("rest", "")
        rest = rest.removesuffix("index.html")
        if rest == "":
            return html(rendered("index_html", "en"))
        if rest == "def/":
            return html(rendered("ontology_html", "en"))
        if rest == "queries/":
            return html(await asyncio.to_thread(parsing(lambda: rendered("queries_html", "en"))))
        if rest == "sparql/":
            return html(await asyncio.to_thread(parsing(lambda: rendered("editor_html", "en"))))
        if rest.startswith("queries/") and rest.endswith("/"):
            name = rest[len("queries/") : -1]
            page = await asyncio.to_thread(parsing(lambda: rendered("query_html", name, "en")))
            return html(page) if page else _plain(404, f"no such query: {name}")
        if rest.startswith("id/") and rest.endswith("/"):
            subject = URIRef(site.base + rest.rstrip("/"))
            if subject in site.model.pages:
                return html(resource_page(subject, "en"))
        return _plain(404, f"no such page: {request.url.path}")

    async def query_page(request: Request) -> Response:
        name = request.path_params["name"]
        page = await asyncio.to_thread(parsing(lambda: rendered("query_html", name)))
        return html(page) if page else _plain(404, f"no such query: {name}")

    async def editor(request: Request) -> Response:
        return html(await asyncio.to_thread(parsing(lambda: rendered("editor_html"))))

    async def assets(request: Request) -> Response:
        await loaded()
        name = request.url.path.lstrip("/")
        if name == "search.json":
            return Response(site.search_index, media_type="application/json")
        data = site.static_files.get(name)
        if data is None:
            return _plain(404, f"no such file: {request.url.path}")
        kinds = {".css": "text/css", ".js": "text/javascript"}
        media = kinds.get(name[name.rfind(".") :], "text/plain; charset=utf-8")
        return Response(data, media_type=media)

    async def thing(request: Request) -> Response:
        await loaded()
        path = request.path_params["path"]
        folder, _, last = path.rpartition("/")
        if last.startswith("index.") and folder:
            subject = URIRef(site.base + "id/" + folder)
            if subject not in site.model.pages:
                return _plain(404, f"no such resource: {subject}")
            ext = last.removeprefix("index.")
            if ext == "html":
                return html(resource_page(subject, "sv"))
            media = ng.TYPE_OF_EXT.get(ext)
            if media is None:
                return _plain(404, f"no such file: {request.url.path}")
            return resource_rdf(subject, media)
        subject = URIRef(site.base + "id/" + path.rstrip("/"))
        if subject not in site.model.pages:
            return _plain(404, f"no such resource: {subject}")
        if path.endswith("/"):
            return html(resource_page(subject, "sv"))
        return await negotiate_resource(
            request, lambda: site.resource_graph(subject), request.url.path + "/", subject
        )

    async def ontology(request: Request) -> Response:
        await loaded()
        term = request.path_params.get("term", "")
        if not term:
            if request.url.path.endswith("/"):
                return html(rendered("ontology_html"))
            return await negotiate_resource(request, lambda: site.ontology_graph, "/def/")
        if term.startswith("index."):
            ext = term.removeprefix("index.")
            if ext == "html":
                return html(rendered("ontology_html"))
            media = ng.TYPE_OF_EXT.get(ext)
            if media is None:
                return _plain(404, f"no such file: {request.url.path}")
            return rdf(site.ontology_graph, media)
        iri = URIRef(site.model.def_base + term)
        if (iri, None, None) not in site.graph:
            return _plain(404, f"no such term: {iri}")
        return await negotiate_resource(request, lambda: site.term_graph(iri), f"/def/#{term}")

    async def term_file(request: Request) -> Response:
        """``/def/<Term>/`` and ``/def/<Term>/index.*``: the files ``kgtool publish`` writes."""
        await loaded()
        term = request.path_params["term"]
        name = request.path_params.get("name") or "index.html"
        iri = URIRef(site.model.def_base + term)
        if iri not in def_terms():
            return _plain(404, f"no such term: {iri}")
        ext = name.removeprefix("index.") if name.startswith("index.") else ""
        if ext == "html":
            return html(rendered("term_html", iri))
        media = ng.TYPE_OF_EXT.get(ext)
        if media is None:
            return _plain(404, f"no such file: {request.url.path}")
        return rdf(site.term_graph(iri), media)

    async def static(request: Request) -> Response:
        await loaded()
        name = request.url.path.lstrip("/")
        if name == "void.ttl":
            return Response(rdfio.to_turtle(site.void), media_type=ng.TURTLE)
        if name == "catalog.ttl":
            return Response(rdfio.to_turtle(site.dcat), media_type=ng.TURTLE)
        if name in site.dump_files:
            ext = name.removesuffix(".gz").rsplit(".", 1)[-1]
            media = ng.TYPE_OF_EXT[ext]
            media = "application/gzip" if name.endswith(".gz") else media
            return Response(site.dump_files[name], media_type=media)
        return _plain(404, f"no such file: {request.url.path}")

    async def queries_page(request: Request) -> Response:
        await loaded()
        # Answers are computed once, in a thread, so the event loop keeps serving meanwhile.
        return html(await asyncio.to_thread(parsing(lambda: rendered("queries_html"))))

    async def execute(request: Request, job_text: str, bindings, explicit: str | None):
        """Pick the result format, run the query in a worker, map errors to HTTP statuses."""
        try:  # parsed in a thread, so a long query text cannot stall the loop
            form = await asyncio.to_thread(query_form, job_text)
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
            return not_acceptable(offers)
        job = Job(job_text, FORMAT_OF[media], settings.max_rows, bindings)
        reply = answers.get(job) if answers else None
        try:
            if reply is None:
                reply = await pool.run(job)
                if answers:
                    answers.put(job, reply)
        except QueryTimeout:
            return _plain(503, f"query stopped: it ran longer than {settings.timeout:g} s")
        except PoolBusy as error:
            return _plain(503, str(error), {"Retry-After": str(error.retry_after)})
        except WorkerStartFailed as error:
            message = f"{error}; it is tried again on the next request"
            return _plain(503, message, {"Retry-After": "5"})
        except (EOFError, OSError):  # the worker died mid-query (e.g. out of memory); replaced
            return _plain(503, "query stopped: its worker process ended unexpectedly")
        headers = dict(vary)
        if reply.status == 200:
            headers["X-Result-Rows"] = str(reply.rows)
            if reply.truncated:
                headers["X-Result-Truncated"] = "true"
                headers["X-Result-Limit"] = str(settings.max_rows)
        return Response(reply.body, reply.status, headers=headers, media_type=reply.media_type)

    async def sparql(request: Request) -> Response:
        try:
            return await sparql_checked(request)
        except ProtocolError as error:
            return _plain(error.status, error.message)

    async def sparql_checked(request: Request) -> Response:
        from kgtool.web.serve_protocol import body_text, check_single

        limit = settings.max_request_bytes
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
                    lang = "en" if wants_english(request) else "sv"
                    page = await asyncio.to_thread(parsing(lambda: rendered("editor_html", lang)))
                    return html(page)
            return _plain(400, "missing parameter 'query'")
        return await execute(request, query, None, params.get("format"))

    async def api(request: Request) -> Response:
        from kgtool.web.serve_protocol import check_single

        name = request.path_params["name"]
        limit = settings.max_request_bytes
        if len(request.url.query.encode()) > limit:
            return _plain(414, f"request too large: the query string is over {limit} bytes")
        try:
            query = saved_query(name)
        except KgtoolError as error:
            return _plain(404, error.format_message())
        try:
            check_single(request.query_params.multi_items(), "an API call")
        except ProtocolError as error:
            return _plain(error.status, error.message)
        values = dict(request.query_params.multi_items())
        explicit = values.pop("format", None)
        try:
            bindings = await asyncio.to_thread(query.bind, values, None, names())
        except KgtoolError as error:
            return _plain(400, error.format_message())
        return await execute(request, query.text, bindings, explicit)

    async def openapi(request: Request) -> Response:
        text = await asyncio.to_thread(lambda: site.openapi_text)
        return Response(text, media_type="application/json")

    async def api_list(request: Request) -> Response:
        from starlette.responses import JSONResponse

        from kgtool.query.catalogue import load_catalogue

        return JSONResponse([q.listing(f"/api/{q.name}") for q in load_catalogue(project)])

    @contextlib.asynccontextmanager
    async def lifespan(app):
        await pool.start()

        def warm_up() -> None:
            site.load()
            site.dump_files  # noqa: B018  (computed once, cached)
            parsing(lambda: rendered("queries_html"))()
            for lang in ("sv", "en"):  # the slowest pages, rendered before anyone waits
                rendered("index_html", lang)
                rendered("ontology_html", lang)

        # The pages' model is an in-memory rdflib graph (about 2 kB a triple): built ahead for a
        # small graph, and only when a page is first asked for in a big one, so a server used
        # for /sparql and /api stays small.
        small = store.triple_count() <= WARM_PAGES_UP_TO
        warm = asyncio.create_task(asyncio.to_thread(warm_up if small else lambda: None))
        try:
            yield
        finally:
            warm.cancel()
            pool.close()

    routes = [
        Route("/", index),
        Route("/index.html", index),
        Route("/id/{path:path}", thing),
        Route("/def", ontology),
        Route("/def/", ontology),
        Route("/def/{term}", ontology),
        Route("/def/{term}/", term_file),
        Route("/def/{term}/{name}", term_file),
        Route("/sparql", sparql, methods=["GET", "POST"]),
        Route("/api", api_list),
        Route("/api/", api_list),
        Route("/api/openapi.json", openapi),
        Route("/api/{name}", api),
        Route("/queries/", queries_page),
        Route("/queries/index.html", queries_page),
        Route("/queries/{name}/", query_page),
        Route("/queries/{name}/index.html", query_page),
        Route("/sparql/", editor),
        Route("/sparql/index.html", editor),
        Route("/en", lambda request: RedirectResponse("/en/", status_code=308)),
        Route("/en/{rest:path}", english),
        Route("/static/{path:path}", assets),
        Route("/search.json", assets),
        Route("/void.ttl", static),
        Route("/catalog.ttl", static),
        Route("/dumps/{name}", static),
    ]
    from starlette.middleware import Middleware

    app = Starlette(routes=routes, lifespan=lifespan, middleware=[Middleware(SecurityHeaders)])
    app.state.site = site
    app.state.pool = pool
    return app


def check_listen(settings: ServeSettings) -> None:
    """Raise KgtoolError (exit 2, one line) when the address cannot be listened on."""
    import socket

    from kgtool.errors import KgtoolError

    try:
        with socket.create_server((settings.host, settings.port)):
            pass
    except OSError as error:
        raise KgtoolError(
            f"--host {settings.host} --port {settings.port}: cannot listen: {error.strerror}"
        ) from error


def run_server(project: Project, settings: ServeSettings) -> None:
    """Serve until interrupted (uvicorn on ``settings.host``:``settings.port``)."""
    import uvicorn

    check_listen(settings)  # fail early, before loading the graph
    app = create_app(project, settings)
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_level="warning",
        h11_max_incomplete_event_size=max(16 * 1024, settings.max_request_bytes + 8 * 1024),
    )
