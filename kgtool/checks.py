"""Checks SHACL cannot express well, reported like shapes (same Finding, a kssh: rule name).

- ``kssh:OrganisationNumberCheckDigit``: a Swedish organisation number's last digit is its Luhn
  check digit (only numbers in the right NNNNNN-NNNN form; the form is a SHACL shape).
- ``kssh:DateLiteralWellFormed``: a literal typed xsd:date, xsd:gYearMonth or xsd:gYear is valid
  under any predicate the shapes do not already check with ``sh:datatype``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from kgtool.namespaces import KS, SH
from kgtool.report import SHAPES_NS, Finding

ORG_NUMBER = re.compile(r"[0-9]{6}-[0-9]{4}")
BAD_IRI_CHARACTER = re.compile(r'[\x00-\x20<>"{}|\\^`]')
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
    run: Callable[[Graph, Graph], Iterator[tuple[URIRef, URIRef, Literal]]]

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


def _bad_check_digits(data: Graph, shapes: Graph) -> Iterator[tuple[URIRef, URIRef, Literal]]:
    for subject, number in data.subject_objects(KS.organisationNumber):
        text = str(number)
        if ORG_NUMBER.fullmatch(text) and not luhn_valid(text.replace("-", "")):
            yield subject, KS.organisationNumber, number


def _checked_by_shapes(shapes: Graph) -> set[URIRef]:
    """Predicates that a property shape already types with sh:datatype (directly or in sh:or)."""
    checked = set()
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


def _ill_typed_dates(data: Graph, shapes: Graph) -> Iterator[tuple[URIRef, URIRef, Literal]]:
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
    pattern = _LEXICAL.get(value.datatype)
    if pattern is not None:
        return not pattern.fullmatch(str(value))
    return bool(value.ill_typed)


CHECKS: tuple[Check, ...] = (
    Check(
        "OrganisationNumberCheckDigit",
        {
            "sv": "Organisationsnumrets sista siffra stämmer inte (Luhn-kontrollsiffra).",
            "en": "The organisation number's last digit is not its check digit (Luhn).",
        },
        _bad_check_digits,
    ),
    Check(
        "DateLiteralWellFormed",
        {
            "sv": "Datumet är inte ett giltigt xsd:date, xsd:gYearMonth eller xsd:gYear.",
            "en": "The date is not a valid xsd:date, xsd:gYearMonth or xsd:gYear.",
        },
        _ill_typed_dates,
    ),
)


def run_checks(data: Graph, shapes: Graph) -> Iterator[tuple[Check, URIRef, URIRef, Literal]]:
    """Every Python check's results as (check, focus, path, value)."""
    for check in CHECKS:
        for focus, path, value in check.run(data, shapes):
            yield check, focus, path, value


def _n3(value) -> str | None:
    """The N3 form of a value, or None for an IRI too broken to write (the text is kept)."""
    if isinstance(value, URIRef) and BAD_IRI_CHARACTER.search(value):
        return None
    return value.n3()


def as_findings(results, describe: Callable[[object], dict]) -> list[Finding]:
    """Findings for Python check results; ``describe(focus)`` gives label/file/line."""
    return [
        Finding(
            shape=check.iri,
            severity="violation",
            messages=dict(check.messages),
            path=str(path),
            value=str(value),
            value_n3=_n3(value),
            component=SHAPES_NS + "PythonCheck",
            **describe(focus),
        )
        for check, focus, path, value in results
    ]
