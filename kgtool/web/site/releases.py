"""The releases of the graph on the published site: ``/releases/VERSION/…`` and a list page.

``kgtool release`` (kgtool/authoring/release.py) leaves ``releases/VERSION/`` in the project:
dumps, ``release.ttl`` (the DCAT record) and ``notes.md``. This module copies each release to
the same path of the site, writes ``releases/index.html`` (every release, newest first, with its
date, notes and downloads) and ``releases/index.nt`` (every release record in one graph,
sorted). The latest graph stays at the site's current paths (``dumps/…``). The same releases
give the same bytes.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

RELEASES = "releases"
_DCAT = "http://www.w3.org/ns/dcat#"
_DCT = "http://purl.org/dc/terms/"
_ADMS = "http://www.w3.org/ns/adms#"


@dataclass(frozen=True)
class ListedRelease:
    version: str
    issued: str
    previous: str | None
    notes: str
    files: tuple[str, ...]


def _key(version: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"[.+-]", version))


def read_releases(project_root: Path) -> list[ListedRelease]:
    """The project's releases (folders with a ``release.ttl``), newest first."""
    from rdflib import Graph, URIRef

    folder = project_root / RELEASES
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.iterdir()):
        record = path / "release.ttl"
        if not record.is_file() or path.name.startswith("."):
            continue
        graph = Graph().parse(record, format="turtle")
        subject = next(graph.subjects(URIRef(_DCAT + "version"), None), None)
        if subject is None:
            continue
        previous = graph.value(subject, URIRef(_DCAT + "previousVersion"))
        found.append(
            ListedRelease(
                version=str(graph.value(subject, URIRef(_DCAT + "version"))),
                issued=str(graph.value(subject, URIRef(_DCT + "issued")) or ""),
                previous=str(previous).rstrip("/").rsplit("/", 1)[-1] if previous else None,
                notes=str(graph.value(subject, URIRef(_ADMS + "versionNotes")) or ""),
                files=tuple(sorted(p.name for p in path.iterdir() if p.is_file())),
            )
        )
    return sorted(found, key=lambda r: _key(r.version), reverse=True)


def _page(listed: list[ListedRelease]) -> str:
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        "<title>Releases of the graph</title>",
        '<link rel="stylesheet" href="../static/site.css"></head><body><main>',
        "<h1>Releases of the graph</h1>",
        "<p>Each release is the whole graph as it was on its date, with notes on what changed "
        'since the one before. The latest graph is at <a href="../dumps/">dumps/</a>.</p>',
    ]
    if not listed:
        parts.append("<p>No release yet.</p>")
    for release in listed:
        version = html.escape(release.version)
        parts.append(f'<section id="{version}"><h2>{version}</h2>')
        parts.append(f"<p>Issued {html.escape(release.issued)}")
        if release.previous:
            previous = html.escape(release.previous)
            parts.append(f'; previous release <a href="#{previous}">{previous}</a>')
        parts.append(".</p><ul>")
        for name in release.files:
            parts.append(
                f'<li><a href="{version}/{html.escape(name)}">{html.escape(name)}</a></li>'
            )
        parts.append(f"</ul><pre>{html.escape(release.notes)}</pre></section>")
    parts.append("</main></body></html>")
    return "\n".join(parts) + "\n"


def release_files(project_root: Path) -> dict[str, bytes]:
    """Site path → bytes: every release's files, the list page and all records together."""
    listed = read_releases(project_root)
    if not listed:
        return {}
    from rdflib import Graph

    files: dict[str, bytes] = {}
    records = Graph()
    for release in listed:
        folder = project_root / RELEASES / release.version
        for name in release.files:
            files[f"{RELEASES}/{release.version}/{name}"] = (folder / name).read_bytes()
        records.parse(folder / "release.ttl", format="turtle")
    files[f"{RELEASES}/index.html"] = _page(listed).encode("utf-8")
    lines = sorted(records.serialize(format="nt").splitlines())
    files[f"{RELEASES}/index.nt"] = ("\n".join(lines) + "\n").encode("utf-8")
    return files
