"""Finding the project's folders: ontology/, data/, shapes/ and queries/.

Order: an explicit ``--project DIR``; the ``KGTOOL_PROJECT`` environment variable; the current
directory or one of its parents; the source checkout this package lives in; the copy bundled
in the installed wheel (``kgtool/_project``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from kgtool.errors import ProjectError

PROJECT_ENV = "KGTOOL_PROJECT"
FOLDERS = ("ontology", "data", "shapes", "queries")


def shown_path(path: Path, root: Path | None) -> str:
    """``path`` relative to ``root`` when it lies inside it, else as given."""
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return str(path)


@dataclass(frozen=True)
class Project:
    """A project root and the folders every command reads from."""

    root: Path

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def shapes_dir(self) -> Path:
        return self.root / "shapes"

    @property
    def queries_dir(self) -> Path:
        return self.root / "queries"

    def graph_files(self) -> list[Path]:
        """The Turtle files of the graph: the ontology, then the data, in a stable order."""
        return sorted(self.ontology_dir.rglob("*.ttl")) + sorted(self.data_dir.rglob("*.ttl"))

    def shape_files(self) -> list[Path]:
        return sorted(self.shapes_dir.rglob("*.ttl"))

    def query_files(self) -> list[Path]:
        return sorted(self.queries_dir.glob("*.rq"))


def missing_folders(root: Path) -> list[str]:
    """The project folders that ``root`` lacks (empty when it is a project)."""
    return [name for name in FOLDERS if not (root / name).is_dir()]


def _is_project(root: Path) -> bool:
    return not missing_folders(root)


def find_project(explicit: str | os.PathLike[str] | None = None) -> Project:
    """Locate the project, or raise ProjectError (exit 2) saying what is missing."""
    for given, origin in ((explicit, "--project"), (os.environ.get(PROJECT_ENV), PROJECT_ENV)):
        if given:
            root = Path(given).expanduser().resolve()
            if not root.is_dir():
                raise ProjectError(f"{origin} {given}: no such directory")
            missing = missing_folders(root)
            if missing:
                raise ProjectError(
                    f"{origin} {given}: not a kgtool project, missing folder(s): "
                    + ", ".join(f"{name}/" for name in missing)
                )
            return Project(root)
    cwd = Path.cwd().resolve()
    for candidate in (cwd, *cwd.parents):
        if _is_project(candidate):
            return Project(candidate)
    package_dir = Path(__file__).resolve().parent
    for candidate in (package_dir.parent, package_dir / "_project"):
        if _is_project(candidate):
            return Project(candidate)
    raise ProjectError(
        "no kgtool project found: run inside the repository, or pass --project DIR "
        f"(or set {PROJECT_ENV})"
    )
