"""Deterministic RDF output: canonical blank nodes, sorted N-Triples, a sorted JSON-LD, gzip.

The same graph always gives the same bytes, so a published site can be diffed and cached.
"""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Iterable

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF

from kgtool.store.graph import new_graph
from kgtool.terms import rdflib_term, shorten


def canonical(graph: Graph) -> Graph:
    """A copy of ``graph`` whose blank nodes have stable, content-derived labels."""
    from rdflib.compare import to_canonical_graph

    out = new_graph()
    for prefix, namespace in graph.namespaces():
        out.bind(prefix, namespace, override=True, replace=True)
    for triple in to_canonical_graph(graph):
        out.add(triple)
    return out


def to_turtle(graph: Graph) -> bytes:
    """Turtle via rdflib's ``longturtle`` (sorted subjects and prefixes)."""
    return graph.serialize(format="longturtle", encoding="utf-8")


def to_ntriples(graph: Graph) -> bytes:
    """N-Triples, one triple a line, lines sorted."""
    text = graph.serialize(format="nt", encoding="utf-8").decode("utf-8")
    lines = sorted({line for line in text.splitlines() if line.strip()})
    return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""


def _used_prefixes(graph: Graph) -> dict[str, str]:
    return {prefix: str(ns) for prefix, ns in graph.namespaces() if prefix}


def _node_id(node: URIRef | BNode) -> str:
    return f"_:{node}" if isinstance(node, BNode) else str(node)


def _value(term, prefixes: dict[str, str]) -> dict[str, str]:
    if isinstance(term, Literal):
        value: dict[str, str] = {"@value": str(term)}
        if term.language:
            value["@language"] = term.language
        elif term.datatype:
            value["@type"] = shorten(str(term.datatype), prefixes, bare=True)
        return value
    return {"@id": _node_id(term)}


def _sort_key(value: dict[str, str]) -> tuple[str, ...]:
    return tuple(value.get(key, "") for key in ("@id", "@value", "@language", "@type"))


def to_jsonld(graph: Graph, prefixes: dict[str, str] | None = None) -> bytes:
    """JSON-LD with a prefix context and a ``@graph`` of nodes sorted by ``@id``."""
    context = prefixes if prefixes is not None else _used_prefixes(graph)
    nodes: dict[str, dict[str, list]] = {}
    for s, p, o in graph:
        node = nodes.setdefault(_node_id(s), {})
        if p == RDF.type and not isinstance(o, Literal):
            node.setdefault("@type", []).append(shorten(str(o), context, bare=True))
        else:
            node.setdefault(shorten(str(p), context, bare=True), []).append(_value(o, context))
    items = []
    for node_id in sorted(nodes):
        node = nodes[node_id]
        item: dict[str, object] = {"@id": node_id}
        if "@type" in node:
            item["@type"] = sorted(node.pop("@type"))
        for key in sorted(node):
            item[key] = sorted(node[key], key=_sort_key)
        items.append(item)
    document = {"@context": dict(sorted(context.items())), "@graph": items}
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


SERIALISERS = {"ttl": to_turtle, "nt": to_ntriples, "jsonld": to_jsonld}


def serialise(graph: Graph, ext: str) -> bytes:
    """Serialise ``graph`` as ``ttl``, ``nt`` or ``jsonld``."""
    return SERIALISERS[ext](graph)


def gzip_bytes(data: bytes) -> bytes:
    """Gzip with no file name and mtime 0, so the same input gives the same bytes."""
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=9) as out:
        out.write(data)
    return buffer.getvalue()


def describe(graph: Graph, subject: URIRef) -> Graph:
    """The concise bounded description of ``subject``: its triples plus blank nodes they reach."""
    out = new_graph()
    for prefix, namespace in graph.namespaces():
        out.bind(prefix, namespace, override=True, replace=True)
    todo: list[URIRef | BNode] = [subject]
    seen: set = set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for _, p, o in graph.triples((node, None, None)):
            out.add((node, p, o))
            if isinstance(o, BNode):
                todo.append(o)
    return out


def merge(graphs: Iterable[Graph]) -> Graph:
    """One graph holding the triples of all ``graphs`` (prefixes from the first)."""
    out = new_graph()
    for graph in graphs:
        out += graph
    return out


def graph_of_triples(triples) -> Graph:
    """An rdflib graph (project prefixes bound) of pyoxigraph triples."""
    from kgtool.store.graph import new_graph

    graph = new_graph()
    for triple in triples:
        graph.add((rdflib_term(triple.subject), rdflib_term(triple.predicate),
                   rdflib_term(triple.object)))  # fmt: skip
    return graph
