"""Transitional: the validation modules still import from here; everything else uses store.graph.

Delete this file when validate/checks move into ``kgtool/checks/`` (their imports then read
``from kgtool.store.graph import …``).
"""

from kgtool.store.graph import (  # noqa: F401
    LoadedGraph,
    Location,
    load_files,
    load_project,
    new_graph,
    parse_turtle,
    subject_lines,
)
