"""The store the site reads: the project's files in one in-memory Oxigraph graph, stable blank
nodes, and an rdflib-shaped view of it under the published base.

``load_site_store`` (``kgtool.web.site.loading``) reads every file once into the default graph
of an in-memory store (a triple written in two files is one triple; lookups are several times
faster than on the cached on-disk store), blank nodes labelled ``b<file hash>x<n>`` in the
order they first appear in their file.

``StoreGraph`` answers the few questions the page model asks (``objects``, ``subjects``,
``value``, ``in`` …) with pattern lookups on that store, in rdflib terms, with IRIs under the
data's base moved under the published ``base``: the cost of a page depends on the resource,
not on the size of the graph.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from operator import itemgetter
from typing import TYPE_CHECKING

from rdflib import BNode, Literal, URIRef

from kgtool.terms import DEFAULT_BASE, LABEL_PROPERTIES, PREFIXES, rdflib_term
from kgtool.web.site.loading import _stable_triples as _stable_triples
from kgtool.web.site.loading import load_site_store as load_site_store

if TYPE_CHECKING:
    from kgtool.store.engine import ProjectStore

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
#: Terms (and nodes' names) remembered before a memo starts again: pages ask for the same few
#: often (properties, classes, municipalities); at 100,000 a memo held up to 30 MB in each page
#: worker at 1 M triples, and the rest is rarely asked again.
IRIS_KEPT = 20_000
ANY = "*"  # a page's lookup of neither a subject nor an object (see ``StoreGraph.page``)
_UNKNOWN = object()  # not worked out yet (a memo's None is an answer)


_LABEL_REFS = tuple((prop, URIRef(prop)) for prop in LABEL_PROPERTIES)


class _QuietIllTyped(logging.Filter):
    """Drops rdflib's warnings (with tracebacks) about ill-typed literals: such a literal is
    valid RDF, shown as written (the shapes report it with its file and line)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "Failed to convert Literal lexical form" not in record.getMessage()


_QUIET = _QuietIllTyped()


class StoreGraph:
    """The read side of an rdflib ``Graph`` over one Oxigraph store, IRIs moved under ``base``."""

    def __init__(self, project_store: ProjectStore, base: str = DEFAULT_BASE) -> None:
        import pyoxigraph

        self.project_store = project_store
        self.store = project_store.store
        self.base = base
        self.moved = self._moved = base != DEFAULT_BASE
        self._ox = pyoxigraph
        self._default = pyoxigraph.DefaultGraph()
        self._iris: dict = {}  # store term -> rdflib term
        self._back: dict = {}  # rdflib IRI or blank node -> store term (of those in _iris)
        self._memo: dict | None = None  # pattern -> triples, while one page renders
        self._deps: set[str] | None = None  # the nodes that page looked up
        self._names: dict = {}  # node -> its label literals (both languages rank them)
        self._subjects: dict[str, list[URIRef]] = {}  # prefix -> its IRI subjects
        self._namespaces: list | None = None  # (prefix, namespace under base), made once
        self._shown_iris: dict = {}  # IRI asked for -> as the store's triples show it
        self._prefix_map: dict[str, str] | None = None
        logging.getLogger("rdflib.term").addFilter(_QUIET)  # terms are made while pages render

    def close(self) -> None:
        """Let go of the store: its memory is freed once nothing else holds it, and a lookup
        afterwards fails."""
        self.store = self.project_store = None

    # -- terms both ways -----------------------------------------------------------------------

    def to_store(self, term):
        """An rdflib term (under ``base``) as the store's term; None stays None."""
        ox = self._ox
        if term is None:
            return None
        found = self._back.get(term)
        if found is not None:
            return found
        if isinstance(term, URIRef):
            return ox.NamedNode(self._store_iri(str(term)))
        if isinstance(term, BNode):
            return ox.BlankNode(str(term))
        if isinstance(term, Literal):
            if term.language:
                return ox.Literal(str(term), language=term.language)
            if term.datatype is not None:
                return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
            return ox.Literal(str(term))
        raise TypeError(f"not an RDF term: {term!r}")

    def _store_iri(self, text: str) -> str:
        """An IRI under ``base`` as the store has it."""
        if self._moved and text.startswith(self.base):
            return DEFAULT_BASE + text[len(self.base) :]
        return text

    def published(self, node):
        """A store term as the rdflib term, IRIs under ``base`` (``terms.rdflib_term`` for
        the rest; terms remembered, pages ask for the same ones often, and ``to_store`` finds
        the way back for IRIs and blank nodes)."""
        found = self._iris.get(node)
        if found is None:
            if len(self._iris) > IRIS_KEPT:
                self._iris.clear()
                self._back.clear()
            kind = type(node).__name__
            if kind != "NamedNode":
                found = rdflib_term(node)
                if kind == "BlankNode":
                    self._back[found] = node
            else:
                moved = text = node.value
                if self._moved and text.startswith(DEFAULT_BASE):
                    moved = self.base + text[len(DEFAULT_BASE) :]
                found = URIRef(moved)
                if self._store_iri(moved) == text:  # not an IRI already under ``base``
                    self._back[found] = node
            self._iris[node] = found
        return found

    def _quads(self, s, p, o):
        try:
            found = self.store.quads_for_pattern(
                self.to_store(s), self.to_store(p), self.to_store(o), self._default
            )
        except ValueError:  # a term the store cannot hold (e.g. a bad IRI): nothing matches
            return iter(())
        return found

    def move_triple(self, quad):
        """A store quad as a triple with its IRIs under ``base`` (for dumps)."""
        ox = self._ox

        def move(node):
            if type(node).__name__ == "NamedNode" and node.value.startswith(DEFAULT_BASE):
                return ox.NamedNode(self.base + node.value[len(DEFAULT_BASE) :])
            return node

        return ox.Triple(move(quad.subject), move(quad.predicate), move(quad.object))

    def description(self, iri: URIRef) -> list:
        """The concise bounded description of ``iri`` (its triples and those of the blank nodes
        they reach) as store triples under ``base``, sorted."""
        return [triple for _, triple in self.description_lines(iri)]

    def description_lines(self, iri: URIRef) -> list[tuple[str, object]]:
        """``description``'s triples with their texts (a triple's N-Triples line without
        " ."), sorted by the text."""
        ox = self._ox
        start = self.to_store(iri)
        found, todo, seen = [], [start], set()
        while todo:
            node = todo.pop()
            if node in seen:
                continue
            seen.add(node)
            for quad in self.store.quads_for_pattern(node, None, None, self._default):
                found.append(quad)
                if isinstance(quad.object, ox.BlankNode):
                    todo.append(quad.object)
        if self._deps is not None:
            self._deps.update([self.published(node) for node in seen])
        triples = [self.move_triple(q) if self._moved else q.triple for q in found]
        lines = [(str(triple), triple) for triple in triples]
        lines.sort(key=itemgetter(0))
        return lines

    def prefix_map(self) -> dict[str, str]:
        """Prefix -> namespace (under ``base``) of ``namespaces``, but the empty prefix."""
        if self._prefix_map is None:
            self._prefix_map = {prefix: str(ns) for prefix, ns in self.namespaces() if prefix}
        return self._prefix_map

    # -- the rdflib Graph methods the site uses ------------------------------------------------

    def note(self, node) -> None:
        """While a page renders: it shows something of ``node`` (see ``page``)."""
        if self._deps is not None:
            self._deps.add(node)

    def _note_pattern(self, pattern) -> None:
        s, _, o = pattern
        self._deps.add(s if s is not None else o if o is not None else ANY)

    def triples(self, pattern) -> Iterator[tuple]:
        found = self._page_triples(pattern)
        return self._triples(pattern) if found is None else iter(found)

    def _page_triples(self, pattern) -> list | None:
        """While a page renders: the triples of ``pattern`` (asked once); else None."""
        memo = self._memo
        if memo is None:
            return None
        found = memo.get(pattern)
        if found is None:  # the first ask on this page: noted once
            self._note_pattern(pattern)
            found = memo[pattern] = self._page_lookup(memo, pattern)
        return found

    def _page_lookup(self, memo: dict, pattern) -> list:
        """The triples of ``pattern``, filtered from all of its subject's when the page has
        them (``prefetch``) or from all of its object's (the links to a resource, which its
        page asks first), else from the store (in the same order: by subject)."""
        s, p, o = pattern
        if o is None:
            whole = memo.get((s, None, None)) if s is not None else None
        else:
            whole = memo.get((None, None, o)) if s is None and p is not None else None
        if whole is None:
            return list(self._triples(pattern))
        if p is None:
            return whole
        shown = self._shown(p)
        if shown is None:
            return []
        same = str.__eq__  # predicates are IRIs: their text decides (rdflib's == is Python)
        return [t for t in whole if same(t[1], shown)]

    def _shown(self, iri):
        """An IRI as the store's triples show it (under ``base``); None for one the store
        cannot hold (nothing matches it). Remembered: pages filter by the same predicates."""
        shown = self._shown_iris
        found = shown.get(iri, _UNKNOWN)
        if found is _UNKNOWN:
            if len(shown) > IRIS_KEPT:
                shown.clear()
            try:
                found = self.published(self.to_store(iri))
            except ValueError:
                found = None
            shown[iri] = found
        return found

    def prefetch(self, node) -> None:
        """While a page renders: all of ``node``'s triples in one lookup, from which its later
        lookups by predicate are answered (a membership, a period: several asked of each)."""
        if self._memo is not None and node is not None:
            self.triples((node, None, None))

    def _triples(self, pattern) -> Iterator[tuple]:
        """The store's triples of ``pattern`` as rdflib terms (a term the pattern fixes is the
        same in every triple: converted once)."""
        s, p, o = pattern
        known, convert = self._iris.get, self.published
        subject = predicate = value = None
        for quad in self._quads(s, p, o):
            if s is None or subject is None:
                node = quad.subject
                subject = known(node) or convert(node)
            if p is None or predicate is None:
                node = quad.predicate
                predicate = known(node) or convert(node)
            if o is None or value is None:
                node = quad.object
                value = known(node) or convert(node)
            yield (subject, predicate, value)

    @contextmanager
    def page(self):
        """Within: each lookup pattern asked once (a page's two languages ask the same), and
        the set it gives noting every node the page looked up (the subject of a pattern, else
        its object; ``ANY`` for a pattern of neither): a change to a triple whose subject or
        object is not in the set cannot change the page (incremental publish)."""
        self._memo = {}
        self._deps = nodes = set()  # terms (and texts) while the page renders
        deps: set[str] = set()
        try:
            yield deps
        finally:
            self._memo = self._deps = None
            deps.update([str(node) for node in nodes])

    def label_literals(self, node) -> list[tuple[str, Literal]]:
        """(property, literal) of each naming property (``LABEL_PROPERTIES``) of ``node``
        (remembered: both languages and every page that links ``node`` ask)."""
        memo = self._memo
        if memo is not None:
            self._deps.add(node)
            whole = memo.get((node, None, None))
            if whole is not None:  # the page has all of its triples: no lookup
                return self._label_pairs(whole)
        found = self._names.get(node)
        if found is None:
            if len(self._names) > IRIS_KEPT:
                self._names.clear()
            found = self._names[node] = [
                (prop, o)
                for prop, ref in _LABEL_REFS
                for _, _, o in self._triples((node, ref, None))
                if type(o) is Literal  # (the store's terms are rdflib's own classes)
            ]
        return found

    def _label_pairs(self, triples: list) -> list[tuple[str, Literal]]:
        """``label_literals`` of a node, from all of its triples (those of one predicate in
        the order its own lookup gives them)."""
        found = []
        same = str.__eq__
        for prop, ref in _LABEL_REFS:
            shown = self._shown(ref)
            found += [(prop, o) for _, p, o in triples if same(p, shown) and type(o) is Literal]
        return found

    def __iter__(self):
        return self.triples((None, None, None))

    def __contains__(self, triple) -> bool:
        memo = self._memo
        if memo is None:
            return next(iter(self._quads(*triple)), None) is not None
        found = memo.get(triple)
        if found is not None:
            return bool(found)
        key = ("in", triple)  # a yes/no answer, remembered for the page's other language
        answer = memo.get(key)
        if answer is None:
            self._note_pattern(triple)
            answer = memo[key] = self._page_contains(memo, triple)
        return answer

    def _page_contains(self, memo: dict, triple) -> bool:
        """Whether the store has ``triple``: from all of its subject's triples when the page
        has them, else from the store."""
        s, p, o = triple
        whole = memo.get((s, None, None))
        if whole is not None and p is not None:
            if o is None:
                return bool(self._page_lookup(memo, triple))
            if type(o) is URIRef:  # IRIs: their type and text decide
                p, o = self._shown(p), self._shown(o)
                if p is None or o is None:
                    return False
                same = str.__eq__
                return any(same(t[1], p) and type(t[2]) is URIRef and same(t[2], o) for t in whole)
        return next(iter(self._quads(*triple)), None) is not None

    def __len__(self) -> int:
        return len(self.store)

    def subjects(self, predicate=None, object=None, unique: bool = False):
        pattern = (None, predicate, object)
        listed = self._page_triples(pattern)  # (a page's few: a list, not a generator)
        found = iter([t[0] for t in listed]) if listed is not None else self._column(pattern, 0)
        return iter(dict.fromkeys(found)) if unique else found

    def objects(self, subject=None, predicate=None, unique: bool = False):
        pattern = (subject, predicate, None)
        listed = self._page_triples(pattern)
        found = iter([t[2] for t in listed]) if listed is not None else self._column(pattern, 2)
        return iter(dict.fromkeys(found)) if unique else found

    def _column(self, pattern, index: int) -> Iterator:
        return (t[index] for t in self._triples(pattern))

    def predicates(self, subject=None, object=None, unique: bool = False):
        found = (p for _, p, _ in self.triples((subject, None, object)))
        return iter(dict.fromkeys(found)) if unique else found

    def predicate_objects(self, subject=None, unique: bool = False):
        return ((p, o) for _, p, o in self.triples((subject, None, None)))

    def subject_objects(self, predicate=None, unique: bool = False):
        return ((s, o) for s, _, o in self.triples((None, predicate, None)))

    def subject_predicates(self, object=None, unique: bool = False):
        return ((s, p) for s, p, _ in self.triples((None, None, object)))

    def value(self, subject=None, predicate=None, object=None, default=None, any=True):
        if subject is None:
            found = next(self.subjects(predicate, object), None)
        elif object is None:
            found = next(self.objects(subject, predicate), None)
        else:
            found = next(self.predicates(subject, object), None)
        return default if found is None else found

    def namespaces(self):
        if self._namespaces is None:
            found = []
            for prefix, namespace in PREFIXES.items():
                text = str(namespace)
                if self._moved and text.startswith(DEFAULT_BASE):
                    text = self.base + text[len(DEFAULT_BASE) :]
                found.append((prefix, URIRef(text)))
            self._namespaces = found
        return iter(self._namespaces)

    # -- whole-graph questions, answered by the store -----------------------------------------

    def select(self, text: str) -> list[list]:
        """Rows of a SPARQL SELECT on the store, as rdflib terms (None for unbound)."""
        rows = []
        for solution in self.store.query(text):
            rows.append([None if v is None else self.published(v) for v in solution])
        return rows

    def count(self, text: str) -> int:
        """The single number a ``SELECT (COUNT(…) AS ?n)`` query answers."""
        return int(next(iter(self.store.query(text)))[0].value)

    def iri_subjects(self, prefix: str) -> list[URIRef]:
        """Every IRI subject whose published IRI starts with ``prefix``, sorted (a scan of
        the whole graph: remembered per prefix, the store does not change)."""
        found = self._subjects.get(prefix)
        if found is None:
            stored = prefix
            if self._moved and prefix.startswith(self.base):
                stored = DEFAULT_BASE + prefix[len(self.base) :]
            rows = self.store.query(
                "SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), "
                f"{self._ox.Literal(stored)})) }}"
            )
            found = self._subjects[prefix] = sorted(self.published(row[0]) for row in rows)
        return list(found)

    def void_counts(self, entity_prefix: str) -> VoidCounts:
        """The numbers VoID states: triples, entities (IRIs under ``entity_prefix``), distinct
        subjects and objects, and entities per class and triples per property."""
        if self._moved and entity_prefix.startswith(self.base):
            entity_prefix = DEFAULT_BASE + entity_prefix[len(self.base) :]
        prefix = self._ox.Literal(entity_prefix)
        return VoidCounts(
            triples=len(self.store),
            entities=self.count(
                "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o "
                f"FILTER(isIRI(?s) && STRSTARTS(STR(?s), {prefix})) }}"
            ),
            subjects=self.count("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }"),
            objects=self.count("SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o }"),
            classes={
                cls: int(n)
                for cls, n in self.select(
                    "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c"
                )
            },
            properties={
                prop: int(n)
                for prop, n in self.select(
                    "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p"
                )
            },
        )


@dataclass
class VoidCounts:
    """What VoID counts over the whole graph (see ``StoreGraph.void_counts``)."""

    triples: int
    entities: int
    subjects: int
    objects: int
    classes: dict
    properties: dict
