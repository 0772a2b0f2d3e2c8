"""HTTP helpers of the app: what each route offers, plain-text answers, a bounded body read."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.responses import PlainTextResponse

from kgtool.query.result import GRAPH_FORMATS, MEDIA_TYPES, RESULT_FORMATS
from kgtool.web import negotiate as ng

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response

SELECT_OFFERS = [MEDIA_TYPES[fmt] for fmt in RESULT_FORMATS]
GRAPH_OFFERS = [MEDIA_TYPES[fmt] for fmt in GRAPH_FORMATS]
RESOURCE_OFFERS = [ng.HTML, *GRAPH_OFFERS]
FORMAT_OF = {media: fmt for fmt, media in MEDIA_TYPES.items()}
FORMAT_PARAM = {**MEDIA_TYPES, "turtle": MEDIA_TYPES["ttl"]}
VARY = {"Vary": "Accept"}
LANG_VARY = {"Vary": "Accept, Accept-Language"}


class BodyTooLarge(Exception):
    """The request body passed the size limit."""


def plain(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """A one-line ``text/plain`` answer (a status and what went wrong)."""
    return PlainTextResponse(message.rstrip("\n") + "\n", status, headers=headers)


def not_acceptable(offers: list[str]) -> Response:
    return plain(406, "not acceptable: this resource is offered as " + ", ".join(offers), VARY)


def wants_english(request: Request) -> bool:
    return ng.choose_language(request.headers.get("accept-language"), ["sv", "en"]) == "en"


async def read_body(request: Request, limit: int) -> bytes:
    """The request's body, or BodyTooLarge as soon as it passes ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge()
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge()
        chunks.append(chunk)
    return b"".join(chunks)
