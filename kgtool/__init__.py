"""kgtool: a knowledge graph of Swedish inter-municipal collaboration (kommunal samverkan).

``kgtool.open()`` opens the graph for Python (see ``kgtool.api`` and docs/python.md); the API
is imported on first use, so ``import kgtool`` stays light.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: the CLI starts here

__all__ = ["KnowledgeGraph", "Result", "__version__", "open"]

if TYPE_CHECKING:
    from kgtool.api import KnowledgeGraph, Result, open
    from kgtool.version import __version__


def __getattr__(name: str) -> object:
    if name == "__version__":
        from kgtool.version import __version__

        return __version__
    if name in ("open", "KnowledgeGraph", "Result"):
        from kgtool import api

        return getattr(api, name)
    raise AttributeError(f"module 'kgtool' has no attribute {name!r}")
