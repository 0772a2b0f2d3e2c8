"""Answers in the browser as good as in the terminal, in Debian's Chromium, both languages, at
1280 and 375 px: every page kind (index, collaboration, municipality, query form before and
after Run, the SPARQL editor after a run, the API page and an /api answer) fits the phone, shows
each table's first column and label columns on a desktop, and logs no error (CSP included).
Screenshots go to tests/artifacts/ (ui-<kind>-<lang>-<width>.png).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from language_scan import found
from publish_helpers import ARTIFACTS

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
KINDS = {
    "index": "/",
    "collaboration": "/id/collaboration/malardalsradet/",
    "municipality": "/id/municipality/1980/",
    "query": "/queries/members-of-collaboration/",
    "query-run": "/queries/members-of-collaboration/",
    "editor-run": "/sparql/",
    "api-docs": "/api/docs/",
    "api-docs-run": "/api/docs/",
    "api-answer": "/api/members-of-collaboration?role=associate",
}


def _open(browser, width: int, lang: str, bypass_csp: bool = False):
    locale = "sv-SE" if lang == "sv" else "en-GB"
    context = browser.new_context(
        viewport={"width": width, "height": 900}, locale=locale, bypass_csp=bypass_csp
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return context, page, errors


def _hidden_table_parts(page, width: int) -> list[str]:
    """Visible tables whose first column or a label column lies outside the viewport."""
    return page.evaluate(
        """(width) => {
        const out = [];
        for (const table of document.querySelectorAll('main table')) {
          const box = table.getBoundingClientRect();
          if (!box.width || !box.height) continue;
          const row = table.rows[0];
          if (!row || !row.cells.length) continue;
          const cells = [row.cells[0]];
          for (const cell of row.cells) {
            if (/_label$/.test(cell.textContent.trim())) cells.push(cell);
          }
          for (const cell of cells) {
            const b = cell.getBoundingClientRect();
            if (b.left < -1 || b.right > width + 1 || b.width < 1) {
              out.push((table.id || table.className) + ': ' + cell.textContent.trim());
            }
          }
        }
        return out;
      }""",
        width,
    )


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize("width", [1280, 375])
def test_every_page_kind_fits_and_shows_its_key_columns(browser, ui_server, lang, width):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context, page, errors = _open(browser, width, lang)
    problems = []
    try:
        for kind, path in KINDS.items():
            url = path if lang == "sv" or path.startswith("/api/members") else "/en" + path
            page.goto(ui_server.url + url, wait_until="networkidle")
            if kind in ("query-run", "editor-run", "api-docs", "api-docs-run"):
                _act(page, kind)
            assert page.evaluate("document.documentElement.lang") == lang, kind
            page.screenshot(path=str(ARTIFACTS / f"ui-{kind}-{lang}-{width}.png"), full_page=True)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            if overflow > 1:
                problems.append(f"{kind}: {overflow} px wider than the {width} px viewport")
            if width == 1280:
                problems += [f"{kind}: not in view: {p}" for p in _hidden_table_parts(page, width)]
            if errors:
                problems.append(f"{kind}: console errors {errors}")
                errors.clear()
    finally:
        context.close()
    assert not problems, problems


def _act(page, kind: str) -> None:
    if kind == "query-run":
        page.select_option("#p-role", "associate")
        page.click("#query-form button[type=submit]")
        count = page.locator("#answer .row-count", has_text=re.compile(r"^11\s"))
        count.wait_for(timeout=60_000)  # the answer for role=associate has replaced the default
    elif kind == "editor-run":
        page.click(".yasqe_queryButton")
        page.wait_for_selector("#yasgui .yasr .iri-label", timeout=60_000)
    elif kind == "api-docs":
        page.wait_for_selector("#swagger-ui .opblock", timeout=60_000)
    elif kind == "api-docs-run":  # Try it out, role=associate, Execute: the answer is shown
        page.wait_for_selector("#swagger-ui .opblock", timeout=60_000)
        operation = page.locator("#swagger-ui .opblock", has_text="/api/members-of-collaboration")
        assert operation.count() == 1  # listed once, under its first tag
        operation.locator(".opblock-summary").click()
        operation.locator(".try-out__btn").click()
        operation.locator("tr[data-param-name=role] input").fill("associate")
        operation.locator("button.execute").click()
        status = operation.locator(".live-responses-table .response .response-col_status")
        status.first.wait_for(timeout=60_000)
        assert status.first.inner_text().strip() == "200"
        asked = operation.locator(".request-url pre").inner_text()
        assert asked.endswith(
            "/api/members-of-collaboration?collaboration=malardalsradet&role=associate"
        )
        body = operation.locator(".live-responses-table .response-col_description pre").first
        assert len(json.loads(body.inner_text())["results"]["bindings"]) == 11


def test_form_run_for_associates_shows_eleven_labelled_rows(browser, ui_server):
    context, page, errors = _open(browser, 1280, "en")
    try:
        page.goto(ui_server.url + "/en/queries/members-of-collaboration/", wait_until="networkidle")
        _act(page, "query-run")
        rows = page.locator("#answer table.answer tbody tr")
        assert rows.count() == 11
        assert page.locator("#answer .row-count").inner_text() == "11 rows"
        for i in range(11):
            row = rows.nth(i)
            label = row.locator("td[data-col=member_label]").inner_text()
            kommunkod = row.locator("td[data-col=member_code]").inner_text()
            lanskod = row.locator("td[data-col=memberCounty_code]").inner_text()
            assert label and kommunkod.isdigit() and len(lanskod) == 2 and lanskod.isdigit()
            assert row.locator("td[data-col=role_label]").inner_text() == "associate member"
            href = row.locator("td[data-col=member] a").get_attribute("href")
            assert "/en/id/" in href and not href.startswith("https://w3id.org"), href
        headers = page.locator("#answer table.answer thead th").all_inner_texts()
        expected = page.evaluate(
            "fetch('/api/members-of-collaboration?role=associate&format=csv')"
            ".then(r => r.text()).then(t => t.split('\\r\\n')[0].split(','))"
        )
        assert [h.replace("\u200b", "") for h in headers] == expected
        assert not errors, errors
    finally:
        context.close()


@pytest.mark.parametrize(
    ("kind", "width"),
    [
        ("query-run", 1280),
        ("editor-run", 1280),
        ("api-docs", 1280),
        ("api-docs-run", 1280),
        ("api-answer", 1280),
        ("collaboration", 375),  # the stacked tables of a phone
        ("municipality", 375),
    ],
)
def test_axe_finds_no_serious_violation_on_the_answer_pages(browser, ui_server, kind, width):
    context, page, _errors = _open(browser, width, "en", bypass_csp=True)
    try:
        path = KINDS[kind]
        url = path if path.startswith("/api/members") else "/en" + path
        page.goto(ui_server.url + url, wait_until="networkidle")
        _act(page, kind)
        page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
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


def test_no_page_speaks_the_other_language(site_dir):
    """Every page under /en/ is free of the Swedish interface strings (and the Swedish pages of
    the English ones), outside parts marked with their own ``lang`` (data, names)."""
    found_in: dict[str, list[str]] = {}
    pages = sorted(site_dir.rglob("*.html"))
    assert len(pages) > 100
    for path in pages:
        relative = path.relative_to(site_dir).as_posix()
        lang = "en" if relative.startswith("en/") else "sv"
        hits = found(path.read_text(encoding="utf-8"), lang)
        if hits:
            found_in[relative] = hits
    assert not found_in, dict(list(found_in.items())[:15])
