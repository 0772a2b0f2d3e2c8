"""The words drawn in the pictures and used in their text alternatives, by language."""

from __future__ import annotations

from typing import Any

from kgtool.errors import ParameterError

LANGUAGES = ("en", "sv")  # the languages a picture's words can be in (English by default)

# The words drawn in the pictures and used in their text alternatives, by language.
TEXT: dict[str, dict[str, str]] = {
    "en": {
        "network.title": (
            "Inter-municipal collaboration: members of the collaborations, coloured by county"
        ),
        "network.focus": "{name}: its members and their other collaborations, by county",
        "network.legend": "County (länskod) and symbols",
        "collaboration": "collaboration",
        "municipality": "municipality",
        "region": "region",
        "full member": "full member",
        "associate member": "associate member",
        "timeline.title": "{name}: chairs, mandates, plans, decisions and meetings",
        "timeline.empty": "no dated facts in the graph",
        "timeline.undated": "Not drawn, no usable date: {shown}{more}",
        "timeline.more": " and {count} more",
        "legend.day": "a day (hollow: planned)",
        "legend.vague": "a month or year the source gives, no exact day",
        "legend.sure": "certainly within the period",
        "legend.open": "end not known",
        "legend.planned": "planned when the source was written",
        "legend.inferred": "* inferred, not stated (ks:inferred)",
        "chair": "chair",
        "post": "post",
        "mandate period": "mandate period",
        "plan or report": "plan or report",
        "decision": "decision",
        "meeting": "meeting",
        "event": "event",
        "minutes": "minutes",
    },
    "sv": {
        "network.title": "Kommunal samverkan: samverkansorganens medlemmar, färgade efter län",
        "network.focus": "{name}: medlemmarna och deras andra samverkan, efter län",
        "network.legend": "Län (länskod) och symboler",
        "collaboration": "samverkan",
        "municipality": "kommun",
        "region": "region",
        "full member": "medlem",
        "associate member": "associerad medlem",
        "timeline.title": "{name}: ordförandeskap, mandat, planer, beslut och möten",
        "timeline.empty": "inga daterade fakta i grafen",
        "timeline.undated": "Inte ritat, inget användbart datum: {shown}{more}",
        "timeline.more": " och {count} till",
        "legend.day": "en dag (ihålig: planerad)",
        "legend.vague": "en månad eller ett år enligt källan, ingen exakt dag",
        "legend.sure": "säkert inom perioden",
        "legend.open": "slutet okänt",
        "legend.planned": "planerat när källan skrevs",
        "legend.inferred": "* härlett, inte angivet (ks:inferred)",
        "chair": "ordförandeskap",
        "post": "uppdrag",
        "mandate period": "mandatperiod",
        "plan or report": "plan eller rapport",
        "decision": "beslut",
        "meeting": "möte",
        "event": "händelse",
        "minutes": "protokoll",
    },
}


def text(lang: str, key: str, **values: Any) -> str:
    """The words for ``key`` in ``lang`` (ParameterError for a language without words)."""
    if lang not in TEXT:
        raise ParameterError(f"language {lang!r}: pictures are in {' or '.join(LANGUAGES)}")
    return TEXT[lang][key].format(**values) if values else TEXT[lang][key]
