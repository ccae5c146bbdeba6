"""Shared HTTP plumbing for the source clients: explicit timeouts, TLS verification, proxies, and every failure
turned into one ``SourceError`` line."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests

from . import SourceError, one_line, redact


@dataclass(frozen=True)
class HttpOptions:
    connect_timeout: float = 5.0
    read_timeout: float = 60.0
    # True (system CAs), or the path of a CA bundle. Never False: verification stays on.
    verify: bool | str = True
    proxies: dict[str, str] | None = None
    secrets: tuple[str, ...] = field(default=())  # redacted from any error text


def new_session() -> requests.Session:
    session = requests.Session()
    # Only the configured proxy / CA apply: no surprise from *_PROXY, REQUESTS_CA_BUNDLE or ~/.netrc.
    session.trust_env = False
    return session


def request_json(
    session: requests.Session, method: str, url: str, *, what: str, options: HttpOptions, **kwargs: Any
) -> Any:
    """Send one request and return its decoded JSON body; raise SourceError naming ``what`` on any failure."""
    target = _host_of(url)
    try:
        response = session.request(
            method,
            url,
            timeout=(options.connect_timeout, options.read_timeout),
            verify=options.verify,
            proxies=options.proxies or {},
            allow_redirects=False,
            **kwargs,
        )
    except requests.exceptions.SSLError as error:
        raise _error(options, f"{what}: TLS verification failed for {target}: {_reason(error)}") from None
    except requests.exceptions.ConnectTimeout:
        raise _error(options, f"{what}: connection to {target} timed out after {options.connect_timeout:g} s") from None
    except requests.exceptions.ReadTimeout:
        raise _error(options, f"{what}: {target} did not answer within {options.read_timeout:g} s") from None
    except requests.exceptions.ProxyError as error:
        raise _error(options, f"{what}: proxy refused the connection to {target}: {_reason(error)}") from None
    except requests.exceptions.RequestException as error:
        raise _error(options, f"{what}: cannot reach {target}: {_reason(error)}") from None

    if response.status_code >= 300:
        raise _error(options, f"{what}: {target} answered HTTP {response.status_code}{_api_message(response)}")
    try:
        return response.json()
    except (ValueError, json.JSONDecodeError):
        snippet = one_line(response.text, 80)
        raise _error(options, f"{what}: {target} answered malformed JSON: {snippet!r}") from None


def _error(options: HttpOptions, text: str) -> SourceError:
    return SourceError(one_line(redact(text, options.secrets)))


def _host_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.netloc.rsplit("@", 1)[-1] or url  # never echo credentials embedded in a URL


_ERRNO = re.compile(r"\[Errno -?\d+\] ([^'\")]+)")


def _reason(error: Exception) -> str:
    """A short cause ('Connection refused', 'certificate verify failed ...') instead of urllib3's nested repr."""
    text = str(error)
    if match := _ERRNO.search(text):
        return match.group(1).strip()
    if match := re.search(r"(certificate verify failed[^'\")]*)", text):
        return match.group(1).strip()
    return one_line(type(error).__name__, 80)


def _api_message(response: requests.Response) -> str:
    """The error text a JSON API put in its body (Google: error.message, LibreNMS: message), if any."""
    try:
        body = response.json()
    except ValueError:
        return f" {response.reason}" if response.reason else ""
    message = None
    if isinstance(body, dict):
        inner = body.get("error")
        if isinstance(inner, dict):
            message = inner.get("message")
        elif isinstance(body.get("error_description"), str):
            message = body["error_description"]
        elif isinstance(inner, str):
            message = inner
        elif isinstance(body.get("message"), str):
            message = body["message"]
    return f": {one_line(message, 160)}" if message else (f" {response.reason}" if response.reason else "")
