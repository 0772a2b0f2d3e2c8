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
        for candidate in (Path(os.path.abspath(path)), path.resolve()):  # a symlinked folder too
            try:
                return candidate.relative_to(root.resolve()).as_posix()
            except ValueError:
                pass
    return str(path)


def find_files(folder: Path, pattern: str, root: Path | None = None) -> list[Path]:
    """Files under ``folder`` (any depth) whose name matches ``pattern``, sorted.

    Every folder is read or refused: one that cannot be read is a ProjectError (exit 2) naming
    it (never silently skipped); symlinked folders are followed, each real folder once (a
    symlink loop ends there).
    """
    import fnmatch

    if not folder.is_dir():
        return []
    found: list[Path] = []
    seen: set[tuple[int, int]] = set()
    pending = [folder]
    while pending:
        current = pending.pop()
        try:
            info = current.stat()
            if (info.st_dev, info.st_ino) in seen:
                continue
            seen.add((info.st_dev, info.st_ino))
            entries = list(os.scandir(current))
        except OSError as error:
            raise ProjectError(
                f"{shown_path(current, root)}: cannot read folder: {error.strerror or error}"
            ) from None
        for entry in entries:
            try:
                is_dir = entry.is_dir()  # follows symlinks
            except OSError:
                is_dir = False
            if is_dir:
                pending.append(Path(entry.path))
            elif fnmatch.fnmatchcase(entry.name, pattern):
                found.append(Path(entry.path))
    return sorted(found)


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
        return self.ontology_files() + self.data_files()

    def ontology_files(self) -> list[Path]:
        return find_files(self.ontology_dir, "*.ttl", self.root)

    def data_files(self) -> list[Path]:
        return find_files(self.data_dir, "*.ttl", self.root)

    def shape_files(self) -> list[Path]:
        return find_files(self.shapes_dir, "*.ttl", self.root)

    def query_files(self) -> list[Path]:
        """The saved queries: ``queries/*.rq`` (not in subfolders)."""
        import fnmatch

        if not self.queries_dir.is_dir():
            return []
        try:
            names = os.listdir(self.queries_dir)
        except OSError as error:
            raise ProjectError(
                f"{shown_path(self.queries_dir, self.root)}: cannot read folder: "
                f"{error.strerror or error}"
            ) from None
        return sorted(self.queries_dir / n for n in names if fnmatch.fnmatchcase(n, "*.rq"))


def missing_folders(root: Path) -> list[str]:
    """The project folders that ``root`` lacks (empty when it is a project)."""
    return [name for name in FOLDERS if not (root / name).is_dir()]


def _is_project(root: Path) -> bool:
    return not missing_folders(root)


def find_project(explicit: str | os.PathLike[str] | None = None) -> Project:
    """Locate the project, or raise ProjectError (exit 2) saying what is missing."""
    if explicit is not None and not str(explicit).strip():
        raise ProjectError("--project: empty path (give the project's folder)")
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
