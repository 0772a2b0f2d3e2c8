"""The server's options (``kgtool serve``), with a safe default for every limit."""

from __future__ import annotations

from dataclasses import dataclass


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
    request_seconds: float = 10.0  # to receive a whole request (headers and body)
    keep_alive_seconds: float = 5.0  # an idle kept-alive connection is closed after this
    max_connections: int = 1000  # connections beyond this are closed at once


WARM_PAGES_UP_TO = 200_000  # triples: bigger graphs build the page model on first use
