"""Clients for the data sources outside NetBox that reports compare against (Google Sheets, CSV/XLSX exports,
LibreNMS). Every failure a client can meet (unreachable, timeout, TLS, HTTP error, malformed data) is raised as one
``SourceError`` whose text is a single operator-readable line, free of secrets."""

from __future__ import annotations

from collections.abc import Iterable


class SourceError(Exception):
    """An external source could not be read. ``str(error)`` is the one failure line a report logs."""


def redact(text: str, secrets: Iterable[str | None]) -> str:
    """``text`` with every non-trivial secret replaced by ``***`` (defence in depth for error messages)."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    return text


def one_line(text: str, limit: int = 300) -> str:
    """Collapse whitespace so an error always renders as one line, and cap its length."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
