"""One resource of the graph, found by IRI, code or name, with its relations both ways.

``find_resource`` turns what a user types (an IRI, ``municipality/1980``, ``ks:Region``, a code
such as ``1980`` or ``19``, or a name such as ``Västerås``) into one IRI, or raises an error
(exit 2) naming the candidates. ``describe`` returns a ``Description``: plain strings, ready
for the CLI (or any other caller) to render.

Both read the project's Oxigraph store (pattern lookups on its indexes): the cost depends on
the resource, not on the size of the graph; rdflib is not imported (terms are written as
rdflib writes them, so the text is unchanged).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kgtool.errors import KgtoolError
from kgtool.terms import (
    BLANK_NODE_TEXT,
    ID_IRI,
    LABEL_PROPERTIES,
    expand_prefixed_iri,
    local_name,
    pick_label,
    shorten,
    source,
)

if TYPE_CHECKING:
    import pyoxigraph

    Node = pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.Literal
    Subject = pyoxigraph.NamedNode | pyoxigraph.BlankNode
    Triple = tuple[Node, pyoxigraph.NamedNode, Node]
    from kgtool.query.names import NameIndex
    from kgtool.store.engine import ProjectStore

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_FOAF = "http://xmlns.com/foaf/0.1/"
_PROV = "http://www.w3.org/ns/prov#"
_TIME = "http://www.w3.org/2006/time#"
_KS = "https://w3id.org/kommunsamverkan/def/"
RDF_TYPE = _RDF + "type"
DERIVED_FROM = _PROV + "wasDerivedFrom"
#: Properties whose values name a resource, in order of preference.
NAME_PROPERTIES = (_RDFS + "label", _SKOS + "prefLabel", _FOAF + "name", _KS + "officialName")
#: Properties listed as labels.
LABELS = {_RDFS + "label", _SKOS + "prefLabel", _FOAF + "name"}
_INSTANT_VALUES = ("inXSDDate", "inXSDgYearMonth", "inXSDgYear")
#: How many candidates an ambiguous name lists.
MAX_CANDIDATES = 10


class UnknownResource(KgtoolError):
    """Nothing in the graph matches what the user asked for."""


class AmbiguousResource(KgtoolError):
    """Several resources match a name; the message lists them."""


@dataclass(frozen=True)
class Term:
    """An IRI (or literal/blank node) shown compactly, with its label when it has one."""

    iri: str
    short: str
    label: str | None = None

    def __str__(self) -> str:
        return f"{self.short}  {self.label}" if self.label else self.short


@dataclass(frozen=True)
class Relation:
    """One triple seen from the described resource: the property and the node at the other end."""

    predicate: Term
    other: Term


@dataclass
class Description:
    """Everything ``kgtool describe`` prints about one resource."""

    resource: Term
    location: str | None
    labels: list[str] = field(default_factory=list)
    types: list[Term] = field(default_factory=list)
    values: list[Relation] = field(default_factory=list)
    outgoing: list[Relation] = field(default_factory=list)
    incoming: list[Relation] = field(default_factory=list)
    sources: list[Term] = field(default_factory=list)
    mentioned_in: list[Term] = field(default_factory=list)


# --- the store: pyoxigraph terms, shown as rdflib would show them ----------------------------


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


class StoreView:
    """Pattern lookups on a project store (the union of its files' graphs, without repeats)."""

    def __init__(self, project_store: ProjectStore, lang: str = "sv") -> None:
        self.project_store = project_store
        self.store = project_store.store
        self.lang = lang  # the language labels are picked in (``terms.pick_label``)

    def triples(
        self, subject: Node | None = None, predicate: str | None = None, obj: Node | None = None
    ) -> list[Triple]:
        """Distinct (subject, predicate, object) as pyoxigraph terms, in a stable order."""
        import pyoxigraph

        p = pyoxigraph.NamedNode(predicate) if predicate is not None else None
        if isinstance(subject, pyoxigraph.Literal):  # a literal is the subject of nothing
            return []
        found: set[Triple] = {
            (q.subject, q.predicate, q.object)
            for q in self.store.quads_for_pattern(subject, p, obj, None)
            if not isinstance(q.subject, pyoxigraph.Triple)
            and not isinstance(q.object, pyoxigraph.Triple)
        }
        return sorted(found, key=lambda t: (t[1].value, str(t[0]), str(t[2])))

    def objects(self, subject: Node, predicate: str) -> list[Node]:
        return [o for _, _, o in self.triples(subject, predicate)]

    def value(self, subject: Node, predicate: str) -> Node | None:
        found = self.objects(subject, predicate)
        return found[0] if found else None

    def exists(self, iri: str) -> bool:
        import pyoxigraph

        node = pyoxigraph.NamedNode(iri)
        for pattern in ((node, None, None, None), (None, None, node, None)):
            if next(iter(self.store.quads_for_pattern(*pattern)), None) is not None:
                return True
        return False

    def graphs_of(self, subject: Subject) -> set[str]:
        """The named graphs (files) where ``subject`` is the subject of a triple."""
        import pyoxigraph

        return {
            q.graph_name.value
            for q in self.store.quads_for_pattern(subject, None, None, None)
            if isinstance(q.graph_name, pyoxigraph.NamedNode)
        }


def _named(iri: str) -> pyoxigraph.NamedNode:
    import pyoxigraph

    return pyoxigraph.NamedNode(iri)


def short(node: Node) -> str:
    """``id:municipality/1980``, ``ks:Region``, the N3 form for literals, ``[]`` for blanks."""
    import pyoxigraph

    if isinstance(node, pyoxigraph.Literal):
        return literal_n3(node)
    if isinstance(node, pyoxigraph.BlankNode):
        return BLANK_NODE_TEXT
    return shorten(node.value)


def literal_n3(node: pyoxigraph.Literal) -> str:
    """A literal as rdflib's ``Literal.n3`` writes it with the project's prefixes."""
    text = node.value
    if "\n" in text:
        encoded = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
        if encoded[-1] == '"' and encoded[-2] != "\\":
            encoded = encoded[:-1] + '\\"'
        encoded = '"""' + encoded.replace("\r", "\\r") + '"""'
    else:
        escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "\\r")
        encoded = '"' + escaped + '"'
    if node.language:
        return f"{encoded}@{node.language}"
    datatype = node.datatype.value
    if datatype == _XSD_STRING:
        return encoded
    shown = shorten(datatype)
    return f"{encoded}^^{shown}"


def _text(node: Node) -> str:
    """What ``str()`` of the equal rdflib term gives: the IRI, the blank id, the lexical form."""
    text: str = node.value
    return text


def label(view: StoreView, node: Node) -> str | None:
    """The node's best name (``terms.pick_label``, in ``view.lang`` first); None when none."""
    import pyoxigraph

    if isinstance(node, pyoxigraph.Literal):
        return None
    found = pick_label(
        (
            (p, o.value, o.language)
            for p in LABEL_PROPERTIES
            for o in view.objects(node, p)
            if isinstance(o, pyoxigraph.Literal)
        ),
        lang=view.lang,
    )
    if found is None and isinstance(node, pyoxigraph.BlankNode):
        return _interval_text(view, node)
    return found


def _instant_text(view: StoreView, instant: Node) -> str | None:
    for prop in _INSTANT_VALUES:
        value = view.value(instant, _TIME + prop)
        if value is not None:
            return _text(value)
    return None


def _interval_text(view: StoreView, node: Node) -> str | None:
    """``2019-09 – 2020-09`` for an anonymous interval (``… –`` when it has no end)."""
    begin = view.value(node, _TIME + "hasBeginning")
    end = view.value(node, _TIME + "hasEnd")
    if begin is None and end is None:
        return None
    start = _instant_text(view, begin) if begin is not None else "?"
    stop = _instant_text(view, end) if end is not None else ""
    return f"{start} – {stop}".rstrip()


def term(view: StoreView, node: Node) -> Term:
    """The node as plain strings: its IRI (or text), short form and label."""
    return Term(_text(node), short(node), label(view, node))


# --- finding the resource -------------------------------------------------------------------

#: Kinds the name matcher (``kgtool.query.names``) tries for describe, in this order.
NAMED_KINDS = ("municipality", "county", "region", "collaboration", "source")


def find_resource(project_store: ProjectStore, thing: str, names: NameIndex | None = None) -> str:
    """The IRI ``thing`` stands for, or UnknownResource / AmbiguousResource (exit 2).

    With ``names`` (the matcher ``query`` uses), a municipality, county, region, collaboration
    or source is found as ``query`` finds it: ``Vasteras``, ``VÄSTERÅS``, ``västerås kommun``
    and ``1980`` are Västerås, and a misspelled name suggests the closest ones.
    """
    view = StoreView(project_store)
    text = thing.strip()
    if not text:
        raise UnknownResource("THING is empty: give an IRI, a code such as 1980, or a name")
    if "/" in text and " " not in text and not re.match(r"https?://", text):
        relative = ID_IRI + text.strip("/")  # municipality/1980: an IRI, found without names
        if _exists(view, relative):
            return relative
    if names is not None and not re.match(r"https?://", text) and expand_prefixed_iri(text) is None:
        found = _by_matcher(names, text, thing)
        if found is not None:
            return found
        try:
            return _find_resource(view, thing)
        except UnknownResource as error:
            hint = _suggestions(names, text)
            if hint:
                raise UnknownResource(f"THING {thing!r}: nothing has that name{hint}") from error
            raise
    return _find_resource(view, thing)


def _by_matcher(names: NameIndex, text: str, thing: str) -> str | None:
    """The first kind (in NAMED_KINDS order) with a thing of that name or code: ``19`` is the
    county before the region. A name that fits several things of one kind is ambiguous."""
    from kgtool.errors import AmbiguousName, ParameterError

    for kind in NAMED_KINDS:
        try:
            return names.resolve(kind, text, f"THING {thing!r}")
        except AmbiguousName as error:
            raise AmbiguousResource(error.message) from None
        except ParameterError:
            continue
    return None


def _suggestions(names: NameIndex, text: str) -> str:
    """``; did you mean …?`` from the closest names of every kind, or ''."""
    titles: list[str] = []
    for kind in NAMED_KINDS:
        hint = names.suggest(kind, text)
        if hint.startswith("; did you mean "):
            titles += hint[len("; did you mean ") : -1].split(", ")
    return f"; did you mean {', '.join(dict.fromkeys(titles))}?" if titles else ""


def _with_code(view: StoreView, prop: str, code: str) -> list[str]:
    import pyoxigraph

    found = view.store.quads_for_pattern(
        None, pyoxigraph.NamedNode(_KS + prop), pyoxigraph.Literal(code), None
    )
    return sorted({q.subject.value for q in found if isinstance(q.subject, pyoxigraph.NamedNode)})


def _find_resource(view: StoreView, thing: str) -> str:
    text = thing.strip()
    kind = "resource"
    candidates: list[str | None] = []
    if re.match(r"https?://", text):
        candidates = [text]
    elif expand_prefixed_iri(text) is not None:
        candidates = [expand_prefixed_iri(text)]
    elif "/" in text and " " not in text:
        candidates = [ID_IRI + text.strip("/")]
    elif re.fullmatch(r"\d{4}", text):
        kind = "municipality with that code"
        candidates = [*_with_code(view, "municipalityCode", text)] or [None]
    elif re.fullmatch(r"\d{2}", text):
        kind = "county with that code"
        candidates = [*_with_code(view, "countyCode", text)] or [None]
    elif re.fullmatch(r"\d{3}", text):
        kind = "source with that number"
        candidates = [str(source(text))]
    elif re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)+|[a-z0-9]+", text):
        # a slug such as "malardalsradet" or "jens-sjostrom", as query parameters accept
        slugged = [f"{ID_IRI}{folder}/{text}" for folder in ("collaboration", "person", "area")]
        found = [iri for iri in slugged if _exists(view, iri)]
        if found:
            return found[0]
    if candidates:
        found = [iri for iri in candidates if iri is not None and _exists(view, iri)]
        if found:
            return found[0]
        raise UnknownResource(f"THING {thing!r}: no such {kind} in the graph")
    return _find_by_name(view, thing)


def _exists(view: StoreView, iri: str) -> bool:
    try:
        return view.exists(iri)
    except ValueError:  # not an IRI pyoxigraph accepts: nothing can have it
        return False


_BY_NAME = """
SELECT DISTINCT ?s ?name WHERE {
  VALUES ?p { %s }
  ?s ?p ?name . FILTER(isIRI(?s) && isLiteral(?name) && CONTAINS(LCASE(STR(?name)), %s))
}"""


def _find_by_name(view: StoreView, thing: str) -> str:
    """Any other named thing (an event, an ontology term): an exact name (any case) first;
    failing that, a name containing ``thing``. One query on the store's labels."""
    import pyoxigraph

    wanted = thing.strip().casefold()
    props = " ".join(f"<{p}>" for p in NAME_PROPERTIES)
    answer = view.project_store.select(
        _BY_NAME % (props, pyoxigraph.Literal(thing.strip().lower()))
    )
    names = [
        (subject, name.value.casefold())
        for row in answer
        if isinstance(subject := row["s"], pyoxigraph.NamedNode)
        and isinstance(name := row["name"], pyoxigraph.Literal)
    ]
    matches = {subject for subject, name in names if name == wanted}
    if not matches:
        matches = {subject for subject, name in names if wanted in name}
    if not matches:
        raise UnknownResource(
            f"THING {thing!r}: no resource has that name (try an IRI, a code such as 1980, "
            "or a name such as Västerås)"
        )
    if len(matches) > 1:
        listed = sorted(f"{short(m)} ({label(view, m)})" for m in matches)
        extra = len(listed) - MAX_CANDIDATES
        more = f"; … and {extra} more" if extra > 0 else ""
        raise AmbiguousResource(
            f"THING {thing!r} matches {len(listed)} resources: "
            + "; ".join(listed[:MAX_CANDIDATES])
            + more
        )
    found: str = next(iter(matches)).value
    return found


# --- where it is written --------------------------------------------------------------------

_PREFIX_LINE = re.compile(r"^\s*(?:@prefix|PREFIX)\s+([\w.-]*):\s*<([^>]*)>", re.IGNORECASE)
_BASE_LINE = re.compile(r"^\s*(?:@base|BASE)\s*<([^>]*)>", re.IGNORECASE)
_SUBJECT_IRI = re.compile(r"^<([^>]*)>")
_SUBJECT_PNAME = re.compile(r"^([A-Za-z][\w.-]*)?:([\w.-]*)")


def subject_line(path: Path, iri: str) -> int | None:
    """The first line of ``path`` that opens a block (column 0) for subject ``iri``."""
    from urllib.parse import urljoin

    namespaces: dict[str, str] = {}
    base = path.resolve().as_uri()
    local = local_name(iri)  # in any way of writing the IRI
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line or line[0] in " \t#\n\r)]":
                continue
            if local not in line and line[0] not in "@PpBb":  # not it, nor a prefix or base
                continue
            if found := _PREFIX_LINE.match(line):
                namespaces[found.group(1)] = urljoin(base, found.group(2))
            elif found := _BASE_LINE.match(line):
                base = urljoin(base, found.group(1))
            elif found := _SUBJECT_IRI.match(line):
                if urljoin(base, found.group(1)) == iri:
                    return number
            elif (
                (found := _SUBJECT_PNAME.match(line))
                and (found.group(1) or "") in namespaces
                and namespaces[found.group(1) or ""] + found.group(2) == iri
            ):
                return number
    return None


def location(project_store: ProjectStore, iri: str, root: Path | None) -> str | None:
    """``file:line`` where ``iri`` is first defined, in the order of the project's files."""
    graphs = StoreView(project_store).graphs_of(_named(iri))
    for source_file in project_store.files:
        if source_file.graph not in graphs:
            continue
        path = source_file.path
        if not path.is_absolute() and root is not None:
            path = root / path
        try:
            line = subject_line(path, iri)
        except (OSError, UnicodeDecodeError):
            line = None
        if line is not None:
            return f"{source_file.shown}:{line}"
    return None


# --- the description ------------------------------------------------------------------------


def _sorted(relations: list[Relation]) -> list[Relation]:
    return sorted(relations, key=lambda r: (r.predicate.short, r.other.short, r.other.iri))


def describe(
    project_store: ProjectStore,
    thing: str,
    names: NameIndex | None = None,
    root: Path | None = None,
    lang: str = "sv",
) -> Description:
    """Find ``thing`` (with ``names``, the matcher ``query`` uses) and gather its labels, types,
    relations both ways and sources; ``root`` is the project folder (for ``file:line``);
    names of related things are picked in ``lang``."""
    view = StoreView(project_store, lang)
    iri = find_resource(project_store, thing, names)
    node = _named(iri)
    result = Description(term(view, node), location(project_store, iri, root))
    import pyoxigraph

    for _, predicate, obj in view.triples(node):
        p = predicate.value
        literal = isinstance(obj, pyoxigraph.Literal)
        if p in LABELS and isinstance(obj, pyoxigraph.Literal):
            lang = f" @{obj.language}" if obj.language else ""
            result.labels.append(f"{obj.value}{lang}")
        elif p == RDF_TYPE:
            result.types.append(term(view, obj))
        elif p == DERIVED_FROM:
            result.sources.append(term(view, obj))
        elif literal:
            result.values.append(Relation(term(view, predicate), term(view, obj)))
        else:
            result.outgoing.append(Relation(term(view, predicate), term(view, obj)))
    mentioned: set[Node] = set()
    for subject, predicate, _ in view.triples(obj=node):
        result.incoming.append(Relation(term(view, predicate), term(view, subject)))
        mentioned.update(view.objects(subject, DERIVED_FROM))
    own = {t.iri for t in result.sources}
    result.mentioned_in = sorted(
        (term(view, s) for s in mentioned if _text(s) not in own), key=lambda t: t.short
    )
    result.labels.sort()
    result.types.sort(key=lambda t: t.short)
    result.sources.sort(key=lambda t: t.short)
    result.values = _sorted(result.values)
    result.outgoing = _sorted(result.outgoing)
    result.incoming = _sorted(result.incoming)
    return result
