"""SPARQL results XML (``kgtool.query.formats.to_xml``, also what ``/sparql`` answers as XML)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from pyoxigraph import Literal, NamedNode

from kgtool.query.formats import to_xml
from kgtool.query.run import QueryResult

NS = "{http://www.w3.org/2005/sparql-results#}"


def test_xml_results_replace_characters_xml_cannot_hold():
    """Control characters XML 1.0 forbids become U+FFFD, so the document still parses."""
    text = "a\x01b\x0bc\x1fd\ufffee\x00f\tg\nh"
    rows = [{"s": NamedNode("https://example.org/x"), "o": Literal(text, language="sv")}]
    document = to_xml(QueryResult("SELECT", variables=["s", "o"], rows=rows))
    root = ET.fromstring(document.encode("utf-8"))
    literal = root.find(f"{NS}results/{NS}result/{NS}binding[@name='o']/{NS}literal")
    assert literal is not None
    assert literal.text == "a\ufffdb\ufffdc\ufffdd\ufffde\ufffdf\tg\nh"
    uri = root.find(f"{NS}results/{NS}result/{NS}binding[@name='s']/{NS}uri")
    assert uri is not None and uri.text == "https://example.org/x"  # IRIs hold no controls
    assert to_xml(QueryResult("SELECT", variables=["s", "o"], rows=rows)) == document
