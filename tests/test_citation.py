"""The software and the dataset can be cited: CITATION.cff is valid Citation File Format 1.2.0
and agrees with the package's and the dataset's versions, as do the README and the changelog."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import jsonschema
import yaml

from kgtool.project import Project
from kgtool.version import dataset_version

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = Path(__file__).resolve().parent / "vendor" / "cff" / "schema-1.2.0.json"


def citation() -> dict:
    return yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))


def test_citation_cff_is_valid_cff_1_2_0():
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validate(citation(), schema)  # what `cffconvert --validate` checks


def test_citation_cff_names_the_package_and_dataset_versions():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    cff = citation()
    assert cff["version"] == pyproject["project"]["version"]
    dataset = dataset_version(Project(ROOT))
    assert dataset.version and dataset.issued
    (reference,) = [r for r in cff["references"] if r["type"] == "data"]
    assert reference["version"] == dataset.version
    assert reference["date-released"] == dataset.issued


def test_readme_and_changelog_cite_the_current_dataset_version():
    dataset = dataset_version(Project(ROOT))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    how_to_cite = readme.split("## How to cite", 1)[1].split("\n## ", 1)[0]
    assert re.search(rf"\({dataset.issued}\)\..*version {re.escape(dataset.version)}", how_to_cite)
    assert f"dataset {dataset.version}" in (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
