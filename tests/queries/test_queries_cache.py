"""The graph cache: a changed data file is seen at once; a broken cache is rebuilt."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

MEMBERSHIP = """
<collaboration/fyra-malarstader/membership/0180>
    a org:Membership ;
    org:member <municipality/0180> ;
    org:organization <collaboration/fyra-malarstader> ;
    org:role ks:FullMember ;
    prov:wasDerivedFrom <source/000> .
"""


@pytest.fixture
def project_copy(tmp_path: Path, project_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project whose data/ is a copy (safe to edit), with its own cache folder."""
    root = tmp_path / "project"
    root.mkdir()
    for folder in ("ontology", "shapes", "queries"):
        (root / folder).symlink_to(project_dir / folder)
    shutil.copytree(project_dir / "data", root / "data")
    monkeypatch.setenv("KGTOOL_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("KGTOOL_NO_CACHE", raising=False)
    return root


def stockholm_collaborations(run_cli, root: Path) -> list[str]:
    result = run_cli(
        "query", "collaborations-of-municipality", "-p", "municipality=0180", "-f", "csv",
        project=root,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    return result.output.splitlines()[1:]


def test_changed_data_file_is_seen(run_cli, project_copy, tmp_path):
    assert stockholm_collaborations(run_cli, project_copy) == []
    caches = list((tmp_path / "cache").glob("graph-*.pickle"))
    assert len(caches) == 1
    data = project_copy / "data" / "collaborations" / "fyra-malarstader.ttl"
    data.write_text(data.read_text(encoding="utf-8") + MEMBERSHIP, encoding="utf-8")
    found = stockholm_collaborations(run_cli, project_copy)
    assert len(found) == 1 and "fyra-malarstader" in found[0]
    assert list((tmp_path / "cache").glob("graph-*.pickle")) != caches, "old cache replaced"
    assert len(list((tmp_path / "cache").glob("graph-*.pickle"))) == 1


def test_broken_cache_is_rebuilt(run_cli, project_copy, tmp_path):
    stockholm_collaborations(run_cli, project_copy)
    (cache,) = (tmp_path / "cache").glob("graph-*.pickle")
    cache.write_bytes(b"not a pickle")
    assert stockholm_collaborations(run_cli, project_copy) == []
    assert cache.read_bytes() != b"not a pickle"


def test_as_of_not_a_date(run_cli):
    result = run_cli("query", "chair-history", "--as-of", "2020-02-30")
    assert result.exit_code == 2
    assert result.stderr.strip() == "Error: --as-of: '2020-02-30' is not a date (YYYY-MM-DD)"
