"""Validating the graph: pySHACL with the shapes in ``shapes/`` plus the Python checks.

The data graph is the union of the ontology and the data (SHACL follows ``rdfs:subClassOf``
only inside the data graph, and a Dataset would be checked graph by graph), validated with
inference ``none``. Every finding names the file and line where its resource is defined.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS
from rdflib.term import Node

from kgtool.checks.fastshacl.plan import SEVERITY, TARGETS, RawResult
from kgtool.checks.locate import Locator
from kgtool.checks.report import SHAPES_NS, Finding, Report, filled, term_key
from kgtool.checks.rules import CHECKS, as_findings, run_checks
from kgtool.project import Project
from kgtool.store.graph import (
    LoadedGraph,
    Location,
    load_files,
    load_project,
    new_graph,
    parse_turtle,
    subject_lines,
)
from kgtool.terms import LABEL_PROPERTIES, SH, blank_closure, pick_label

if TYPE_CHECKING:
    import pyoxigraph


def load_shapes(project: Project) -> Graph:
    """The shapes graph: every Turtle file under ``shapes/`` (syntax errors name file:line).

    Literals keep their lexical form (rdflib would read ``"1"^^xsd:boolean`` as ``true``, a
    value SHACL does not give it)."""
    import rdflib

    graph = new_graph()
    graph.bind("kssh", SHAPES_NS)
    normalize = rdflib.NORMALIZE_LITERALS
    rdflib.NORMALIZE_LITERALS = False
    try:
        for path in project.shape_files():
            parse_turtle(path, graph, display=_relative(path, project.root))
    finally:
        rdflib.NORMALIZE_LITERALS = normalize
    return graph


def rule_names(shapes: Graph) -> set[str]:
    """Short names of every rule: IRI'd shapes with a target, plus the Python checks."""
    names = {
        str(shape).removeprefix(SHAPES_NS)
        for target in TARGETS
        for shape in shapes.subjects(target, None)
        if isinstance(shape, URIRef) and str(shape).startswith(SHAPES_NS)
    }
    return names | {check.name for check in CHECKS}


ENGINES = ("fast", "pyshacl")


def validate_project(
    project: Project,
    extra_files: Sequence[Path] = (),
    use_shapes: Iterable[str] | None = None,
    python_checks: bool = True,
    engine: str = "fast",
    progress: Progress | None = None,
) -> Report:
    """Validate the project's ontology and data (plus ``extra_files``) against ``shapes/``.

    ``engine`` is ``fast`` (whole-graph SPARQL on Oxigraph, :mod:`kgtool.checks.fastshacl`) or
    ``pyshacl`` (the reference). ``use_shapes`` restricts SHACL to the named shapes (short
    names or IRIs); ``python_checks`` turns the Python checks off (benchmarks time them apart).
    Raises InputError on bad Turtle.
    """
    from kgtool.store.graph import quiet_rdflib

    with quiet_rdflib():  # rdflib logs a traceback for every ill-typed literal; findings say it
        return _validate(project, extra_files, engine, use_shapes, python_checks, progress)


def _validate(
    project: Project,
    extra_files: Sequence[Path],
    engine: str,
    use_shapes: Iterable[str] | None,
    python_checks: bool,
    progress: Progress | None,
) -> Report:
    progress = progress or _silent
    shapes = load_shapes(project)
    paths = [*project.graph_files(), *(Path(p) for p in extra_files)]
    if engine == "pyshacl":
        progress("load (rdflib)")
        loaded = load_project(project, extra=[Path(p) for p in extra_files])
        progress("SHACL (pySHACL)")
        return validate_loaded(
            loaded, shapes, use_shapes=use_shapes, python_checks=python_checks, root=project.root
        )
    if engine != "fast":
        raise ValueError(f"unknown engine {engine!r}")
    return validate_fast(
        paths,
        shapes,
        project.root,
        use_shapes=use_shapes,
        python_checks=python_checks,
        progress=progress,
    )


Progress = Callable[[str], None]


def _silent(_phase: str) -> None:
    pass


def validate_fast(
    paths: Sequence[Path],
    shapes: Graph,
    root: Path | None = None,
    use_shapes: Iterable[str] | None = None,
    python_checks: bool = True,
    progress: Progress = _silent,
    on_disk: bool | None = None,
) -> Report:
    """The fast engine on Turtle files: Oxigraph for the shapes it can translate, pySHACL for
    any other shape (on an rdflib graph, loaded only then), the Python checks on the store.

    ``on_disk``: the store in a temporary folder rather than in memory (default: when the files
    are larger than ``ON_DISK_BYTES``)."""
    from concurrent.futures import ThreadPoolExecutor

    from kgtool.checks import fastshacl
    from kgtool.store import open_merged

    progress("load (Oxigraph)")
    with ExitStack() as cleanup, ThreadPoolExecutor(max_workers=1) as scan:
        # the text scan runs while Oxigraph loads (which releases the GIL)
        rewritten_scan = scan.submit(fastshacl.rewritten_literals, paths)
        if on_disk is None:
            on_disk = sum(Path(p).stat().st_size for p in paths) > ON_DISK_BYTES
        if on_disk:
            store = cleanup.enter_context(_disk_store(paths, root))
        else:
            store = open_merged(paths, root=root)  # strict parse; one default graph: fast joins
        rewritten = rewritten_scan.result()
        return _validate_store(
            store, paths, shapes, root, use_shapes, python_checks, progress, rewritten
        )


# Above this much Turtle the fast engine's store is on disk, in a temporary folder: memory
# stays bounded (10 M triples, 309 MB of Turtle: see benchmarks/results/validate.md); below
# it the store is in memory, where joins are faster.
ON_DISK_BYTES = 150 * 1024 * 1024


@contextmanager
def _disk_store(paths: Sequence[Path], root: Path | None) -> Iterator[pyoxigraph.Store]:
    """A store in a temporary folder holding every file in its default graph."""
    import tempfile

    import pyoxigraph

    from kgtool.store.files import load_file, source_files

    with tempfile.TemporaryDirectory(prefix="kgtool-validate-") as folder:
        store = pyoxigraph.Store(folder)
        for source in source_files(paths, root):
            load_file(store, source, default_graph=True)
        try:
            yield store
        finally:
            del store  # closes the database before its folder is removed


def _validate_store(
    store: pyoxigraph.Store,
    paths: Sequence[Path],
    shapes: Graph,
    root: Path | None,
    use_shapes: Iterable[str] | None,
    python_checks: bool,
    progress: Progress,
    rewritten: list[str],
) -> Report:
    from kgtool.checks import fastshacl
    from kgtool.checks.rules import run_store_checks

    view = StoreView(store)
    chosen = _selected(use_shapes)
    if chosen is not None:
        shapes = _only(shapes, chosen)
    plan = fastshacl.compile_shapes(shapes)
    if rewritten:  # the store would compare and report other terms: every shape to pySHACL
        plan = fastshacl.hand_over_all(
            plan, f"the data holds literals the store rewrites, e.g. {rewritten[0]}"
        )
    raw = fastshacl.validate_plan(store, plan, progress)
    shown = [str(_relative(p, root)) if root is not None else str(p) for p in paths]
    locator = Locator(paths, shown)
    findings = [_from_raw(r, shapes, view, locator) for r in raw]
    engines = [(term_key(s), "fast", "") for s in plan.translated]
    if plan.unsupported:  # shapes the translation does not cover: the reference engine does them
        progress("SHACL (pySHACL, untranslated shapes)")
        loaded = load_files(paths, root=root)
        handed = _only(shapes, [str(s) for s in plan.unsupported], keep_nodes=plan.unsupported)
        findings += shacl_findings(loaded, handed, None, locator)
        engines += [(term_key(s), "pyshacl", plan.reasons.get(s, "")) for s in plan.unsupported]
    if python_checks:
        progress("Python checks")
        findings += as_findings(
            run_store_checks(store, shapes),
            lambda node, path, value: _describe(view, locator, node, path, value),
        )
    progress("report")
    return Report(findings, engines=engines)


def _selected(use_shapes: Iterable[str] | None) -> list[str] | None:
    if use_shapes is None:
        return None
    return [s if "://" in s else SHAPES_NS + s for s in use_shapes]


def _only(shapes: Graph, chosen: list[str], keep_nodes: Iterable[Node] = ()) -> Graph:
    """A copy of ``shapes`` where only the ``chosen`` shapes (IRIs, or the nodes ``keep_nodes``)
    keep their targets, explicit or implicit (a shape that is also a class)."""
    from rdflib.namespace import OWL

    from kgtool.checks.fastshacl import focus_shapes, implicit_class_targets

    copy = Graph()
    copy += shapes
    keep: set[Node] = {URIRef(c) for c in chosen} | set(keep_nodes)
    targets = (*TARGETS, SH.target)
    implicit = implicit_class_targets(shapes)
    for shape in focus_shapes(shapes):
        if shape in keep:
            continue
        for target in targets:
            copy.remove((shape, target, None))
        if shape in implicit:
            for cls in (RDFS.Class, OWL.Class):
                copy.remove((shape, RDF.type, cls))
            for kind in shapes.objects(shape, RDF.type):
                if kind not in (SH.NodeShape, SH.PropertyShape):
                    copy.remove((shape, RDF.type, kind))  # a subclass of rdfs:Class
    return copy


def with_files(loaded: LoadedGraph, paths: Iterable[Path], root: Path | None = None) -> LoadedGraph:
    """A copy of ``loaded`` with more Turtle files in it; ``loaded`` itself is left unchanged.

    Lets a caller parse the project once and check many extra files against it.
    """
    graph = new_graph()
    graph += loaded.graph
    extended = LoadedGraph(graph, list(loaded.files), dict(loaded.locations))
    for path in paths:
        shown = _relative(path, root) if root is not None else path
        file_graph = parse_turtle(path, display=shown)
        graph += file_graph
        extended.files.append(shown)
        for subject, line in subject_lines(path, file_graph).items():
            extended.locations.setdefault(subject, Location(shown, line))
    return extended


def validate_loaded(
    loaded: LoadedGraph,
    shapes: Graph,
    use_shapes: Iterable[str] | None = None,
    python_checks: bool = True,
    root: Path | None = None,
) -> Report:
    """The reference engine: pySHACL on an already loaded union graph (ontology included).

    ``root`` is the folder the shown file names are relative to (for placing findings).
    """
    locator = _locator_for(loaded, root)
    chosen = None if use_shapes is None else list(use_shapes)
    findings = shacl_findings(loaded, shapes, chosen, locator) if chosen is None or chosen else []
    if python_checks:
        view = GraphView(loaded.graph)
        findings += as_findings(
            run_checks(loaded.graph, shapes),
            lambda node, path, value: _describe(view, locator, node, path, value),
        )
    return Report(findings)


def _locator_for(loaded: LoadedGraph, root: Path | None) -> Locator:
    paths = []
    for shown in loaded.files:
        path = Path(shown)
        if not path.is_absolute() and root is not None:
            path = root / path
        paths.append(path)
    return Locator(paths, [str(f) for f in loaded.files])


def shacl_findings(
    loaded: LoadedGraph,
    shapes: Graph,
    use_shapes: Iterable[str] | None = None,
    locator: Locator | None = None,
) -> list[Finding]:
    """Run pySHACL and turn each sh:ValidationResult into a Finding.

    ``use_shapes`` keeps the targets of those shapes only (pySHACL's own ``use_shapes`` skips
    the property shapes of the shapes it is given)."""
    import pyshacl

    locator = locator or _locator_for(loaded, None)
    selected = _selected(use_shapes)
    checked = _only(shapes, selected) if selected is not None else shapes
    _conforms, results, _text = pyshacl.validate(
        PreparedQueryGraph(loaded.graph),
        shacl_graph=checked,
        inference="none",
        abort_on_first=False,
        allow_infos=True,
        allow_warnings=True,
        meta_shacl=False,
        advanced=False,
        do_owl_imports=False,
    )
    view = GraphView(loaded.graph)
    return [
        _from_raw(_raw(results, result), checked, view, locator, results)
        for result in results.subjects(RDF.type, SH.ValidationResult)
    ]


_PREPARED: dict[str, Any] = {}  # SPARQL text -> rdflib's prepared query, the oldest dropped first
PREPARED_LIMIT = 256


class PreparedQueryGraph(Graph):
    """A view of a graph (same store) that parses each SPARQL text only once per process.

    pySHACL sends a SPARQL constraint's text again for every focus node, and rdflib would parse
    it every time (20-150 ms each); a prepared query is reused with new initial bindings.
    """

    def __init__(self, graph: Graph):
        super().__init__(
            store=graph.store,
            identifier=graph.identifier,
            namespace_manager=graph.namespace_manager,
        )

    def query(self, query_object: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(query_object, str):
            prepared = _PREPARED.get(query_object)
            if prepared is None:
                from rdflib.plugins.sparql import prepareQuery

                prepared = prepareQuery(query_object, initNs=dict(self.namespaces()))
                while len(_PREPARED) >= PREPARED_LIMIT:  # bounded: drop the oldest
                    del _PREPARED[next(iter(_PREPARED))]
                _PREPARED[query_object] = prepared
            query_object = prepared
        return super().query(query_object, *args, **kwargs)


def _raw(results: Graph, result: Node) -> RawResult:
    """A pySHACL sh:ValidationResult as the engine-neutral RawResult."""
    return RawResult(
        focus=results.value(result, SH.focusNode),
        shape=results.value(result, SH.sourceShape),
        severity=_severity(results.value(result, SH.resultSeverity)),
        component=str(results.value(result, SH.sourceConstraintComponent)),
        path=results.value(result, SH.resultPath),
        value=results.value(result, SH.value),
    )


def _severity(node: Node | None) -> str:
    """``violation``, ``warning`` or ``info``; a severity of the shapes' own by its IRI."""
    if node is None:
        return "violation"
    return SEVERITY.get(node, str(node))


def _from_raw(raw: RawResult, shapes: Graph, view: View, locator: Locator, *more: Graph) -> Finding:
    """A Finding for one result; messages come from the shape, in every language. A blank
    source shape or path keeps its statements (from ``shapes`` or ``more``) for the SHACL
    report."""
    messages: dict[str, str] = {}
    for message in shapes.objects(raw.shape, SH.message):
        lang = message.language if isinstance(message, Literal) and message.language else "en"
        messages.setdefault(lang, str(message))
    path = raw.path
    context: list[tuple[Node, Node, Node]] = []
    for node in (raw.shape, path):
        if isinstance(node, BNode):
            context += _closure(node, [shapes, *more])
    return Finding(
        shape=term_key(raw.shape),
        severity=raw.severity,
        messages=filled(messages, raw.value, path if isinstance(path, URIRef) else None),
        path=str(path) if isinstance(path, URIRef) else None,
        value=term_key(raw.value) if raw.value is not None else None,
        value_n3=raw.value.n3() if raw.value is not None else None,
        component=raw.component,
        path_node=term_key(path) if isinstance(path, BNode) else None,
        focus_n3=raw.focus.n3() if raw.focus is not None else None,
        detail=raw.detail,
        context=tuple(context),
        **_describe(view, locator, raw.focus, path, raw.value),
    )


def _closure(node: BNode, graphs: Sequence[Graph]) -> list[tuple[Node, Node, Node]]:
    """The statements about a blank node and the blank nodes it leads to (first graph that
    has any)."""
    for graph in graphs:
        if (node, None, None) in graph:
            return blank_closure(
                node, graph.predicate_objects, lambda term: isinstance(term, BNode)
            )
    return []


class View(Protocol):
    """What placing a finding needs to know of the data: who refers to a node, its labels."""

    def referrers(self, node: Node) -> list[Node]: ...

    def labels(self, node: Node, predicate: str) -> list[Node]: ...


class GraphView:
    """What placing a finding needs to know of an rdflib graph."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def referrers(self, node: Node) -> list[Node]:
        return list(self.graph.subjects(None, node))

    def labels(self, node: Node, predicate: str) -> list[Node]:
        return list(self.graph.objects(node, URIRef(predicate)))


class StoreView:
    """The same for a pyoxigraph Store (terms go in and out as rdflib terms)."""

    def __init__(self, store: pyoxigraph.Store) -> None:
        self.store = store

    def _node(self, term: Node) -> pyoxigraph.NamedNode | pyoxigraph.BlankNode:
        from pyoxigraph import BlankNode, NamedNode

        return NamedNode(str(term)) if isinstance(term, URIRef) else BlankNode(str(term))

    def referrers(self, node: Node) -> list[Node]:
        from kgtool.checks.fastshacl import to_rdflib

        if isinstance(node, Literal):
            return []
        quads = self.store.quads_for_pattern(None, None, self._node(node), None)
        return [n for n in dict.fromkeys(to_rdflib(q.subject) for q in quads) if n is not None]

    def labels(self, node: Node, predicate: str) -> list[Node]:
        from pyoxigraph import NamedNode

        from kgtool.checks.fastshacl import to_rdflib

        if isinstance(node, Literal):
            return []
        quads = self.store.quads_for_pattern(self._node(node), NamedNode(predicate), None)
        return [n for n in dict.fromkeys(to_rdflib(q.object) for q in quads) if n is not None]


def _describe(
    view: View,
    locator: Locator,
    node: Node | None,
    path: Node | None = None,
    value: Node | None = None,
) -> dict[str, Any]:
    """Focus, label, file and line for a focus node and the triple holding ``value``.

    A blank node (an interval's instant, say) is reported as the named resource that uses it,
    since that is what a person can find and fix; ``node`` keeps the blank node itself.
    """
    owner = _named_owner(view, node)
    label = _view_label(view, node) or (_view_label(view, owner) if owner is not None else None)
    shown_value = None
    if value is not None and not isinstance(value, BNode):
        shown_value = str(value)
    file, line = locator.locate(
        str(owner) if owner is not None else None,
        str(path) if isinstance(path, URIRef) else None,
        shown_value,
    )
    return {
        "focus": term_key(owner if owner is not None else node),
        "node": term_key(node) if isinstance(node, BNode) else None,
        "label": label,
        "file": file,
        "line": line,
    }


def describe(loaded: LoadedGraph, node: Node) -> dict[str, Any]:
    """Focus, label, file and line of a node's resource (used by other commands)."""
    return _describe(GraphView(loaded.graph), _locator_for(loaded, None), node)


def _named_owner(view: View, node: Node | None, depth: int = 4) -> URIRef | None:
    """``node`` itself when it is an IRI, else the nearest IRI that refers to it."""
    if node is None:
        return None
    frontier = [node]
    for _ in range(depth + 1):
        for candidate in frontier:
            if isinstance(candidate, URIRef):
                return candidate
        frontier = [s for candidate in frontier for s in view.referrers(candidate)]
    return None


def _view_label(view: View, node: Node | None) -> str | None:
    """The node's best name for a Swedish reader (``terms.pick_label``)."""
    if node is None:
        return None
    return pick_label(
        (
            (prop, str(value), value.language if isinstance(value, Literal) else None)
            for prop in LABEL_PROPERTIES
            for value in view.labels(node, prop)
        ),
        "sv",
    )


def _relative(path: Path, root: Path | None) -> Path:
    """``path`` as reports show it (relative to the project when inside it)."""
    from kgtool.project import shown_path

    return Path(shown_path(path, root))
