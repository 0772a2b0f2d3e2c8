"""``kgtool release VERSION``: freeze the graph as it is, with its notes, so a paper can cite it.

A release is a folder ``releases/VERSION/`` of the project (beside data/, never loaded as part
of the graph) holding:

* ``kommunsamverkan.nq``: every file of the graph as its own named graph (``urn:kgtool:file:…``,
  so ``kgtool diff`` can compare releases file by file) and ``kommunsamverkan.ttl``: the same
  triples in one Turtle graph;
* ``release.ttl``: the release record, a ``dcat:Dataset`` with ``dcat:version``, ``dct:issued``,
  ``adms:versionNotes`` (the Markdown of ``kgtool diff`` from the previous release),
  ``dcat:previousVersion``, ``dcat:isVersionOf`` the dataset (which ``dcat:hasVersion`` it) and
  one ``dcat:Distribution`` per dump; ``notes.md`` is the same notes as a file.

The graph must validate first (no violation). The folder is built beside its place and moved
there in one step (:mod:`kgtool.atomic`), so a release is either whole or absent.
``kgtool publish`` copies every release to ``/releases/VERSION/…`` of the site and lists them.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kgtool.authoring.layout import DUMP, RELEASES
from kgtool.authoring.turtle import literal
from kgtool.errors import KgtoolError, ParameterError
from kgtool.terms import DEFAULT_BASE

if TYPE_CHECKING:
    from kgtool.project import Project

DATASET = DEFAULT_BASE + "dataset"
_VERSION = re.compile(r"[0-9]+(?:\.[0-9]+)*(?:[-+][0-9A-Za-z.]+)?")
MEDIA = {"nq": "application/n-quads", "ttl": "text/turtle"}


@dataclass(frozen=True)
class Release:
    version: str
    folder: Path
    previous: str | None
    notes: str
    triples: int


def version_key(version: str) -> tuple:
    """Order of versions: numbers as numbers (2026.12.10 after 2026.12.9)."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"[.+-]", version))


def releases(project: Project) -> list[str]:
    """The versions released so far (folders with a release record), oldest first."""
    folder = project.root / RELEASES
    if not folder.is_dir():
        return []
    found = [p.name for p in folder.iterdir() if (p / "release.ttl").is_file()]
    return sorted(found, key=version_key)


def release_iri(version: str) -> str:
    return f"{DEFAULT_BASE}{RELEASES}/{version}"


def dumps(project: Project) -> dict[str, bytes]:
    """The graph's files as N-Quads (one named graph each) and as one Turtle graph."""
    import pyoxigraph

    from kgtool.store.engine import open_files
    from kgtool.terms import PREFIX_IRIS

    store = open_files(project.graph_files(), root=project.root, cache=False).store
    quads = sorted(store, key=str)  # files and triples in a stable order
    nquads = pyoxigraph.serialize(quads, format=pyoxigraph.RdfFormat.N_QUADS)
    triples = [pyoxigraph.Triple(q.subject, q.predicate, q.object) for q in quads]
    turtle = pyoxigraph.serialize(
        triples, format=pyoxigraph.RdfFormat.TURTLE, prefixes=dict(PREFIX_IRIS)
    )
    return {f"{DUMP}.nq": nquads, f"{DUMP}.ttl": turtle}


def notes_against(project: Project, previous: str | None, current: Path, version: str) -> str:
    """The Markdown notes: ``kgtool diff`` from the previous release, or a first-release line."""
    from kgtool.authoring.diff import as_markdown, compare, load_state

    if previous is None:
        return "First release.\n"
    new = load_state(str(current), project)
    new.spec = version  # the notes name both releases, as `kgtool diff OLD NEW` does
    return as_markdown(compare(load_state(previous, project), new))


def record(version: str, issued: datetime.date, previous: str | None, notes: str) -> str:
    """The release record (Turtle)."""
    iri = release_iri(version)
    lines = [
        f"# Release {version} of the graph, written by `kgtool release`.",
        "",
        "PREFIX adms: <http://www.w3.org/ns/adms#>",
        "PREFIX dcat: <http://www.w3.org/ns/dcat#>",
        "PREFIX dct: <http://purl.org/dc/terms/>",
        "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>",
        "",
        f"<{iri}>",
        "    a dcat:Dataset ;",
        f"    dct:title {literal(f'Kommunal samverkan i Sverige {version}', 'sv')} , "
        f"{literal(f'Inter-municipal collaboration in Sweden {version}', 'en')} ;",
        f"    dcat:version {literal(version)} ;",
        f'    dct:issued "{issued.isoformat()}"^^xsd:date ;',
        f"    dcat:isVersionOf <{DATASET}> ;",
    ]
    if previous:
        lines.append(f"    dcat:previousVersion <{release_iri(previous)}> ;")
    lines.append(f"    adms:versionNotes {literal(notes, 'en')} ;")
    distributions = [
        f"[ a dcat:Distribution ; dcat:downloadURL <{iri}/{DUMP}.{ext}> ; "
        f"dcat:mediaType <https://www.iana.org/assignments/media-types/{media}> ]"
        for ext, media in MEDIA.items()
    ]
    lines.append("    dcat:distribution " + " ,\n        ".join(distributions) + " .")
    lines += ["", f"<{DATASET}> dcat:hasVersion <{iri}> ."]
    return "\n".join(lines) + "\n"


def make_release(project: Project, version: str, today: datetime.date | None = None) -> Release:
    """Validate, then write ``releases/VERSION/`` in one step."""
    from kgtool import atomic
    from kgtool.authoring.turtle import check_parses
    from kgtool.checks.validate import validate_project

    if not _VERSION.fullmatch(version):
        raise ParameterError(f"VERSION: {version!r} is no version (e.g. 2026.12.0 or 1.2.0)")
    target = project.root / RELEASES / version
    if target.exists():
        raise ParameterError(f"VERSION: {version} is released already ({RELEASES}/{version})")
    earlier = releases(project)
    previous = max(earlier, key=version_key) if earlier else None
    if previous and version_key(version) < version_key(previous):
        raise ParameterError(f"VERSION: {version} is older than the latest release {previous}")
    report = validate_project(project)
    if not report.conforms:
        raise KgtoolError(
            f"release {version}: the graph has {len(report.violations)} violation(s); "
            "`kgtool validate` lists them, fix them first"
        )
    files = dumps(project)
    atomic.remove_leftovers(target)
    staging = atomic.staging_folder(target)
    try:
        for name, data in files.items():
            atomic.write_atomic(staging / name, data)
        notes = notes_against(project, previous, staging / f"{DUMP}.nq", version)
        text = record(version, today or datetime.date.today(), previous, notes)
        check_parses(text, f"{RELEASES}/{version}/release.ttl")
        atomic.write_atomic(staging / "release.ttl", text)
        atomic.write_atomic(staging / "notes.md", notes)
        atomic.replace_folder(staging, target)
    finally:
        atomic.remove_leftovers(target)
    triples = files[f"{DUMP}.nq"].count(b"\n")
    return Release(version, target, previous, notes, triples)
