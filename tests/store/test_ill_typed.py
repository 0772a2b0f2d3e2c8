"""An ill-typed literal is valid RDF: every command takes it quietly (no rdflib traceback)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
KGTOOL = str(Path(sys.executable).with_name("kgtool"))
ILL_TYPED = """\
@prefix dct: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://w3id.org/kommunsamverkan/id/source/000> dct:date "not a date"^^xsd:date ;
    dct:extent "many"^^xsd:integer .
"""


@pytest.mark.parametrize(
    ("args", "exit_code"),
    [
        (["validate", "--data", "{file}"], 1),
        (["validate", "--engine", "pyshacl", "--data", "{file}"], 1),
        (["sparql", "--data", "{file}", "SELECT ?d WHERE { ?s dct:date ?d }"], 0),
        (["query", "sources-overview", "--data", "{file}"], 0),
        (["describe", "source/000"], 0),
        (["stats"], 0),
    ],
)
def test_no_traceback_for_an_ill_typed_literal(tmp_path, args, exit_code):
    data = tmp_path / "ill-typed.ttl"
    data.write_text(ILL_TYPED, encoding="utf-8")
    project = tmp_path / "project"
    project.mkdir()
    for folder in ("ontology", "data", "shapes", "queries"):
        (project / folder).symlink_to(ROOT / folder)
    if "--data" not in args:  # put the file among the project's own data
        project.joinpath("data").unlink()
        project.joinpath("data").mkdir()
        for item in (ROOT / "data").iterdir():
            (project / "data" / item.name).symlink_to(item)
        (project / "data" / "ill-typed.ttl").write_text(ILL_TYPED, encoding="utf-8")
    command = [KGTOOL, "--project", str(project), *(a.replace("{file}", str(data)) for a in args)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert result.returncode == exit_code, result.stderr
    assert "Traceback" not in result.stderr and "Failed to convert" not in result.stderr
    assert result.stderr == ""
