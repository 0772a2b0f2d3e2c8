"""Talking to SPARQL endpoints: which URLs to use, readable errors, and ``push``.

``--endpoint`` takes either a server's base URL or its query URL:

* ``http://host:7878`` (no path): Oxigraph's layout, ``/query`` and ``/update`` are appended;
* ``…/query``: the query URL; updates go to the sibling ``…/update`` (Oxigraph, Fuseki);
* any other path (``…/sparql``): one URL for both queries and updates (Virtuoso, GraphDB).

``push`` never leaves the target half-loaded: it uploads into a fresh temporary named graph
(``urn:kgtool:push:<UTC timestamp>:<uuid>``) in chunks, then replaces the target with one
``MOVE`` (atomic in the store) and counts it. A failure midway leaves the target as it was; the
temporary graph is dropped then, or by the next push if the store had stopped answering.
Credentials come from the environment or a netrc file (see :mod:`kgtool.query.credentials`).
"""

from __future__ import annotations

import contextlib
import http.client
import re
import socket
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.error import HTTPError, URLError
from urllib.parse import SplitResult, urlsplit, urlunsplit

from kgtool.errors import EndpointError
from kgtool.query.result import MEDIA_TYPES
from kgtool.terms import ABSOLUTE_IRI

if TYPE_CHECKING:
    import pyoxigraph

    from kgtool.query.credentials import Credentials

DEFAULT_TIMEOUT = 30.0
CHUNK_TRIPLES = 1000  # Virtuoso refuses much larger updates ("generated SQL text" limit)
BLANK_CHUNK_TRIPLES = 200  # chunks with blank nodes go as INSERT … WHERE {}: Virtuoso limits those


@dataclass(frozen=True)
class Endpoints:
    """The query and update URLs derived from what the user gave."""

    query: str
    update: str


def _without_userinfo(url: str) -> str:
    """``url`` with any ``user:password@`` removed, so a message never shows it."""
    return re.sub(r"(?<=//)[^/?#]*@", "", url, count=1)


def _split_http(url: str) -> SplitResult:
    """``urlsplit(url)`` of an http(s) URL; EndpointError naming the URL for anything else."""
    shown = _without_userinfo(url)
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises for a port out of range, which would wrap silently)
    except ValueError as error:  # e.g. "Invalid IPv6 URL" for http://[::1
        raise EndpointError(f"endpoint {shown}: not a valid URL ({error})") from None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise EndpointError(f"endpoint {shown}: not an http(s) URL (e.g. http://127.0.0.1:7878)")
    if "@" in parts.netloc:
        raise EndpointError(
            f"endpoint {shown}: credentials in the URL are refused (they would show in process "
            "lists and logs); set KGTOOL_USER and KGTOOL_PASSWORD, or use a netrc file"
        )
    return parts


def endpoints(url: str, update: str | None = None) -> Endpoints:
    """Query and update URLs from a base URL or a query URL (see the module docstring)."""
    parts = _split_http(url)
    if update is not None:
        _split_http(update)
    path = parts.path.rstrip("/")
    if not path:
        base = urlunsplit((parts.scheme, parts.netloc, "", "", ""))
        found = Endpoints(base + "/query", base + "/update")
    elif path.endswith("/query"):
        sibling = path[: -len("query")] + "update"
        found = Endpoints(url, urlunsplit((parts.scheme, parts.netloc, sibling, "", "")))
    else:
        found = Endpoints(url, url)
    return Endpoints(found.query, update or found.update)


def _server_message(error: HTTPError) -> str:
    """The server's own words from an HTTP error, on one line and short."""
    try:
        text = error.read().decode("utf-8", "replace")
    except Exception:
        text = ""
    text = " ".join(text.split()) or str(error.reason)
    return text[:300] + ("…" if len(text) > 300 else "")


def endpoint_error(
    url: str, error: BaseException, timeout: float, credentials: Credentials | None = None
) -> EndpointError:
    """An EndpointError that says, in one line, which URL failed and why."""
    reason: object = error
    if isinstance(error, HTTPError):
        message = f"endpoint {url}: HTTP {error.code}: {_server_message(error)}"
        if error.code == 401:
            message += (
                f"; {credentials} were refused"
                if credentials
                else "; it asks for credentials: set KGTOOL_USER and KGTOOL_PASSWORD, "
                "or add the host to a netrc file (NETRC or ~/.netrc)"
            )
        return EndpointError(message)
    if isinstance(error, URLError):
        reason = error.reason
    if isinstance(reason, TimeoutError | socket.timeout):
        return EndpointError(f"endpoint {url}: no answer within {timeout:g} s (see --timeout)")
    if isinstance(reason, ConnectionRefusedError):
        return EndpointError(f"endpoint {url}: connection refused (is the server running?)")
    if isinstance(reason, socket.gaierror):
        return EndpointError(f"endpoint {url}: unknown host ({reason.strerror})")
    if isinstance(reason, OSError):
        why = reason.strerror or str(reason) or type(reason).__name__
        return EndpointError(f"endpoint {url}: {why}")
    if isinstance(reason, http.client.HTTPException):
        return EndpointError(f"endpoint {url}: broken answer ({type(reason).__name__})")
    return EndpointError(f"endpoint {url}: {reason}")


def _post(url: str, field: str, text: str, accept: str, timeout: float) -> bytes:
    """POST one SPARQL protocol request (``query=`` or ``update=``) and return the body."""
    from urllib.parse import urlencode
    from urllib.request import Request

    from kgtool.query.credentials import find_credentials, opener

    credentials = find_credentials(url)
    request = Request(
        url,
        data=urlencode({field: text}).encode("utf-8"),
        headers={
            "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
            "Accept": accept,
            "User-Agent": "kgtool",
        },
        method="POST",
    )
    try:
        with opener(url, credentials).open(request, timeout=timeout) as answer:
            body: bytes = answer.read()
            return body
    except (OSError, http.client.HTTPException, ValueError) as error:
        raise endpoint_error(url, error, timeout, credentials) from None


def send_query(
    url: str,
    query_text: str,
    accept: str,
    timeout: float = DEFAULT_TIMEOUT,
    form: str = "SELECT",
) -> bytes:
    """POST a query and return the raw answer; errors become EndpointError naming the URL.

    ``form`` (from the parsed query) is kept for callers; the protocol request is the same.
    """
    return _post(url, "query", query_text, accept, timeout)


def send_update(url: str, update_text: str, timeout: float = DEFAULT_TIMEOUT) -> None:
    """POST a SPARQL 1.1 Update; errors become EndpointError naming the URL."""
    _post(url, "update", update_text, "*/*", timeout)


def _is_blank(term: object) -> bool:
    return type(term).__name__ in ("BNode", "BlankNode")  # rdflib's or pyoxigraph's


def _nt(term: object) -> str:
    """One term in N-Triples (rdflib's ``n3()``, pyoxigraph's ``str``)."""
    n3 = getattr(term, "n3", None)
    return str(n3()) if n3 is not None else str(term)


def chunks(triples: Iterable[Sequence[object]], size: int = CHUNK_TRIPLES) -> Iterator[str]:
    """The triples (rdflib's or pyoxigraph's) as N-Triples text in chunks; a blank node never
    spans two chunks.

    Blank nodes in an update are local to one request, so every triple that shares a blank
    node (directly or through others) travels in the same chunk; chunks with blank nodes come
    last and are smaller (see :func:`insert_text`).
    """
    parent: dict[str, str] = {}

    def root(node: str) -> str:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    lines = sorted((_nt(s), _nt(p), _nt(o), _is_blank(s), _is_blank(o)) for s, p, o, *_ in triples)
    for subject, _, obj, blank_subject, blank_object in lines:
        if blank_subject and blank_object:
            parent[root(subject)] = root(obj)
    plain: list[list[str]] = []
    groups: dict[str, list[str]] = {}
    for subject, predicate, obj, blank_subject, blank_object in lines:
        line = f"{subject} {predicate} {obj} ."
        if blank_subject or blank_object:
            groups.setdefault(root(subject if blank_subject else obj), []).append(line)
        else:
            plain.append([line])
    yield from _batches(plain, size)
    yield from _batches(list(groups.values()), min(size, BLANK_CHUNK_TRIPLES))


def _batches(groups: list[list[str]], size: int) -> Iterator[str]:
    batch: list[str] = []
    for group in groups:
        if batch and len(batch) + len(group) > size:
            yield "\n".join(batch)
            batch = []
        batch.extend(group)
    if batch:
        yield "\n".join(batch)


def checksum(ntriples: Iterable[str]) -> tuple[int, str]:
    """How many triples without a blank node, and a SHA-256 over them in their canonical
    N-Triples form, sorted (a store renames blank nodes, so those are counted, not hashed)."""
    import hashlib

    import pyoxigraph

    lines = sorted(
        {
            str(t)
            for t in _parse_nt(list(ntriples))
            if not isinstance(t.subject, pyoxigraph.BlankNode)
            and not isinstance(t.object, pyoxigraph.BlankNode)
        }
    )
    digest = hashlib.sha256()
    for line in lines:
        digest.update(line.encode() + b"\n")
    return len(lines), digest.hexdigest()


def target_ntriples(url: str, graph_iri: str | None, timeout: float) -> list[str]:
    """Every triple of the target graph, as N-Triples lines (one CONSTRUCT)."""
    pattern = f"GRAPH <{graph_iri}> {{ ?s ?p ?o }}" if graph_iri else "?s ?p ?o"
    body = send_query(
        url,
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {pattern} }}",
        accept=MEDIA_TYPES["nt"],
        timeout=timeout,
    )
    return [line for line in body.decode("utf-8").splitlines() if line.strip()]


@dataclass(frozen=True)
class PushReport:
    """What ``push`` did: how many triples went where, and how many the store now holds."""

    target: str  # a graph IRI, or "the default graph"
    triples_sent: int
    triples_in_store: int
    requests: int
    update_url: str
    checksum: str = ""  # SHA-256 over the target's triples without blank nodes, verified

    def as_text(self) -> str:
        verified = f", checksum {self.checksum[:16]} verified" if self.checksum else ""
        return (
            f"pushed {self.triples_sent} triples to {self.target} at {self.update_url} "
            f"in {self.requests} update request(s); the store now holds "
            f"{self.triples_in_store} triples there{verified}"
        )


TEMPORARY_PREFIX = "urn:kgtool:push:"


def insert_text(graph_iri: str, ntriples: str) -> str:
    """The update that adds one chunk to ``graph_iri``.

    ``INSERT DATA`` where the chunk has no blank node; with blank nodes ``INSERT … WHERE {}``
    (the same effect in SPARQL 1.1: fresh blank nodes, shared within the request), because
    Virtuoso refuses blank nodes in ``INSERT DATA``.
    """
    body = f"GRAPH <{graph_iri}> {{\n{ntriples}\n}}"
    if "_:" in ntriples and re.search(r"(^|\s)_:", ntriples, re.M):
        return f"INSERT {{ {body} }} WHERE {{}}"
    return f"INSERT DATA {{ {body} }}"


def temporary_graph_name(now: float | None = None) -> str:
    """``urn:kgtool:push:<UTC timestamp>:<uuid>``: recognisable, so a later push removes it."""
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(now))
    return f"{TEMPORARY_PREFIX}{stamp}:{uuid.uuid4()}"


def _select_values(url: str, query: str, timeout: float) -> list[str]:
    import json

    body = send_query(url, query, accept=MEDIA_TYPES["json"], timeout=timeout)
    try:
        bindings = json.loads(body)["results"]["bindings"]
        return [next(iter(row.values()))["value"] for row in bindings if row]
    except (ValueError, KeyError, TypeError, StopIteration) as error:
        raise EndpointError(f"endpoint {url}: answer is not SPARQL JSON results") from error


def count_triples(url: str, graph_iri: str | None, timeout: float) -> int:
    """How many triples the store holds in the default graph or in ``graph_iri``."""
    pattern = f"GRAPH <{graph_iri}> {{ ?s ?p ?o }}" if graph_iri else "?s ?p ?o"
    values = _select_values(url, f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}", timeout)
    try:
        return int(values[0])
    except (ValueError, IndexError) as error:
        raise EndpointError(f"endpoint {url}: cannot read the triple count") from error


GRACE_SECONDS = 6 * 3600  # a temporary graph younger than this may be a push still running
_LATER_PUSH = f"a push after {GRACE_SECONDS // 3600} h removes the temporary graph"


def temporary_age(iri: str, now: float | None = None) -> float | None:
    """Seconds since the push that named ``iri`` started (None when the name has no time)."""
    import calendar

    stamp = iri[len(TEMPORARY_PREFIX) :].split(":", 1)[0]
    try:
        started = calendar.timegm(time.strptime(stamp, "%Y%m%dT%H%M%SZ"))
    except ValueError:
        return None
    return (time.time() if now is None else now) - started


def temporary_graphs(url: str, timeout: float) -> list[str]:
    """The ``urn:kgtool:push:…`` graphs in the store (of pushes running, or interrupted)."""
    query = (
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
        f'FILTER(STRSTARTS(STR(?g), "{TEMPORARY_PREFIX}")) }}'
    )
    return sorted(
        iri
        for iri in _select_values(url, query, timeout)
        if re.fullmatch(re.escape(TEMPORARY_PREFIX) + r"[0-9TZ]+:[0-9a-f-]+", iri)
    )


def _after_move_failed(
    urls: Endpoints, graph_iri: str | None, temporary: str, sent: int, timeout: float
) -> str:
    """What is known after a MOVE whose reply was lost ("" if it verifiably happened)."""
    try:
        target = count_triples(urls.query, graph_iri, timeout)
        left = count_triples(urls.query, temporary, timeout)
    except EndpointError as error:
        return (
            "the target may have been replaced; the store cannot be asked now "
            f"({error.message}); {_LATER_PUSH} <{temporary}>"
        )
    if left == 0 and target == sent:
        return ""  # the MOVE happened: the push succeeded after all
    if left == sent:
        with contextlib.suppress(EndpointError):
            send_update(urls.update, f"DROP SILENT GRAPH <{temporary}>", timeout)
        return (
            f"the temporary graph still holds all {sent} triples, so the target graph was left "
            f"unchanged (it holds {target} triples)"
        )
    return (
        f"the target may have been replaced; count: target {target} triples, temporary graph "
        f"{left}, sent {sent}"
    )


def _store_hint(message: str) -> str:
    """A pointer to docs/stores.md for a refusal known to come from one store's limits."""
    if "SR553" in message and "Literal of type" in message:
        return (
            "; this store cannot hold literals of that datatype faithfully (Virtuoso 7 turns "
            "xsd:duration into a number): see docs/stores.md"
        )
    if "requires declaration of a plain default graph" in message:
        return (
            "; this store (Virtuoso) has no default graph of its own: push into a named graph "
            "with --graph (see docs/stores.md)"
        )
    return ""


def push(
    graph: Iterable[Sequence[object]],
    endpoint: str,
    graph_iri: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    update_url: str | None = None,
    chunk_size: int = CHUNK_TRIPLES,
    grace: float = GRACE_SECONDS,
) -> PushReport:
    """Load ``graph`` (distinct triples: an rdflib Graph, or pyoxigraph triples from the store)
    into a SPARQL 1.1 store, replacing the target graph as one step.

    First drops the temporary graphs that interrupted pushes left, older than ``grace``
    seconds (a younger one may belong to a push still running). Uploads into
    ``urn:kgtool:push:<UTC timestamp>:<uuid>`` with ``INSERT DATA`` in chunks, then ``MOVE``s
    it onto the target (the default graph unless ``graph_iri``), and verifies the target: its
    count, and a checksum over its triples, before reporting success. On a failure the
    temporary graph is dropped (if the store still answers) and the error says what is known
    about the target.
    """
    if graph_iri is not None and not ABSOLUTE_IRI.fullmatch(graph_iri):
        raise EndpointError(f"--graph {graph_iri}: not an absolute IRI (http…, urn:…)")
    if graph_iri is not None and graph_iri.startswith(TEMPORARY_PREFIX):
        raise EndpointError(f"--graph {graph_iri}: names kgtool's own temporary graphs")
    urls = endpoints(endpoint, update_url)
    parts = list(chunks(graph, chunk_size))
    sent = sum(part.count("\n") + 1 for part in parts)
    requests = _drop_leftovers(urls, timeout, grace)
    temporary = temporary_graph_name()
    requests += _upload(urls, temporary, parts, timeout)
    requests += _replace(urls, temporary, graph_iri, sent, timeout)
    try:
        check = verify(parts, urls.query, graph_iri, timeout)
    except EndpointError as error:
        raise EndpointError(
            f"{error.message}; the target was replaced but could not be verified"
        ) from error
    if not check.complete:
        raise EndpointError(f"endpoint {urls.query}: the target was replaced, but {check.problem}")
    return PushReport(
        target=f"<{graph_iri}>" if graph_iri else "the default graph",
        triples_sent=sent,
        triples_in_store=check.in_store,
        requests=requests,
        update_url=urls.update,
        checksum=check.checksum,
    )


def _drop_leftovers(urls: Endpoints, timeout: float, grace: float) -> int:
    """Drop the temporary graphs of interrupted pushes older than ``grace`` seconds; the number
    of requests sent."""
    requests = 0
    try:
        for leftover in temporary_graphs(urls.query, timeout):
            age = temporary_age(leftover)
            if age is None or age > grace:
                send_update(urls.update, f"DROP SILENT GRAPH <{leftover}>", timeout)
                requests += 1
    except EndpointError as error:
        raise EndpointError(
            f"{error.message}; push stopped before sending any data: the target graph was left "
            "unchanged"
        ) from error
    return requests


def _upload(urls: Endpoints, temporary: str, parts: list[str], timeout: float) -> int:
    """``INSERT DATA`` each chunk into the temporary graph; the number of requests sent."""
    requests = 0
    try:
        for part in parts:
            send_update(urls.update, insert_text(temporary, part), timeout)
            requests += 1
    except EndpointError as error:
        try:
            send_update(urls.update, f"DROP SILENT GRAPH <{temporary}>", timeout)
            cleaned = "the temporary graph was dropped"
        except EndpointError:
            cleaned = f"{_LATER_PUSH} <{temporary}>"
        raise EndpointError(
            f"{error.message}; push stopped before replacing the target: the target graph was "
            f"left unchanged; {cleaned}{_store_hint(error.message)}"
        ) from error
    return requests


def _replace(
    urls: Endpoints, temporary: str, graph_iri: str | None, sent: int, timeout: float
) -> int:
    """``MOVE`` the temporary graph onto the target (``CLEAR`` it when nothing was sent); the
    number of requests sent."""
    target = f"GRAPH <{graph_iri}>" if graph_iri else "DEFAULT"
    try:
        if sent:
            send_update(urls.update, f"MOVE GRAPH <{temporary}> TO {target}", timeout)
        else:
            send_update(urls.update, f"CLEAR {target}", timeout)
        return 1
    except EndpointError as error:
        if error.message.startswith(f"endpoint {urls.update}: HTTP "):
            with contextlib.suppress(EndpointError):
                send_update(urls.update, f"DROP SILENT GRAPH <{temporary}>", timeout)
            raise EndpointError(
                f"{error.message}; the store refused to replace the target: the target graph "
                f"was left unchanged{_store_hint(error.message)}"
            ) from error
        known = _after_move_failed(urls, graph_iri, temporary, sent, timeout)
        if known:
            raise EndpointError(f"{error.message}; no reply to MOVE: {known}") from error
        return 1


@dataclass(frozen=True)
class Verification:
    """The target graph compared with the local triples: counts and checksums."""

    expected: int
    in_store: int
    checksum: str  # the local triples' checksum (without blank nodes)
    store_checksum: str
    missing: list[str]  # a few local triples (without blank nodes) that the target lacks

    @property
    def complete(self) -> bool:
        return self.expected == self.in_store and self.checksum == self.store_checksum

    @property
    def problem(self) -> str:
        if self.complete:
            return ""
        what = f"it holds {self.in_store} triples, {self.expected} were sent"
        if self.expected == self.in_store:
            what = f"its checksum differs although it holds the {self.in_store} triples sent"
        missing = f"; missing e.g. {self.missing[0]}" if self.missing else ""
        return f"count: {what}{missing}"


def verify(parts: list[str], query_url: str, graph_iri: str | None, timeout: float) -> Verification:
    """Count the target and compare a checksum of its triples with the local ones (``parts``:
    N-Triples chunks from :func:`chunks`)."""
    lines = [line for part in parts for line in part.splitlines() if line]
    stored = target_ntriples(query_url, graph_iri, timeout)
    in_store = count_triples(query_url, graph_iri, timeout)
    ours, theirs = checksum(lines), checksum(stored)
    missing: list[str] = []
    if ours != theirs:
        import pyoxigraph

        have = {str(t) for t in _parse_nt(stored)}
        for triple in _parse_nt(lines):
            blank = pyoxigraph.BlankNode
            if isinstance(triple.subject, blank) or isinstance(triple.object, blank):
                continue
            if str(triple) not in have:
                missing.append(str(triple))
                if len(missing) >= 3:
                    break
    return Verification(len(lines), in_store, ours[1], theirs[1], missing)


def _parse_nt(lines: list[str]) -> Iterator[pyoxigraph.Triple]:
    import pyoxigraph

    return pyoxigraph.parse("\n".join(lines).encode(), format=pyoxigraph.RdfFormat.N_TRIPLES)
