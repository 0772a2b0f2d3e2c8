"""The command line's choices are the library's: the CLI names some lists itself so that
``--help`` starts without importing matplotlib, rdflib or pySHACL, and this test holds each
equal to the list in its home."""

from __future__ import annotations

import pytest

from kgtool.cli import authoring_commands, plot_commands, validate_commands


def test_validation_choices_are_the_library_s():
    from kgtool.checks.report import SEVERITIES
    from kgtool.checks.validate import ENGINES

    assert validate_commands.SEVERITIES == SEVERITIES
    assert validate_commands.ENGINES == ENGINES


def test_table_formats_are_the_library_s():
    from kgtool.authoring.table import FORMATS

    assert authoring_commands.TABLE_FORMATS == FORMATS


def test_picture_and_export_formats_are_the_library_s():
    pytest.importorskip("matplotlib")
    from kgtool.plot import EXPORT_FORMATS, PICTURE_FORMATS

    assert plot_commands.PICTURE_FORMATS == PICTURE_FORMATS
    assert plot_commands.EXPORT_FORMATS == EXPORT_FORMATS
