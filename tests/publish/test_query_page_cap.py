"""A saved query whose answer is longer than its page shows: the page shows the first
``SHOWN_ROWS`` rows (or triples), says in both languages how many the whole answer has and
where to get it whole; the published site and ``kgtool serve`` show the same page."""

from __future__ import annotations

import re
import shutil

import httpx
import pytest
from click.testing import CliRunner
from publish_helpers import ROOT, Server, publish_to

from kgtool.cli import cli
from kgtool.web.site.queries import SHOWN_ROWS

COLLABORATIONS = 40  # every ordered pair: 1,600 rows, more than a page shows
PAIRS = COLLABORATIONS**2
PAIRED_WITH = """\
#+ summary: Every ordered pair of collaborations, as a graph
PREFIX ks: <https://w3id.org/kommunsamverkan/def/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>

CONSTRUCT { ?a rdfs:seeAlso ?b }
WHERE { ?a a ks:Collaboration . ?b a ks:Collaboration . }
"""


def _collaborations() -> str:
    lines = [
        "BASE <https://w3id.org/kommunsamverkan/id/>",
        "PREFIX ks: <https://w3id.org/kommunsamverkan/def/>",
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>",
    ]
    for n in range(COLLABORATIONS):
        lines.append(
            f'<collaboration/c{n:02}> a ks:Collaboration ; rdfs:label "Samverkan {n:02}"@sv .'
        )
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A small project: the ontology, 40 collaborations, and two saved queries whose answers
    pair every collaboration with every other (the shipped membership-overlaps, a graph)."""
    root = tmp_path_factory.mktemp("cap") / "project"
    for folder in ("ontology", "shapes"):
        shutil.copytree(ROOT / folder, root / folder)
    (root / "queries").mkdir()
    shutil.copy(ROOT / "queries" / "membership-overlaps.rq", root / "queries")
    (root / "queries" / "paired-with.rq").write_text(PAIRED_WITH, encoding="utf-8")
    (root / "data").mkdir()
    (root / "data" / "collaborations.ttl").write_text(_collaborations(), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def site(project, tmp_path_factory):
    return publish_to(project, tmp_path_factory.mktemp("cap-site") / "site")


def _answer_rows(page: str) -> int:
    answer = page.split('<div id="answer">', 1)[1].split('</div>\n<p id="downloads"', 1)[0]
    return answer.count("<tr>") - 1  # the header row


SAYS = {
    "sv": "Sidan visar de första 1\u00a0000 av svarets 1\u00a0600 {noun}. Hela svaret ger "
    "<code>kgtool query {name} -f {fmt}</code>, och kgtool serve ger det med formuläret ovan, "
    "på <code>/api/{name}</code> och i nedladdningarna nedan",
    "en": "This page shows the first 1,000 of the answer's 1,600 {noun}. The whole answer: "
    "<code>kgtool query {name} -f {fmt}</code>; kgtool serve gives it with the form above, at "
    "<code>/api/{name}</code> and in the downloads below",
}
NOUNS = {"sv": ("rader", "tripler"), "en": ("rows", "triples")}


def _says(lang: str, name: str, graph: bool = False) -> str:
    noun = NOUNS[lang][graph]
    return SAYS[lang].format(noun=noun, name=name, fmt="ttl" if graph else "csv")


def test_the_whole_answer_has_more_rows_than_the_page_shows(project):
    assert SHOWN_ROWS == 1000  # the figures below are written for it
    result = CliRunner().invoke(
        cli, ["--project", str(project), "query", "membership-overlaps", "-f", "csv"]
    )
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == 1 + PAIRS


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_a_long_answer_is_cut_and_the_page_says_so(site, lang):
    prefix = "" if lang == "sv" else "en/"
    page = (site / prefix / "queries/membership-overlaps/index.html").read_text("utf-8")

    assert _answer_rows(page) == SHOWN_ROWS
    note = re.search(r'<p class="note" id="answer-cut">(.*?)</p>', page).group(1)
    assert note.startswith(_says(lang, "membership-overlaps")), note
    assert "--max-rows" in note


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_a_long_graph_answer_is_cut_and_the_page_says_so(site, lang):
    prefix = "" if lang == "sv" else "en/"
    page = (site / prefix / "queries/paired-with/index.html").read_text("utf-8")

    shown = page.split("<pre><code>", 1)[1].split("</code></pre>", 1)[0]
    subjects = shown.count("rdfs:seeAlso")  # Turtle names each subject once, then its objects
    assert len(re.findall(r"collaboration/c\d\d", shown)) - subjects == SHOWN_ROWS
    note = re.search(r'<p class="note" id="answer-cut">(.*?)</p>', page).group(1)
    assert note.startswith(_says(lang, "paired-with", graph=True)), note


def test_the_cut_pages_are_the_same_bytes_every_time(project, site, tmp_path):
    again = publish_to(project, tmp_path / "again", "--full")
    for name in ("membership-overlaps", "paired-with"):
        for prefix in ("", "en/"):
            path = f"{prefix}queries/{name}/index.html"
            assert (again / path).read_bytes() == (site / path).read_bytes(), path


def test_a_short_answer_says_nothing_of_a_cut(site_dir):
    for prefix in ("", "en/"):
        page = (site_dir / prefix / "queries/members-of-collaboration/index.html").read_text(
            "utf-8"
        )
        assert 'id="answer-cut"' not in page and "<tbody><tr>" in page


def test_serve_shows_the_same_cut_page(project, site):
    server = Server(project, "--worker-memory", "0")
    try:
        server.wait_ready()
        with httpx.Client(base_url=server.url, timeout=60) as http:
            for prefix in ("", "en/"):
                reply = http.get(f"/{prefix}queries/membership-overlaps/")
                assert reply.status_code == 200
                assert _answer_rows(reply.text) == SHOWN_ROWS
                lang = "en" if prefix else "sv"
                assert _says(lang, "membership-overlaps") in reply.text
    finally:
        server.stop()
