"""Ganeti sync settings: the RAPI endpoint, the profile shape and its validators (pure; ``config_schema.ganeti``
declares the settings with these validators).

``PLUGINS_CONFIG['netbox_wmf_ops']['ganeti_profiles']`` maps a profile name (also the NetBox cluster group name) to::

    {"site": "eqiad",                                   # NetBox site slug of the clusters
     "url": "https://ganeti01.svc.eqiad.wmnet:5080",    # RAPI base URL (https and port 5080 are the defaults)
     "user": "netbox-ro", "password": os.environ["GANETI_RAPI_PASSWORD"],   # optional: anonymous reads otherwise
     "ca_cert": "/etc/ssl/certs/wmf-ca-certificates.crt",                  # optional: the system bundle otherwise
     "timeout": [3, 15]}                                # optional: seconds, or (connect, read)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

DEFAULT_PORT = 5080
DEFAULT_TIMEOUT = (3.0, 15.0)  # (connect, read) seconds, as the HEAD tool's wmflib session


@dataclass(frozen=True)
class RapiEndpoint:
    """Where and how to reach one Ganeti cluster's RAPI."""

    url: str  # e.g. https://ganeti01.svc.eqiad.wmnet:5080 (port 5080 is added when missing)
    user: str | None = None
    password: str | None = None
    ca_cert: str | None = None  # CA bundle path; None = the system bundle (or REQUESTS_CA_BUNDLE)
    timeout: tuple[float, float] = DEFAULT_TIMEOUT

    def __repr__(self) -> str:  # never show the password, e.g. in a traceback's locals
        return f"RapiEndpoint(url={self.display_url!r}, user={self.user!r}, ca_cert={self.ca_cert!r})"

    @property
    def base_url(self) -> str:
        return normalise_url(self.url)

    @property
    def display_url(self) -> str:
        """The base URL without any user:password@ part (safe to log)."""
        parts = urlsplit(self.base_url)
        host = parts.hostname or ""
        if ":" in host:
            host = f"[{host}]"
        netloc = f"{host}:{parts.port}" if parts.port else host
        return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def normalise_url(url: str) -> str:
    """``host``, ``https://host`` or ``https://host:port/`` → ``https://host:port`` (https and port 5080 by default)."""
    url = url.strip()
    if "://" not in url:
        url = f"https://{url}"
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not a Ganeti RAPI URL: {url!r}")
    netloc = parts.netloc if parts.port else f"{parts.netloc}:{DEFAULT_PORT}"
    return urlunsplit((parts.scheme, netloc, parts.path.rstrip("/"), "", ""))


def parse_timeout(value: Any) -> tuple[float, float]:
    """A number (both timeouts) or a (connect, read) pair, as in requests."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (float(value), float(value))
    if isinstance(value, list | tuple) and len(value) == 2:
        return (float(value[0]), float(value[1]))
    raise ValueError(f"timeout must be seconds or a (connect, read) pair, got {value!r}")


PROFILE_KEYS = {"site", "url", "user", "password", "ca_cert", "timeout"}
REQUIRED_KEYS = {"site", "url"}


@dataclass(frozen=True)
class GanetiProfile:
    name: str
    site: str
    endpoint: RapiEndpoint

    @classmethod
    def from_config(cls, name: str, values: Mapping[str, Any]) -> GanetiProfile:
        timeout = parse_timeout(values["timeout"]) if values.get("timeout") is not None else DEFAULT_TIMEOUT
        endpoint = RapiEndpoint(
            url=values["url"],
            user=values.get("user"),
            password=values.get("password"),
            ca_cert=values.get("ca_cert"),
            timeout=timeout,
        )
        return cls(name=name, site=values["site"], endpoint=endpoint)


def validate_profiles(value: Any) -> str | None:
    """Validator for ``ganeti_profiles``: an error text, or None when the value is acceptable."""
    if not isinstance(value, Mapping):
        return "must be a mapping of profile name to {site, url, user, password, ca_cert, timeout}"
    for name, values in value.items():
        if not isinstance(name, str) or not name:
            return f"profile name {name!r} must be a non-empty string"
        if not isinstance(values, Mapping):
            return f"profile {name!r} must be a mapping"
        unknown = set(values) - PROFILE_KEYS
        if unknown:
            return f"profile {name!r} has unknown keys {sorted(unknown)} (allowed: {sorted(PROFILE_KEYS)})"
        missing = REQUIRED_KEYS - set(values)
        if missing:
            return f"profile {name!r} is missing {sorted(missing)}"
        for key in ("site", "url"):
            if not isinstance(values[key], str) or not values[key]:
                return f"profile {name!r}: {key} must be a non-empty string"
        for key in ("user", "password", "ca_cert"):
            if values.get(key) is not None and not isinstance(values[key], str):
                return f"profile {name!r}: {key} must be a string"
        if values.get("password") and not values.get("user"):
            return f"profile {name!r}: a password needs a user"
        try:
            normalise_url(values["url"])
            if values.get("timeout") is not None:
                parse_timeout(values["timeout"])
        except (TypeError, ValueError) as e:
            return f"profile {name!r}: {e}"
    return None


def validate_share(value: Any) -> str | None:
    """Validator for ``ganeti_max_delete_share``: a fraction in [0, 1]."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        return "must be a number between 0 and 1 (a share of a cluster's VMs, e.g. 0.1 for 10 %)"
    return None


def load_profiles(configured: Mapping[str, Any] | None) -> dict[str, GanetiProfile]:
    return {name: GanetiProfile.from_config(name, values) for name, values in (configured or {}).items()}
