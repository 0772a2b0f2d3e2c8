"""Talking to SPARQL endpoints: which URLs to use, readable errors, and ``push``.

``--endpoint`` takes either a server's base URL or its query URL:

* ``http://host:7878`` (no path): Oxigraph's layout, ``/query`` and ``/update`` are appended;
* ``…/query``: the query URL; updates go to the sibling ``…/update`` (Oxigraph, Fuseki);
* any other path (``…/sparql``): one URL for both queries and updates (Virtuoso, GraphDB).

``push`` never leaves the target half-loaded: it uploads into a fresh temporary named graph in
chunks, then replaces the target with one ``MOVE`` (atomic in the store), so a failure midway
leaves the target as it was (and the temporary graph is dropped).
"""

from __future__ import annotations

import ast
import contextlib
import socket
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from kgtool.errors import EndpointError

if TYPE_CHECKING:
    from rdflib import Graph

DEFAULT_TIMEOUT = 30.0
CHUNK_TRIPLES = 5000


@dataclass(frozen=True)
class Endpoints:
    """The query and update URLs derived from what the user gave."""

    query: str
    update: str


def _split_http(url: str):
    """``urlsplit(url)`` of an http(s) URL; EndpointError naming the URL for anything else."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises for a port out of range, which would wrap silently)
    except ValueError as error:  # e.g. "Invalid IPv6 URL" for http://[::1
        raise EndpointError(f"endpoint {url}: not a valid URL ({error})") from None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise EndpointError(f"endpoint {url}: not an http(s) URL (e.g. http://127.0.0.1:7878)")
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


def _server_message(error: Exception) -> str:
    """The server's own words from an HTTP error, on one line and short."""
    text = str(error)
    if "Response:\n" in text:
        raw = text.split("Response:\n", 1)[1]
        try:
            body = ast.literal_eval(raw)
            text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
        except (ValueError, SyntaxError):
            text = raw
    elif hasattr(error, "read"):
        try:
            text = error.read().decode("utf-8", "replace")  # type: ignore[attr-defined]
        except Exception:
            text = str(error)
    text = " ".join(text.split())
    return text[:300] + ("…" if len(text) > 300 else "")


_STATUS = {
    "QueryBadFormed": 400,
    "Unauthorized": 401,
    "EndPointNotFound": 404,
    "URITooLong": 414,
    "EndPointInternalError": 500,
}


def endpoint_error(url: str, error: BaseException, timeout: float) -> EndpointError:
    """An EndpointError that says, in one line, which URL failed and why."""
    from urllib.error import HTTPError, URLError

    reason: object = error
    if isinstance(error, HTTPError):
        return EndpointError(f"endpoint {url}: HTTP {error.code}: {_server_message(error)}")
    name = type(error).__name__
    if name in _STATUS:
        message = _server_message(error)  # type: ignore[arg-type]
        return EndpointError(f"endpoint {url}: HTTP {_STATUS[name]}: {message}")
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
    return EndpointError(f"endpoint {url}: {reason}")


def _wrapper(url: str, timeout: float, update_url: str | None = None):
    from SPARQLWrapper import POST, SPARQLWrapper

    wrapper = SPARQLWrapper(url, updateEndpoint=update_url)
    wrapper.setMethod(POST)
    wrapper.timeout = timeout  # type: ignore[assignment]  # floats work; setTimeout truncates
    return wrapper


def send_query(
    url: str,
    query_text: str,
    accept: str,
    timeout: float = DEFAULT_TIMEOUT,
    form: str = "SELECT",
) -> bytes:
    """POST a query and return the raw answer; errors become EndpointError naming the URL.

    ``form`` comes from the parsed query: SPARQLWrapper's own guess reads keywords in comments.
    """
    from SPARQLWrapper import JSON, TURTLE

    wrapper = _wrapper(url, timeout)
    wrapper.setQuery(query_text)
    wrapper.queryType = form  # type: ignore[assignment]
    wrapper.setReturnFormat(JSON if "json" in accept else TURTLE)
    wrapper.addCustomHttpHeader("Accept", accept)
    try:
        return wrapper.query().response.read()
    except EndpointError:
        raise
    except Exception as error:
        raise endpoint_error(url, error, timeout) from error


def send_update(url: str, update_text: str, timeout: float = DEFAULT_TIMEOUT) -> None:
    """POST a SPARQL 1.1 Update; errors become EndpointError naming the URL."""
    wrapper = _wrapper(url, timeout, update_url=url)
    wrapper.setQuery(update_text)
    wrapper.queryType = "INSERT"  # type: ignore[assignment]  # any update form: POST as update
    try:
        wrapper.query().response.read()
    except Exception as error:
        raise endpoint_error(url, error, timeout) from error


def chunks(graph: Graph, size: int = CHUNK_TRIPLES) -> Iterator[str]:
    """The graph as N-Triples text in chunks; a blank node never spans two chunks.

    Blank nodes in ``INSERT DATA`` are local to one request, so every triple that shares a
    blank node (directly or through others) travels in the same chunk.
    """
    from rdflib import BNode

    parent: dict[BNode, BNode] = {}

    def root(node: BNode) -> BNode:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    triples = sorted(graph)
    for subject, _, obj in triples:
        if isinstance(subject, BNode) and isinstance(obj, BNode):
            parent[root(subject)] = root(obj)
    plain: list[list] = []
    groups: dict[BNode, list] = {}
    for triple in triples:
        subject, _, obj = triple
        node = subject if isinstance(subject, BNode) else obj
        if isinstance(node, BNode):
            groups.setdefault(root(node), []).append(triple)
        else:
            plain.append([triple])
    batch: list[str] = []
    for group in [*plain, *groups.values()]:
        if batch and len(batch) + len(group) > size:
            yield "\n".join(batch)
            batch = []
        batch.extend(" ".join(term.n3() for term in triple) + " ." for triple in group)
    if batch:
        yield "\n".join(batch)


@dataclass(frozen=True)
class PushReport:
    """What ``push`` did: how many triples went where, and how many the store now holds."""

    target: str  # a graph IRI, or "the default graph"
    triples_sent: int
    triples_in_store: int
    requests: int
    update_url: str

    def as_text(self) -> str:
        return (
            f"pushed {self.triples_sent} triples to {self.target} at {self.update_url} "
            f"in {self.requests} update request(s); the store now holds "
            f"{self.triples_in_store} triples there"
        )


def count_triples(url: str, graph_iri: str | None, timeout: float) -> int:
    """How many triples the store holds in the default graph or in ``graph_iri``."""
    import json

    pattern = f"GRAPH <{graph_iri}> {{ ?s ?p ?o }}" if graph_iri else "?s ?p ?o"
    body = send_query(
        url,
        f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}",
        accept="application/sparql-results+json",
        timeout=timeout,
    )
    try:
        return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])
    except (ValueError, KeyError, IndexError) as error:
        raise EndpointError(f"endpoint {url}: cannot read the triple count") from error


def push(
    graph: Graph,
    endpoint: str,
    graph_iri: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    update_url: str | None = None,
    chunk_size: int = CHUNK_TRIPLES,
) -> PushReport:
    """Load ``graph`` into a SPARQL 1.1 store, replacing the target graph as one step.

    Uploads into ``urn:kgtool:push:<uuid>`` with ``INSERT DATA`` in chunks, then
    ``MOVE``s it onto the target (the default graph unless ``graph_iri``). On any failure the
    temporary graph is dropped and the target is left as it was.
    """
    import re

    if graph_iri is not None and not re.fullmatch(
        r"[A-Za-z][A-Za-z0-9+.-]*:[^\x00-\x20<>\"{}|^`\\]+", graph_iri
    ):
        raise EndpointError(f"--graph {graph_iri}: not an absolute IRI (http…, urn:…)")
    urls = endpoints(endpoint, update_url)
    temporary = f"urn:kgtool:push:{uuid.uuid4()}"
    requests = 0
    sent = len(graph)
    try:
        for chunk in chunks(graph, chunk_size):
            send_update(
                urls.update, f"INSERT DATA {{ GRAPH <{temporary}> {{\n{chunk}\n}} }}", timeout
            )
            requests += 1
        target = f"GRAPH <{graph_iri}>" if graph_iri else "DEFAULT"
        if sent:
            send_update(urls.update, f"MOVE GRAPH <{temporary}> TO {target}", timeout)
        else:
            send_update(urls.update, f"CLEAR {target}", timeout)
        requests += 1
    except EndpointError as error:
        with contextlib.suppress(EndpointError):
            send_update(urls.update, f"DROP SILENT GRAPH <{temporary}>", timeout)
        raise EndpointError(
            f"{error.message}; push stopped, the target graph was left unchanged"
        ) from error
    in_store = count_triples(urls.query, graph_iri, timeout)
    return PushReport(
        target=f"<{graph_iri}>" if graph_iri else "the default graph",
        triples_sent=sent,
        triples_in_store=in_store,
        requests=requests,
        update_url=urls.update,
    )
