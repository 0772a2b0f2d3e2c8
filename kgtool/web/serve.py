"""``kgtool serve``: the site over HTTP with content negotiation, a SPARQL endpoint and the
saved queries, read-only and with limits. This module only starts the server; the routes and
handlers are in ``kgtool.web.app``, the options in ``kgtool.web.settings``.

Stack: starlette on uvicorn (both already dependencies). Async request handling lets the server
keep answering while a query runs in a worker process (``kgtool.web.workers``); a query
cannot be stopped in a thread, so only a separate process makes the timeout real.

Fairness, so that simple requests keep being answered while runaway queries run:

* Pages, RDF of resources, dumps and static files never touch a query worker: they come from
  the site model (rdflib, built lazily in a thread by ``LazySite``), each rendered once and
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

from typing import TYPE_CHECKING

from kgtool.web.settings import ServeSettings

if TYPE_CHECKING:
    from kgtool.project import Project

__all__ = ["ServeSettings", "check_listen", "run_server"]


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


class _Stopped(BaseException):
    """SIGTERM, raised again by uvicorn after its graceful stop."""


def _stop(sig: int, frame) -> None:
    raise _Stopped(sig)


def run_server(project: Project, settings: ServeSettings) -> None:
    """Serve until interrupted (uvicorn on ``settings.host``:``settings.port``).

    Every request must arrive within ``request_seconds``, idle connections close after
    ``keep_alive_seconds``, at most ``max_connections`` are open (``kgtool.web.connections``).
    SIGINT (Ctrl-C) or SIGTERM stops the server gracefully and the process exits 128 + the
    signal's number (130, 143) at once, without waiting for pages still being prepared.
    """
    import os
    import signal
    import sys

    import uvicorn

    check_listen(settings)  # fail early, before loading the graph
    from kgtool.web.app import create_app
    from kgtool.web.connections import guarded

    app = create_app(project, settings)
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_level="warning",
        http=guarded(settings.request_seconds, settings.max_connections),
        timeout_keep_alive=max(1, int(settings.keep_alive_seconds)),
        limit_concurrency=settings.max_connections,
        h11_max_incomplete_event_size=max(16 * 1024, settings.max_request_bytes + 8 * 1024),
    )
    server = uvicorn.Server(config)
    stopped_by: list[int] = []
    handle_exit = server.handle_exit

    def record(sig: int, frame) -> None:
        stopped_by.append(sig)
        handle_exit(sig, frame)

    server.handle_exit = record  # type: ignore[method-assign]
    # uvicorn raises the signal it caught again once it has stopped, under the handler it found:
    # this one, so that SIGTERM ends here too (the default handler would kill the process).
    signal.signal(signal.SIGTERM, _stop)
    try:
        server.run()
    except KeyboardInterrupt:
        stopped_by.append(signal.SIGINT)
    except _Stopped:
        stopped_by.append(signal.SIGTERM)
    if stopped_by:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(128 + stopped_by[0])  # threads still preparing pages are not waited for
