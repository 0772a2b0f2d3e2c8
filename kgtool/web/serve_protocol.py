"""Strict request parsing and safe response headers for ``kgtool serve``.

* A protocol parameter given twice (``?query=…&query=…``), or a query both in the URL and in
  the body, is a 400: the SPARQL protocol allows one.
* A request body in a charset other than UTF-8 is refused with 415; a body that is not valid
  UTF-8 is a 400 (never decoded with replacement characters).
* Every response carries ``X-Content-Type-Options: nosniff``, ``Referrer-Policy`` and a
  Content-Security-Policy: ``default-src 'none'`` for data, and for an HTML page one that
  allows its own resources and exactly its own inline ``<script>``/``<style>`` blocks (by hash).
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
}

SINGLE_PARAMS = ("query", "update", "format")


class ProtocolError(Exception):
    """A request the protocol does not allow: its HTTP status and a one-line reason."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _hashes(html: str, tag: str) -> list[str]:
    blocks = re.findall(rf"<{tag}>(.*?)</{tag}>", html, re.S | re.I)
    return [
        "'sha256-" + base64.b64encode(hashlib.sha256(block.encode()).digest()).decode() + "'"
        for block in blocks
    ]


def page_policy(html: str) -> str:
    """The Content-Security-Policy for one HTML page: its own inline blocks, nothing else."""
    scripts = " ".join(["'self'", *_hashes(html, "script")])
    styles = " ".join(["'self'", *_hashes(html, "style")])
    return (
        f"default-src 'self'; script-src {scripts}; style-src {styles}; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )


def check_single(items: Iterable[tuple[str, str]], where: str = "the URL") -> None:
    """ProtocolError 400 when a protocol parameter appears more than once."""
    seen: set[str] = set()
    for name, _ in items:
        if name in seen and (name in SINGLE_PARAMS or where == "an API call"):
            raise ProtocolError(400, f"parameter '{name}' given more than once in {where}")
        seen.add(name)


def body_text(content_type: str, body: bytes) -> str:
    """The body as text: 415 for a charset other than UTF-8, 400 for bytes that are not UTF-8."""
    for parameter in content_type.split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
            if charset not in ("utf-8", "utf8"):
                raise ProtocolError(415, f"charset {charset!r} is not supported: send UTF-8")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ProtocolError(400, f"the body is not UTF-8 (byte {error.start})") from None


class SecurityHeaders:
    """ASGI middleware: the security headers on every response that does not set its own."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def sending(message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [
                    (name.lower().encode(), value.encode())
                    for name, value in SECURITY_HEADERS.items()
                    if name.lower().encode() not in present
                ]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, sending)
