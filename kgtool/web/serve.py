"""``kgtool serve``: the site over HTTP with content negotiation, a SPARQL endpoint and the
saved queries, read-only and with limits. The routes and handlers are in ``kgtool.web.app``.

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

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kgtool.query.formats import GRAPH_FORMATS, MEDIA_TYPES, RESULT_FORMATS
from kgtool.web import negotiate as ng

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response

    from kgtool.project import Project

SELECT_OFFERS = [MEDIA_TYPES[fmt] for fmt in RESULT_FORMATS]
GRAPH_OFFERS = [MEDIA_TYPES[fmt] for fmt in GRAPH_FORMATS]
RESOURCE_OFFERS = [ng.HTML, *GRAPH_OFFERS]
FORMAT_OF = {media: fmt for fmt, media in MEDIA_TYPES.items()}
FORMAT_PARAM = {**MEDIA_TYPES, "turtle": MEDIA_TYPES["ttl"]}
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
    from kgtool.web.app import create_app

    app = create_app(project, settings)
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_level="warning",
        h11_max_incomplete_event_size=max(16 * 1024, settings.max_request_bytes + 8 * 1024),
    )
