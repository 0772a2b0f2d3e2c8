"""The namespaces the page model reads, each term made once.

rdflib's namespace classes (``ORG``, ``RDF``, ``ks`` …) answer ``ORG.member`` through their
metaclass and a cache, about 2 µs a term; a page names terms hundreds of times. These wrappers
keep a term as a plain attribute after its first use (same ``URIRef``, same errors)."""

from __future__ import annotations

from typing import Any

from rdflib import URIRef
from rdflib.namespace import DCTERMS as _DCTERMS
from rdflib.namespace import ORG as _ORG
from rdflib.namespace import OWL as _OWL
from rdflib.namespace import RDF as _RDF
from rdflib.namespace import RDFS as _RDFS
from rdflib.namespace import SKOS as _SKOS
from rdflib.namespace import TIME as _TIME
from rdflib.namespace import XSD as _XSD

from kgtool.terms import KS as _KS


class Terms:
    """``namespace``'s terms as attributes (``T.name``) and items (``T["name"]``)."""

    def __init__(self, namespace: Any) -> None:
        self._namespace = namespace

    def __getattr__(self, name: str) -> URIRef:
        if name.startswith("__"):
            raise AttributeError(name)
        term = getattr(self._namespace, name)
        setattr(self, name, term)
        return term

    def __getitem__(self, name: str) -> URIRef:
        return getattr(self, name)

    def __str__(self) -> str:
        return str(self._namespace)


DCTERMS, KS, ORG, OWL = Terms(_DCTERMS), Terms(_KS), Terms(_ORG), Terms(_OWL)
RDF, RDFS, SKOS, TIME, XSD = Terms(_RDF), Terms(_RDFS), Terms(_SKOS), Terms(_TIME), Terms(_XSD)
