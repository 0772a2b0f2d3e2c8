"""Growing the graph: new collaborations, spreadsheet import and export, diff, releases, coverage.

A part of its own (docs/architecture.md): it writes the project's hand-kept Turtle in the
project's style (``new``, ``importing``), compares two states of the graph (``diff``), freezes
one (``release``) and measures how much of each source text the graph records (``coverage``).
It may import the base, ``store/``, ``query/`` and ``checks/``; the CLI calls into it.
"""
