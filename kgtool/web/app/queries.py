"""Routes of the queries: the SPARQL endpoint ``/sparql``, the saved queries under ``/api/``
and their OpenAPI description. Queries run in worker processes with time and row limits."""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from kgtool.errors import KgtoolError, QueryRefused
from kgtool.web import negotiate as ng
from kgtool.web.app.http import (
    FORMAT_OF,
    FORMAT_PARAM,
    GRAPH_OFFERS,
    SELECT_OFFERS,
    VARY,
    BodyTooLarge,
    not_acceptable,
    plain,
    read_body,
    wants_english,
)
from kgtool.web.app.state import ServerState
from kgtool.web.serve_protocol import ProtocolError, body_text, check_single
from kgtool.web.workers import Job, PoolBusy, QueryTimeout, WorkerStartFailed

READ_ONLY = "updates are refused: this endpoint is read-only"


def table_language(request: Request) -> str:
    """The labels' language in an ``/api`` table: English (as the CLI) unless Swedish is asked."""
    return ng.choose_language(request.headers.get("accept-language"), ["en", "sv"]) or "en"


def wants_page(request: Request) -> bool:
    """A browser: ``text/html`` asked for by name (``*/*`` alone is not a browser)."""
    accept = request.headers.get("accept") or ""
    return "text/html" in accept and ng.choose(accept, [ng.HTML, *SELECT_OFFERS]) == ng.HTML


class QueryRoutes:
    """One handler per query route."""

    def __init__(self, state: ServerState) -> None:
        self.state = state

    async def execute(
        self,
        request: Request,
        job_text: str,
        bindings: dict | None,
        explicit: str | None,
        table: bool = False,
    ) -> Response:
        """Pick the result format, run the query in a worker, map errors to HTTP statuses.

        ``table`` (``/api``): the answer has the table's columns (labels and codes added, as
        ``kgtool query`` gives them) and is offered as xlsx too."""
        try:  # parsed in a thread, so a long query text cannot stall the loop
            form = await asyncio.to_thread(self.state.query_form, job_text)
        except QueryRefused as error:
            return plain(403, error.format_message())
        except KgtoolError as error:
            return plain(400, error.format_message())
        offers = GRAPH_OFFERS if form in ("CONSTRUCT", "DESCRIBE") else SELECT_OFFERS
        if table and offers is SELECT_OFFERS:
            offers = [*offers, FORMAT_PARAM["xlsx"]]
        if explicit:
            media = FORMAT_PARAM.get(explicit)
            if media not in offers:
                return plain(400, f"parameter 'format': {explicit!r} is not offered here")
        else:
            media = ng.choose(request.headers.get("accept"), offers)
        if media is None:
            return not_acceptable(offers)
        settings = self.state.settings
        lang = table_language(request)
        job = Job(job_text, FORMAT_OF[media], settings.max_rows, bindings, table, lang)
        answers = self.state.answers
        reply = answers.get(job) if answers else None
        try:
            if reply is None:
                reply = await self.state.pool.run(job)
                if answers:
                    answers.put(job, reply)
        except QueryTimeout:
            return plain(503, f"query stopped: it ran longer than {settings.timeout:g} s")
        except PoolBusy as error:
            return plain(503, str(error), {"Retry-After": str(error.retry_after)})
        except WorkerStartFailed as error:
            message = f"{error}; it is tried again on the next request"
            return plain(503, message, {"Retry-After": "5"})
        except (EOFError, OSError):  # the worker died mid-query (e.g. out of memory); replaced
            return plain(503, "query stopped: its worker process ended unexpectedly")
        headers = {"Vary": "Accept, Accept-Language"} if table else dict(VARY)
        if reply.status == 200 and FORMAT_OF[media] == "xlsx":
            headers["Content-Disposition"] = 'attachment; filename="answer.xlsx"'
        if reply.status == 200:
            headers["X-Result-Rows"] = str(reply.rows)
            if reply.truncated:
                headers["X-Result-Truncated"] = "true"
                headers["X-Result-Limit"] = str(settings.max_rows)
        return Response(reply.body, reply.status, headers=headers, media_type=reply.media_type)

    async def sparql(self, request: Request) -> Response:
        try:
            return await self.sparql_checked(request)
        except ProtocolError as error:
            return plain(error.status, error.message)

    async def sparql_checked(self, request: Request) -> Response:
        limit = self.state.settings.max_request_bytes
        if len(request.url.query.encode()) > limit:
            return plain(414, f"request too large: the query string is over {limit} bytes")
        check_single(request.query_params.multi_items())
        params = {k: v for k, v in request.query_params.multi_items()}
        query = params.get("query")
        if request.method == "POST":
            try:
                sent = await self.posted(request, limit)
            except BodyTooLarge:
                return plain(413, f"request too large: the body is over {limit} bytes")
            if isinstance(sent, Response):
                return sent
            if "update" in sent:
                return plain(403, READ_ONLY)
            if "query" in sent and query is not None:
                raise ProtocolError(400, "parameter 'query' given both in the URL and the body")
            query = sent.get("query", query)
        if "update" in params:
            return plain(403, READ_ONLY)
        if not query:
            if request.method == "GET" and ng.choose(request.headers.get("accept"), [ng.HTML]):
                accept = request.headers.get("accept") or ""
                if "text/html" in accept:  # a browser: the editor
                    lang = "en" if wants_english(request) else "sv"
                    page = await asyncio.to_thread(self.state.pages.editor, lang)
                    return self.state.html(page)
            return plain(400, "missing parameter 'query'")
        response = await self.execute(request, query, None, params.get("format"))
        if response.headers.get("X-Result-Rows") == "0":  # why nothing: kgtool.query.hints
            hints = await asyncio.to_thread(self.hints, query)
            if hints:
                import json

                response.headers["X-Kgtool-Hints"] = json.dumps(hints)  # ASCII: \u escapes
        return response

    def hints(self, query: str) -> list[str]:
        """What ``kgtool sparql`` would say about a query that answered nothing."""
        from kgtool.query.hints import Advisor
        from kgtool.terms import PREFIX_IRIS

        try:
            advisor = Advisor(self.state.store, query, PREFIX_IRIS)
            return advisor.before() + advisor.after_empty()
        except Exception:  # advice only: never let it break an answer
            return []

    async def posted(self, request: Request, limit: int) -> dict[str, str] | Response:
        """The parameters a POST sends in its body, or the answer refusing it."""
        content_type = request.headers.get("content-type", "")
        kind = content_type.split(";")[0].strip().lower()
        body = await read_body(request, limit)
        if kind == "application/sparql-update":
            return plain(403, READ_ONLY)
        if kind not in ("application/sparql-query", "application/x-www-form-urlencoded"):
            return plain(415, f"unsupported content type {kind!r} for a SPARQL query")
        text = body_text(content_type, body)
        if kind == "application/sparql-query":
            return {"query": text}
        sent = parse_qsl(text, keep_blank_values=True)
        check_single(sent, "the body")
        return dict(sent)

    async def api(self, request: Request) -> Response:
        name = request.path_params["name"]
        limit = self.state.settings.max_request_bytes
        if len(request.url.query.encode()) > limit:
            return plain(414, f"request too large: the query string is over {limit} bytes")
        try:
            query = self.state.saved_query(name)
        except KgtoolError as error:
            return plain(404, error.format_message())
        try:
            check_single(request.query_params.multi_items(), "an API call")
        except ProtocolError as error:
            return plain(error.status, error.message)
        values = dict(request.query_params.multi_items())
        explicit = values.pop("format", None)
        page = not explicit and wants_page(request)
        lang = ("en" if wants_english(request) else "sv") if page else table_language(request)
        try:
            bindings = await asyncio.to_thread(query.bind, values, None, self.state.names(), lang)
        except KgtoolError as error:
            return plain(400, error.format_message())
        if page:
            return await self.api_page(request, query, bindings, values)
        return await self.execute(request, query.text, bindings, explicit, table=True)

    async def api_page(self, request: Request, query, bindings, values: dict) -> Response:
        """``/api/<name>`` for a browser: the answer as a labelled table, with download links."""
        import json

        settings = self.state.settings
        lang = "en" if wants_english(request) else "sv"
        job = Job(query.text, "json", settings.max_rows, bindings, True, lang)
        answers = self.state.answers
        try:
            reply = answers.get(job) if answers else None
            if reply is None:
                reply = await self.state.pool.run(job)
                if answers and reply.status == 200:
                    answers.put(job, reply)
        except (QueryTimeout, PoolBusy, WorkerStartFailed, EOFError, OSError):
            return plain(503, "the server is busy or the query ran too long: try again")
        if reply.status != 200:
            return Response(reply.body, reply.status, media_type=reply.media_type)
        await self.state.loaded()
        data = json.loads(reply.body)
        page = await asyncio.to_thread(self.state.pages.api, query.name, lang, data, values)
        return self.state.html(page)

    async def openapi(self, request: Request) -> Response:
        text = await asyncio.to_thread(lambda: self.state.site.load().openapi_text)
        return Response(text, media_type="application/json")

    async def api_list(self, request: Request) -> Response:
        from kgtool.query.catalogue import load_catalogue

        listing = [q.listing(f"/api/{q.name}") for q in load_catalogue(self.state.project)]
        return JSONResponse(listing)
