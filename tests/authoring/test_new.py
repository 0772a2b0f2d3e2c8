"""``kgtool new collaboration``: a commented file in the project's style that validates once its
placeholder source is replaced, and is reported by ``validate`` until then."""

from __future__ import annotations

import json

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS

from tests.authoring.conftest import snapshot

ID = "https://w3id.org/kommunsamverkan/id/"
PROV = "http://www.w3.org/ns/prov#"


def _new(run_cli, project, *extra):
    return run_cli(
        "new",
        "collaboration",
        "test-samverkan",
        "--name",
        "Testsamverkan",
        "--name-en",
        "Test collaboration",
        "--members",
        "Västerås, Eskilstuna",
        "--members",
        "0381",
        "--body",
        "board",
        "--mandate",
        "2023-2027",
        "--seats",
        "5",
        *extra,
        project=project,
    )


def test_new_collaboration_is_flagged_until_its_source_is_filled(run_cli, project_copy):
    result = _new(run_cli, project_copy)
    assert result.exit_code == 0, result.output
    path = project_copy / "data" / "collaborations" / "test-samverkan.ttl"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Testsamverkan: written by `kgtool new collaboration`")
    assert "BASE <https://w3id.org/kommunsamverkan/id/>" in text

    graph = Graph().parse(path)
    collab = URIRef(ID + "collaboration/test-samverkan")
    assert set(graph.objects(collab, RDFS.label)) == {
        Literal("Testsamverkan", lang="sv"),
        Literal("Test collaboration", lang="en"),
    }
    members = {str(o) for o in graph.objects(None, URIRef("http://www.w3.org/ns/org#member"))}
    assert members == {ID + f"municipality/{c}" for c in ("1980", "0484", "0381")}
    assert (URIRef(ID + "collaboration/test-samverkan/board/2023-2027"), None, None) in graph

    found = run_cli("validate", "-q", "-f", "json", "--severity", "violation", project=project_copy)
    assert found.exit_code == 1
    rules = {(f["shape"].rsplit("#", 1)[-1], f["focus"]) for f in json.loads(found.stdout)}
    subjects = {str(s) for s in graph.subjects(URIRef(PROV + "wasDerivedFrom"), None)}
    assert rules == {("SourceNotPlaceholder", s) for s in subjects}
    assert len(subjects) == 6  # collaboration, three memberships, board, mandate period

    path.write_text(text.replace("<source/TODO>", "<source/004>"), encoding="utf-8")
    assert run_cli("validate", "-q", project=project_copy).exit_code == 0


def test_new_collaboration_with_a_known_source_validates_at_once(run_cli, project_copy):
    assert _new(run_cli, project_copy, "--source", "004").exit_code == 0
    result = run_cli("validate", "-q", project=project_copy)
    assert result.exit_code == 0, result.stdout


def test_bad_input_names_the_parameter_and_writes_nothing(run_cli, project_copy):
    before = snapshot(project_copy)
    cases = {
        ("--members", "Västerås,Eskilstna"): "did you mean Eskilstuna",
        ("--source", "042"): "--source: no source document 042",
        ("--mandate", "2027-2023"): "--mandate: '2027-2023' starts after it ends",
    }
    for extra, message in cases.items():
        result = run_cli(
            "new",
            "collaboration",
            "x-samverkan",
            "--name",
            "X",
            "--body",
            "board",
            *extra,
            project=project_copy,
        )
        assert result.exit_code == 2, result.output
        assert message in result.output
    taken = run_cli("new", "collaboration", "malardalsradet", "--name", "M", project=project_copy)
    assert taken.exit_code == 2 and "exists already" in taken.output
    assert snapshot(project_copy) == before
