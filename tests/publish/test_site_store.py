"""The store the site reads: stable blank-node labels, the published base, whole-graph counts."""

from __future__ import annotations

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from kgtool.web.site.store import StoreGraph, load_site_store

TTL = """PREFIX ks: <https://w3id.org/kommunsamverkan/def/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX time: <http://www.w3.org/2006/time#>
BASE <https://w3id.org/kommunsamverkan/id/>
<collaboration/x> a ks:Collaboration ; rdfs:label "X"@sv ;
    ks:period [ time:hasBeginning [ time:inXSDDate "2020-01-01" ] ] .
<collaboration/y> a ks:Collaboration ; rdfs:label "Y"@sv ; ks:period [ rdfs:label "p" ] .
"""


def _blank_labels(path) -> list[str]:
    graph = StoreGraph(load_site_store([path], path.parent))
    return sorted(str(o) for _, _, o in graph.triples((None, None, None)) if isinstance(o, BNode))


def test_blank_nodes_have_the_same_labels_every_time(tmp_path):
    path = tmp_path / "x.ttl"
    path.write_text(TTL, encoding="utf-8")
    first = _blank_labels(path)
    assert len(first) == 3
    assert _blank_labels(path) == first  # a new parse: Oxigraph's own labels would be random


def test_iris_are_moved_under_the_published_base_and_back(tmp_path):
    path = tmp_path / "x.ttl"
    path.write_text(TTL, encoding="utf-8")
    graph = StoreGraph(load_site_store([path], tmp_path), "https://example.org/ks/")
    x = URIRef("https://example.org/ks/id/collaboration/x")
    assert list(graph.objects(x, RDFS.label)) == [Literal("X", lang="sv")]
    assert (x, RDF.type, URIRef("https://example.org/ks/def/Collaboration")) in graph
    assert graph.iri_subjects("https://example.org/ks/id/") == [
        x,
        URIRef("https://example.org/ks/id/collaboration/y"),
    ]
    counts = graph.void_counts("https://example.org/ks/id/")
    assert counts.entities == 2 and counts.triples == len(graph) == 9
    assert counts.classes == {URIRef("https://example.org/ks/def/Collaboration"): 2}


AWKWARD = r"""PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
BASE <https://w3id.org/kommunsamverkan/id/>
<thing/a> rdfs:label "quote \" backslash \\ line\nbreak\ttab \u0007 å 😀"@sv-SE ,
        "1"^^xsd:integer , "plain" , "x"@sv ;
    rdfs:seeAlso <https://example.org/é%20x> ,
        [ rdfs:label "b1" ; rdfs:seeAlso [ rdfs:label "b2" ] ] .
"""


def test_a_resource_s_n_triples_are_oxigraph_s_lines_sorted(tmp_path):
    import pyoxigraph

    from kgtool.web.rdfio import resource_files

    path = tmp_path / "x.ttl"
    path.write_text(AWKWARD, encoding="utf-8")
    graph = StoreGraph(load_site_store([path], tmp_path))
    iri = URIRef("https://w3id.org/kommunsamverkan/id/thing/a")
    triples = graph.description(iri)
    written = pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.N_TRIPLES).decode()
    expected = "".join(sorted(line + "\n" for line in written.splitlines()))
    nt = resource_files(graph, iri)["nt"].decode()
    assert nt == expected and len(nt.splitlines()) == 9
    assert len(list(pyoxigraph.parse(nt, format=pyoxigraph.RdfFormat.N_TRIPLES))) == 9
