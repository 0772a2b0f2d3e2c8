"""What the pages say about what is not shown and what else there is: with more collaborations
than pictures are drawn for, the home page and each collaboration page say so (the members'
table stays); with releases (``kgtool release``), the home page links to ``releases/``, which
``kgtool serve`` serves too."""

from __future__ import annotations

import shutil

import httpx
import pytest
from click.testing import CliRunner
from publish_helpers import ROOT, Server
from rdflib import URIRef

from kgtool.cli import cli
from kgtool.project import Project
from kgtool.web.site.build import Site
from kgtool.web.site.pictures import PICTURE_LIMIT

VERSION = "2026.12.0"


def _more_collaborations(count: int) -> str:
    lines = [
        "BASE <https://w3id.org/kommunsamverkan/id/>",
        "PREFIX ks: <https://w3id.org/kommunsamverkan/def/>",
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>",
    ]
    for n in range(count):
        lines.append(f'<collaboration/more-{n}> a ks:Collaboration ; rdfs:label "Fler {n}"@sv .')
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """The project, released once, then given more collaborations than pictures are drawn for."""
    copy = tmp_path_factory.mktemp("limits") / "project"
    for folder in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(ROOT / folder, copy / folder)
    released = CliRunner().invoke(cli, ["--project", str(copy), "release", VERSION])
    assert released.exit_code == 0, released.output
    (copy / "data" / "collaborations" / "more.ttl").write_text(
        _more_collaborations(PICTURE_LIMIT), encoding="utf-8"
    )
    return copy


@pytest.fixture(scope="module")
def site(project) -> Site:
    return Site.open(Project(project))


def test_pages_say_the_pictures_are_not_drawn_and_keep_the_members(site):
    assert not site.draws_pictures
    iri = site.move(URIRef("https://w3id.org/kommunsamverkan/id/collaboration/malardalsradet"))
    for lang, words in (("sv", "Inga bilder ritas"), ("en", "No pictures are drawn")):
        page = site.resource_html(iri, lang)
        assert 'id="pictures-left-out"' in page and words in page
        assert f"{PICTURE_LIMIT} " in page and 'href="#members-h"' in page
        assert page.count('<table class="members">') >= 1 and "<svg" not in page
        home = site.index_html(lang)
        assert 'id="network-left-out"' in home and words in home and "<svg" not in home


def test_the_home_page_links_to_the_releases(site):
    for lang in ("sv", "en"):
        assert 'id="releases-link"' in site.index_html(lang)


def test_no_releases_no_link(site_dir):
    for page in ("index.html", "en/index.html"):
        assert "releases-link" not in (site_dir / page).read_text(encoding="utf-8")


def test_serve_serves_the_releases(project):
    server = Server(project, "--worker-memory", "0")
    try:
        server.wait_ready()
        with httpx.Client(base_url=server.url, timeout=30) as http:
            home = http.get("/en/")
            assert 'href="../releases/"' in home.text or 'href="releases/"' in home.text
            listing = http.get("/releases/")
            assert listing.status_code == 200 and f'id="{VERSION}"' in listing.text
            assert listing.headers["content-type"].startswith("text/html")
            notes = http.get(f"/releases/{VERSION}/notes.md")
            assert notes.status_code == 200 and notes.text == "First release.\n"
            assert http.get("/releases/../data/sources.ttl").status_code == 404
            assert http.get(f"/releases/{VERSION}/nothing.ttl").status_code == 404
    finally:
        server.stop()
