"""Versions: the software's (from the installed package's metadata) and the dataset's.

A leaf module: it imports nothing of kgtool beyond the project finder, so any part may use it.
The dataset's version lives in the data itself (``data/dataset.ttl``: ``owl:versionInfo`` and
``dct:issued``; the published catalogue repeats the version as ``dcat:version``), so it travels
with the dumps and answers SPARQL; the content hash says which state of the files gave an answer.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from kgtool.project import Project


def _software_version() -> str:
    try:
        return metadata.version("kgtool")
    except metadata.PackageNotFoundError:  # running from a checkout that was never installed
        return "0+unknown"


__version__ = _software_version()

DATASET_FILE = "dataset.ttl"
"""The file under ``data/`` that describes the dataset and its version."""
DATASET_IRI = "https://w3id.org/kommunsamverkan/dataset"
OWL_VERSION_INFO = "http://www.w3.org/2002/07/owl#versionInfo"
DCT_ISSUED = "http://purl.org/dc/terms/issued"
DCT_TITLE = "http://purl.org/dc/terms/title"


@dataclass(frozen=True)
class DatasetVersion:
    """Which state of the graph: its declared version and date, and the hash of its files."""

    version: str | None
    issued: str | None
    titles: dict[str, str]
    content_hash: str

    def citation(self, iri: str = DATASET_IRI, lang: str = "en", content: bool = True) -> str:
        """A recommended citation line for this state of the dataset (with the hash of its
        files unless not ``content``: a resource page must not change with every file)."""
        title = self.titles.get(lang) or self.titles.get("en") or "kommunsamverkan"
        version = f", version {self.version}" if self.version else ""
        issued = f" ({self.issued})" if self.issued else ""
        text = f"kgtool contributors{issued}. {title}{version} [data set]. {iri}"
        return f"{text} (content sha256:{self.content_hash[:16]})" if content else text


def content_hash(project: Project) -> str:
    """SHA-256 over every graph file's path (relative to the project) and bytes, in order."""
    digest = hashlib.sha256()
    for path in project.graph_files():
        digest.update(path.relative_to(project.root).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def dataset_version(project: Project) -> DatasetVersion:
    """The dataset's version and date from ``data/dataset.ttl`` (None where not stated)."""
    import pyoxigraph

    version = issued = None
    titles: dict[str, str] = {}
    path = project.data_dir / DATASET_FILE
    if path.is_file():
        store = pyoxigraph.Store()
        store.load(path=path, format=pyoxigraph.RdfFormat.TURTLE)
        subject = pyoxigraph.NamedNode(DATASET_IRI)

        def values(predicate: str) -> list[pyoxigraph.Literal]:
            pattern = store.quads_for_pattern(subject, pyoxigraph.NamedNode(predicate), None)
            return sorted((q.object for q in pattern), key=str)

        version = next((v.value for v in values(OWL_VERSION_INFO)), None)
        issued = next((v.value for v in values(DCT_ISSUED)), None)
        titles = {v.language: v.value for v in values(DCT_TITLE) if v.language}
    return DatasetVersion(version, issued, titles, content_hash(project))


def project_version_lines(project: Project | None) -> list[str]:
    """What ``kgtool --version`` prints: the software, then the dataset when a project is found."""
    lines = [f"kgtool {__version__}"]
    if project is not None:
        dataset = dataset_version(project)
        lines.append(
            f"dataset {dataset.version or 'unversioned'}"
            + (f" ({dataset.issued})" if dataset.issued else "")
            + f" content sha256:{dataset.content_hash[:16]} in {Path(project.root)}"
        )
    return lines
