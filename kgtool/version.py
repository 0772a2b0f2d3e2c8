"""The software's version, from the installed package's metadata: a leaf any part may import."""

from __future__ import annotations

import importlib.metadata

try:
    __version__ = importlib.metadata.version("kgtool")
except importlib.metadata.PackageNotFoundError:  # run from a source tree that is not installed
    __version__ = "0.0.0+unknown"
