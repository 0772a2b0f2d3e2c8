"""The site as a person uses it, in Debian's Chromium: collaboration summary, query form,
SPARQL editor, both languages, axe-core (vendored, tests/publish/vendor/axe-core), screenshots.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from publish_helpers import ARTIFACTS
from test_browser_pages import _serve_folder

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
PAGES = {
    "index": "/",
    "collaboration": "/id/collaboration/malardalsradet/",
    "municipality": "/id/municipality/1980/",
    "query": "/queries/members-of-collaboration/",
    "editor": "/sparql/",
}


@pytest.fixture(scope="module")
def static_url(site_dir):
    yield from _serve_folder(site_dir)


def open_page(browser, width: int = 1280, locale: str = "sv-SE", bypass_csp: bool = False):
    """A page in a new context; ``bypass_csp`` only to inject axe-core (the server's CSP allows
    the site's own scripts, not a test's inline one)."""
    context = browser.new_context(
        viewport={"width": width, "height": 900}, locale=locale, bypass_csp=bypass_csp
    )
    return context, context.new_page()


def test_collaboration_summary_and_members(browser, static_url):
    context, page = open_page(browser)
    try:
        page.goto(static_url + PAGES["collaboration"])
        counts = page.locator("#member-counts").inner_text()
        assert "55" in counts and "11" in counts, counts
        bodies = page.locator("#bodies tr", has_text="styrelse").inner_text()
        assert "19 + 19" in bodies, bodies
        headers = page.locator("table.members").first.locator("thead th").all_text_contents()
        assert "Län" in headers
        county_column = headers.index("Län") + 1
        counties = set()
        for group in page.locator("details.group").all():
            if "associerad" in group.locator("summary").inner_text():
                continue
            cells = group.locator(f"table.members tbody td:nth-child({county_column})")
            counties |= set(cells.all_text_contents())
        assert len(counties) == 5, counties
        assert page.evaluate("document.documentElement.scrollHeight") < 3000
    finally:
        context.close()


def test_query_form_shows_the_new_answer(browser, server):
    from playwright.sync_api import expect

    context, page = open_page(browser)
    try:
        page.goto(server.url + "/queries/members-of-collaboration/")
        before = page.locator("#answer table.answer tbody tr").count()
        page.select_option("#p-collaboration", "fyra-malarstader")
        page.click("#query-form button[type=submit]")
        expect(page.locator("#form-status")).to_contain_text("fyra-malarstader")  # no eval: CSP
        rows = page.locator("#answer table.answer tbody tr")
        assert rows.count() != before
        assert "Eskilstuna" in page.locator("#answer").inner_text()
        assert "fyra-malarstader" in page.locator("#dl-csv").get_attribute("href")
    finally:
        context.close()


def test_editor_runs_a_typed_query(browser, server):
    context, page = open_page(browser)
    try:
        page.goto(server.url + "/sparql", wait_until="networkidle")
        page.wait_for_selector(".CodeMirror")
        query = (
            "PREFIX ks: <https://w3id.org/kommunsamverkan/def/>\n"
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
            "SELECT ?m ?name WHERE { ?m a ks:Municipality ; rdfs:label ?name } "
            "ORDER BY ?name LIMIT 7"
        )
        page.evaluate("(q) => document.querySelector('.CodeMirror').CodeMirror.setValue(q)", query)
        page.click(".yasqe_queryButton")
        page.wait_for_selector(".yasr table.dataTable tbody tr td", timeout=20000)
        text = page.locator(".yasr").inner_text()
        assert "Ale" in text  # the first municipality by name
    finally:
        context.close()


OPEN_ALL = "document.querySelectorAll('details').forEach(d => { d.open = true; })"


@pytest.mark.parametrize("path", ["/", "/en" + PAGES["collaboration"]])
def test_pictures_are_drawn_under_the_servers_csp(browser, server, path):
    """Inline SVG styles would be refused by the page's Content-Security-Policy (the picture
    then draws black): the pictures carry presentation attributes instead."""
    context, page = open_page(browser)
    try:
        page.goto(server.url + path, wait_until="networkidle")
        page.evaluate(OPEN_ALL)
        figure = page.locator("figure#network svg")
        assert figure.get_attribute("role") == "img"
        background = "getComputedStyle(document.querySelector('#network svg path')).fill"
        assert page.evaluate(background) == "rgb(255, 255, 255)"
        assert figure.bounding_box()["height"] > 200
    finally:
        context.close()


@pytest.mark.parametrize("name", sorted(PAGES))
def test_axe_finds_no_serious_violation(browser, server, name):
    context, page = open_page(browser, bypass_csp=True)
    try:
        page.goto(server.url + PAGES[name], wait_until="networkidle")
        page.evaluate(OPEN_ALL)  # the pictures and member groups are checked too
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("async () => await axe.run(document)")
        bad = [
            (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert not bad, bad
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize("width", [1280, 375])
def test_screenshots(browser, server, lang, width):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context, page = open_page(browser, width, "sv-SE" if lang == "sv" else "en-GB")
    try:
        for name, path in PAGES.items():
            url = server.url + ("/en" + path if lang == "en" else path)
            page.goto(url, wait_until="networkidle")
            assert page.evaluate("document.documentElement.lang") == lang
            shot = ARTIFACTS / f"site-{name}-{lang}-{width}.png"
            page.screenshot(path=str(shot), full_page=True)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 1, f"{name} ({lang}, {width} px) is {overflow} px too wide"
            if name == "collaboration":  # and once more with every group and picture open
                page.evaluate(OPEN_ALL)
                shot = ARTIFACTS / f"site-{name}-open-{lang}-{width}.png"
                page.screenshot(path=str(shot), full_page=True)
    finally:
        context.close()
