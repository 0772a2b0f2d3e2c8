"""Publishing under another base IRI: every IRI under the data's base is mapped to the new one."""

from __future__ import annotations

from rdflib import Graph, URIRef

from kgtool.store.graph import new_graph
from kgtool.terms import DEFAULT_BASE


def check_base(base: str) -> str:
    """The base as given, if it is an absolute http(s) IRI ending in '/'; else ValueError."""
    if not base.startswith(("http://", "https://")) or not base.endswith("/"):
        raise ValueError(f"{base!r} must be an absolute http(s) IRI ending in '/'")
    if any(ch in base for ch in ' <>"{}|\\^`'):
        raise ValueError(f"{base!r} contains characters not allowed in an IRI")
    return base


def rebase(graph: Graph, base: str, old: str = DEFAULT_BASE) -> Graph:
    """A copy of ``graph`` with IRIs starting with ``old`` moved under ``base``."""
    if base == old:
        return graph

    def move(term):
        if isinstance(term, URIRef) and str(term).startswith(old):
            return URIRef(base + str(term)[len(old) :])
        return term

    out = new_graph()
    for prefix, namespace in graph.namespaces():
        out.bind(prefix, move(URIRef(str(namespace))), override=True, replace=True)
    for s, p, o in graph:
        out.add((move(s), move(p), move(o)))
    return out
