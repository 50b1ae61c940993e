"""Checking a landing-page URL and splitting it into path, query and fragment."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import quote, unquote_plus

from kpi_desktop.core.utm.params import KEY_TO_NAME

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_HOST_BAD = set(' \t\r\n<>"{}|\\^`%/?#@')
_PORT = re.compile(r"^\d{1,5}$")


@dataclass(frozen=True)
class UrlParts:
    """A URL cut into the part before the query, the query and the fragment."""

    before_query: str
    query: str | None  # None: no "?" at all
    fragment: str | None  # None: no "#" at all


def split_url(url: str) -> UrlParts:
    """`url` cut at the first "#", then at the first "?" before it; nothing is decoded."""
    fragment: str | None = None
    if "#" in url:
        url, fragment = url.split("#", 1)
    query: str | None = None
    if "?" in url:
        url, query = url.split("?", 1)
    return UrlParts(url, query, fragment)


def validate_url(url: str) -> str | None:
    """Why `url` cannot be tagged, or None when it can.

    Only http and https URLs with a host are accepted; whitespace inside the URL, a
    host with invalid characters and a bad port are rejected with the reason.
    """
    text = url.strip()
    if not text:
        return "Enter the address of the page the link should open"
    for i, ch in enumerate(text):
        if ch.isspace():
            return f"The URL contains a space at position {i + 1}; write it as %20"
        if unicodedata.category(ch) == "Cc":
            return f"The URL contains a control character at position {i + 1}"
    match = _SCHEME.match(text)
    if match is None:
        return "The URL must start with https:// or http://"
    scheme = match.group(1).lower()
    if scheme not in ("http", "https"):
        return f"Only http and https links can be tagged, not '{scheme}:'"
    rest = text[match.end() :]
    if not rest.startswith("//"):
        return "The URL has no host: write it as https://example.com/…"
    before = split_url(rest[2:]).before_query
    authority = before.split("/", 1)[0]
    hostport = authority.rsplit("@", 1)[-1]
    if hostport.startswith("["):  # IPv6 literal
        host, _, tail = hostport[1:].partition("]")
        if not host or not re.fullmatch(r"[0-9A-Fa-f:.]+", host):
            return "The IPv6 host in brackets is not valid"
        port = tail[1:] if tail.startswith(":") else None
        if tail and port is None:
            return "Unexpected text after the IPv6 host"
    else:
        host, sep, port_text = hostport.partition(":")
        port = port_text if sep else None
    if not host:
        return "The URL has no host (the site name after https://)"
    if port is not None and (not _PORT.match(port) or int(port) > 65535):
        return f"The port '{port}' is not a number from 0 to 65535"
    if not hostport.startswith("["):
        bad = sorted({ch for ch in host if ch in _HOST_BAD})
        if bad:
            return f"The host contains invalid characters: {' '.join(bad)}"
        if ".." in host or host.startswith("."):
            return "The host has an empty part between dots"
    return None


def is_utm_item(item: str) -> bool:
    """Whether a query item (`key=value`) carries one of the nine UTM keys."""
    key = item.split("=", 1)[0]
    return unquote_plus(key).strip().lower() in KEY_TO_NAME


def encode_value(value: str) -> str:
    """Percent-encode a UTM value once: unreserved characters stay, a space is `%20`."""
    return quote(value, safe="", encoding="utf-8", errors="strict")
