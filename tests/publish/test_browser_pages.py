"""Pages as a person sees them, in headless Chromium (Debian's ``chromium``), via playwright.

With ``CI=true`` a missing browser fails the test; elsewhere it skips, saying why.
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from publish_helpers import ARTIFACTS, HOSTILE_LABEL


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def _serve_folder(folder: Path) -> Iterator[str]:
    """A static host for the published folder (the way any web server would host it)."""
    handler = functools.partial(_Quiet, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def site_url(site_dir):
    yield from _serve_folder(site_dir)


@pytest.fixture(scope="module")
def hostile_url(hostile_site):
    yield from _serve_folder(hostile_site)


def test_browser_municipality_page(page, site_url):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.goto(site_url + "/id/municipality/1980/")
    assert page.title() == "Västerås – Kommunal samverkan"
    assert page.locator("h1").inner_text() == "Västerås"
    table = page.locator("table#memberships")
    assert table.is_visible()
    headers = table.locator("thead th").all_inner_texts()
    assert headers[:3] == ["Samverkan", "Roll", "Period"]  # no column repeating Västerås
    collaborations = table.locator("tbody tr td:nth-child(1)").all_inner_texts()
    assert "Fyra Mälarstäder" in collaborations
    page.screenshot(path=str(ARTIFACTS / "browser-municipality-1980.png"), full_page=True)
    table.get_by_role("link", name="Fyra Mälarstäder").first.click()
    page.wait_for_load_state()
    assert page.url.endswith("/id/collaboration/fyra-malarstader/")
    assert page.locator("h1").inner_text() == "Fyra Mälarstäder"
    members = page.locator("table.members tbody tr td:first-child").all_text_contents()
    assert "Västerås" in members


def test_browser_static_search_finds_names(page, site_url):
    page.goto(site_url + "/")
    for needle, name in (("väster", "Västerås"), ("malung", "Malung-Sälen")):
        page.fill("#search", needle)
        hit = page.locator("#search-results li a", has_text=name).first
        hit.wait_for()
        assert hit.is_visible()
    page.locator("#search-results li a", has_text="Malung-Sälen").first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Malung-Sälen"


def test_browser_query_catalogue(page, site_url):
    page.goto(site_url + "/queries/")
    assert page.locator("h1").inner_text() == "Sparade frågor"
    page.locator("ul.query-list a", has_text="members-of-collaboration").click()
    page.wait_for_load_state()
    assert page.locator("table.answer tbody tr").count() >= 1
    assert "None" not in page.locator("form#query-form").inner_text()
    assert "xsd:integer" not in page.locator("#answer").inner_text()
    link = page.locator("table.answer a[href*='/id/']").first
    link.click()
    page.wait_for_load_state()
    assert "/id/" in page.url and page.locator("h1").inner_text()


def test_browser_hostile_label_shows_as_text(page, hostile_url):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.goto(hostile_url + "/id/collaboration/hostile/")
    assert page.locator("h1").inner_text() == HOSTILE_LABEL
    assert page.locator("body script").count() == 0
    page.goto(hostile_url + "/")
    assert page.locator("#collaborations li", has_text=HOSTILE_LABEL).count() == 1
    page.screenshot(path=str(ARTIFACTS / "browser-hostile.png"), full_page=True)
    assert page.dialogs == [], "a script from the data ran"
