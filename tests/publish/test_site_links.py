"""Every link between the published pages leads to a page of the site, in both languages (a
static host serves ``folder/`` from ``folder/index.html``)."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

HREF = re.compile(r'href="([^"]*)"')


def _broken(site: Path, page: Path) -> list[str]:
    """The relative links of ``page`` whose target is not in ``site``."""
    folder = page.parent.relative_to(site).as_posix()
    broken = []
    for href in HREF.findall(page.read_text(encoding="utf-8")):
        if not href or href.startswith(("#", "http://", "https://", "mailto:")):
            continue
        path = href.split("#", 1)[0].split("?", 1)[0]
        target = posixpath.normpath(posixpath.join(folder, path))
        if target.startswith("..") or not (site / target).exists():
            broken.append(href)
    return broken


def test_resource_pages_link_within_the_site(site_dir):
    pages = sorted(site_dir.glob("id/**/index.html")) + sorted(site_dir.glob("en/id/**/index.html"))
    assert len(pages) > 100
    found = {}
    for page in pages:
        broken = _broken(site_dir, page)
        if broken:
            found[page.relative_to(site_dir).as_posix()] = broken[:3]
    assert found == {}, f"{len(found)} pages with broken links, e.g. {list(found.items())[:3]}"
