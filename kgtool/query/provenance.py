"""How an answer was made: the record that travels with every exported file.

A provenance record (a plain dict, written as ``<file>.provenance.json`` beside an export and
as a sheet of an xlsx workbook) names the query (saved name and full text), its parameters and
``--as-of``, the kgtool version, the dataset's version and content hash, the date, the sources
the rows cite, a citation line and the command that gives the same rows again. Its keys follow
W3C PROV in spirit (``used``, ``wasGeneratedBy``) while staying plain JSON for any reader.
"""

from __future__ import annotations

import datetime
import json
import shlex
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kgtool.project import Project

SIDECAR_SUFFIX = ".provenance.json"


def source_columns(columns: list[str]) -> list[str]:
    """The columns that name a row's source document (``source`` or ``<what>Source``)."""
    return [c for c in columns if c == "source" or c.endswith("Source")]


def cited_sources(columns: list[str], rows: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The source documents the rows cite, each once, in order of first citation."""
    seen: dict[str, str] = {}
    for row in rows:
        for column in source_columns(columns):
            iri = row.get(column)
            if isinstance(iri, str) and iri not in seen:
                seen[iri] = str(row.get(f"{column}_label") or "")
    return [{"iri": iri, "label": label} for iri, label in seen.items()]


def rerun_command(
    name: str | None, parameters: dict[str, Any], as_of: str | None, lang: str | None = None
) -> str | None:
    """The ``kgtool query`` command line that asks the same saved query again."""
    if name is None:
        return None
    words = ["kgtool", "query", name]
    for key, value in parameters.items():
        for item in value if isinstance(value, list) else [value]:
            words += ["-p", f"{key}={item}"]
    if as_of is not None:
        words += ["--as-of", as_of]
    if lang is not None:
        words += ["--lang", lang]
    return shlex.join(words)


def build(
    project: Project,
    *,
    text: str,
    name: str | None,
    parameters: dict[str, Any],
    as_of: str | None,
    endpoint: str | None,
    lang: str,
    columns: list[str],
    rows: list[dict[str, Any]],
    truncated: bool = False,
    now: datetime.datetime | None = None,
) -> dict[str, Any]:
    """The provenance record of one answer (see the module docstring)."""
    from kgtool.version import DATASET_IRI, __version__, dataset_version

    dataset = dataset_version(project)
    when = (now or datetime.datetime.now(datetime.UTC)).replace(microsecond=0)
    sources = cited_sources(columns, rows)
    what = f"saved query {name}" if name else "an ad-hoc SPARQL query"
    shown = ", ".join(
        f"{k}={'|'.join(map(str, v)) if isinstance(v, list) else v}" for k, v in parameters.items()
    )
    extra = f" ({shown})" if shown else ""
    extra += f", as of {as_of}" if as_of else ""
    cited = "; ".join(s["label"] or s["iri"] for s in sources)
    citation = (
        f"{dataset.citation(DATASET_IRI, lang)}. Answer to {what}{extra}, made with kgtool "
        f"{__version__} on {when.date().isoformat()}" + (f". Sources: {cited}." if cited else ".")
    )
    return {
        "generated": when.isoformat().replace("+00:00", "Z"),
        "wasGeneratedBy": {"software": "kgtool", "version": __version__},
        "used": {
            "dataset": DATASET_IRI,
            "version": dataset.version,
            "issued": dataset.issued,
            "content_sha256": dataset.content_hash,
            "endpoint": endpoint,
        },
        "query": {
            "name": name,
            "text": text,
            "parameters": parameters,
            "as_of": as_of,
            "lang": lang,
        },
        "result": {"columns": columns, "rows": len(rows), "truncated": truncated},
        "sources": sources,
        "citation": citation,
        "rerun": rerun_command(name, parameters, as_of, lang),
    }


def to_json(record: dict[str, Any]) -> str:
    return json.dumps(record, indent=2, ensure_ascii=False) + "\n"


def sidecar_path(output: Path) -> Path:
    """``members.csv`` → ``members.csv.provenance.json``."""
    return output.with_name(output.name + SIDECAR_SUFFIX)


def write_sidecar(output: Path, record: dict[str, Any]) -> Path:
    """Write the record beside ``output`` (atomically); returns the sidecar's path."""
    from kgtool.atomic import write_atomic

    path = sidecar_path(output)
    write_atomic(path, to_json(record))
    return path


def xlsx_with_provenance(workbook: bytes, record: dict[str, Any]) -> bytes:
    """The workbook with a "Provenance" sheet (citation first) and its document properties set
    (title, subject, description = the citation, keywords = the sources)."""
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(workbook))
    sheet = book.create_sheet("Provenance")
    query = record["query"]
    used = record["used"]
    lines: list[tuple[str, Any]] = [
        ("Citation", record["citation"]),
        ("Query", query["name"] or "ad-hoc SPARQL"),
        ("Parameters", json.dumps(query["parameters"], ensure_ascii=False)),
        ("As of", query["as_of"] or ""),
        ("Language", query["lang"]),
        ("Rows", record["result"]["rows"]),
        ("Generated", record["generated"]),
        ("kgtool version", record["wasGeneratedBy"]["version"]),
        ("Dataset", used["dataset"]),
        ("Dataset version", used["version"] or ""),
        ("Dataset content SHA-256", used["content_sha256"]),
        ("Re-run with", record["rerun"] or ""),
    ]
    lines += [("Source", f"{s['label']} <{s['iri']}>") for s in record["sources"]]
    lines.append(("Query text", query["text"]))
    for key, value in lines:
        sheet.append([key, value])
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 120
    props = book.properties
    props.title = f"kgtool: {query['name'] or 'SPARQL query'}"
    props.subject = used["dataset"]
    props.description = record["citation"]
    props.keywords = ", ".join(s["iri"] for s in record["sources"])
    props.creator = f"kgtool {record['wasGeneratedBy']['version']}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
