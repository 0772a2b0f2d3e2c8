"""Saved queries, parameters, running (local and remote), result formats and tables."""
