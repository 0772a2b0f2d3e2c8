"""Placing a finding: subjects written as relative IRIs resolve exactly as urljoin does."""

from urllib.parse import urljoin

import pytest

from kgtool.checks.locate import Locator, _resolve

BASES = [
    "https://w3id.org/kommunsamverkan/id/",
    "file:///data/a.ttl",
    "https://example.org/x/y?z",
    "https://example.org/?a=/",
    "https://example.org/#/",
]
REFERENCES = ["x", "x/y", "x/y#z", "x?q", "../x", "./x", "x/../y", "x/.y", "http://a/b", "",
              "#f", "?q", "/abs", "a:b", "x/y/", "%C3%A5r"]  # fmt: skip


@pytest.mark.parametrize("base", BASES)
def test_relative_subjects_resolve_as_urljoin_does(base):
    assert [_resolve(base, r) for r in REFERENCES] == [urljoin(base, r) for r in REFERENCES]


def test_a_relative_subject_is_found_at_its_line(tmp_path):
    data = tmp_path / "a.ttl"
    data.write_text(
        "BASE <https://w3id.org/kommunsamverkan/id/>\n"
        "PREFIX ks: <https://w3id.org/kommunsamverkan/def/>\n\n"
        "<membership/a/b>\n    ks:member <municipality/0180> .\n\n"
        "<x/../membership/c>\n    ks:member <municipality/0181> .\n",
        encoding="utf-8",
    )
    locator = Locator([data], ["data/a.ttl"])
    member = "https://w3id.org/kommunsamverkan/def/member"
    assert locator.locate(
        "https://w3id.org/kommunsamverkan/id/membership/a/b",
        member,
        "https://w3id.org/kommunsamverkan/id/municipality/0180",
    ) == ("data/a.ttl", 5)
    assert locator.locate("https://w3id.org/kommunsamverkan/id/membership/c") == ("data/a.ttl", 7)
