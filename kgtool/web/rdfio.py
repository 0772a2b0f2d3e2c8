"""Deterministic RDF output: sorted N-Triples, a sorted JSON-LD, gzip; whole-graph dumps
streamed by Oxigraph's serialisers.

The same graph always gives the same bytes, so a published site can be diffed and cached (blank
nodes have stable labels from the start: ``kgtool.web.site.store``).
"""

from __future__ import annotations

import gzip
import io
from collections.abc import Iterable
from json.encoder import encode_basestring as _quote  # json's C encoder of a string
from operator import itemgetter

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF

from kgtool.store.graph import new_graph
from kgtool.terms import rdflib_term, shorten


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
    kind = type(node)  # (a type test first: isinstance with rdflib's ABCs is slow)
    return (
        f"_:{node}"
        if kind is BNode or (kind is not URIRef and isinstance(node, BNode))
        else str(node)
    )


def _value(term, prefixes: dict[str, str]) -> tuple[tuple[str, ...], str]:
    """A term as a JSON-LD value: its sort key (``@id``, ``@value``, ``@language``, ``@type``)
    and its text as ``_indented`` writes it at its depth in ``to_jsonld``'s document."""
    kind = type(term)
    if kind is Literal or (kind is not URIRef and kind is not BNode and isinstance(term, Literal)):
        text = str(term)
        if term.language:
            language = term.language
            body = f'"@value": {_quote(text)},{_KEY}"@language": {_quote(language)}'
            return ("", text, language, ""), f"{{{_KEY}{body}{_VALUE_END}"
        if term.datatype:
            kind = shorten(str(term.datatype), prefixes, bare=True)
            body = f'"@value": {_quote(text)},{_KEY}"@type": {_quote(kind)}'
            return ("", text, "", kind), f"{{{_KEY}{body}{_VALUE_END}"
        return ("", text, "", ""), f'{{{_KEY}"@value": {_quote(text)}{_VALUE_END}'
    node = _node_id(term)
    return (node, "", "", ""), f'{{{_KEY}"@id": {_quote(node)}{_VALUE_END}'


#: Where ``to_jsonld``'s document puts a value's keys (inside ``@graph``, a node and its list
#: of values: ``json.dumps(..., indent=1)`` indents them by five), the end of a value, the
#: separators of a node's values and of its keys, and of the nodes.
_KEY, _VALUE_END = "\n     ", "\n    }"
_IN_LIST, _LIST_END = ",\n    ", "\n   ]"
_IN_NODE, _NODE_END = ",\n   ", "\n  }"
_IN_GRAPH = ",\n  "


_SHORTENERS: dict[tuple, dict[str, str]] = {}
_RDF_TYPE = str(RDF.type)


def _shortener(context: dict[str, str]):
    """``shorten(iri, context, bare=True)``, remembered per context (pages repeat IRIs)."""
    key = tuple(context.items())
    memo = _SHORTENERS.get(key)
    if memo is None or len(memo) > 100_000:
        memo = _SHORTENERS[key] = {}

    def shortened(iri: str) -> str:
        found = memo.get(iri)
        if found is None:
            found = memo[iri] = shorten(iri, context, bare=True)
        return found

    return shortened


def to_jsonld(graph: Graph, prefixes: dict[str, str] | None = None) -> bytes:
    """JSON-LD with a prefix context and a ``@graph`` of nodes sorted by ``@id`` (each node's
    types sorted, then its properties, each property's values by ``@id``, ``@value``,
    ``@language`` and ``@type``): what ``json.dumps(document, ensure_ascii=False, indent=1)``
    writes, made as text (the document has one shape)."""
    context = prefixes if prefixes is not None else _used_prefixes(graph)
    short = _shortener(context)
    nodes: dict[str, dict[str, list]] = {}
    for s, p, o in graph:
        node_id = _node_id(s)
        node = nodes.get(node_id)
        if node is None:
            node = nodes[node_id] = {}
        predicate = str(p)
        if predicate == _RDF_TYPE and (type(o) is URIRef or not isinstance(o, Literal)):
            key, value = "@type", short(str(o))
        else:
            key, value = short(predicate), _value(o, context)
        found = node.get(key)
        if found is None:
            node[key] = [value]
        else:
            found.append(value)
    items = []
    for node_id in sorted(nodes):
        node = nodes[node_id]
        parts = [f'"@id": {_quote(node_id)}']
        types = node.pop("@type", None)
        if types is not None:
            types.sort()
            parts.append(f'"@type": [{_IN_LIST[1:]}{_IN_LIST.join(map(_quote, types))}{_LIST_END}')
        for key in sorted(node):
            values = node[key]
            values.sort(key=itemgetter(0))  # stable: equal keys keep the graph's order
            shown = _IN_LIST.join([text for _, text in values])
            parts.append(f"{_quote(key)}: [{_IN_LIST[1:]}{shown}{_LIST_END}")
        items.append(f"{{{_IN_NODE[1:]}{_IN_NODE.join(parts)}{_NODE_END}")
    key = tuple(sorted(context.items()))
    head = _CONTEXTS.get(key)
    if head is None:
        if len(_CONTEXTS) > 100:
            _CONTEXTS.clear()
        head = _CONTEXTS[key] = _indented(dict(key), " ")
    listed = f"[{_IN_GRAPH[1:]}{_IN_GRAPH.join(items)}\n ]" if items else "[]"
    text = f'{{\n "@context": {head},\n "@graph": {listed}\n}}\n'
    return text.encode("utf-8")


#: The ``@context`` of each set of prefixes as ``_indented`` writes it (pages share a few).
_CONTEXTS: dict[tuple, str] = {}


def _indented(value, pad: str = "") -> str:
    """``value`` (dicts, lists and strings, nested) as ``json.dumps(value, ensure_ascii=False,
    indent=1)`` writes it, starting on a line indented by ``pad``: the same bytes without the
    pure-Python encoder ``json`` falls back to for indented output."""
    if isinstance(value, str):
        return _quote(value)
    if not value:
        return "{}" if isinstance(value, dict) else "[]"
    inner = pad + " "
    if isinstance(value, dict):
        body = f",\n{inner}".join(
            f"{_quote(k)}: {_quote(v) if isinstance(v, str) else _indented(v, inner)}"
            for k, v in value.items()
        )
        return f"{{\n{inner}{body}\n{pad}}}"
    body = f",\n{inner}".join(
        _quote(v) if isinstance(v, str) else _indented(v, inner) for v in value
    )
    return f"[\n{inner}{body}\n{pad}]"


SERIALISERS = {"ttl": to_turtle, "nt": to_ntriples, "jsonld": to_jsonld}


class _Triples:
    """Triples and prefixes, enough of a graph for ``to_jsonld``."""

    def __init__(self, triples: list, namespaces: list) -> None:
        self._triples = triples
        self._namespaces = namespaces

    def __iter__(self):
        return iter(self._triples)

    def namespaces(self):
        return iter(self._namespaces)


def resource_files(graph, iri: URIRef) -> dict[str, bytes]:
    """The RDF files of one resource of a ``StoreGraph`` (its concise bounded description),
    by extension: Turtle written by Oxigraph's serialiser, N-Triples by Oxigraph's terms (a
    triple's text is its N-Triples line, as the serialiser writes it, without " ."; lines
    sorted), JSON-LD by ``to_jsonld`` with the same context as ``describe`` gives."""
    import pyoxigraph

    lines = graph.description_lines(iri)  # sorted by their text: the N-Triples lines' order
    triples = [triple for _, triple in lines]
    convert = graph.published
    terms = [(convert(t.subject), convert(t.predicate), convert(t.object)) for t in triples]
    return {
        "ttl": pyoxigraph.serialize(
            triples, format=pyoxigraph.RdfFormat.TURTLE, prefixes=_used(graph.prefix_map(), triples)
        ),
        "nt": "".join([f"{text} .\n" for text, _ in lines]).encode("utf-8"),
        "jsonld": to_jsonld(_Triples(terms, _bindings(graph))),
    }


#: Per set of prefixes: IRI -> the prefixes whose namespace starts it (pages repeat IRIs).
_STARTS: dict[tuple, dict[str, tuple[str, ...]]] = {}


def _used(prefixes: dict[str, str], triples: list) -> dict[str, str]:
    """The prefixes whose namespace starts an IRI of ``triples``."""
    import pyoxigraph

    named, literal = pyoxigraph.NamedNode, pyoxigraph.Literal
    iris = set()
    for t in triples:
        o = t.object
        iris.add(t.subject.value if type(t.subject) is named else "")
        iris.add(t.predicate.value)
        iris.add(o.value if type(o) is named else o.datatype.value if type(o) is literal else "")
    iris.discard("")
    key = tuple(prefixes.items())
    starts = _STARTS.get(key)
    if starts is None or len(starts) > 100_000:
        if len(_STARTS) > 100:
            _STARTS.clear()
        starts = _STARTS[key] = {}
    used: set[str] = set()
    for iri in iris:
        found = starts.get(iri)
        if found is None:
            found = starts[iri] = tuple(p for p, ns in key if iri.startswith(ns))
        used.update(found)
    return {p: ns for p, ns in key if p in used}


def serialise(graph: Graph, ext: str) -> bytes:
    """Serialise ``graph`` as ``ttl``, ``nt`` or ``jsonld``."""
    return SERIALISERS[ext](graph)


def gzip_bytes(data: bytes) -> bytes:
    """Gzip with no file name and mtime 0, so the same input gives the same bytes."""
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=9) as out:
        out.write(data)
    return buffer.getvalue()


#: Oxigraph's format of each dump's file extension.
STORE_FORMATS = {"ttl": "TURTLE", "nt": "N_TRIPLES", "jsonld": "JSON_LD"}


def dump_store(graph, path, ext: str) -> None:
    """The whole graph of a ``StoreGraph`` written to ``path`` by Oxigraph's serialiser
    (streamed, never held in memory), IRIs under the graph's published base."""
    import pyoxigraph

    rdf_format = getattr(pyoxigraph.RdfFormat, STORE_FORMATS[ext])
    prefixes = {prefix: str(ns) for prefix, ns in graph.namespaces()} if ext == "ttl" else None
    if not graph.moved:  # Oxigraph writes the file itself: no Python per triple, GIL released
        graph.store.dump(str(path), rdf_format, from_graph=pyoxigraph.DefaultGraph(),
                         prefixes=prefixes)  # fmt: skip
        return
    quads = graph.store.quads_for_pattern(None, None, None, pyoxigraph.DefaultGraph())
    if graph.moved:
        triples = (graph.move_triple(quad) for quad in quads)
    else:
        triples = (quad.triple for quad in quads)
    pyoxigraph.serialize(triples, str(path), rdf_format, prefixes=prefixes)


def gzip_file(source, target) -> None:
    """``target`` (in a staging folder) as the gzip of ``source`` (no file name, mtime 0: the
    same input gives the same bytes)."""
    import shutil

    from kgtool.atomic import open_staged

    with (
        open(source, "rb") as data,
        open_staged(target) as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=6) as out,
    ):
        shutil.copyfileobj(data, out, 1 << 20)


_BINDINGS: dict[tuple, list[tuple[str, URIRef]]] = {}


def _bindings(graph) -> list[tuple[str, URIRef]]:
    """``new_graph``'s prefixes and then ``graph``'s, as binding them one by one leaves them
    (worked out once per set of prefixes: rdflib's ``bind`` is slow)."""
    key = tuple((prefix, str(ns)) for prefix, ns in graph.namespaces())
    if key not in _BINDINGS:
        template = new_graph()
        for prefix, namespace in key:
            template.bind(prefix, namespace, override=True, replace=True)
        _BINDINGS[key] = list(template.namespaces())
    return _BINDINGS[key]


def _graph_like(graph) -> Graph:
    """A new graph with the prefixes ``_bindings`` gives."""
    out = Graph(bind_namespaces="none")
    for prefix, namespace in _bindings(graph):
        out.store.bind(prefix, namespace, override=True)
    return out


def describe(graph: Graph, subject: URIRef) -> Graph:
    """The concise bounded description of ``subject``: its triples plus blank nodes they reach."""
    out = _graph_like(graph)
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
