"""The graph seen as a site: which resources have pages, links between them, labels and values
as shown (no markup here). Each page kind (``resource``, ``collaboration``, ``municipality``,
``ontology``) builds its view objects from these.

Resources under ``id/`` get a page each at ``id/<path>/index.html``; ontology terms under
``def/`` are anchors of ``def/index.html``. Links between pages are relative, so the site works
from any folder or host; external IRIs (Wikidata, W3C vocabularies) link to themselves.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import PROV

from kgtool.terms import DEFAULT_BASE, label_rank, shorten
from kgtool.web.site.i18n import TERM_LABELS
from kgtool.web.site.vocab import DCTERMS, RDF, TIME, XSD

if TYPE_CHECKING:
    from kgtool.web.site.store import StoreGraph

LABELS_KEPT = 20_000  # labels remembered per language before the memo starts again
PLAIN_TYPES = {
    XSD.integer,
    XSD.nonNegativeInteger,
    XSD.positiveInteger,
    XSD.decimal,
    XSD.double,
    XSD.date,
    XSD.gYear,
    XSD.gYearMonth,
    XSD.gMonth,
    XSD.dateTime,
    XSD.string,
    XSD.boolean,
    XSD.anyURI,
    XSD.duration,
    XSD.time,
}  # shown as plain text: no datatype badge
SOURCE_PROPERTIES = (PROV.wasDerivedFrom, DCTERMS.source)
TIME_VALUES = (TIME.inXSDDate, TIME.inXSDgYearMonth, TIME.inXSDgYear, TIME.inXSDDateTime)
_UNKNOWN = object()  # not looked up yet (a label memo's None means: no label)
_NODES = (URIRef, BNode)
_BOOLEAN = str(XSD.boolean)


RELATIVE_KEPT = 10_000  # relative links remembered before the memo starts again (each worker
# holds one: at 100,000 the memos of relative links, steps and short names grew a process by
# ~70 MB over 20,000 pages of a 1 M site, against ~40 MB at 10,000)
_RELATIVE: dict[tuple[str, str], str] = {}


_STEPS: dict[str, list[str] | None] = {}


def _steps(folder: str) -> list[str] | None:
    """A plain folder's steps ('a/b/' or ''), None for any other (remembered: a page's links
    all start from its folder, and lead to the same few often)."""
    found = _STEPS.get(folder, _UNKNOWN)
    if found is _UNKNOWN:
        if len(_STEPS) > RELATIVE_KEPT:
            _STEPS.clear()
        plain = not (
            "." in folder or "//" in folder or folder[:1] == "/" or folder[-1:] not in ("/", "")
        )
        found = _STEPS[folder] = folder.split("/") if plain else None
    return found


def _relative(target_dir: str, from_dir: str) -> str:
    """``SiteModel.relative``, worked out."""
    mine, theirs = _steps(target_dir), _steps(from_dir)
    if mine is not None and theirs is not None:  # folders 'a/b/' or '': the common steps
        same = 0
        for step, other in zip(mine, theirs, strict=False):
            if step != other:
                break
            same += 1
        ups = len(theirs) - 1 - same
        return "../" * ups + "/".join(mine[same:]) if ups >= 0 else "./"
    target = [part for part in target_dir.split("/") if part and part != "."]
    start = [part for part in from_dir.split("/") if part and part != "."]
    if ".." in target or ".." in start:
        rel = posixpath.relpath(target_dir or ".", from_dir or ".")
        return "./" if rel == "." else rel + "/"
    common = 0
    for step, other in zip(target, start, strict=False):
        if step != other:
            break
        common += 1
    parts = [".."] * (len(start) - common) + target[common:]
    return "/".join(parts) + "/" if parts else "./"


@lru_cache(maxsize=1024)
def _note(datatype: URIRef | None) -> str | None:
    """The badge a literal of ``datatype`` shows (None: shown as plain text)."""
    if datatype is None or datatype in PLAIN_TYPES:
        return None
    return shorten(str(datatype), bare=True)


@lru_cache(maxsize=RELATIVE_KEPT)
def _short_name(iri: str) -> str:
    """An IRI without a label as shown: prefixed (remembered: pages show the same ones)."""
    return shorten(iri, bare=True)


class Value(NamedTuple):
    """One value as shown: text, an optional link, and the IRI or datatype/language it carries
    (a named tuple: made hundreds of times a page, and cheaper to make than a frozen dataclass;
    its ``repr``, which sorting breaks ties with, is the same)."""

    text: str
    href: str | None = None
    iri: str | None = None
    note: str | None = None
    lang: str | None = None  # the text's language, when not the page's


@dataclass
class Row:
    """A predicate and its values."""

    predicate: Value
    values: list[Value]


class SiteModel:
    """The graph seen as a site under ``base``: pages, labels and relative links."""

    def __init__(
        self,
        graph: StoreGraph,
        base: str,
        lang: str = "sv",
        prefix: str = "",
        pages: dict[URIRef, str] | None = None,
    ) -> None:
        self.graph = graph
        self.base = base
        self.lang = lang
        self.prefix = prefix  # folder of this language's pages: '' (Swedish) or 'en/'
        self.term_labels = TERM_LABELS[lang]
        self.id_base = base + "id/"
        self.def_base = base + "def/"
        self.labels: dict = {}  # node -> its best label (or None), looked up on first use
        if pages is None:
            subjects = graph.iri_subjects(self.id_base)
            pages = {s: path for s in subjects if (path := self._path_of(s))}
        self.pages: dict[URIRef, str] = pages

    # -- paths and links --------------------------------------------------------------------

    def _path_of(self, iri: URIRef) -> str:
        rest = str(iri)[len(self.base) :].strip("/")
        if not rest or any(ch in rest for ch in "#?") or ".." in rest.split("/"):
            return ""
        return rest + "/"

    def href(self, iri: URIRef, from_dir: str) -> str | None:
        """A link to ``iri`` from a page in folder ``from_dir`` ('' for the site root)."""
        page = self.pages.get(iri)
        text = str(iri)
        if page is not None:
            target = self.prefix + page
        elif text.startswith(self.def_base) and len(text) > len(self.def_base):
            return self.relative(self.prefix + "def/", from_dir) + "#" + text[len(self.def_base) :]
        elif text == self.def_base:
            target = self.prefix + "def/"
        elif text.startswith(("http://", "https://")) and not text.startswith(self.base):
            return text
        else:
            return None
        return self.relative(target, from_dir)

    @staticmethod
    def relative(target_dir: str, from_dir: str) -> str:
        """Relative link from folder ``from_dir`` to folder ``target_dir`` (both end in '/').

        What ``posixpath.relpath`` gives for two folders of the site, without its calls to
        ``os.getcwd`` (a page has hundreds of links; remembered: a page links the same
        folders often, e.g. the ontology's page for each of its terms)."""
        key = (target_dir, from_dir)
        found = _RELATIVE.get(key)
        if found is None:
            if len(_RELATIVE) > RELATIVE_KEPT:
                _RELATIVE.clear()
            found = _RELATIVE[key] = _relative(target_dir, from_dir)
        return found

    # -- labels and values ------------------------------------------------------------------

    def _label_of(self, node) -> str | None:
        """The node's best label (``terms.label_rank``, then the text), from the store."""
        best = None
        for prop, o in self.graph.label_literals(node):
            rank = (label_rank(prop, o.language, self.lang), str(o))
            if best is None or rank < best:
                best = rank
        return None if best is None else best[1]

    def label(self, node) -> str:
        kind = type(node)  # (a type test first: isinstance with rdflib's ABCs is slow)
        if kind is URIRef or kind is BNode or (kind is not Literal and isinstance(node, _NODES)):
            self.graph.note(node)
            found = self.labels.get(node, _UNKNOWN)
            if found is _UNKNOWN:
                if len(self.labels) > LABELS_KEPT:  # a bounded memo: pages ask for neighbours
                    self.labels.clear()
                found = self.labels[node] = self._label_of(node)
            if found is not None:
                return found
        if str(node) in self.term_labels:
            return self.term_labels[str(node)]
        if isinstance(node, URIRef):
            return _short_name(str(node))
        return str(node)

    def value(self, term, from_dir: str) -> Value:
        kind = type(term)  # (a type test first: isinstance with rdflib's ABCs is slow)
        if kind is Literal or (kind is not URIRef and isinstance(term, Literal)):
            datatype, language = term.datatype, term.language
            if datatype is not None and str.__eq__(datatype, _BOOLEAN):
                yes = term.toPython() is True
                return Value(("ja" if yes else "nej") if self.lang == "sv" else str(yes).lower())
            note = _note(datatype)
            lang = language if language and language != self.lang else None
            return Value(str(term), None, None, note, lang)
        if kind is BNode or (kind is not URIRef and isinstance(term, BNode)):
            return Value(self.blank_text(term))
        return Value(self.label(term), self.href(term, from_dir), str(term))

    def blank_text(self, node: BNode) -> str:
        """A blank node in words: an interval as 'start – end', else its property values."""
        self.graph.prefetch(node)
        if (node, TIME.hasBeginning, None) in self.graph or (node, TIME.hasEnd, None) in self.graph:
            return self.period(node)
        for prop in TIME_VALUES:
            for value in self.graph.objects(node, prop):
                return str(value)
        parts = []
        for p, o in sorted(self.graph.predicate_objects(node)):
            if p == RDF.type:
                continue
            shown = self.blank_text(o) if isinstance(o, BNode) else self.label(o)
            parts.append(f"{self.label(p)}: {shown}")
        return "; ".join(parts) or "[ ]"

    def instant(self, node) -> str:
        self.graph.prefetch(node)
        for prop in TIME_VALUES:
            for value in self.graph.objects(node, prop):
                return str(value)
        return self.label(node) if isinstance(node, URIRef) else "?"

    def period(self, interval) -> str:
        """'2019 – 2020', '2016-08 –' (no end: ongoing), or '' when there is none."""
        if interval is None:
            return ""
        self.graph.prefetch(interval)
        begin = next(iter(self.graph.objects(interval, TIME.hasBeginning)), None)
        end = next(iter(self.graph.objects(interval, TIME.hasEnd)), None)
        if begin is None and end is None:
            return self.label(interval)
        start = self.instant(begin) if begin is not None else ""
        stop = self.instant(end) if end is not None else ""
        if start and start == stop:  # a period within one year, month or day
            return start
        return f"{start} – {stop}".strip()

    def one(self, subject, prop):
        """Some value of ``prop`` on ``subject`` (None when there is none)."""
        return next(iter(self.graph.objects(subject, prop)), None)

    def sources_of(self, *subjects) -> set:
        """The sources stated for any of ``subjects``."""
        return {o for s in subjects for p in SOURCE_PROPERTIES for o in self.graph.objects(s, p)}

    def sorted_values(self, terms, here: str) -> list[Value]:
        """Each distinct term as a value, by text."""
        return sorted(
            (self.value(t, here) for t in set(terms)), key=lambda v: (v.text.lower(), repr(v))
        )

    def rows(self, pairs, from_dir: str) -> list[Row]:
        grouped: dict[URIRef, list] = defaultdict(list)
        for p, o in pairs:
            grouped[p].append(o)
        rows = []
        for p in sorted(grouped, key=lambda p: (self.label(p).lower(), str(p))):
            values = [self.value(o, from_dir) for o in grouped[p]]
            values.sort(key=lambda v: (v.text.lower(), v.iri or "", v.note or "", v.lang or ""))
            rows.append(Row(self.value(p, from_dir), values))
        return rows

    def def_terms(self) -> set[URIRef]:
        """Every term under ``def/`` that the graph says something about."""
        return {
            s
            for s in self.graph.iri_subjects(self.def_base)
            if str(s) != self.def_base and self._path_of(s)
        }

    def text(self, node, props, lang: str) -> str:
        """The first (sorted) literal in ``lang`` of the first of ``props`` that has one."""
        for prop in props:
            for value in sorted(self.graph.objects(node, prop)):
                if isinstance(value, Literal) and value.language == lang:
                    return str(value)
        return ""

    def of_type(self, cls: URIRef) -> list[URIRef]:
        """Subjects of class ``cls`` that have a page, sorted by label."""
        return sorted(
            (s for s in self.graph.subjects(RDF.type, cls) if s in self.pages),
            key=lambda s: (self.label(s).lower(), str(s)),
        )


def move_term(term, base: str):
    """A term of the project graph as published under ``base``."""
    if isinstance(term, URIRef) and str(term).startswith(DEFAULT_BASE):
        return URIRef(base + str(term)[len(DEFAULT_BASE) :])
    return term
