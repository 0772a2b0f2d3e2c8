"""``kgtool stats`` counts exactly where the files overlap: a triple written in two files counts
once, and the triples of blank nodes are counted once per resource that reaches them, however
the blank nodes are nested, shared or cyclic. The reference is rdflib's merged graph."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import PROV

ID = "https://w3id.org/kommunsamverkan/id/"
PREFIXES = f"""BASE <{ID}>
PREFIX ks: <https://w3id.org/kommunsamverkan/def/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX time: <http://www.w3.org/2006/time#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""
FILES = {
    "ontology/o.ttl": """
<source/a> a ks:SourceDocument ; rdfs:label "A" .
<thing/1> rdfs:label "one" .
""",
    # thing/1's label and derivation are written in two files; its interval is nested twice.
    "data/one.ttl": """
<source/a> a ks:SourceDocument ; rdfs:label "A" .
<source/b> a ks:SourceDocument .
<thing/1> a ks:Thing ; rdfs:label "one" ; prov:wasDerivedFrom <source/a> ;
    ks:during [ time:hasBeginning [ time:inXSDDate "2020-01-01"^^xsd:date ] ;
                time:hasEnd [ time:inXSDDate "2021-01-01"^^xsd:date ] ] .
<thing/2> a ks:Thing ; prov:wasDerivedFrom <source/a> , <source/b> ;
    ks:note _:shared ; ks:other _:shared .
_:shared rdfs:label "shared" ; ks:next _:loop .
_:loop ks:next _:shared ; rdfs:comment "a cycle" .
<thing/3> ks:note _:shared .
""",
    "data/two.ttl": """
<thing/1> rdfs:label "one" ; prov:wasDerivedFrom <source/a> ; ks:extra "only here" .
<thing/3> a ks:Thing ; prov:wasDerivedFrom <source/b> ; ks:during [ rdfs:label "x" ] .
[] prov:wasDerivedFrom <source/a> , <source/c> ; rdfs:label "not a resource" .
<thing/4> prov:wasDerivedFrom "not a source" .
""",
}


@pytest.fixture
def overlapping(tmp_path: Path) -> Path:
    for folder in ("ontology", "data", "shapes", "queries"):
        (tmp_path / folder).mkdir()
    for name, text in FILES.items():
        (tmp_path / name).write_text(PREFIXES + text, encoding="utf-8")
    return tmp_path


def expected_facts(graph: Graph) -> dict[str, tuple[int, int]]:
    """Per source: resources, and their triples with those of the blank nodes they reach."""
    out: dict[str, tuple[int, int]] = {}
    for source in sorted(set(graph.objects(None, PROV.wasDerivedFrom)), key=str):
        if not isinstance(source, URIRef):
            continue
        resources = {
            s for s in graph.subjects(PROV.wasDerivedFrom, source) if isinstance(s, URIRef)
        }
        facts = 0
        for subject in resources:
            seen: set = set()
            stack = [o for o in graph.objects(subject, None) if isinstance(o, BNode)]
            while stack:
                node = stack.pop()
                if node not in seen:
                    seen.add(node)
                    stack += [o for o in graph.objects(node, None) if isinstance(o, BNode)]
            facts += len(list(graph.triples((subject, None, None))))
            facts += sum(len(list(graph.triples((node, None, None)))) for node in seen)
        if resources:
            out[str(source)] = (len(resources), facts)
    return out


@pytest.mark.parametrize("cached", [True, False], ids=["cached store", "in memory"])
def test_stats_counts_overlapping_files_once(run_cli, overlapping, tmp_path, monkeypatch, cached):
    if cached:
        monkeypatch.setenv("KGTOOL_CACHE_DIR", str(tmp_path / "cache"))
    else:
        monkeypatch.setenv("KGTOOL_NO_CACHE", "1")
    graph = Graph()
    for name in FILES:
        graph.parse(overlapping / name, format="turtle")
    result = run_cli("stats", project=overlapping)
    assert result.exit_code == 0, result.output
    assert f"triples: {len(graph)}" in result.stdout.splitlines()
    found = {
        ID + name: (int(resources), int(facts))
        for name, resources, facts in re.findall(
            r"^  id:(source/\w+)\s+(\d+)\s+(\d+)", result.stdout, re.M
        )
    }
    assert found == expected_facts(graph)
    # thing/1: 5 of its own (its label in two files counts once) and 4 in its interval;
    # thing/2: 5 of its own and 4 in the two blank nodes of a cycle, reached twice, counted once
    assert found[ID + "source/a"] == (2, 5 + 4 + 5 + 4)
