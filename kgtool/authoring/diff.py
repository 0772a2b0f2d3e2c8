"""``kgtool diff OLD NEW``: what changed between two states of the graph, in the project's terms.

A state is a release's version (``releases/VERSION/``, made by ``kgtool release``), a git
revision of the project (``HEAD~1``, a tag such as ``v1.0``), a folder (a
project: its ontology/ and data/; any other folder: every RDF file in it) or a dump file (.nq,
.trig: one graph per file; .ttl, .nt: one graph). Each file is a graph named by its path.

The changes are computed on facts, not lines: for each kind of thing (collaborations,
memberships, chairmanships, posts, bodies, mandate periods with their seats, figures, source
documents; labels and provenance of things present in both states) one query lists its
things and their fields in each state, and the two lists are compared thing by thing. Then
the triples of each graph are compared after blank-node canonicalisation (RDF Dataset
Canonicalization), so a file rewritten without a change of fact counts nothing. Everything is
sorted: the same two states give the same bytes.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kgtool.authoring.layout import DUMP, RELEASES
from kgtool.errors import InputError, ParameterError
from kgtool.store.files import GRAPH_PREFIX
from kgtool.terms import pick_label, prologue, shorten

if TYPE_CHECKING:
    import pyoxigraph

    from kgtool.project import Project

DUMP_FORMATS = {".nq": "N_QUADS", ".trig": "TRIG", ".ttl": "TURTLE", ".nt": "N_TRIPLES"}
_PERIOD = (
    "OPTIONAL {{ ?key {via}time:hasBeginning/"
    "(time:inXSDDate|time:inXSDgYearMonth|time:inXSDgYear) ?from }}\n"
    "OPTIONAL {{ ?key {via}time:hasEnd/(time:inXSDDate|time:inXSDgYearMonth|time:inXSDgYear) ?to }}"
)


@dataclass(frozen=True)
class Kind:
    """One kind of fact: a heading, the pattern that finds its things (``?key``), its fields."""

    name: str
    pattern: str
    fields: tuple[str, ...]
    only_changes: bool = False  # labels and provenance: only for things in both states


KINDS = (
    Kind(
        "collaborations",
        "?key a ks:Collaboration . OPTIONAL { ?key org:classification ?classification }",
        ("classification",),
    ),
    Kind(
        "memberships",
        "?key a org:Membership ; org:organization ?organization ; org:member ?member . "
        "FILTER NOT EXISTS { ?key a ks:Chairmanship } OPTIONAL { ?key org:role ?role } "
        + _PERIOD.format(via="org:memberDuring/"),
        ("organization", "member", "role", "from", "to"),
    ),
    Kind(
        "chairmanships",
        "?key a ks:Chairmanship . OPTIONAL { ?key org:organization ?organization } "
        "OPTIONAL { ?key org:member ?member } " + _PERIOD.format(via="org:memberDuring/"),
        ("organization", "member", "from", "to"),
    ),
    Kind(
        "posts",
        "?key a org:Post . OPTIONAL { ?key org:postIn ?postIn } OPTIONAL { ?key org:role ?role } "
        "OPTIONAL { ?key org:heldBy ?heldBy } OPTIONAL { ?key ks:heldDuring ?heldDuring "
        "FILTER(isIRI(?heldDuring)) } " + _PERIOD.format(via="ks:heldDuring/"),
        ("postIn", "role", "heldBy", "heldDuring", "from", "to"),
    ),
    Kind(
        "bodies",
        "?key a ?type . ?type rdfs:subClassOf* ks:Body . OPTIONAL { ?key org:unitOf ?unitOf }",
        ("type", "unitOf"),
    ),
    Kind(
        "mandate periods and seats",
        "?key a ks:MandatePeriod . OPTIONAL { ?key ks:mandateOf ?body } "
        "OPTIONAL { ?key ks:memberSeats ?memberSeats } "
        "OPTIONAL { ?key ks:deputySeats ?deputySeats } " + _PERIOD.format(via=""),
        ("body", "from", "to", "memberSeats", "deputySeats"),
    ),
    Kind(
        "figures",
        "?key a ks:Figure . OPTIONAL { ?key ks:value ?value } OPTIONAL { ?key ks:unit ?unit } "
        "OPTIONAL { ?key ks:qualifier ?qualifier } OPTIONAL { ?key dct:date ?date }",
        ("value", "unit", "qualifier", "date"),
    ),
    Kind(
        "source documents",
        "?key a ks:SourceDocument . OPTIONAL { ?key dct:title ?title } "
        "OPTIONAL { ?key dct:date|dct:modified ?date } OPTIONAL { ?key ks:fileName ?fileName }",
        ("title", "date", "fileName"),
    ),
    Kind(
        "provenance",
        "?key prov:wasDerivedFrom ?source . FILTER(isIRI(?key))",
        ("source",),
        only_changes=True,
    ),
    Kind(
        "labels",
        "?key rdfs:label|skos:prefLabel ?label . FILTER(isIRI(?key)) "
        'BIND(IF(LANG(?label) = "", "label", CONCAT("label@", LANG(?label))) AS ?field)',
        ("label",),
        only_changes=True,
    ),
)


@dataclass
class State:
    """One side of a diff: what it was given as, and its store (one named graph per file)."""

    spec: str
    store: pyoxigraph.Store


@dataclass
class Change:
    kind: str
    status: str  # added, removed, changed, ended, role changed
    iri: str
    title: str
    fields: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)


@dataclass
class GraphCount:
    graph: str
    old: int
    new: int
    added: int
    removed: int


@dataclass
class Diff:
    old: str
    new: str
    changes: list[Change]
    graphs: list[GraphCount]

    @property
    def empty(self) -> bool:
        return not self.changes and all(not g.added and not g.removed for g in self.graphs)


# -- loading a state ---------------------------------------------------------------------------


def load_state(spec: str, project: Project) -> State:
    """The graph ``spec`` names: a dump file, a folder, a release (``releases/VERSION/``) or a
    git revision of the project."""
    import pyoxigraph

    path = Path(spec)
    store = pyoxigraph.Store()
    if path.is_file():
        _load_dump(store, path, spec)
    elif path.is_dir():
        top = path.resolve()
        is_project = (top / "data").is_dir() and (top / "ontology").is_dir()
        folders = [top / "ontology", top / "data"] if is_project else [top]
        for folder in folders:
            for file in sorted(p for p in folder.rglob("*") if p.suffix in DUMP_FORMATS):
                name = file.relative_to(top).as_posix()
                _load_bytes(store, file.read_bytes(), file.suffix, name, f"{spec}/{name}")
    elif (project.root / RELEASES / spec / f"{DUMP}.nq").is_file():  # a release's version
        _load_dump(store, project.root / RELEASES / spec / f"{DUMP}.nq", spec)
    else:
        for name, data in _git_files(project.root, spec):
            _load_bytes(store, data, Path(name).suffix, name, f"{spec}:{name}")
    return State(spec, store)


def _load_dump(store: pyoxigraph.Store, path: Path, shown: str) -> None:
    import pyoxigraph

    if path.suffix not in DUMP_FORMATS:
        raise ParameterError(f"{shown}: not a dump (.nq, .trig, .ttl or .nt), folder or revision")
    data = path.read_bytes()
    if path.suffix in (".nq", ".trig"):
        fmt = getattr(pyoxigraph.RdfFormat, DUMP_FORMATS[path.suffix])
        try:
            store.load(data, format=fmt, base_iri=path.resolve().as_uri())
        except SyntaxError as error:
            raise InputError(f"{shown}: {error}") from None
    else:
        _load_bytes(store, data, path.suffix, path.name, shown)


def _load_bytes(store, data: bytes, suffix: str, name: str, shown: str) -> None:
    import pyoxigraph

    from kgtool.store.files import syntax_message

    fmt = getattr(pyoxigraph.RdfFormat, DUMP_FORMATS[suffix])
    graph = pyoxigraph.NamedNode(GRAPH_PREFIX + name.replace(" ", "%20"))
    try:
        store.load(data, format=fmt, base_iri=f"file:///{name}", to_graph=graph)
    except SyntaxError as error:
        raise InputError(syntax_message(shown, error)) from None


def _git(root: Path, *args: str) -> bytes:
    try:
        done = subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, check=False, timeout=120
        )
    except FileNotFoundError:
        raise ParameterError("git is not installed: give folders or dump files") from None
    if done.returncode:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines() or ["git failed"]
        raise ParameterError(said[-1])
    return done.stdout


def _git_files(root: Path, revision: str) -> list[tuple[str, bytes]]:
    """The ontology and data files of the project at ``revision`` (path inside the project)."""
    try:
        commit = _git(root, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    except ParameterError:
        raise ParameterError(
            f"{revision}: no such file, folder or git revision of {root}"
        ) from None
    commit_id = commit.decode().strip()
    prefix = _git(root, "rev-parse", "--show-prefix").decode().strip()
    listed = _git(root, "ls-tree", "-r", "-z", "--name-only", commit_id, "--", "ontology", "data")
    names = sorted(n for n in listed.decode("utf-8").split("\0") if Path(n).suffix in DUMP_FORMATS)
    files = []
    for name in names:
        files.append((name, _git(root, "show", f"{commit_id}:{prefix}{name}")))
    return files


# -- comparing ---------------------------------------------------------------------------------


def _select(kind: Kind) -> str:
    columns = " ".join(f"?{f}" for f in kind.fields if f != "label")
    extra = " ?field ?label" if kind.name == "labels" else ""
    return prologue("") + f"SELECT ?key {columns}{extra} WHERE {{ {kind.pattern} }}"


def _value(term) -> str:
    import pyoxigraph

    if isinstance(term, pyoxigraph.Literal):
        return term.value
    return term.value if isinstance(term, pyoxigraph.NamedNode) else str(term)


def facts(state: State, kind: Kind) -> dict[str, dict[str, str]]:
    """Each thing of ``kind`` → field → its values (sorted, joined with ``, ``)."""
    found: dict[str, dict[str, set[str]]] = {}
    solutions = state.store.query(_select(kind), use_default_graph_as_union=True)
    names = [v.value for v in solutions.variables]
    for row in solutions:
        values = dict(zip(names, row, strict=True))
        key = values.pop("key").value
        entry = found.setdefault(key, {})
        if kind.name == "labels":
            entry.setdefault(values["field"].value, set()).add(values["label"].value)
            continue
        for name, term in values.items():
            if term is not None:
                entry.setdefault(name, set()).add(_value(term))
    return {k: {f: ", ".join(sorted(v)) for f, v in e.items()} for k, e in found.items()}


class _Labels:
    """Names for IRIs, from the new state first, then the old."""

    def __init__(self, states: list[State], lang: str = "en"):
        self.states, self.lang, self.cache = states, lang, {}

    def __call__(self, iri: str) -> str:
        if iri not in self.cache:
            import pyoxigraph

            label = None
            for state in self.states:
                candidates = [
                    (q.predicate.value, q.object.value, q.object.language)
                    for q in state.store.quads_for_pattern(pyoxigraph.NamedNode(iri), None, None)
                    if isinstance(q.object, pyoxigraph.Literal)
                ]
                label = pick_label(candidates, self.lang)
                if label:
                    break
            self.cache[iri] = label or shorten(iri)
        return self.cache[iri]


def _shown(value: str | None, labels: _Labels) -> str | None:
    if value is None:
        return None
    parts = []
    for part in value.split(", "):
        parts.append(labels(part) if part.startswith(("http://", "https://")) else part)
    return ", ".join(parts)


def _status(kind: Kind, fields: dict[str, tuple[str | None, str | None]]) -> str:
    if kind.name in ("memberships", "chairmanships") and set(fields) == {"to"}:
        old, new = fields["to"]
        if old is None and new is not None:
            return "ended"
    if kind.name == "memberships" and "role" in fields:
        return "role changed"
    return "changed"


def compare(old: State, new: State, lang: str = "en") -> Diff:
    """The changes from ``old`` to ``new``: facts by kind, then triples per graph."""
    labels = _Labels([new, old], lang)
    changes: list[Change] = []
    for kind in KINDS:
        before, after = facts(old, kind), facts(new, kind)
        for iri in sorted(set(before) | set(after)):
            was, now = before.get(iri), after.get(iri)
            if was == now:
                continue
            if was is None or now is None:
                if kind.only_changes:
                    continue
                status = "added" if was is None else "removed"
                shown = {
                    f: (None, _shown(v, labels)) if was is None else (_shown(v, labels), None)
                    for f, v in sorted((now or was or {}).items())
                }
                changes.append(Change(kind.name, status, iri, labels(iri), shown))
                continue
            fields = {
                f: (_shown(was.get(f), labels), _shown(now.get(f), labels))
                for f in sorted(set(was) | set(now))
                if was.get(f) != now.get(f)
            }
            changes.append(Change(kind.name, _status(kind, fields), iri, labels(iri), fields))
    return Diff(old.spec, new.spec, changes, graph_counts(old, new))


def _canonical(store: pyoxigraph.Store, graph) -> set[str]:
    """The triples of ``graph`` with each blank node named by what it says and where it hangs.

    A blank node's name is a hash of its own triples (recursively) and of the subjects and
    properties that point to it, so adding an unrelated blank node renames none of the others
    (RDF Dataset Canonicalization numbers them in order, so one addition shifts them all).
    """
    import hashlib

    import pyoxigraph

    triples = [
        (q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, graph)
    ]
    outgoing: dict[Any, list] = {}
    incoming: dict[Any, list] = {}
    for subject, predicate, obj in triples:
        if isinstance(subject, pyoxigraph.BlankNode):
            outgoing.setdefault(subject, []).append((predicate, obj))
        if isinstance(obj, pyoxigraph.BlankNode):
            incoming.setdefault(obj, []).append((subject, predicate))

    def digest(text: str) -> str:
        return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]

    contents: dict[Any, str] = {}

    def content(node, depth: int = 0) -> str:
        if node not in contents:
            if depth > 50:  # a cycle of blank nodes: stop describing
                return "cycle"
            parts = sorted(
                f"{p} {content(o, depth + 1) if isinstance(o, pyoxigraph.BlankNode) else o}"
                for p, o in outgoing.get(node, [])
            )
            contents[node] = digest("\n".join(parts))
        return contents[node]

    names: dict[Any, str] = {}

    def name(node, depth: int = 0) -> str:
        if not isinstance(node, pyoxigraph.BlankNode):
            return str(node)
        if node not in names:
            if depth > 50:
                return "_:cycle"
            above = sorted(f"{name(s, depth + 1)} {p}" for s, p in incoming.get(node, []))
            names[node] = "_:b" + digest(content(node) + "\n" + "\n".join(above))
        return names[node]

    return {f"{name(s)} {p} {name(o)}" for s, p, o in triples}


def graph_counts(old: State, new: State) -> list[GraphCount]:
    counts = []
    graphs = {g.value: g for s in (old, new) for g in s.store.named_graphs()}
    for name in sorted(graphs):
        before = _canonical(old.store, graphs[name])
        after = _canonical(new.store, graphs[name])
        shown = name.removeprefix(GRAPH_PREFIX)
        counts.append(
            GraphCount(shown, len(before), len(after), len(after - before), len(before - after))
        )
    return counts


# -- rendering ---------------------------------------------------------------------------------


def _fields_text(change: Change) -> str:
    parts = []
    for name, (old, new) in change.fields.items():
        if change.status == "added":
            parts.append(f"{name}: {new}")
        elif change.status == "removed":
            parts.append(f"{name}: {old}")
        else:
            parts.append(f"{name}: {old or '(none)'} → {new or '(none)'}")
    return "; ".join(parts)


def _line(change: Change) -> str:
    detail = _fields_text(change)
    return f"{change.status}: {change.title} ({shorten(change.iri)})" + (
        f" — {detail}" if detail else ""
    )


def _by_kind(diff: Diff) -> list[tuple[str, list[Change]]]:
    grouped = []
    for kind in KINDS:
        listed = [c for c in diff.changes if c.kind == kind.name]
        if listed:
            grouped.append((kind.name, listed))
    return grouped


def as_text(diff: Diff) -> str:
    lines = [f"Changes from {diff.old} to {diff.new}", ""]
    if not diff.changes:
        lines += ["No change of fact.", ""]
    for name, changes in _by_kind(diff):
        lines.append(f"{name[0].upper()}{name[1:]} ({len(changes)}):")
        lines += [f"  {_line(c)}" for c in changes]
        lines.append("")
    lines += _counts_text(diff)
    return "\n".join(lines) + "\n"


def _counts_text(diff: Diff) -> list[str]:
    changed = [g for g in diff.graphs if g.added or g.removed or not g.old or not g.new]
    if not changed:
        return [f"Triples: no change in {len(diff.graphs)} graph(s)."]
    width = max(len(g.graph) for g in changed)
    lines = [f"Triples per graph ({len(changed)} of {len(diff.graphs)} changed):"]
    lines += [
        f"  {g.graph:<{width}}  {g.old:>6} → {g.new:>6}  +{g.added} −{g.removed}" for g in changed
    ]
    return lines


def as_markdown(diff: Diff) -> str:
    """The release notes form: a heading per kind, one bullet per change, then the counts."""
    lines = [f"Changes from `{diff.old}` to `{diff.new}`.", ""]
    if not diff.changes:
        lines += ["No change of fact.", ""]
    for name, changes in _by_kind(diff):
        lines += [f"### {name[0].upper()}{name[1:]}", ""]
        for c in changes:
            detail = _fields_text(c)
            lines.append(
                f"- **{c.status}**: {c.title} (`{shorten(c.iri)}`)"
                + (f": {detail}" if detail else "")
            )
        lines.append("")
    lines += ["### Triples per graph", "", "| graph | old | new | added | removed |"]
    lines.append("|---|---:|---:|---:|---:|")
    lines += [
        f"| `{g.graph}` | {g.old} | {g.new} | {g.added} | {g.removed} |"
        for g in diff.graphs
        if g.added or g.removed
    ]
    return "\n".join(lines) + "\n"


def as_json(diff: Diff) -> str:
    data: dict[str, Any] = {
        "old": diff.old,
        "new": diff.new,
        "changes": [
            {
                "kind": c.kind,
                "status": c.status,
                "iri": c.iri,
                "label": c.title,
                "fields": {k: {"old": o, "new": n} for k, (o, n) in c.fields.items()},
            }
            for c in diff.changes
        ],
        "graphs": [g.__dict__ for g in diff.graphs],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


RENDERERS = {"text": as_text, "md": as_markdown, "json": as_json}


def diff(project: Project, old: str, new: str, lang: str = "en") -> Diff:
    return compare(load_state(old, project), load_state(new, project), lang)
