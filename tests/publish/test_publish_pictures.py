"""The pictures on the published pages: inline SVG with a text alternative, in both languages,
ids unique on each page; and the municipality page's memberships table."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

COLLABORATIONS = ("malardalsradet", "fyra-malarstader", "malmo-lundregionen", "vastra-malardalen")


class _Page(HTMLParser):
    """Ids, in-page references, svg titles and table headers of one HTML page."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.references: set[str] = set()
        self.svgs: list[dict[str, str]] = []
        self.titles: list[str] = []
        self.headers: dict[str, list[str]] = {}
        self._in: list[str] = []
        self._table = ""
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "id" in attributes:
            self.ids.append(attributes["id"])
        for name in ("href", "xlink:href"):
            if (attributes.get(name) or "").startswith("#") and tag != "a":
                self.references.add(attributes[name][1:])
        for value in attributes.values():
            self.references |= set(re.findall(r"url\(#([^)]+)\)", value or ""))
        if tag == "svg":
            self.svgs.append(attributes)
        if tag == "table":
            self._table = attributes.get("id", "")
            self.headers[self._table] = []
        self._in.append(tag)

    def handle_endtag(self, tag):
        if self._in and self._in[-1] == tag:
            self._in.pop()

    def handle_data(self, data):
        if self._in and self._in[-1] == "title" and "svg" in self._in:
            self.titles.append(data)
        if self._in and self._in[-1] == "th" and "thead" in self._in:
            self.headers[self._table].append(data.strip())


def _page(site_dir, path: str) -> tuple[str, _Page]:
    text = (site_dir / path).read_text(encoding="utf-8")
    return text, _Page(text)


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize("slug", COLLABORATIONS)
def test_collaboration_pages_show_both_pictures(site_dir, slug, lang):
    folder = "" if lang == "sv" else "en/"
    text, page = _page(site_dir, f"{folder}id/collaboration/{slug}/index.html")
    for key in ("network", "timeline"):
        assert f'<figure class="picture" id="{key}" tabindex="0"><svg role="img" ' in text, key
    assert len(page.svgs) == 2 and all(svg.get("role") == "img" for svg in page.svgs)
    assert len(page.titles) == 2 and all(title.strip() for title in page.titles)
    word = {"sv": ("Medlemsnätverk för", "Tidslinje för"), "en": ("Membership", "Timeline of")}
    assert page.titles[0].startswith(word[lang][0]) and page.titles[1].startswith(word[lang][1])
    duplicates = sorted({i for i in page.ids if page.ids.count(i) > 1})
    assert duplicates == []
    assert page.references, "the pictures refer to their own ids (clip paths, markers)"
    assert page.references <= set(page.ids), sorted(page.references - set(page.ids))[:5]


def test_the_index_shows_the_whole_network(site_dir):
    for path, word in (("index.html", "Medlemsnätverk med 4"), ("en/index.html", "of 4")):
        text, page = _page(site_dir, path)
        assert len(page.svgs) == 1 and word in page.titles[0]
        assert text.index('id="search"') < text.index('<figure class="picture"')
        assert sorted({i for i in page.ids if page.ids.count(i) > 1}) == []


def test_a_collaboration_without_members_shows_its_timeline_only(hostile_site):
    text, _ = _page(hostile_site, "id/collaboration/hostile/index.html")
    assert 'id="timeline"' in text and 'id="network"' not in text
    assert "<script>alert(1)</script>" not in text


def test_the_municipality_table_has_no_member_column(site_dir):
    for path, member in (
        ("id/municipality/1980/index.html", "Medlem"),
        ("en/id/municipality/1980/index.html", "Member"),
    ):
        _, page = _page(site_dir, path)
        headers = page.headers["memberships"]
        assert member not in headers and headers[0] in ("Samverkan", "Collaboration"), headers
