"""kgtool.terms.KS mirrors the ontology both ways, and is closed."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import URIRef
from rdflib.namespace import RDFS

from kgtool.store.graph import parse_turtle
from kgtool.terms import KS

ONTOLOGY = Path(__file__).resolve().parents[2] / "ontology" / "kommunsamverkan.ttl"


def test_vocabulary_class_matches_ontology_both_ways():
    graph = parse_turtle(ONTOLOGY)
    base = str(KS._NS)
    declared = {
        str(s)[len(base) :]
        for s in graph.subjects(RDFS.isDefinedBy, URIRef(base))
        if str(s).startswith(base) and str(s) != base
    }
    in_class = set(KS.__annotations__)
    assert declared - in_class == set(), "in ontology/ but not in kgtool/terms.py"
    assert in_class - declared == set(), "in kgtool/terms.py but not in ontology/"


def test_vocabulary_is_closed():
    assert KS.Municipality == URIRef("https://w3id.org/kommunsamverkan/def/Municipality")
    with pytest.raises(AttributeError):
        _ = KS.Municipalty
