"""The fast engine never skips a shape: each shape with focus nodes is translated or handed to
pySHACL, and either way its findings are the reference engine's. Stand-alone (hand-written
shapes, no ../shared); the W3C suite itself is run by ``test_shacl_core.py``."""

from __future__ import annotations

from pathlib import Path

import pytest

from kgtool.checks.validate import validate_fast, validate_project
from kgtool.project import Project

PREFIXES = """@prefix ex: <http://example.org/> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
SHAPES = {
    # a shape that is also a class: its instances are its focus nodes (no sh:target*)
    "implicit": """ex:Person a rdfs:Class, sh:NodeShape ;
        sh:property [ sh:path ex:age ; sh:datatype xsd:integer ; sh:maxCount 1 ] .""",
    "inverse path": """ex:S a sh:NodeShape ; sh:targetNode ex:b ;
        sh:property [ sh:path [ sh:inversePath ex:knows ] ; sh:minCount 2 ] .""",
    "zero or more": """ex:S a sh:NodeShape ; sh:targetNode ex:a ;
        sh:property [ sh:path [ sh:zeroOrMorePath ex:knows ] ; sh:nodeKind sh:Literal ] .""",
    "nested": """ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:knows ;
        sh:or ( [ sh:property [ sh:path ex:age ; sh:minCount 1 ] ] [ sh:class ex:Robot ] ) .""",
    "closed": """ex:S a sh:NodeShape ; sh:targetObjectsOf ex:knows ; sh:closed true ;
        sh:ignoredProperties ( rdf:type ) ; sh:property [ sh:path ex:knows ] .""",
    "unique lang": """ex:S a sh:PropertyShape ; sh:targetNode ex:a ; sh:path ex:name ;
        sh:uniqueLang true .""",
    "untranslated": """ex:S a sh:NodeShape ; sh:targetNode ex:a ;
        sh:property [ sh:path ex:knows ; sh:property [ sh:path ex:age ; sh:minCount 1 ] ] .""",
}
DATA = """ex:a a ex:Person ; ex:age 1, "x" ; ex:knows ex:b ; ex:name "A"@en, "B"@en .
ex:b a ex:Person ; ex:knows ex:c .
ex:c ex:age 3 .
"""


def project_with(tmp_path: Path, shapes: str) -> Project:
    for folder in ("ontology", "data", "shapes", "queries"):
        (tmp_path / folder).mkdir()
    prefixes = PREFIXES + "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n"
    (tmp_path / "shapes" / "s.ttl").write_text(prefixes + shapes + "\n", encoding="utf-8")
    (tmp_path / "data" / "d.ttl").write_text(prefixes + DATA, encoding="utf-8")
    return Project(tmp_path)


def key(finding) -> tuple:
    shape = "_:" if finding.shape.startswith("_:") else finding.shape
    return (
        shape,
        finding.focus,
        finding.path or "",
        finding.path_node is not None,
        finding.value or "",
        finding.component or "",
        finding.severity,
    )


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_every_shape_runs_and_agrees_with_pyshacl(name, tmp_path):
    project = project_with(tmp_path, SHAPES[name])
    fast = validate_project(project, python_checks=False)
    reference = validate_project(project, engine="pyshacl", python_checks=False)
    assert fast.findings, "each case has a finding to find"
    assert sorted(map(key, fast.findings)) == sorted(map(key, reference.findings))
    ran_on = {engine for _shape, engine, _why in fast.engines}
    assert ran_on == ({"pyshacl"} if name == "untranslated" else {"fast"})


def test_on_disk_store_gives_the_same_findings(tmp_path):
    shapes_text = "\n".join(
        text.replace("ex:S ", f"ex:S{number} ") for number, text in enumerate(SHAPES.values())
    )
    project = project_with(tmp_path, shapes_text)
    from kgtool.checks.validate import load_shapes

    paths, shapes = project.graph_files(), load_shapes(project)
    in_memory = validate_fast(paths, shapes, project.root, python_checks=False, on_disk=False)
    on_disk = validate_fast(paths, shapes, project.root, python_checks=False, on_disk=True)
    assert in_memory.findings and sorted(map(key, on_disk.findings)) == sorted(
        map(key, in_memory.findings)
    )
