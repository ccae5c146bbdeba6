"""A small client for Ganeti's remote API, version 2 (read-only: the three bulk listings the sync needs).

Wire format (Ganeti ``doc/rapi.rst``, ``lib/rapi/rlib2.py``): JSON over HTTPS on port 5080, HTTP Basic authentication
(realm "Ganeti Remote API"). ``GET /2/groups?bulk=1``, ``/2/nodes?bulk=1`` and ``/2/instances?bulk=1`` each return a
JSON list of objects. Errors come back as a JSON object ``{"code": .., "message": .., "explain": ..}``.

Every failure (unreachable, TLS, timeout, 401/403, any other non-200 status, a body that is not the expected JSON)
raises :class:`RapiError` with a one-line message that names the cluster and the endpoint but never the credentials.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any

import requests

from .config import RapiEndpoint

USER_AGENT = "netbox-wmf-ops-ganeti-sync"
_MAX_ERROR_TEXT = 200  # characters of a server's error body quoted in a message


class RapiError(Exception):
    """Reading from a Ganeti RAPI endpoint failed. ``str(e)`` is a complete, secret-free, one-line message."""


class RapiClient:
    """Reads one cluster. Create one per run; it keeps a ``requests.Session`` (connection reuse across the calls)."""

    def __init__(self, endpoint: RapiEndpoint, session: requests.Session | None = None):
        self.endpoint = endpoint
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        self.session.headers["Accept"] = "application/json"
        if endpoint.user is not None:
            self.session.auth = (endpoint.user, endpoint.password or "")
        # TLS verification is always on: the configured CA bundle, else REQUESTS_CA_BUNDLE (set by Puppet) or the
        # system bundle. Passed on every request: a session-level path would lose against REQUESTS_CA_BUNDLE.
        self.verify: str | bool = endpoint.ca_cert or True

    def groups(self) -> list[dict]:
        return self.get_list("groups")

    def nodes(self) -> list[dict]:
        return self.get_list("nodes")

    def instances(self) -> list[dict]:
        return self.get_list("instances")

    def get_list(self, resource: str) -> list[dict]:
        """``GET /2/<resource>?bulk=1``: a list of JSON objects, or RapiError."""
        data = self.get(f"/2/{resource}", params={"bulk": 1})
        if not isinstance(data, list) or not all(isinstance(item, Mapping) for item in data):
            raise RapiError(self._where(f"{resource}?bulk=1") + ": malformed answer (expected a JSON list of objects)")
        return data

    def get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        endpoint = path.removeprefix("/2/") + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")
        where = self._where(endpoint)
        if self.endpoint.ca_cert and not os.path.isfile(self.endpoint.ca_cert):
            raise RapiError(f"{where}: CA bundle {self.endpoint.ca_cert} does not exist")
        try:
            response = self.session.get(
                self.endpoint.base_url + path,
                params=params,
                timeout=self.endpoint.timeout,
                verify=self.verify,
                allow_redirects=False,
            )
        except requests.exceptions.SSLError as e:
            raise RapiError(f"{where}: TLS verification failed ({_reason(e)})") from None
        except requests.exceptions.ConnectTimeout:
            raise RapiError(f"{where}: timed out connecting after {self.endpoint.timeout[0]:g} s") from None
        except requests.exceptions.ReadTimeout:
            raise RapiError(f"{where}: no answer within {self.endpoint.timeout[1]:g} s") from None
        except requests.exceptions.ConnectionError as e:
            raise RapiError(f"{where}: cannot connect ({_reason(e)})") from None
        except (requests.exceptions.RequestException, OSError) as e:
            raise RapiError(f"{where}: request failed ({type(e).__name__}: {_reason(e)})") from None

        if response.status_code == 401:
            raise RapiError(f"{where}: authentication failed (HTTP 401); check the profile's user and password")
        if response.status_code == 403:
            raise RapiError(f"{where}: permission denied (HTTP 403) for user {self.endpoint.user!r}")
        if response.status_code != 200:
            raise RapiError(f"{where}: failed with HTTP {response.status_code}: {_error_text(response)}")
        try:
            return json.loads(response.content)
        except (ValueError, UnicodeDecodeError):
            raise RapiError(f"{where}: malformed JSON in the answer ({len(response.content)} bytes)") from None

    def _where(self, endpoint: str) -> str:
        return f"Ganeti API call to {endpoint} on {self.endpoint.display_url}"


def _reason(error: Exception) -> str:
    """The innermost cause of a requests/urllib3 error, shortened: the useful part without the URL repeated."""
    cause: BaseException = error
    while True:
        inner = cause.__cause__ or cause.__context__
        if inner is None and cause.args and isinstance(cause.args[0], BaseException):
            inner = cause.args[0]
        if inner is None or inner is cause:
            break
        cause = inner
    reason = getattr(cause, "reason", None)
    text = str(reason if isinstance(reason, BaseException) else cause) or type(cause).__name__
    text = text.split(": ", 1)[1] if text.startswith("<") and ": " in text else text
    return text[:_MAX_ERROR_TEXT]


def _error_text(response: requests.Response) -> str:
    """Ganeti's error body is ``{"code", "message", "explain"}``; fall back to the start of the raw text."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, Mapping) and (body.get("message") or body.get("explain")):
        text = " ".join(str(body[k]) for k in ("message", "explain") if body.get(k))
    else:
        text = response.text.strip() or response.reason or ""
    text = " ".join(text.split())
    return text[:_MAX_ERROR_TEXT] + ("…" if len(text) > _MAX_ERROR_TEXT else "")
