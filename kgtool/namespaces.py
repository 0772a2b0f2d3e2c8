"""The base IRI, prefixes, and helpers that build the project's IRIs.

IRIs are built only here: vocabulary terms under ``def/``, things under ``id/``.
The base can be changed for a publisher with the ``KGTOOL_BASE`` environment variable
(``kgtool publish --base`` passes it on).
"""

from __future__ import annotations

import os
import re

from rdflib import Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS, TIME, VOID, XSD

DEFAULT_BASE = "https://w3id.org/kommunsamverkan/"
BASE = os.environ.get("KGTOOL_BASE", DEFAULT_BASE)

KS = Namespace(DEFAULT_BASE + "def/")
ID = Namespace(DEFAULT_BASE + "id/")
SCHEMA = Namespace("https://schema.org/")
SH = Namespace("http://www.w3.org/ns/shacl#")
WD = Namespace("http://www.wikidata.org/entity/")

PREFIXES: dict[str, Namespace] = {
    "ks": KS,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "skos": SKOS,
    "org": ORG,
    "time": TIME,
    "prov": PROV,
    "dct": DCTERMS,
    "foaf": FOAF,
    "schema": SCHEMA,
    "dcat": DCAT,
    "void": VOID,
    "sh": SH,
    "wd": WD,
}

_PREFIXED_NAME = re.compile(r"([A-Za-z][\w-]*):([\w./-]*)")
_MUNICIPALITY_CODE = re.compile(r"\d{4}")
_COUNTY_CODE = re.compile(r"\d{2}")
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def municipality(code: str) -> URIRef:
    """IRI of a municipality from its four-digit kommunkod, e.g. ``municipality("1980")``."""
    if not _MUNICIPALITY_CODE.fullmatch(code):
        raise ValueError(f"municipality code must be four digits, got {code!r}")
    return ID[f"municipality/{code}"]


def county(code: str) -> URIRef:
    """IRI of a county (län) from its two-digit code."""
    if not _COUNTY_CODE.fullmatch(code):
        raise ValueError(f"county code must be two digits, got {code!r}")
    return ID[f"county/{code}"]


def region(code: str) -> URIRef:
    """IRI of a region (regional authority) from the two-digit code of its county."""
    if not _COUNTY_CODE.fullmatch(code):
        raise ValueError(f"region code must be two digits, got {code!r}")
    return ID[f"region/{code}"]


def collaboration(slug: str) -> URIRef:
    """IRI of a collaboration from its stable slug, e.g. ``fyra-malarstader``."""
    if not _SLUG.fullmatch(slug):
        raise ValueError(f"collaboration slug must be lower-case words joined by '-', got {slug!r}")
    return ID[f"collaboration/{slug}"]


def source(number: str) -> URIRef:
    """IRI of a source document from its three-digit number, e.g. ``source("004")``."""
    if not re.fullmatch(r"\d{3}", number):
        raise ValueError(f"source number must be three digits, got {number!r}")
    return ID[f"source/{number}"]


def slugify(name: str) -> str:
    """A stable slug of a Swedish name: lower case, å ä → a, ö → o, other runs → '-'."""
    table = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "ü": "u"})
    return re.sub(r"[^a-z0-9]+", "-", name.lower().translate(table)).strip("-")


def expand_prefixed(text: str) -> URIRef | None:
    """``ks:FullMember`` or ``id:municipality/1980`` (the forms kgtool prints) as a full IRI.

    None when ``text`` is not a prefixed name with one of the project's prefixes (``id:`` is the
    things' namespace), e.g. an absolute IRI such as ``urn:x`` or ``https://…``.
    """
    match = _PREFIXED_NAME.fullmatch(text)
    if not match:
        return None
    prefix, local = match.groups()
    if prefix == "id":
        return ID[local]
    namespace = PREFIXES.get(prefix)
    return URIRef(str(namespace) + local) if namespace is not None else None
