"""``kgtool publish``: dumps round-trip, deterministic output, pages, ontology docs, --base."""

from __future__ import annotations

import gzip
import json
import re
import shutil
from pathlib import Path

import pytest
from publish_helpers import ROOT, publish_to
from rdflib import Graph, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from kgtool.project import Project
from kgtool.store.graph import load_project

FORMATS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}
DATA = "https://w3id.org/kommunsamverkan/"


@pytest.fixture(scope="module")
def project_graph() -> Graph:
    return load_project(Project(ROOT)).graph


def _assert_isomorphic(expected: Graph, got: Graph, what: str) -> None:
    if not isomorphic(expected, got):
        _, only_expected, only_got = graph_diff(to_isomorphic(expected), to_isomorphic(got))
        print(f"{what}: only in the project:\n" + only_expected.serialize(format="nt")[:3000])
        print(f"{what}: only in the dump:\n" + only_got.serialize(format="nt")[:3000])
        pytest.fail(f"{what} is not isomorphic to the project graph")


@pytest.mark.parametrize("ext", sorted(FORMATS))
def test_publish_dump_is_isomorphic_to_project_graph(site_dir, project_graph, ext):
    path = site_dir / "dumps" / f"kommunsamverkan.{ext}"
    dumped = Graph().parse(data=path.read_bytes(), format=FORMATS[ext])
    _assert_isomorphic(project_graph, dumped, path.name)
    unzipped = gzip.decompress((site_dir / "dumps" / f"kommunsamverkan.{ext}.gz").read_bytes())
    assert unzipped == path.read_bytes()


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_publish_is_deterministic(site_dir, run_cli, tmp_path):
    """A second run gives the same files, byte for byte (and says what it wrote)."""
    result = run_cli("publish", "-o", str(tmp_path / "again"))
    assert result.exit_code == 0, result.output
    assert re.match(r"published \d+ resource pages, \d+ files, \d+ triples to ", result.output)
    first, second = _tree(site_dir), _tree(tmp_path / "again")
    assert sorted(first) == sorted(second)
    changed = [name for name in first if first[name] != second[name]]
    assert changed == []


def test_publish_writes_one_folder_per_resource(site_dir, project_graph):
    subjects = {
        s
        for s in project_graph.subjects()
        if isinstance(s, URIRef) and str(s).startswith(DATA + "id/")
    }
    assert URIRef(DATA + "id/municipality/1980") in subjects
    missing = [s for s in subjects if not (site_dir / str(s)[len(DATA) :] / "index.html").is_file()]
    assert missing == []
    for ext in FORMATS:
        assert (site_dir / "id/municipality/1980" / f"index.{ext}").is_file()


def test_publish_resource_rdf_describes_the_resource(site_dir, project_graph):
    page = site_dir / "id/municipality/1980"
    iri = URIRef(DATA + "id/municipality/1980")
    expected = Graph()
    for triple in project_graph.triples((iri, None, None)):
        expected.add(triple)
    for ext, fmt in FORMATS.items():
        got = Graph().parse(data=(page / f"index.{ext}").read_bytes(), format=fmt)
        _assert_isomorphic(expected, got, f"index.{ext}")


def test_publish_municipality_page(site_dir):
    html = (site_dir / "id/municipality/1980/index.html").read_text(encoding="utf-8")
    assert "<h1>Västerås</h1>" in html
    assert '<link rel="alternate" type="text/turtle" href="index.ttl">' in html
    assert '<link rel="alternate" type="application/ld+json" href="index.jsonld">' in html
    assert "1980" in html and 'href="../../county/19/"' in html
    assert 'id="memberships"' in html, "Västerås is a member of Fyra Mälarstäder"
    assert 'href="../../collaboration/fyra-malarstader/"' in html


def test_publish_ontology_documents_every_term(site_dir, project_graph):
    html = (site_dir / "def/index.html").read_text(encoding="utf-8")
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
    terms = {
        t for k in kinds for t in project_graph.subjects(RDF.type, k) if str(t).startswith(DATA)
    }
    assert len(terms) > 10
    for term in terms:
        anchor = str(term)[len(DATA + "def/") :]
        assert f'<section id="{anchor}">' in html, anchor
        for lang in ("sv", "en"):
            label = next(
                str(o) for o in project_graph.objects(term, RDFS.label) if o.language == lang
            )
            definition = next(
                str(o) for o in project_graph.objects(term, SKOS.definition) if o.language == lang
            )
            section = html.split(f'<section id="{anchor}">', 1)[1].split("</section>", 1)[0]
            assert f'<td lang="{lang}">{_escape(label)}</td>' in section, (anchor, lang)
            assert f'<td lang="{lang}">{_escape(definition)}</td>' in section, (anchor, lang)
    ontology = Graph().parse(site_dir / "def/index.ttl", format="turtle")
    assert all((t, RDF.type, None) in ontology for t in terms)


def _escape(text: str) -> str:
    from markupsafe import escape

    return str(escape(text))


def test_publish_index_counts_and_finder(site_dir, project_graph):
    html = (site_dir / "index.html").read_text(encoding="utf-8")
    assert f"{len(project_graph)} tripler" in html
    assert '<input id="search" type="search"' in html
    assert '<a href="id/municipality/1980/">Västerås</a>' in html
    names = {entry[0]: entry[1] for entry in json.loads((site_dir / "search.json").read_text())}
    assert "Västerås" in names["id/municipality/1980/"]
    english = (site_dir / "en" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in english and 'hreflang="sv"' in english


def test_publish_query_catalogue_page(site_dir):
    from kgtool.query.catalogue import load_catalogue

    html = (site_dir / "queries/index.html").read_text(encoding="utf-8")
    queries = load_catalogue(Project(ROOT))
    assert "members-of-collaboration" in {query.name for query in queries}
    assert f"<p>{len(queries)} frågor." in html
    for query in queries:
        assert f'<a href="{query.name}/">' in html
        page = (site_dir / "queries" / query.name / "index.html").read_text(encoding="utf-8")
        assert f'data-api="../../api/{query.name}"' in page
        assert ">None<" not in page and "xsd:integer</span>" not in page


def test_publish_under_another_base(tmp_path, project_graph):
    base = "https://example.org/ks/"
    out = publish_to(ROOT, tmp_path / "moved", "--base", base)
    dumped = Graph().parse(out / "dumps/kommunsamverkan.nt", format="nt")
    iris = {str(t) for triple in dumped for t in triple if isinstance(t, URIRef)}
    assert not [iri for iri in iris if iri.startswith(DATA)]
    assert base + "id/municipality/1980" in iris and base + "def/Municipality" in iris
    assert len(dumped) == len(project_graph)
    html = (out / "id/municipality/1980/index.html").read_text(encoding="utf-8")
    assert f"<code>{base}id/municipality/1980</code>" in html


def test_publish_rejects_a_bad_base(run_cli, tmp_path):
    result = run_cli("publish", "-o", str(tmp_path / "x"), "--base", "not-an-iri")
    assert result.exit_code == 2
    assert "--base" in result.stderr and "Traceback" not in result.output


def test_publish_into_an_impossible_folder_is_exit_2(run_cli, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("mine\n", encoding="utf-8")
    result = run_cli("publish", "-o", str(blocker / "site"))
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"Error: -o {blocker / 'site'}: cannot create the folder")


def test_publish_unwritable_file_is_exit_2(run_cli, tmp_path):
    out = tmp_path / "site"
    out.mkdir()
    (out / "dumps").write_text("a file where the dumps folder goes\n", encoding="utf-8")
    result = run_cli("publish", "-o", str(out))
    assert result.exit_code == 2, result.output
    assert f"Error: -o {out}: cannot write dumps/" in result.stderr


def test_publish_failing_write_leaves_no_temporary_file(run_cli, tmp_path):
    out = tmp_path / "site"
    (out / "void.ttl").mkdir(parents=True)  # a folder where a file goes: the rename fails
    (out / "void.ttl" / "mine.txt").write_text("mine\n", encoding="utf-8")
    result = run_cli("publish", "-o", str(out))
    assert result.exit_code == 2, result.output
    assert "cannot write void.ttl" in result.stderr
    assert not list(tmp_path.rglob("*.tmp"))
    assert sorted(path.name for path in tmp_path.iterdir()) == ["site"], "no staging folder left"
    assert sorted(path.name for path in out.rglob("*")) == ["mine.txt", "void.ttl"]


def test_publish_escapes_a_hostile_label(hostile_site):
    from publish_helpers import HOSTILE_LABEL

    page = (hostile_site / "id/collaboration/hostile/index.html").read_text(encoding="utf-8")
    assert HOSTILE_LABEL not in page
    assert "<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>" in page
    index = (hostile_site / "index.html").read_text(encoding="utf-8")
    assert HOSTILE_LABEL not in index and "&lt;script&gt;alert(1)" in index


def test_publish_every_term_resolves_on_a_static_host(site_dir, project_graph):
    """``def/<Term>/`` sends people to the term's anchor and machines to its RDF."""
    term = URIRef(DATA + "def/Municipality")
    folder = site_dir / "def/Municipality"
    assert 'content="0; url=../#Municipality"' in (folder / "index.html").read_text()
    got = Graph().parse(folder / "index.ttl", format="turtle")
    expected = Graph()
    for triple in project_graph.triples((term, None, None)):
        expected.add(triple)
    _assert_isomorphic(expected, got, "def/Municipality/index.ttl")
    assert "Options +MultiViews" in (site_dir / ".htaccess").read_text()


def test_publish_removes_its_own_stale_files_only(hostile_project, tmp_path):
    out = publish_to(hostile_project, tmp_path / "out")
    assert (out / "id/collaboration/hostile/index.html").is_file()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    moved = tmp_path / "project"
    shutil.copytree(hostile_project, moved)
    (moved / "data/collaborations/hostile.ttl").unlink()
    publish_to(moved, out)
    assert not (out / "id/collaboration/hostile").exists()
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert (out / "id/municipality/1980/index.html").is_file()


def test_publish_stale_manifest_entries_outside_or_not_files_are_skipped(tmp_path):
    """An edited manifest cannot delete outside ``-o`` nor trip over a folder or a link."""
    from kgtool.atomic import copy_unrelated
    from kgtool.web.publish import MANIFEST, _manifest_entries

    out = tmp_path / "site"
    (out / "now-a-folder").mkdir(parents=True)
    (out / "now-a-folder" / "keep.txt").write_text("mine", encoding="utf-8")
    (out / "old.html").write_text("stale", encoding="utf-8")
    outside = tmp_path / "outside.txt"
    outside.write_text("not the site's", encoding="utf-8")
    (out / "link.txt").symlink_to(outside)
    (out / "linked-folder").symlink_to(tmp_path)
    entries = [str(outside), "now-a-folder", "link.txt", "linked-folder/outside.txt", "old.html"]
    (out / MANIFEST).write_text("".join(f"{entry}\n" for entry in entries), encoding="utf-8")
    staging = tmp_path / "staging"
    staging.mkdir()
    copy_unrelated(out, staging, [*_manifest_entries(out), MANIFEST])
    assert outside.read_text(encoding="utf-8") == "not the site's"
    assert (staging / "now-a-folder" / "keep.txt").read_text(encoding="utf-8") == "mine"
    assert (staging / "link.txt").readlink() == outside, "a link is carried over as a link"
    assert (staging / "linked-folder").readlink() == tmp_path
    assert not (staging / "old.html").exists(), "a stale file of our own is not carried over"
    assert not (staging / MANIFEST).exists()


def test_publish_leaves_only_its_site(tmp_path):
    """Every file a publish with page workers leaves is one its manifest lists: the workers'
    spool (their results, read once they have ended) is gone before the switch."""
    from kgtool.web.publish import MANIFEST, publish
    from kgtool.web.resource_pages import CHUNK, SPOOL

    out = tmp_path / "site"
    result = publish(Project(ROOT), out, jobs=2)
    assert result.pages > 2 * CHUNK  # several tasks: the workers spool their results
    on_disk = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    listed = (out / MANIFEST).read_text(encoding="utf-8").splitlines()
    assert on_disk == sorted([*listed, MANIFEST])
    assert not (out / SPOOL).exists()
    assert (out / "id/municipality/1980/index.html").is_file()
