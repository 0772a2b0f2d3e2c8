"""Credentials for SPARQL endpoints: from the environment or a netrc file, never the command line.

Looked up in this order for the endpoint's host:

1. ``KGTOOL_USER`` and ``KGTOOL_PASSWORD`` in the environment;
2. the netrc file named by ``NETRC``, else ``~/.netrc`` (``machine HOST login U password P``).

They are offered only to the endpoint's own scheme, host and port, and only when the server asks
(a 401 challenge, HTTP Basic or Digest): a redirect to another host never receives them, and no
message or log line ever shows them.
"""

from __future__ import annotations

import os
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from kgtool.errors import EndpointError


@dataclass(frozen=True)
class Credentials:
    """A user name and password, and where they came from (for messages; never the values)."""

    user: str = field(repr=False)
    password: str = field(repr=False)
    source: str

    def __str__(self) -> str:
        return f"the credentials from {self.source}"


def _netrc_path() -> Path | None:
    named = os.environ.get("NETRC")
    if named:
        return Path(named)
    home = Path.home() / ".netrc"
    return home if home.is_file() else None


def find_credentials(url: str) -> Credentials | None:
    """The credentials for ``url``'s host, or None when none are configured."""
    user = os.environ.get("KGTOOL_USER")
    if user:
        return Credentials(user, os.environ.get("KGTOOL_PASSWORD", ""), "KGTOOL_USER")
    path = _netrc_path()
    if path is None:
        return None
    import netrc

    try:
        entries = netrc.netrc(str(path))
    except FileNotFoundError:
        raise EndpointError(f"netrc file {path}: not found (see NETRC)") from None
    except netrc.NetrcParseError as error:  # its message may quote a token: never show it
        raise EndpointError(f"netrc file {path}: cannot be read (line {error.lineno})") from None
    except OSError as error:
        raise EndpointError(f"netrc file {path}: {error.strerror}") from None
    found = entries.authenticators(urlsplit(url).hostname or "")
    if found is None:
        return None
    login, _, password = found
    return Credentials(login, password or "", f"netrc file {path}")


def origin(url: str) -> str:
    """``scheme://host:port/`` of ``url``: the only place credentials are offered."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return f"{parts.scheme}://{parts.hostname}:{port}/"


def opener(url: str, credentials: Credentials | None) -> urllib.request.OpenerDirector:
    """A urllib opener that answers Basic and Digest challenges from ``url``'s origin only.

    urllib's auth handlers add the Authorization header as an "unredirected" header, so it is
    never copied onto a redirected request; and the password manager matches the origin, so a
    challenge from any other host goes unanswered.
    """
    if credentials is None:
        return urllib.request.build_opener()
    manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    manager.add_password(None, origin(url), credentials.user, credentials.password)
    return urllib.request.build_opener(
        urllib.request.HTTPDigestAuthHandler(manager),
        urllib.request.HTTPBasicAuthHandler(manager),
    )
