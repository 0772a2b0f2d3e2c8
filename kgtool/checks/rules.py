"""Checks SHACL cannot express well, reported like shapes (same Finding, a kssh: rule name).

- ``kssh:OrganisationNumberCheckDigit``: a Swedish organisation number's last digit is its Luhn
  check digit (only numbers in the right NNNNNN-NNNN form; the form is a SHACL shape).
- ``kssh:DateLiteralWellFormed``: a literal typed xsd:date, xsd:gYearMonth or xsd:gYear is valid
  under any predicate the shapes do not already check with ``sh:datatype``.
- ``kssh:TermIsDeclared``: every class and property used is declared: a ``ks:`` term in the
  ontology, a term of a reused vocabulary (ORG, OWL-Time, PROV-O, SKOS, DCTERMS, FOAF,
  schema.org, DCAT, VoID, RDF, RDFS, OWL) in rdflib's closed list of its terms. The message
  suggests the closest declared term when one is close.

Each check runs on an rdflib Graph (the reference engine) and on a pyoxigraph Store (the fast
engine), giving the same results. (An IRI with a space or a forbidden character never gets this
far: Oxigraph's strict parser refuses the file.)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import (
    DCAT,
    DCTERMS,
    FOAF,
    ORG,
    OWL,
    PROV,
    RDF,
    RDFS,
    SDO,
    SKOS,
    TIME,
    VOID,
    XSD,
)

from kgtool.checks.report import SHAPES_NS, Finding, filled
from kgtool.terms import FORBIDDEN_IRI_CHARACTERS, KS, SH

if TYPE_CHECKING:
    import pyoxigraph
    from rdflib.term import Node

    Hit = tuple[Node, Node, Node] | tuple[Node, Node, Node, dict[str, str] | None]
    """(focus, path, value), and the messages when they are the check's own for this value."""
    Result = tuple["Check", Node, Node, Node, dict[str, str] | None]

ORG_NUMBER = re.compile(r"[0-9]{6}-[0-9]{4}")
BAD_IRI_CHARACTER = FORBIDDEN_IRI_CHARACTERS
DATE_TYPES = (XSD.date, XSD.gYearMonth, XSD.gYear)
# rdflib does not check the lexical form of these two (xsd:date it parses, marking ill_typed)
_LEXICAL = {
    XSD.gYearMonth: re.compile(r"-?[0-9]{4,}-(0[1-9]|1[0-2])(Z|[+-][0-9]{2}:[0-9]{2})?"),
    XSD.gYear: re.compile(r"-?[0-9]{4,}(Z|[+-][0-9]{2}:[0-9]{2})?"),
}


@dataclass(frozen=True)
class Check:
    """A named Python check with its messages in Swedish and English."""

    name: str
    messages: dict[str, str]
    run: Callable[[Graph, Graph], Iterator[Hit]]
    run_store: Callable[[pyoxigraph.Store, Graph], Iterator[Hit]]

    @property
    def iri(self) -> str:
        return SHAPES_NS + self.name


def luhn_valid(digits: str) -> bool:
    """True when the last digit of ``digits`` is the Luhn check digit of the others."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _bad_check_digits(data: Graph, shapes: Graph) -> Iterator[Hit]:
    for subject, number in data.subject_objects(KS.organisationNumber):
        text = str(number)
        if ORG_NUMBER.fullmatch(text) and not luhn_valid(text.replace("-", "")):
            yield subject, KS.organisationNumber, number


def _checked_by_shapes(shapes: Graph) -> set[Node]:
    """Predicates that a property shape already types with sh:datatype (directly or in sh:or)."""
    checked: set[Node] = set()
    for shape, path in shapes.subject_objects(SH.path):
        if not isinstance(path, URIRef):
            continue
        if (shape, SH.datatype, None) in shapes:
            checked.add(path)
        for alternatives in shapes.objects(shape, SH["or"]):
            members = shapes.items(alternatives)
            if any((member, SH.datatype, None) in shapes for member in members):
                checked.add(path)
    return checked


def _ill_typed_dates(data: Graph, shapes: Graph) -> Iterator[Hit]:
    skip = _checked_by_shapes(shapes)
    for subject, predicate, value in data:
        if (
            isinstance(value, Literal)
            and value.datatype in DATE_TYPES
            and predicate not in skip
            and _ill_typed(value)
        ):
            yield subject, predicate, value


def _ill_typed(value: Literal) -> bool:
    pattern = _LEXICAL.get(value.datatype) if value.datatype is not None else None
    if pattern is not None:
        return not pattern.fullmatch(str(value))
    return bool(value.ill_typed)


# -- the same checks on a pyoxigraph Store --


def _rows(store: pyoxigraph.Store, text: str) -> Iterator[tuple[Node, ...]]:
    from kgtool.checks.fastshacl.evaluate import select, to_rdflib

    for row in select(store, text):
        yield tuple(node for term in row if (node := to_rdflib(term)) is not None)


def _bad_check_digits_store(store: pyoxigraph.Store, shapes: Graph) -> Iterator[Hit]:
    text = f"SELECT DISTINCT ?s ?n WHERE {{ ?s <{KS.organisationNumber}> ?n }}"
    for subject, number in _rows(store, text):
        digits = str(number)
        if ORG_NUMBER.fullmatch(digits) and not luhn_valid(digits.replace("-", "")):
            yield subject, KS.organisationNumber, number


def _ill_typed_dates_store(store: pyoxigraph.Store, shapes: Graph) -> Iterator[Hit]:
    import warnings

    from kgtool.checks.fastshacl.evaluate import to_rdflib, typed_literals

    skip = _checked_by_shapes(shapes)
    bad = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for literal in typed_literals(store, [str(d) for d in DATE_TYPES]):
            value = to_rdflib(literal)
            if isinstance(value, Literal) and _ill_typed(value):
                bad.append(value)
    if not bad:
        return
    values = " ".join(value.n3() for value in bad)
    text = f"SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?o {{ {values} }} ?s ?p ?o }}"
    for subject, predicate, value in _rows(store, text):
        if predicate not in skip:
            yield subject, predicate, value


# -- declared vocabulary --

# Namespaces whose terms rdflib lists completely (closed namespaces).
CLOSED_VOCABULARIES = (ORG, TIME, PROV, SKOS, DCTERMS, FOAF, SDO, DCAT, VOID, RDF, RDFS, OWL)
_DECLARING_TYPES = (
    OWL.Class,
    RDFS.Class,
    RDF.Property,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.AnnotationProperty,
)


def _vocabulary_of(term: URIRef) -> Any:
    for vocabulary in CLOSED_VOCABULARIES:
        if str(term).startswith(str(vocabulary)):
            return vocabulary
    return None


def vocabulary_terms(vocabulary: Any) -> list[str]:
    """The full IRIs of every term of a closed rdflib namespace."""
    names = [n for n in dir(vocabulary) if not n.startswith("_")]
    return [str(vocabulary) + name for name in names]


def _undeclared(used: Iterable[tuple[Node, Node, URIRef]], declared: set[str]) -> Iterator[Hit]:
    """(subject, predicate, term, messages) for each use of a term nobody declares."""
    verdicts: dict[URIRef, dict[str, str] | None] = {}
    for subject, predicate, term in used:
        if term not in verdicts:
            verdicts[term] = _verdict(term, declared)
        messages = verdicts[term]
        if messages is not None:
            yield subject, predicate, term, messages


def _verdict(term: URIRef, declared: set[str]) -> dict[str, str] | None:
    import difflib

    if str(term).startswith(str(KS)):
        if str(term) in declared:
            return None
        known = [t for t in declared if t.startswith(str(KS))]
        where_sv, where_en, prefix, namespace = "i ontologin", "in the ontology", "ks:", str(KS)
    else:
        vocabulary = _vocabulary_of(term)
        if vocabulary is None or term in vocabulary:
            return None
        known = vocabulary_terms(vocabulary)
        prefix, namespace = "", ""
        where_sv = where_en = f"<{vocabulary}>"
    local = str(term).removeprefix(namespace) if namespace else str(term)
    names = [k.removeprefix(namespace) if namespace else k for k in known]
    close = difflib.get_close_matches(local, names, n=1, cutoff=0.8)
    shown = f"{prefix}{local}" if prefix else f"<{term}>"
    sv = f"{shown} är inte deklarerad {where_sv}."
    en = f"{shown} is not declared {where_en}."
    if close:
        suggestion = f"{prefix}{close[0]}" if prefix else f"<{close[0]}>"
        sv += f" Menade du {suggestion}?"
        en += f" Did you mean {suggestion}?"
    return {"sv": sv, "en": en}


def _used_terms_graph(data: Graph) -> Iterator[tuple[Node, Node, Node]]:
    for subject, predicate, value in data:
        yield subject, predicate, predicate
        if predicate == RDF.type and isinstance(value, URIRef):
            yield subject, predicate, value


def _declared_graph(data: Graph) -> set[str]:
    return {str(s) for t in _DECLARING_TYPES for s in data.subjects(RDF.type, t)}


def _undeclared_terms(data: Graph, shapes: Graph) -> Iterator[Hit]:
    declared = _declared_graph(data)
    suspects = {p for p in set(data.predicates())} | set(data.objects(None, RDF.type))
    bad = {t for t in suspects if isinstance(t, URIRef) and _verdict(t, declared) is not None}
    used = (
        (s, p, t)
        for t in bad
        for s, p in (
            [(s, t) for s in data.subjects(t, None)]
            + [(s, RDF.type) for s in data.subjects(RDF.type, t)]
        )
    )
    yield from _undeclared(used, declared)


def _undeclared_terms_store(store: pyoxigraph.Store, shapes: Graph) -> Iterator[Hit]:
    listed = " ".join(f"<{t}>" for t in _DECLARING_TYPES)
    declared = {
        str(row[0])
        for row in _rows(store, f"SELECT DISTINCT ?s WHERE {{ VALUES ?t {{ {listed} }} ?s a ?t }}")
    }
    suspects = {row[0] for row in _rows(store, "SELECT DISTINCT ?p WHERE { ?s ?p ?o }")}
    suspects |= {row[0] for row in _rows(store, "SELECT DISTINCT ?c WHERE { ?s a ?c }")}
    bad = {t for t in suspects if isinstance(t, URIRef) and _verdict(t, declared) is not None}
    used = []
    for term in sorted(bad):
        used += [
            (s, term, term)
            for (s,) in _rows(store, f"SELECT DISTINCT ?s WHERE {{ ?s <{term}> ?o }}")
        ]
        used += [
            (s, RDF.type, term)
            for (s,) in _rows(store, f"SELECT DISTINCT ?s WHERE {{ ?s a <{term}> }}")
        ]
    yield from _undeclared(used, declared)


CHECKS: tuple[Check, ...] = (
    Check(
        "OrganisationNumberCheckDigit",
        {
            "sv": "Organisationsnumrets sista siffra stämmer inte (Luhn-kontrollsiffra).",
            "en": "The organisation number's last digit is not its check digit (Luhn).",
        },
        _bad_check_digits,
        _bad_check_digits_store,
    ),
    Check(
        "DateLiteralWellFormed",
        {
            "sv": "Datumet är inte ett giltigt xsd:date, xsd:gYearMonth eller xsd:gYear.",
            "en": "The date is not a valid xsd:date, xsd:gYearMonth or xsd:gYear.",
        },
        _ill_typed_dates,
        _ill_typed_dates_store,
    ),
    Check(
        "TermIsDeclared",
        {
            "sv": "Klassen eller egenskapen är inte deklarerad i ontologin eller i sitt vokabulär.",
            "en": "The class or property is not declared in the ontology or its vocabulary.",
        },
        _undeclared_terms,
        _undeclared_terms_store,
    ),
)


def run_checks(data: Graph, shapes: Graph) -> Iterator[Result]:
    """Every Python check's results on an rdflib graph as (check, focus, path, value, messages)."""
    for check in CHECKS:
        for result in check.run(data, shapes):
            yield check, *_padded(result)


def run_store_checks(store: pyoxigraph.Store, shapes: Graph) -> Iterator[Result]:
    """The same on a pyoxigraph Store."""
    for check in CHECKS:
        for result in check.run_store(store, shapes):
            yield check, *_padded(result)


def _padded(result: Hit) -> tuple[Node, Node, Node, dict[str, str] | None]:
    return result if len(result) == 4 else (*result, None)


def _n3(value: Node) -> str | None:
    """The N3 form of a value, or None for an IRI too broken to write (the text is kept)."""
    if isinstance(value, URIRef) and BAD_IRI_CHARACTER.search(value):
        return None
    return str(value.n3())


def as_findings(
    results: Iterable[Result], describe: Callable[..., dict[str, Any]]
) -> list[Finding]:
    """Findings for Python check results; ``describe(focus, path, value)`` places them."""
    return [
        Finding(
            shape=check.iri,
            severity="violation",
            messages=filled(messages or check.messages, value, path),
            path=str(path),
            value=str(value),
            value_n3=_n3(value),
            component=SHAPES_NS + "PythonCheck",
            **describe(focus, path, value),
        )
        for check, focus, path, value, messages in results
    ]
