"""Killable query workers: each query runs in a separate process on the Oxigraph store.

A query cannot be interrupted from another thread, so the server hands each query to an idle
worker process, which opens the persistent store read-only (no parse, no copy of the graph),
and waits for the answer on its event loop (the pipe is watched, no thread is held). Rows are
read as a stream and cut at the row limit; each worker's address space is capped
(``memory_mb``), so a query that needs more memory ends its worker (the request gets 503)
instead of the machine. A query that runs past the timeout has its worker killed and replaced.
A replacement that cannot open the store is reported on stderr and tried again on the next
request; while no worker is ready, requests get WorkerStartFailed with the reason.

Fairness (two lanes, one set of processes): the pool keeps ``size`` long-query slots plus
``quick`` more workers. Every query starts as a short one on any idle worker; one still running
after ``quick_seconds`` takes a long-query slot, and its worker is lowered in priority (nice 10)
and retired once it answers. When every long slot is taken, the query is stopped at once with
PoolBusy (503 and Retry-After: when the first long query ends), so runaway queries never hold
more than ``size`` workers and the other ``quick`` keep answering short queries. A request
waits at most ``queue_wait`` seconds for an idle worker, and at most ``queue_size`` requests
wait at once; beyond either it gets PoolBusy (503, Retry-After: 1).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import multiprocessing
import os
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from kgtool.query.result import GRAPH_FORMATS, MEDIA_TYPES


@dataclass(frozen=True)
class Job:
    """One query to run: text, bound parameters (RDF terms), output format, row limit."""

    text: str
    fmt: str
    max_rows: int
    bindings: dict[str, Any] | None = None
    table: bool = False  # a saved query (/api): the table's columns, labels and codes added
    lang: str = "en"  # the labels' language in a table


@dataclass(frozen=True)
class Reply:
    """What a worker answers: the body, or an error with an HTTP status and one-line message."""

    status: int
    body: bytes
    media_type: str
    truncated: bool = False
    rows: int = 0


class QueryTimeout(Exception):
    """The query ran past the timeout and its worker was stopped."""


class PoolBusy(Exception):
    """No worker or long-query slot is free: the message says which, ``retry_after`` when to
    try again (seconds)."""

    def __init__(self, message: str, retry_after: int = 1) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class WorkerStartFailed(Exception):
    """No worker holds the graph and the last one started could not load it (the message says
    why); the next request tries again."""


def _render(
    result, fmt: str, max_rows: int, table_store=None, query: str = "", lang: str = "en"
) -> bytes:
    """The body of an answer; with ``table_store`` (``/api``): the table's columns."""
    from kgtool.query.formats import render, to_rdf

    if result.kind == "CONSTRUCT":
        return to_rdf(result, fmt) if fmt in GRAPH_FORMATS else b""
    if table_store is not None:
        from kgtool.query.tables import render_api

        text = render_api(result, table_store, query, fmt, lang)
    else:
        text = render(result, fmt)
    if fmt == "json" and result.truncated:
        document = json.loads(text)
        document["kgtool"] = {"truncated": True, "limit": max_rows}
        text = json.dumps(document, ensure_ascii=False)
    return text.encode("utf-8") if isinstance(text, str) else text


def run_job(store, job: Job) -> Reply:
    """Run one job on ``store`` (in a worker process): a Reply with body or error."""
    from kgtool.errors import KgtoolError, QueryRefused
    from kgtool.query.run import run_local
    from kgtool.terms import PREFIX_IRIS

    try:
        result = run_local(
            store, job.text, job.bindings, prefixes=PREFIX_IRIS, max_rows=job.max_rows
        )
        count = len(result.rows) if result.kind == "SELECT" else len(result.triples or [1])
        table_store = store if job.table else None
        body = _render(result, job.fmt, job.max_rows, table_store, job.text, job.lang)
    except QueryRefused as error:
        return Reply(403, error.format_message().encode(), "text/plain; charset=utf-8")
    except KgtoolError as error:
        return Reply(400, error.format_message().encode(), "text/plain; charset=utf-8")
    except Exception as error:  # a query the engine cannot evaluate: the client's query is at fault
        message = f"query failed: {type(error).__name__}: {error}"
        return Reply(400, message.encode(), "text/plain; charset=utf-8")
    return Reply(200, body, MEDIA_TYPES[job.fmt], result.truncated, count)


def _cap_memory(memory_mb: int | None) -> None:
    """Let this process's data (heap and private memory) grow by ``memory_mb`` MiB at most.

    ``RLIMIT_DATA``, not ``RLIMIT_AS``: the store's files are mapped read-only, and counting
    those mappings made ordinary scans fail with "cannot allocate memory" under the cap.
    """
    if not memory_mb:
        return
    import resource

    with open("/proc/self/statm") as handle:
        data_pages = int(handle.read().split()[5])
    limit = data_pages * resource.getpagesize() + memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))


def die_with_parent(parent: int) -> None:
    """Have the kernel kill this process when its parent ends (``PR_SET_PDEATHSIG``), however
    the parent ends (SIGKILL included); exit now if it already has."""
    import ctypes
    import signal

    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG = 1
    if os.getppid() != parent:  # the parent ended before the request was made
        os._exit(0)


def _worker_main(
    project_root: str,
    location: str | None,
    memory_mb: int | None,
    conn: Connection,
    parent: int | None = None,
) -> None:
    """Worker process: open the store once, then answer jobs until the pipe closes."""
    import signal

    from kgtool.errors import KgtoolError

    if parent is not None:
        die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle
    try:
        if location is not None:
            from kgtool.store.engine import open_read_only

            store = open_read_only(Path(location))
        else:  # no usable cache folder: each worker builds the store in memory
            from kgtool.project import Project
            from kgtool.store.engine import open_project_store

            store = open_project_store(Project(Path(project_root)))
        from kgtool.query.run import run_local

        run_local(store, "ASK { ?s ?p ?o }")  # warm up before the first request
        _cap_memory(memory_mb)
    except Exception as error:  # tell the server why, rather than just exiting
        if isinstance(error, KgtoolError):
            reason = error.format_message()
        else:
            reason = f"{type(error).__name__}: {error}"
        conn.send(("failed", " ".join(reason.split())))
        return
    conn.send("ready")
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        conn.send(run_job(store, job))


class _Worker:
    lowered = False  # set once it has run a long query at lower priority

    def __init__(self, ctx, project_root: str, location: str | None, memory_mb: int | None):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(
            target=_worker_main,
            args=(project_root, location, memory_mb, child, os.getpid()),
            daemon=True,
            name="kgtool-query",
        )
        self.process.start()
        child.close()

    def wait_ready(self, timeout: float = 120.0) -> None:
        if not self.conn.poll(timeout):
            raise RuntimeError(f"query worker could not start: no graph after {timeout:g} s")
        try:
            message = self.conn.recv()
        except (EOFError, OSError):
            raise RuntimeError("query worker could not start: it exited") from None
        if message != "ready":
            raise RuntimeError(f"query worker could not start: {message[1]}")

    def alive(self) -> bool:
        """Whether the worker still runs and has not closed its end (an idle worker never
        writes, so anything to read means its pipe ended)."""
        try:
            return self.process.is_alive() and not self.conn.poll(0)
        except (OSError, EOFError, ValueError):
            return False

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self.process.kill()
            self.process.join(5)
        with contextlib.suppress(Exception):
            self.conn.close()


class QueryPool:
    """Worker processes in two lanes: every query starts as a short one; past ``quick_seconds``
    it needs one of ``long_slots`` long-query slots or it is stopped (PoolBusy), so at least
    ``quick`` workers always remain for short queries. Requests wait at most ``queue_wait``
    seconds for an idle worker, and at most ``queue_size`` of them wait at once."""

    def __init__(
        self,
        project_root: Path,
        size: int = 2,
        timeout: float = 10.0,
        location: Path | None = None,
        memory_mb: int | None = None,
        quick: int = 2,
        quick_seconds: float = 1.0,
        queue_wait: float = 2.0,
        queue_size: int = 64,
    ) -> None:
        self.project_root = str(project_root)
        self.location = None if location is None else str(location)
        self.memory_mb = memory_mb
        self.long_slots = max(1, size)
        self.size = self.long_slots + max(0, quick)  # processes kept running
        self.timeout = timeout
        self.quick_seconds = min(quick_seconds, timeout)
        self.queue_wait = queue_wait
        self.queue_size = queue_size
        self._ctx = multiprocessing.get_context("spawn")
        # Starting a worker blocks a thread until it holds the graph: threads of their own, so
        # replacements never hold up the requests' short hops to threads.
        self._starter = ThreadPoolExecutor(self.size, thread_name_prefix="kgtool-start")
        self._idle: asyncio.Queue[_Worker] | None = None
        self._all: set[_Worker] = set()
        self._tasks: set[asyncio.Task] = set()
        self._ready = 0  # workers holding the graph, idle or busy
        self._starting = 0  # replacements being started
        self._waiting = 0  # requests waiting for an idle worker
        self._long_ends: dict[_Worker, float] = {}  # long queries running: when each is stopped
        self.start_error: str | None = None  # why the last replacement failed, if it did

    def _start_worker(self) -> _Worker:
        worker = _Worker(self._ctx, self.project_root, self.location, self.memory_mb)
        self._all.add(worker)
        try:
            worker.wait_ready()
        except Exception:
            self._all.discard(worker)
            worker.kill()
            raise
        return worker

    def _in_starter(self) -> asyncio.Future[_Worker]:
        return asyncio.get_running_loop().run_in_executor(self._starter, self._start_worker)

    async def start(self) -> None:
        """Start every worker (in parallel) and wait until each holds the graph."""
        self._idle = asyncio.Queue()
        workers = await asyncio.gather(*(self._in_starter() for _ in range(self.size)))
        for worker in workers:
            self._idle.put_nowait(worker)
        self._ready = len(workers)

    def _refill(self) -> None:
        """Start a replacement (in the background) for each worker the pool is short of."""
        for _ in range(self.size - self._ready - self._starting):
            self._starting += 1
            task = asyncio.get_running_loop().create_task(self._respawn())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _respawn(self) -> None:
        try:
            fresh = await self._in_starter()
        except Exception as error:
            self.start_error = str(error)
            print(f"kgtool serve: {error}", file=sys.stderr, flush=True)
            return
        finally:
            self._starting -= 1
        assert self._idle is not None
        self.start_error = None
        self._ready += 1
        self._idle.put_nowait(fresh)

    def _replace(self, worker: _Worker) -> None:
        self._all.discard(worker)
        worker.kill()
        self._ready -= 1
        self._refill()

    def _failed(self) -> bool:
        return self._ready == 0 and self.start_error is not None

    async def _acquire(self) -> _Worker:
        """An idle worker, waiting at most ``queue_wait`` seconds in a queue of bounded size."""
        assert self._idle is not None, "QueryPool.start() was not awaited"
        self._refill()  # a replacement that failed earlier is tried again now
        if self._failed() and self._tasks:  # wait for that retry rather than the whole wait
            await asyncio.wait(set(self._tasks), timeout=self.timeout)
        if self._failed():
            raise WorkerStartFailed(self.start_error)
        if self._idle.empty() and self._waiting >= self.queue_size:
            waiting = f"{self._waiting} waiting"
            raise PoolBusy(
                f"server busy: every query worker is in use and the queue is full ({waiting})"
            )
        self._waiting += 1
        loop = asyncio.get_running_loop()
        started = loop.time()
        try:
            while True:
                try:
                    worker = await asyncio.wait_for(self._idle.get(), self.queue_wait)
                except TimeoutError:
                    # no worker holds the graph but replacements are on their way (all died
                    # or were stopped): wait for one, up to the query timeout
                    waited = loop.time() - started
                    if self._starting and not self._ready and waited < self.timeout:
                        continue
                    raise
                if worker.alive():
                    return worker
                self._replace(worker)  # it died while idle (killed, out of memory): never used
        except TimeoutError:
            if self._failed():
                raise WorkerStartFailed(self.start_error) from None
            wait = f"{self.queue_wait:g}"
            raise PoolBusy(f"server busy: no query worker free within {wait} s") from None
        finally:
            self._waiting -= 1

    def _long_busy(self, now: float) -> PoolBusy:
        free_in = min(self._long_ends.values(), default=now) - now
        return PoolBusy(
            f"server busy: {self.long_slots} long queries are running; this one ran past "
            f"{self.quick_seconds:g} s and was stopped",
            max(1, int(free_in + 0.999)),
        )

    async def run(self, job: Job) -> Reply:
        """Run ``job`` on an idle worker: QueryTimeout past the timeout, PoolBusy when no
        worker or no long-query slot is free, WorkerStartFailed when none could load the graph.
        """
        worker = await self._acquire()
        loop = asyncio.get_running_loop()
        started = loop.time()
        deadline = started + self.timeout
        try:
            worker.conn.send(job)
            if not await _readable(worker.conn, self.quick_seconds):
                if len(self._long_ends) >= self.long_slots:
                    busy = self._long_busy(loop.time())
                    self._replace(worker)
                    raise busy
                self._long_ends[worker] = deadline
                _lower_priority(worker)
                if not await _readable(worker.conn, max(0.0, deadline - loop.time())):
                    self._replace(worker)
                    raise QueryTimeout()
            reply = await asyncio.to_thread(worker.conn.recv)
        except (EOFError, OSError, asyncio.CancelledError):
            self._replace(worker)
            raise
        finally:
            self._long_ends.pop(worker, None)
        if worker.lowered:  # a long query's worker is retired: its successor runs at full priority
            self._replace(worker)
        else:
            self._idle.put_nowait(worker)
        return reply

    def close(self) -> None:
        """Stop every worker process."""
        for task in list(self._tasks):
            task.cancel()
        for worker in list(self._all):
            worker.kill()
        self._all.clear()
        self._starter.shutdown(wait=False, cancel_futures=True)


LONG_QUERY_NICE = 10  # how much lower a long query's worker is scheduled than the server


def _lower_priority(worker: _Worker) -> None:
    """Let the operating system prefer pages and short queries to a long query's worker."""
    worker.lowered = True
    with contextlib.suppress(OSError, AttributeError):
        os.setpriority(os.PRIO_PROCESS, worker.process.pid, LONG_QUERY_NICE)


async def _readable(conn: Connection, seconds: float) -> bool:
    """Whether ``conn`` has data within ``seconds``, waited for on the event loop (no thread)."""
    if conn.poll(0):
        return True
    loop = asyncio.get_running_loop()
    ready = loop.create_future()
    fd = conn.fileno()
    loop.add_reader(fd, lambda: ready.done() or ready.set_result(True))
    try:
        await asyncio.wait_for(ready, seconds)
        return True
    except TimeoutError:
        return False
    finally:
        loop.remove_reader(fd)


class ReplyCache:
    """Answers already computed, by query, bound parameters, format and row limit: the store
    does not change while the server runs, so an answer stays right. Least recently used
    answers go first once the bodies pass ``max_bytes``; only 200 answers are kept."""

    def __init__(self, max_bytes: int) -> None:
        from collections import OrderedDict

        self.max_bytes = max_bytes
        self._bytes = 0
        self._replies: OrderedDict[tuple, Reply] = OrderedDict()

    @staticmethod
    def key(job: Job) -> tuple:
        bound = tuple(sorted((name, str(term)) for name, term in (job.bindings or {}).items()))
        return (job.text, bound, job.fmt, job.max_rows, job.table, job.lang)

    def get(self, job: Job) -> Reply | None:
        key = self.key(job)
        reply = self._replies.get(key)
        if reply is not None:
            self._replies.move_to_end(key)
        return reply

    def put(self, job: Job, reply: Reply) -> None:
        size = len(reply.body)
        if reply.status != 200 or size > self.max_bytes // 4:
            return
        key = self.key(job)
        if key in self._replies:
            return
        self._replies[key] = reply
        self._bytes += size
        while self._bytes > self.max_bytes:
            _, old = self._replies.popitem(last=False)
            self._bytes -= len(old.body)
