"""kgtool: a knowledge graph of Swedish inter-municipal collaboration (kommunal samverkan).

``kgtool.open()`` opens the graph for Python (see ``kgtool.api`` and docs/python.md); the API
is imported on first use, so ``import kgtool`` stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["KnowledgeGraph", "Result", "__version__", "open"]

if TYPE_CHECKING:
    from kgtool.api import KnowledgeGraph, Result, open


def __getattr__(name: str) -> Any:
    if name in ("open", "KnowledgeGraph", "Result"):
        from kgtool import api

        return getattr(api, name)
    raise AttributeError(f"module 'kgtool' has no attribute {name!r}")
