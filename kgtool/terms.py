"""The project's terms: prefixes, the closed ``ks:`` vocabulary, IRI building and shortening.

One home for each of these ideas:

- the prefixes as plain strings (``PREFIX_IRIS``, ``prologue``) — no rdflib, so the query path
  stays light;
- IRIs shortened for people (``shorten``: ``id:municipality/1980``, ``ks:FullMember``) and read
  back (``expand_prefixed``);
- the characters an IRI may not hold (``FORBIDDEN_IRI_CHARACTERS``);
- the rdflib namespaces (``KS``, ``ID``, ``SH``, ``SCHEMA``, ``WD``, ``PREFIXES``), built on first
  use. ``KS`` is closed: it mirrors ``ontology/kommunsamverkan.ttl`` term for term
  (``tests/graph/test_graph_vocabulary.py`` checks both ways), so ``KS.Municipalty`` raises;
- the things' IRIs under ``id/`` (``municipality("1980")``, ``county``, ``region``,
  ``collaboration``, ``source``) and ``slugify``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Hashable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    import pyoxigraph
    from rdflib import URIRef
    from rdflib.term import Node

    OxTerm = pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.Literal

T = TypeVar("T", bound=Hashable)

DEFAULT_BASE = "https://w3id.org/kommunsamverkan/"

PREFIX_IRIS: dict[str, str] = {
    "ks": DEFAULT_BASE + "def/",
    "id": DEFAULT_BASE + "id/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "org": "http://www.w3.org/ns/org#",
    "time": "http://www.w3.org/2006/time#",
    "prov": "http://www.w3.org/ns/prov#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "schema": "https://schema.org/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "void": "http://rdfs.org/ns/void#",
    "sh": "http://www.w3.org/ns/shacl#",
    "wd": "http://www.wikidata.org/entity/",
}

ID_IRI = PREFIX_IRIS["id"]
KS_IRI = PREFIX_IRIS["ks"]

# Characters that may not stand in an IRI (RFC 3987: spaces, controls, <>"{}|\^`), as the
# inside of a regex character class, and the patterns built from it.
IRI_FORBIDDEN_CLASS = r'\x00-\x20<>"{}|\\^`'
FORBIDDEN_IRI_CHARACTERS = re.compile(f"[{IRI_FORBIDDEN_CLASS}]")
ABSOLUTE_IRI = re.compile(f"[A-Za-z][A-Za-z0-9+.-]*:[^{IRI_FORBIDDEN_CLASS}]+")

_PREFIXED_NAME = re.compile(r"([A-Za-z][\w-]*):([\w./-]*)")
_MUNICIPALITY_CODE = re.compile(r"\d{4}")
_COUNTY_CODE = re.compile(r"\d{2}")
_SOURCE_NUMBER = re.compile(r"\d{3}")
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def prologue(text: str) -> str:
    """``PREFIX`` lines for the project's prefixes that ``text`` does not declare itself."""
    declared = {m.lower() for m in re.findall(r"(?i)\bPREFIX\s+([A-Za-z][\w.-]*)?\s*:", text)}
    return "".join(
        f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIX_IRIS.items() if name not in declared
    )


_SHORT_LOCAL = re.compile(r"[\w.-]+(?:/[\w.-]+)*")


def shorten(iri: str, prefixes: dict[str, str] | None = None, *, bare: bool = False) -> str:
    """``iri`` as ``prefix:local`` with the longest namespace of ``prefixes`` that fits.

    ``id:municipality/1980``, ``ks:FullMember``, ``xsd:date``. A local part is word characters,
    ``.``, ``-`` and ``/``-separated steps. When no prefix fits: ``<iri>``, or the IRI itself
    when ``bare`` (JSON-LD and page text). ``prefixes`` defaults to the project's own.
    """
    best = ""
    table = PREFIX_IRIS if prefixes is None else prefixes
    for prefix, namespace in table.items():
        if (
            iri.startswith(namespace)
            and len(namespace) > len(table.get(best, ""))
            and _SHORT_LOCAL.fullmatch(iri[len(namespace) :])
        ):
            best = prefix
    if best:
        return f"{best}:{iri[len(table[best]) :]}"
    return iri if bare else f"<{iri}>"


LANGUAGES = ("sv", "en")
"""The languages labels, messages and pages come in."""


def default_lang() -> str:
    """The one default language of every command and of the API: ``$KGTOOL_LANG`` when it is
    sv or en, else ``sv`` when the locale (LC_ALL, LC_MESSAGES or LANG) is Swedish, else ``en``."""
    import os

    chosen = os.environ.get("KGTOOL_LANG", "").strip().lower()
    if chosen in LANGUAGES:
        return chosen
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value:
            return "sv" if value.lower().startswith("sv") else "en"
    return "en"


LABEL_PROPERTIES = (
    PREFIX_IRIS["skos"] + "prefLabel",
    PREFIX_IRIS["rdfs"] + "label",
    PREFIX_IRIS["foaf"] + "name",
    PREFIX_IRIS["dct"] + "title",
)
"""The properties that name a thing, best first."""


def label_rank(prop: str, language: str | None, lang: str = "sv") -> tuple[int, int] | None:
    """How good a name a literal of ``prop`` in ``language`` is for a reader of ``lang``.

    Lower is better: the reader's language, then no language, then the other of sv/en, then
    any other; within a language, ``LABEL_PROPERTIES`` in order. None: ``prop`` names nothing.
    """
    if prop not in LABEL_PROPERTIES:
        return None
    order = (lang, None, "en" if lang == "sv" else "sv")
    language = language or None
    return (order.index(language) if language in order else 3, LABEL_PROPERTIES.index(prop))


def pick_label(
    candidates: Iterable[tuple[object, str, str | None]], lang: str = "sv"
) -> str | None:
    """The best name among ``(property IRI, text, language)`` candidates; None when none names."""
    ranked = [
        (rank, text)
        for prop, text, language in candidates
        if (rank := label_rank(str(prop), language, lang)) is not None
    ]
    return min(ranked)[1] if ranked else None


def local_name(iri: str) -> str:
    """The last step of an IRI (after its last ``/``, ``#`` or ``:``): ``1980``,
    ``malardalsradet``, ``FullMember``; usable as a name or a code."""
    return re.split(r"[/#:]", iri.rstrip("/#"))[-1]


def blank_closure(
    node: T,
    statements: Callable[[T], Iterable[tuple[T, T]]],
    is_blank: Callable[[T], bool],
) -> list[tuple[T, T, T]]:
    """The statements about blank node ``node`` and about every blank node they lead to, each
    node visited once (a cycle ends), for any engine: ``statements(subject)`` gives its
    (predicate, object) pairs, ``is_blank`` tells a blank node."""
    found: list[tuple[T, T, T]] = []
    pending, seen = [node], set()
    while pending:
        subject = pending.pop()
        if subject in seen:
            continue
        seen.add(subject)
        for predicate, obj in statements(subject):
            found.append((subject, predicate, obj))
            if is_blank(obj):
                pending.append(obj)
    return found


BLANK_NODE_TEXT = "[]"
"""How a blank node is shown to people: its label differs from one parse to the next, so it is
never shown (the SPARQL result formats and N-Triples keep ``_:label``, as their specs say)."""


def date_precision(text: str) -> str | None:
    """The XSD datatype name of a day, a month or a year: ``date`` (``2020-09-09``, a real
    day), ``gYearMonth`` (``2020-09``), ``gYear`` (``2020``); None for anything else."""
    import datetime as dt

    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            dt.date.fromisoformat(text)
        except ValueError:
            return None
        return "date"
    if re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", text):
        return "gYearMonth"
    if re.fullmatch(r"\d{4}", text):
        return "gYear"
    return None


def rdflib_term(term: OxTerm | pyoxigraph.Triple | None, *, lexical: bool = False) -> Node | None:
    """A pyoxigraph term (from the store or a query result) as the equal rdflib term (None for
    None). With ``lexical``, a literal keeps its lexical form as written (rdflib does not
    normalise it: what a datatype check must see)."""
    import pyoxigraph
    from rdflib import BNode, Literal, URIRef

    if term is None:
        return None
    if isinstance(term, pyoxigraph.NamedNode):
        return URIRef(term.value)
    if isinstance(term, pyoxigraph.BlankNode):
        return BNode(term.value)
    if isinstance(term, pyoxigraph.Triple):
        raise TypeError(f"a quoted triple (RDF-star) has no rdflib term: {term}")
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    if datatype == PREFIX_IRIS["xsd"] + "string":
        return Literal(term.value)
    if lexical:
        return Literal(term.value, datatype=URIRef(datatype), normalize=False)
    return Literal(term.value, datatype=URIRef(datatype))


def expand_prefixed(text: str) -> URIRef | None:
    """``ks:FullMember`` or ``id:municipality/1980`` (the forms ``shorten`` prints) as an IRI.

    None when ``text`` is not a prefixed name with one of the project's prefixes, e.g. an
    absolute IRI such as ``urn:x`` or ``https://…``.
    """
    from rdflib import URIRef

    iri = expand_prefixed_iri(text)
    return URIRef(iri) if iri is not None else None


def expand_prefixed_iri(text: str) -> str | None:
    """``expand_prefixed`` as a plain string (no rdflib import)."""
    match = _PREFIXED_NAME.fullmatch(text)
    if not match:
        return None
    prefix, local = match.groups()
    namespace = PREFIX_IRIS.get(prefix)
    return namespace + local if namespace is not None else None


def _thing(folder: str, key: str, pattern: re.Pattern[str], what: str) -> URIRef:
    from rdflib import URIRef

    if not pattern.fullmatch(key):
        raise ValueError(f"{folder} {what}, got {key!r}")
    return URIRef(f"{ID_IRI}{folder}/{key}")


def municipality(code: str) -> URIRef:
    """IRI of a municipality from its four-digit kommunkod, e.g. ``municipality("1980")``."""
    return _thing("municipality", code, _MUNICIPALITY_CODE, "code must be four digits")


def county(code: str) -> URIRef:
    """IRI of a county (län) from its two-digit code."""
    return _thing("county", code, _COUNTY_CODE, "code must be two digits")


def region(code: str) -> URIRef:
    """IRI of a region (regional authority) from the two-digit code of its county."""
    return _thing("region", code, _COUNTY_CODE, "code must be two digits")


def collaboration(slug: str) -> URIRef:
    """IRI of a collaboration from its stable slug, e.g. ``fyra-malarstader``."""
    return _thing("collaboration", slug, _SLUG, "slug must be lower-case words joined by '-'")


def source(number: str) -> URIRef:
    """IRI of a source document from its three-digit number, e.g. ``source("004")``."""
    return _thing("source", number, _SOURCE_NUMBER, "number must be three digits")


def slugify(name: str) -> str:
    """A stable slug of a Swedish name: lower case, å ä → a, ö → o, other runs → '-'."""
    table = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "ü": "u"})
    return re.sub(r"[^a-z0-9]+", "-", name.lower().translate(table)).strip("-")


KS_TERMS = (
    # Classes
    "ActivityPlan",
    "Address",
    "AnnualReport",
    "Auditors",
    "Board",
    "Body",
    "Chairmanship",
    "Collaboration",
    "ContactPoint",
    "Council",
    "County",
    "Decision",
    "DevelopmentPlan",
    "DirectionGoals",
    "Event",
    "Figure",
    "Goal",
    "LetterOfIntent",
    "MandatePeriod",
    "Meeting",
    "MemberList",
    "Minutes",
    "Municipality",
    "NominationCommittee",
    "Plan",
    "Presidium",
    "ReferenceTable",
    "Region",
    "RulesOfProcedure",
    "Secretariat",
    "SourceDocument",
    "Statutes",
    "Vision",
    "WorkAreaStatement",
    # Properties
    "actingMunicipality",
    "appointedBy",
    "basedOn",
    "concerns",
    "contactPointOf",
    "county",
    "countyCode",
    "coversArea",
    "decidedAt",
    "decidedBy",
    "decidesOn",
    "decisionOn",
    "deputySeats",
    "electedBy",
    "elects",
    "expectedAdoption",
    "figureOf",
    "fileName",
    "goal",
    "handedOverAt",
    "heldDuring",
    "inferred",
    "invoiceAddress",
    "iso3166Code",
    "latestDateMentioned",
    "listOf",
    "listedUnderCounty",
    "mandateLength",
    "mandateOf",
    "measure",
    "meetingOf",
    "meetingsPerYear",
    "meetsAt",
    "memberSeats",
    "minutesOf",
    "municipalityCode",
    "nameInSource",
    "nominatesFor",
    "noticePeriod",
    "officialName",
    "organisationNumber",
    "papersPeriod",
    "personalDeputies",
    "planned",
    "politicalParty",
    "postalAddress",
    "priorityArea",
    "projectionYear",
    "qualifier",
    "seatsQualifier",
    "speaksFor",
    "statementAbout",
    "unit",
    "usualMonth",
    "value",
    "valueInSource",
    "venue",
    "visionYear",
    "visitingAddress",
    "workArea",
    # Role concepts (org:Role individuals)
    "AssociateMember",
    "Chair",
    "ExecutiveBoardChair",
    "FullMember",
    "Minister",
    "SecretariatLead",
    "SecretaryGeneral",
    "UnitHead",
)
"""Every term of ``ontology/kommunsamverkan.ttl`` (``tests/graph/test_graph_vocabulary.py``)."""


# -- rdflib namespaces, built on first use (``from kgtool.terms import KS``) ------------------


@functools.cache
def _rdflib_names() -> dict[str, Any]:
    """The rdflib namespaces, built once on first use."""
    from rdflib import Namespace
    from rdflib.namespace import DefinedNamespace

    # Closed: a term not in KS_TERMS raises (``KS.Municipalty``).
    attributes = {
        "_NS": Namespace(KS_IRI),
        "_fail": True,
        "__annotations__": dict.fromkeys(KS_TERMS, "URIRef"),
    }
    KS = type("KS", (DefinedNamespace,), attributes)
    KS.__doc__ = "Classes, properties and role concepts of https://w3id.org/kommunsamverkan/def/."

    namespaces: dict[str, Any] = {name: Namespace(iri) for name, iri in PREFIX_IRIS.items()}
    namespaces["ks"] = KS
    return {
        "KS": KS,
        "ID": namespaces["id"],
        "SCHEMA": namespaces["schema"],
        "SH": namespaces["sh"],
        "WD": namespaces["wd"],
        "PREFIXES": {name: ns for name, ns in namespaces.items() if name != "id"},
    }


def __getattr__(name: str) -> Any:
    if name in {"KS", "ID", "SCHEMA", "SH", "WD", "PREFIXES"}:
        return _rdflib_names()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
