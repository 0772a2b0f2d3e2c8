"""The resource pages' JSON-LD is written without ``json``'s slow indented encoder: the bytes
must stay those ``json.dumps(..., ensure_ascii=False, indent=1)`` gives."""

from __future__ import annotations

import json

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF

from kgtool.web.rdfio import _indented, to_jsonld

XSD = "http://www.w3.org/2001/XMLSchema#"

TRICKY = ['', 'plain', 'Malmö – Lund', 'quote " and \\ backslash', 'tab\tnew\nline\r',
          '\x00\x1f\x7f control', 'emoji 😀 and \u2028 separator', '</script>&<']  # fmt: skip


def test_indented_writes_what_json_dumps_writes() -> None:
    values = [
        {},
        [],
        {"a": []},
        {"a": {}},
        TRICKY,
        {text: TRICKY for text in TRICKY},
        {"@graph": [{"@id": t, "p": [{"@value": t, "@language": "sv"}], "q": []} for t in TRICKY]},
        [[["deep", {"x": [{"y": "z"}]}]], {}],
    ]
    for value in values:
        assert _indented(value) == json.dumps(value, ensure_ascii=False, indent=1)


def test_to_jsonld_is_json_dumps_of_its_document() -> None:
    class Triples(list):
        def namespaces(self):
            return iter([("xsd", URIRef(XSD)), ("ex", URIRef("http://example.org/"))])

    s, blank = URIRef("http://example.org/å"), BNode("b1")
    graph = Triples(
        [
            (s, RDF.type, URIRef("http://example.org/Thing")),
            (s, URIRef("http://example.org/name"), Literal('Malmö "x"\n', lang="sv")),
            (s, URIRef("http://example.org/when"), blank),
            (
                blank,
                URIRef("http://example.org/at"),
                Literal("2020", datatype=URIRef(XSD + "gYear")),
            ),
        ]
    )
    data = to_jsonld(graph)
    document = json.loads(data)
    assert data == (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode()
    assert [node["@id"] for node in document["@graph"]] == ["_:b1", "http://example.org/å"]
    assert document["@graph"][1]["ex:name"] == [{"@value": 'Malmö "x"\n', "@language": "sv"}]
