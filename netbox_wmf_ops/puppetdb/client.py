"""Read facts from PuppetDB.

Two wire formats, selected by the ``puppetdb_api`` setting:

* ``"v4"``: PuppetDB's own query API (``/pdb/query/v4/...``), the one every PuppetDB speaks. Node certnames are FQDNs;
  NetBox names hosts by their short name, so a host ``db1001`` matches the single certname ``db1001`` or ``db1001.*``.
* ``"microservice"``: WMF's small read-only proxy (docs/behaviour-reference.md §6.6): ``GET /v1/facts/{fact}`` →
``{short_name: value}`` and
  ``GET /v1/facts/{fact}/{short_name}`` → the value (404 unless exactly one certname matches).

Both clients return the same shapes, so the importer and the report do not care which one is configured. Every
failure (unreachable, TLS, timeout, HTTP error, malformed JSON) raises :class:`PuppetDBError` with a one-line message
that names the URL without credentials and never the certificate/key paths' contents.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import requests

from ..config_schema import SETTINGS

API_V4 = "v4"
API_MICROSERVICE = "microservice"
APIS = (API_V4, API_MICROSERVICE)

# The microservice turns this placeholder (dmidecode's answer on some hardware) into null; v4 does the same here so
# both backends agree.
NOT_SPECIFIED = "Not Specified"
# Facts the microservice serves (anything else gets a 403 from it).
MICROSERVICE_FACTS = frozenset(
    {
        "puppetversion",
        "serialnumber",
        "is_virtual",
        "productname",
        "manufacturer",
        "interfaces",
        "networking",
        "net_driver",
        "lldp",
    }
)
ERROR_BODY_CHARS = 200


class PuppetDBError(Exception):
    """PuppetDB could not give a usable answer. ``str()`` is safe to show in a job log."""


class HostNotFoundError(PuppetDBError):
    """PuppetDB answered, and it knows no node (or more than one) for that host."""


@dataclass(frozen=True)
class PuppetDBConfig:
    url: str
    api: str = API_V4
    ca_cert: str | None = None  # CA bundle used to verify the server; None = the system CAs (verification stays on)
    client_cert: str | None = None  # PEM certificate (or certificate + key) for client authentication
    client_key: str | None = None
    timeout: float = 60.0  # read timeout, seconds
    connect_timeout: float = 5.0

    def __post_init__(self) -> None:
        if self.api not in APIS:
            raise ValueError(f"unknown PuppetDB API {self.api!r}: expected one of {', '.join(APIS)}")
        if not self.url:
            raise ValueError("the PuppetDB URL is empty")


def short_name(certname: str) -> str:
    """``db1001.eqiad.wmnet`` → ``db1001`` (the microservice's keying rule)."""
    return certname.split(".", 1)[0]


def safe_url(url: str) -> str:
    """The URL without user:password, for messages."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url.rstrip("/")
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment)).rstrip("/")


def _clean_value(value: Any) -> Any:
    return None if value == NOT_SPECIFIED else value


class _BaseClient:
    def __init__(self, config: PuppetDBConfig, session: requests.Session | None = None) -> None:
        self.config = config
        self.base_url = config.url.rstrip("/")
        self.display_url = safe_url(config.url)
        self.session = session or requests.Session()
        self.session.verify = config.ca_cert or True
        if config.client_cert and config.client_key:
            self.session.cert = (config.client_cert, config.client_key)
        elif config.client_cert:
            self.session.cert = config.client_cert
        self.session.headers["Accept"] = "application/json"

    # The public API, implemented per wire format.
    def host_facts(self, host: str, names: Sequence[str]) -> dict[str, Any]:
        """``{fact: value}`` for one host; a fact the host does not have is absent. Raises HostNotFoundError."""
        raise NotImplementedError

    def facts_by_host(self, names: Sequence[str]) -> dict[str, dict[str, Any]]:
        """``{fact: {short_name: value}}`` over every node PuppetDB knows (a fact a node lacks is absent)."""
        raise NotImplementedError

    def close(self) -> None:
        self.session.close()

    def _get(self, path: str, params: Mapping[str, str] | None = None, not_found_ok: bool = False) -> Any:
        """GET ``path`` and decode JSON. Returns None on a 404 when ``not_found_ok``."""
        url = f"{self.base_url}{path}"
        try:
            response = self.session.get(
                url, params=params, timeout=(self.config.connect_timeout, self.config.timeout), allow_redirects=False
            )
        except requests.exceptions.SSLError as exc:
            raise PuppetDBError(
                f"Cannot connect to PuppetDB {self.display_url}: TLS error ({_first_line(exc)})"
            ) from None
        except requests.exceptions.ConnectTimeout:
            raise PuppetDBError(
                f"Cannot connect to PuppetDB {self.display_url}: no connection within {self.config.connect_timeout:g} s"
            ) from None
        except requests.exceptions.ReadTimeout:
            raise PuppetDBError(
                f"Cannot connect to PuppetDB {self.display_url}: no answer within {self.config.timeout:g} s"
            ) from None
        except requests.exceptions.ConnectionError as exc:
            raise PuppetDBError(f"Cannot connect to PuppetDB {self.display_url}: {_connection_reason(exc)}") from None
        except (requests.exceptions.RequestException, OSError) as exc:  # bad cert path, invalid URL, ...
            raise PuppetDBError(f"Cannot query PuppetDB {self.display_url}: {type(exc).__name__}") from None
        if response.status_code == 404 and not_found_ok:
            return None
        if response.status_code != 200:
            body = " ".join(response.text.split())[:ERROR_BODY_CHARS]
            raise PuppetDBError(
                f"Cannot connect to PuppetDB {self.display_url} - {response.status_code} {response.reason}"
                + (f": {body}" if body else "")
            )
        try:
            return response.json()
        except ValueError:
            raise PuppetDBError(f"PuppetDB {self.display_url} returned malformed JSON for {path}") from None


class V4Client(_BaseClient):
    """PuppetDB query API v4."""

    def find_certname(self, host: str) -> str:
        """The one certname of ``host`` (short name or FQDN)."""
        exact = ["=", "certname", host]
        query = exact if "." in host else ["~", "certname", f"^{re.escape(host)}(\\.|$)"]
        nodes = self._get("/pdb/query/v4/nodes", {"query": json.dumps(query)})
        certnames = sorted(n.get("certname") for n in _rows(nodes, self.display_url) if n.get("certname"))
        if not certnames:
            raise HostNotFoundError(f"{host} is not in PuppetDB")
        if len(certnames) > 1:
            raise HostNotFoundError(f"{host} matches several PuppetDB nodes: {', '.join(certnames)}")
        return certnames[0]

    def host_facts(self, host: str, names: Sequence[str]) -> dict[str, Any]:
        certname = self.find_certname(host)
        query = json.dumps(["in", "name", ["array", list(names)]])
        rows = self._get(f"/pdb/query/v4/nodes/{quote(certname, safe='')}/facts", {"query": query}, not_found_ok=True)
        if rows is None:  # deactivated between the two calls
            raise HostNotFoundError(f"{host} is not in PuppetDB")
        return {row["name"]: _clean_value(row.get("value")) for row in _rows(rows, self.display_url) if "name" in row}

    def facts_by_host(self, names: Sequence[str]) -> dict[str, dict[str, Any]]:
        query = json.dumps(["in", "name", ["array", list(names)]])
        rows = self._get("/pdb/query/v4/facts", {"query": query})
        result: dict[str, dict[str, Any]] = {name: {} for name in names}
        for row in _rows(rows, self.display_url):
            if row.get("name") in result and row.get("certname"):
                result[row["name"]][short_name(row["certname"])] = _clean_value(row.get("value"))
        return result


class MicroserviceClient(_BaseClient):
    """WMF's ``/v1/facts`` proxy (docs/behaviour-reference.md §6.6)."""

    def host_facts(self, host: str, names: Sequence[str]) -> dict[str, Any]:
        _check_allowed(names)
        facts = {}
        for name in names:
            value = self._get(f"/v1/facts/{quote(name, safe='')}/{quote(short_name(host), safe='')}", not_found_ok=True)
            if value is None:
                # The service answers 404 both for an unknown host and for a host without that fact; a host it
                # knows has `networking`, so ask about that once to tell the two apart.
                if name != "networking" and self._knows(host):
                    continue
                raise HostNotFoundError(f"{host} is not in PuppetDB (or matches several nodes)")
            facts[name] = _clean_value(value)
        return facts

    def _knows(self, host: str) -> bool:
        path = f"/v1/facts/networking/{quote(short_name(host), safe='')}"
        return self._get(path, not_found_ok=True) is not None

    def facts_by_host(self, names: Sequence[str]) -> dict[str, dict[str, Any]]:
        _check_allowed(names)
        result = {}
        for name in names:
            values = self._get(f"/v1/facts/{quote(name, safe='')}")
            if not isinstance(values, dict):
                raise PuppetDBError(f"PuppetDB {self.display_url} returned malformed JSON for {name}: not an object")
            result[name] = {host: _clean_value(value) for host, value in values.items()}
        return result


PuppetDBClient = V4Client | MicroserviceClient


def make_client(config: PuppetDBConfig, session: requests.Session | None = None) -> PuppetDBClient:
    cls = V4Client if config.api == API_V4 else MicroserviceClient
    return cls(config, session)


def config_from_settings(get: Any = None) -> PuppetDBConfig:
    """Build the configuration from the plugin settings (``get`` is injectable for tests)."""
    if get is None:
        from netbox_wmf_ops import settings

        get = settings.get

    def value(name: str) -> Any:
        configured = get(name)  # an injected getter may not know every key: fall back to the declared default
        return SETTINGS[name].default if configured is None else configured

    url = value("puppetdb_url")
    if not url:
        raise PuppetDBError("PuppetDB is not configured: set PLUGINS_CONFIG['netbox_wmf_ops']['puppetdb_url']")
    return PuppetDBConfig(
        url=url,
        api=value("puppetdb_api"),
        ca_cert=value("puppetdb_ca_cert") or None,
        client_cert=value("puppetdb_client_cert") or None,
        client_key=value("puppetdb_client_key") or None,
        timeout=float(value("puppetdb_timeout")),
        connect_timeout=float(value("puppetdb_connect_timeout")),
    )


def _check_allowed(names: Iterable[str]) -> None:
    refused = sorted(set(names) - MICROSERVICE_FACTS)
    if refused:
        raise PuppetDBError(f"the PuppetDB microservice does not serve the facts {', '.join(refused)}")


def _rows(payload: Any, display_url: str) -> list[dict[str, Any]]:
    if not isinstance(payload, list) or not all(isinstance(row, dict) for row in payload):
        raise PuppetDBError(f"PuppetDB {display_url} returned malformed JSON: expected a list of objects")
    return payload


def _first_line(exc: Exception) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:ERROR_BODY_CHARS]


def _connection_reason(exc: Exception) -> str:
    text = str(exc)
    if "Connection refused" in text:
        return "connection refused"
    if "Name or service not known" in text or "nodename nor servname" in text or "Temporary failure" in text:
        return "host name does not resolve"
    if "No route to host" in text or "Network is unreachable" in text:
        return "host unreachable"
    return "connection failed"
