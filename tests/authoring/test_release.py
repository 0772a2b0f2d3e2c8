"""``kgtool release``: validated, versioned dumps with a DCAT record whose notes are
``kgtool diff`` from the previous release; ``kgtool publish`` shows every release."""

from __future__ import annotations

import pyoxigraph
from rdflib import Graph, Literal, URIRef

DCAT = "http://www.w3.org/ns/dcat#"
ADMS = "http://www.w3.org/ns/adms#"
RELEASE = "https://w3id.org/kommunsamverkan/releases/"


def _add_member(run_cli, project, tmp_path):
    table = tmp_path / "one.csv"
    table.write_text("municipality,role,from,to,notes\nUppsala,associate,2021-03,,\n", "utf-8")
    result = run_cli(
        "import",
        "memberships",
        str(table),
        "--collaboration",
        "fyra-malarstader",
        "--source",
        "000",
        project=project,
    )
    assert result.exit_code == 0, result.output


def test_two_releases_with_notes_and_a_site_that_shows_both(run_cli, project_copy, tmp_path):
    first = run_cli("release", "2026.12.0", project=project_copy)
    assert first.exit_code == 0, first.output
    _add_member(run_cli, project_copy, tmp_path)
    second = run_cli("release", "2026.12.1", project=project_copy)
    assert second.exit_code == 0, second.output
    assert "notes: changes since 2026.12.0" in second.output

    folder = project_copy / "releases" / "2026.12.1"
    notes = (folder / "notes.md").read_text(encoding="utf-8")
    diffed = run_cli("diff", "2026.12.0", "2026.12.1", "-f", "md", project=project_copy)
    assert diffed.exit_code == 0, diffed.output
    assert notes == diffed.stdout  # the release notes are `kgtool diff`'s Markdown
    assert notes.startswith("Changes from `2026.12.0` to `2026.12.1`.")
    assert "- **added**: Uppsala in Fyra Mälarstäder" in notes

    record = Graph().parse(folder / "release.ttl")
    this = URIRef(RELEASE + "2026.12.1")
    assert record.value(this, URIRef(DCAT + "version")) == Literal("2026.12.1")
    assert record.value(this, URIRef(DCAT + "previousVersion")) == URIRef(RELEASE + "2026.12.0")
    assert str(record.value(this, URIRef(ADMS + "versionNotes"))) == notes
    dataset = URIRef("https://w3id.org/kommunsamverkan/dataset")
    assert (dataset, URIRef(DCAT + "hasVersion"), this) in record
    assert (project_copy / "releases/2026.12.0/notes.md").read_text("utf-8") == "First release.\n"

    site = tmp_path / "site"
    published = run_cli("publish", "-o", str(site), project=project_copy)
    assert published.exit_code == 0, published.output
    page = (site / "releases" / "index.html").read_text(encoding="utf-8")
    assert page.index('id="2026.12.1"') < page.index('id="2026.12.0"')  # newest first
    assert "Uppsala in Fyra Mälarstäder" in page and "First release." in page
    sizes = {}
    for version in ("2026.12.0", "2026.12.1"):
        assert f'href="{version}/kommunsamverkan.nq"' in page
        store = pyoxigraph.Store()
        data = (site / "releases" / version / "kommunsamverkan.nq").read_bytes()
        store.load(data, format=pyoxigraph.RdfFormat.N_QUADS)
        turtle = Graph().parse(site / "releases" / version / "kommunsamverkan.ttl")
        assert len(turtle) == len(store)
        sizes[version] = len(store)
    assert sizes["2026.12.1"] - sizes["2026.12.0"] == 12  # the one membership's triples
    assert (site / "dumps").is_dir()  # the latest graph stays at the current paths


def test_a_graph_with_a_violation_is_not_released(run_cli, project_copy):
    ttl = project_copy / "data" / "collaborations" / "vastra-malardalen.ttl"
    text = ttl.read_text(encoding="utf-8")
    ttl.write_text(text.replace("<source/001> .", "<source/TODO> .", 1), encoding="utf-8")
    result = run_cli("release", "1.0.0", project=project_copy)
    assert result.exit_code == 2
    assert "release 1.0.0: the graph has 1 violation(s)" in result.output
    assert not (project_copy / "releases").exists() or not any(
        (project_copy / "releases").iterdir()
    )
