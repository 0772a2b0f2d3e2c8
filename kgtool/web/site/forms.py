"""What a saved query's form needs besides the query: choices, hints and the script's words."""

from __future__ import annotations

import json
from typing import Any

from kgtool.terms import DEFAULT_BASE, PREFIX_IRIS
from kgtool.web.site.i18n import PREFIX, UI, param_hint
from kgtool.web.site.openapi import Choice

#: The words ``static/query.js`` writes, from the translation table.
SCRIPT_WORDS = (
    "row_one", "row_many", "answer_for", "running", "needs_server", "true", "false",
)  # fmt: skip


def form_context(params: list, lists: dict[str, list[Choice]], lang: str) -> dict[str, Any]:
    """Template variables of the form: choices per parameter, hints, script words, prefixes."""
    t = UI[lang]
    lists = dict(lists)
    for p in params:
        if p.type == "role":
            lists[p.name] = [
                Choice("full", t["role_full"]),
                Choice("associate", t["role_associate"]),
            ]
    words = {key: t[key] for key in SCRIPT_WORDS}
    words["locale"] = "sv-SE" if lang == "sv" else "en-GB"
    return {
        "lists": lists,
        "hints": {p.name: param_hint(p, lang) for p in params},
        "strings": json.dumps(words, ensure_ascii=False),
        "prefixes": json.dumps({**PREFIX_IRIS, "": DEFAULT_BASE}),
        "page_prefix": PREFIX[lang],
    }
