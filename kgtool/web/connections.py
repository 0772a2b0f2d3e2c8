"""HTTP connections that cannot hold the server: a deadline for each request, a bound on how
many are open. Imported only when a server starts.

uvicorn closes a kept-alive connection that stays idle after an answer (``timeout_keep_alive``)
but times nothing before the first request, nor a request sent a byte at a time. ``Guarded``
(uvicorn's h11 protocol) gives every request ``request_seconds`` from the connection's first
byte, or the end of the previous answer, until the request (headers and body) is in; past that
the connection is closed. A connection beyond ``max_connections`` is closed as soon as it is
accepted, so idle connections never use up the process's file descriptors.
"""

from __future__ import annotations

import asyncio

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

_RECEIVED = (h11.DONE, h11.MUST_CLOSE, h11.CLOSED, h11.ERROR, h11.SWITCHED_PROTOCOL)


class Guarded(H11Protocol):
    """uvicorn's HTTP/1.1 protocol with a per-request deadline and a connection bound
    (the class attributes are set by ``guarded``)."""

    request_seconds: float = 10.0
    max_connections: int = 1000
    _deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self.max_connections:
            transport.abort()  # no answer: answering would cost what the bound is there to save
            return
        self._arm()

    def _arm(self) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(self.request_seconds, self._too_slow)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _too_slow(self) -> None:
        self._deadline = None
        if self.conn.their_state not in _RECEIVED:
            self.transport.close()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.their_state in _RECEIVED:
            self._disarm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm()  # the next request on this connection gets its own deadline

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)


def guarded(request_seconds: float, max_connections: int) -> type[Guarded]:
    """A ``Guarded`` protocol class with these limits (for ``uvicorn.Config(http=…)``)."""
    return type(
        "GuardedH11",
        (Guarded,),
        {"request_seconds": request_seconds, "max_connections": max_connections},
    )
