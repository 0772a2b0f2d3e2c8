"""Loading the project's files into the engine (``engine``) and into rdflib (``graph``)."""

from kgtool.store.engine import ProjectStore, open_files, open_merged, open_project_store

__all__ = ["ProjectStore", "open_files", "open_merged", "open_project_store"]
