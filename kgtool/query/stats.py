"""Counts over the graph: triples, resources per class, facts per source, coverage.

A *fact* of a source is a triple whose subject is derived from it (``prov:wasDerivedFrom``),
together with the triples of the anonymous nodes (intervals, instants) that subject points at.

Everything is counted by SPARQL on the project's Oxigraph store (the union of its files'
graphs; a triple written in two files counts once), never by loading the graph into rdflib.
The queries avoid what is slow on the on-disk store: making every triple distinct, and a filter
on every triple (each decodes a term).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kgtool.query.describe import StoreView, Term, _named, short, term
from kgtool.terms import LABEL_PROPERTIES, PREFIX_IRIS, pick_label

if TYPE_CHECKING:
    from pathlib import Path

    import pyoxigraph

    from kgtool.store.engine import ProjectStore, SourceFile


@dataclass(frozen=True)
class SourceCount:
    """One source (document or reference table): how many resources and triples derive from it."""

    source: Term
    resources: int
    facts: int


@dataclass(frozen=True)
class CollaborationCount:
    """Members of one collaboration by role (full, associate, other)."""

    collaboration: Term
    full: int
    associate: int


@dataclass
class Stats:
    """What ``kgtool stats`` prints."""

    triples: int
    classes: list[tuple[Term, int]] = field(default_factory=list)
    sources: list[SourceCount] = field(default_factory=list)
    collaborations: list[CollaborationCount] = field(default_factory=list)
    municipalities: int = 0
    municipalities_in_collaboration: int = 0


_PROLOGUE = "".join(f"PREFIX {p}: <{PREFIX_IRIS[p]}>\n" for p in ("ks", "org", "prov", "rdf"))
CLASSES = """SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class FILTER isIRI(?s) }
GROUP BY ?class"""
# Each source's resources, and the quads they are the subject of (a triple written in two files
# is two quads here: see _repeats). Filtered in Python (a filter here decodes every term).
_DERIVED = "{ SELECT DISTINCT ?source ?s WHERE { ?s prov:wasDerivedFrom ?source } }"
DERIVED = f"SELECT ?source ?s WHERE {_DERIVED}"
OWN_FACTS = f"SELECT ?source (COUNT(*) AS ?n) WHERE {{ {_DERIVED} ?s ?p ?o }} GROUP BY ?source"
# Every blank node that is the subject of a triple: how many triples it has, and who points at
# it. Grouped before it is filtered, so only distinct subjects are decoded (a filter on every
# triple costs a dictionary lookup per triple on the on-disk store).
BLANKS = """SELECT ?parent ?b ?n WHERE {
  { SELECT ?b (COUNT(*) AS ?n) WHERE { ?b ?p ?o } GROUP BY ?b HAVING(isBlank(?b)) }
  OPTIONAL { ?parent ?q ?b } }"""
# The triples of one file that another file also holds (blank nodes are each file's own, so
# only triples without them can repeat).
REPEATED = """SELECT ?file ?s ?p ?o ?other WHERE {
  GRAPH ?file { ?s ?p ?o } GRAPH ?other { ?s ?p ?o } FILTER(?other != ?file) }"""
MEMBERS = """SELECT ?c ?role (COUNT(DISTINCT ?m) AS ?n) WHERE {
  ?c a ks:Collaboration . ?m org:organization ?c ; org:member ?member ; org:role ?role .
  MINUS { ?m a ks:Chairmanship }
} GROUP BY ?c ?role"""
COLLABORATIONS = """SELECT DISTINCT ?c ?p ?label WHERE { ?c a ks:Collaboration
  OPTIONAL { VALUES ?p { %s } ?c ?p ?label FILTER isLiteral(?label) } }"""
MUNICIPALITIES = "SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m a ks:Municipality }"
COVERED = """SELECT (COUNT(DISTINCT ?member) AS ?n) WHERE {
  ?c a ks:Collaboration . ?m org:organization ?c ; org:member ?member .
  ?member a ks:Municipality .
  MINUS { ?m a ks:Chairmanship } }"""


def _rows(project_store: ProjectStore, text: str, **bindings: pyoxigraph.NamedNode) -> list[Any]:
    """The solutions of a SELECT (each a row of pyoxigraph terms, None where unbound)."""
    import pyoxigraph

    answer = project_store.store.query(
        _PROLOGUE + text,
        use_default_graph_as_union=True,
        substitutions={pyoxigraph.Variable(k): v for k, v in bindings.items()} or None,
    )
    if not isinstance(answer, pyoxigraph.QuerySolutions):
        raise TypeError(f"not a SELECT query: {text[:60]!r}")
    return list(answer)


def _count(project_store: ProjectStore, text: str) -> int:
    return int(_rows(project_store, text)[0][0].value)


def _file_size(source: SourceFile, root: Path | None) -> int:
    path = source.path if source.path.is_absolute() or root is None else root / source.path
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _repeats(project_store: ProjectStore, root: Path | None) -> dict[tuple[Any, Any, Any], int]:
    """Triples held by more than one file, with how many files beyond the first hold each.

    Every file but the largest (in bytes) is looked up against the others (a triple of the
    largest file that another file repeats is found from that other file), so the cost follows
    the smaller files, not the graph."""
    import pyoxigraph

    files = sorted(project_store.files, key=lambda f: (_file_size(f, root), f.graph))
    if len(files) < 2:
        return {}
    holders: dict[tuple[Any, Any, Any], set[Any]] = {}
    for source in files[:-1]:
        graph = pyoxigraph.NamedNode(source.graph)
        for _, s, p, o, other in _rows(project_store, REPEATED, file=graph):
            holders.setdefault((s, p, o), {graph}).add(other)
    return {triple: len(files) - 1 for triple, files in holders.items()}


def _blank_sizes(project_store: ProjectStore) -> tuple[dict[Any, int], dict[Any, set[Any]]]:
    """Each blank node's number of triples, and each node's blank children."""
    sizes: dict[Any, int] = {}
    children: dict[Any, set[Any]] = {}
    for parent, node, count in _rows(project_store, BLANKS):
        sizes[node] = int(count.value)
        if parent is not None:
            children.setdefault(parent, set()).add(node)
    return sizes, children


def _reached(subject: Any, sizes: dict[Any, int], children: dict[Any, set[Any]]) -> int:
    """The triples of the blank nodes ``subject`` reaches through blank nodes (each once; a
    cycle of blank nodes ends where it began)."""
    seen: set[Any] = set()
    stack = list(children.get(subject, ()))
    while stack:
        node = stack.pop()
        if node not in seen:
            seen.add(node)
            stack.extend(children.get(node, ()))
    return sum(sizes[node] for node in seen)


def _collaborations(project_store: ProjectStore, lang: str) -> list[Term]:
    """Every collaboration with its name in ``lang``, in IRI order (one query for all names)."""
    props = " ".join(f"<{p}>" for p in LABEL_PROPERTIES)
    names: dict[str, tuple[Any, list[tuple[str, str, str | None]]]] = {}
    for collaboration, prop, text in _rows(project_store, COLLABORATIONS % props):
        found = names.setdefault(collaboration.value, (collaboration, []))[1]
        if text is not None:
            found.append((prop.value, text.value, text.language))
    return [
        Term(iri, short(node), pick_label(candidates, lang=lang))
        for iri, (node, candidates) in sorted(names.items())
    ]


def compute_stats(project_store: ProjectStore, lang: str = "sv", root: Path | None = None) -> Stats:
    """Count triples, resources per class, facts per source and municipal coverage (names of
    sources and collaborations in ``lang``; ``root``, the project folder, finds the files).

    Counted on the store's quads, then corrected for the triples that several files hold
    (``_repeats``: few, and found from the smaller files), so no query has to make every
    triple of the graph distinct."""
    import pyoxigraph

    view = StoreView(project_store, lang)
    repeats = _repeats(project_store, root)
    stats = Stats(triples=project_store.triple_count() - sum(repeats.values()))
    counted = [(term(view, row[0]), int(row[1].value)) for row in _rows(project_store, CLASSES)]
    stats.classes = sorted(counted, key=lambda item: (-item[1], item[0].short))
    extra: dict[Any, int] = {}
    for (subject, _, _), copies in repeats.items():
        extra[subject] = extra.get(subject, 0) + copies
    sizes, children = _blank_sizes(project_store)
    resources: dict[str, int] = {}
    facts: dict[str, int] = {}
    named = pyoxigraph.NamedNode
    for source, subject in _rows(project_store, DERIVED):
        if isinstance(source, named) and isinstance(subject, named):
            resources[source.value] = resources.get(source.value, 0) + 1
            reached = _reached(subject, sizes, children) - extra.get(subject, 0)
            facts[source.value] = facts.get(source.value, 0) + reached
        elif isinstance(source, named):  # counted by OWN_FACTS, but not a resource: taken out
            quads = len(list(project_store.store.quads_for_pattern(subject, None, None, None)))
            facts[source.value] = facts.get(source.value, 0) - quads
    for source, count in _rows(project_store, OWN_FACTS):
        if isinstance(source, named):
            facts[source.value] = facts.get(source.value, 0) + int(count.value)
    for source in sorted(resources):
        shown = term(view, _named(source))
        stats.sources.append(SourceCount(shown, resources[source], facts[source]))
    roles: dict[tuple[str, str], int] = {
        (row[0].value, row[1].value): int(row[2].value) for row in _rows(project_store, MEMBERS)
    }
    for collaboration in _collaborations(project_store, lang):
        full = roles.get((collaboration.iri, PREFIX_IRIS["ks"] + "FullMember"), 0)
        associate = roles.get((collaboration.iri, PREFIX_IRIS["ks"] + "AssociateMember"), 0)
        stats.collaborations.append(CollaborationCount(collaboration, full, associate))
    stats.municipalities = _count(project_store, MUNICIPALITIES)
    stats.municipalities_in_collaboration = _count(project_store, COVERED)
    return stats
