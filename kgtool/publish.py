"""``kgtool publish``: the whole graph as a static linked-data site any web server can host.

Layout of the output folder::

    index.html, en/index.html      collaborations, search, downloads, metadata (sv; en)
    en/…                           every HTML page again in English
    search.json, static/           the search index; stylesheet, scripts, vendored YASGUI
    sparql/index.html              the SPARQL editor (needs an endpoint: kgtool serve)
    dumps/kommunsamverkan.{ttl,nt,jsonld}[.gz]
    void.ttl, catalog.ttl          VoID and DCAT-AP (DCAT-AP-SE) metadata
    id/<path>/index.{html,ttl,nt,jsonld}   one folder per resource (IRI …/id/<path>)
    def/index.{html,ttl,nt,jsonld} the ontology and its documentation
    def/<Term>/index.{html,ttl,nt,jsonld}  each term: a link to its anchor, and its RDF
    .htaccess                      Apache: MultiViews negotiates the index.* files
    queries/index.html             the saved queries; queries/<name>/ a form and the answer
    api/openapi.json               OpenAPI 3.1 of ``kgtool serve``'s /api/<name> (saved queries)

A host serves ``…/id/municipality/1980`` from the folder ``id/municipality/1980/`` (a
redirect to the trailing slash, as static hosts do); Apache's MultiViews can negotiate the
``index.*`` files by media type. The same input always gives the same bytes.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

from kgtool.errors import KgtoolError

_EMAIL = re.compile(r"[^@\s<>\"{}|\\^`]+@[^@\s<>\"{}|\\^`]+\.[^@\s<>\"{}|\\^`]+")


@dataclass(frozen=True)
class PublishResult:
    """What was written and how long it took."""

    out_dir: Path
    files: int
    pages: int
    triples: int
    seconds: float
    warnings: tuple[str, ...] = ()


def _write(path: Path, data: bytes | str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


MANIFEST = ".kgtool-manifest"


def _remove_stale(out: Path, written: list[str]) -> None:
    """Delete files an earlier run wrote that this run did not (only those), then list ours.

    The manifest is not trusted: only an entry that is a regular file (not a link) resolving
    inside ``out`` is deleted; anything else (absolute, ``..``, a folder, a link) is skipped.
    """
    manifest = out / MANIFEST
    if manifest.is_file():
        root = out.resolve()
        keep = set(written)
        for relative in manifest.read_text(encoding="utf-8").splitlines():
            if not relative or relative in keep:
                continue
            path = out / relative
            resolved = path.resolve()
            if (
                Path(relative).is_absolute()
                or ".." in Path(relative).parts
                or path.is_symlink()
                or not path.is_file()
                or not resolved.is_relative_to(root)
                or resolved == root
            ):
                continue
            try:
                resolved.unlink()
                for parent in resolved.parents:
                    if parent == root or any(parent.iterdir()):
                        break
                    parent.rmdir()
            except OSError:
                continue  # gone meanwhile or not ours to remove: skip it, as with any other
    _write(manifest, "".join(f"{relative}\n" for relative in sorted(written)))


def publish(
    project,
    out_dir: str | os.PathLike[str],
    base: str | None = None,
    contact_email: str | None = None,
) -> PublishResult:
    """Write the static site for ``project`` into ``out_dir``, IRIs under ``base`` if given.

    ``contact_email`` is the publishing organisation's address for the DCAT contact point.
    """
    from kgtool.sitegen import rdfio
    from kgtool.sitegen.build import Site
    from kgtool.sitegen.rebase import check_base

    started = time.perf_counter()
    if base is not None:
        try:
            check_base(base)
        except ValueError as error:
            raise KgtoolError(f"--base: {error}") from error
    if contact_email is not None and not _EMAIL.fullmatch(contact_email):
        raise KgtoolError(f"--contact-email: {contact_email!r} is not an e-mail address")
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise KgtoolError(f"-o {out}: exists and is not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise KgtoolError(f"-o {out}: cannot create the folder: {error.strerror}") from error
    site = Site(project, base, contact_email)
    written: list[str] = []

    def write(relative: str, data: bytes | str) -> None:
        try:
            _write(out / relative, data)
        except OSError as error:
            raise KgtoolError(f"-o {out}: cannot write {relative}: {error.strerror}") from error
        written.append(relative)

    for relative, data in site.dump_files.items():
        write(relative, data)
    write("void.ttl", rdfio.to_turtle(site.void))
    write("catalog.ttl", rdfio.to_turtle(site.dcat))
    write("api/openapi.json", site.openapi_text)
    for iri, folder in sorted(site.model.pages.items(), key=lambda item: item[1]):
        write(folder + "index.html", site.resource_html(iri))
        write("en/" + folder + "index.html", site.resource_html(iri, "en"))
        description = site.resource_graph(iri)
        for ext in rdfio.RDF_FORMATS:
            write(folder + f"index.{ext}", rdfio.serialise(description, ext))
    write("def/index.html", site.ontology_html())
    for ext in rdfio.RDF_FORMATS:
        write(f"def/index.{ext}", rdfio.serialise(site.ontology_graph, ext))
    for term in sorted(site.model.def_terms()):
        anchor = str(term)[len(site.model.def_base) :]
        write(f"def/{anchor}/index.html", site.term_html(term))
        for ext in rdfio.RDF_FORMATS:
            write(f"def/{anchor}/index.{ext}", rdfio.serialise(site.term_graph(term), ext))
    write(".htaccess", site.env.loader.get_source(site.env, "htaccess.txt")[0])
    for relative, data in site.static_files.items():
        write(relative, data)
    write("search.json", site.search_index)
    for relative, text in site.html_pages():  # index, ontology, queries, editor; sv and en/
        write(relative, text)
    _remove_stale(out, written)
    return PublishResult(
        out_dir=out,
        files=len(written),
        pages=len(site.model.pages),
        triples=len(site.graph),
        seconds=time.perf_counter() - started,
        warnings=tuple(site.warnings),
    )
