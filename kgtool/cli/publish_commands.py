"""CLI commands: publish (see the module docstring of kgtool.cli)."""

from __future__ import annotations

from kgtool.cli import cli  # noqa: F401  (commands register on the group)
