"""Pages speak their own language, also where the data or a broken query speaks: a saved
query that reads the language (``?lang``) answers English pages in English, and the note of a
query without an answer comes from the translation table."""

from __future__ import annotations

import shutil

import pytest
from publish_helpers import ROOT

from kgtool.project import Project
from kgtool.web.site.build import Site

BROKEN = """\
#+ summary: Collaborations of a municipality that does not exist
#+ params:
#+   municipality: {type: municipality, default: "Atlantis"}
PREFIX ks: <https://w3id.org/kommunsamverkan/def/>
SELECT ?collab WHERE { ?m ks:memberOf ?collab FILTER(?m = ?municipality) } ORDER BY ?collab
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Site:
    """The project's site with one more saved query whose default names no municipality."""
    copy = tmp_path_factory.mktemp("languages") / "project"
    for folder in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(ROOT / folder, copy / folder)
    (copy / "queries" / "broken-default.rq").write_text(BROKEN, encoding="utf-8")
    return Site.open(Project(copy))


def test_a_query_without_a_default_answer_says_so_in_the_pages_language(site):
    english = site.query_html("broken-default", "en")
    swedish = site.query_html("broken-default", "sv")
    assert 'No answer with the defaults: <span lang="en">' in english
    assert "Inget svar" not in english
    assert 'Inget svar med standardvärden: <span lang="en">' in swedish
    assert "Atlantis" in english and "Atlantis" in swedish  # what was wrong, as kgtool says it


def test_the_timeline_names_its_items_in_the_pages_language(site):
    english = site.query_html("timeline", "en")
    swedish = site.query_html("timeline", "sv")
    assert 'data-col="itemName" class="literal">Council meeting 2019<' in english
    assert "Rådsmötet 2019" not in english
    assert 'data-col="itemName" class="literal">Rådsmötet 2019<' in swedish


def test_every_saved_query_has_a_swedish_summary():
    """The Swedish pages (catalogue, forms, the editor's examples) list every saved query in
    Swedish; a query missing from the table would show its English summary there."""
    from kgtool.web.site.i18n import QUERY_SUMMARIES_SV

    names = sorted(path.stem for path in (ROOT / "queries").glob("*.rq"))
    assert [name for name in names if name not in QUERY_SUMMARIES_SV] == []
