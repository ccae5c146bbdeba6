"""Settings of the external-source reports: defaults and validation (pure), and the HTTP options built from them.

``config_schema`` registers these keys in ``SETTINGS`` (the one declaration every setting has), so the reports work
unconfigured and fail with one clear line saying what is missing."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .http import HttpOptions


def _ranges(value: Any) -> str | None:
    if not isinstance(value, Mapping) or not set(value) <= {"include", "exclude", "motherboard_swaps"}:
        return "must be a mapping with the keys include, exclude, motherboard_swaps (A1 ranges)"
    if not all(isinstance(v, str) for v in value.values()):
        return "every range must be a string in A1 notation"
    return None


def _librenms_db(value: Any) -> str | None:
    allowed = {"host", "port", "user", "password", "database", "ssl_ca"}
    if not isinstance(value, Mapping) or not set(value) <= allowed:
        return f"must be a mapping with keys among {', '.join(sorted(allowed))}"
    if "port" in value and (not isinstance(value["port"], int) or isinstance(value["port"], bool)):
        return "port must be a whole number"
    return None


def _verify(value: Any) -> str | None:
    if value is True or (isinstance(value, str) and value):
        return None
    return "must be true (system CA bundle) or the path of a CA bundle; TLS verification cannot be turned off"


Validator = Callable[[Any], str | None]


def external_settings() -> dict[str, tuple[Any, Validator, str]]:
    """The keys of these reports: (default, validator, help). ``config_schema`` registers them in ``SETTINGS`` and
    lends its generic validators (imported here, at registration time, when it is fully defined)."""
    from ..config_schema import _seconds as _timeout
    from ..config_schema import _str

    return {
        "accounting_sheet_id": ("", _str, "Google spreadsheet id of the finance asset-tag sheet (Accounting report)."),
        "accounting_credentials_file": (
            "",
            _str,
            "Path of the Google service-account JSON key file used to read the sheet (read-only scope).",
        ),
        "accounting_ranges": (
            {"include": "A:Z", "exclude": "", "motherboard_swaps": ""},
            _ranges,
            "A1 ranges of the sheet: assets (include), recycled serials (exclude), motherboard swaps; '' = not used.",
        ),
        "accounting_export_file": (
            "",
            _str,
            "Path of a CSV/XLSX export of the sheet, used when no spreadsheet id is set and nothing is uploaded.",
        ),
        "accounting_sheets_api_url": (
            "https://sheets.googleapis.com",
            _str,
            "Base URL of the Google Sheets API (change only for a mirror or a test fixture).",
        ),
        "librenms_db": (
            {},
            _librenms_db,
            "LibreNMS database: {host, port, user, password, database, ssl_ca}; empty = use the API.",
        ),
        "librenms_api_url": ("", _str, "LibreNMS base URL for its REST API v0, used when librenms_db is empty."),
        "librenms_api_token": ("", _str, "LibreNMS API token (sent as X-Auth-Token)."),
        "librenms_api_verify": (True, _verify, "True, or the path of a CA bundle for the LibreNMS API's certificate."),
        "juniper_installed_base_file": (
            "",
            _str,
            "Path of a CSV/XLSX installed-base export, used by the Juniper report when nothing is uploaded.",
        ),
        "external_connect_timeout": (5, _timeout, "Seconds to wait for a connection to an external source."),
        "external_read_timeout": (60, _timeout, "Seconds to wait for an external source to answer."),
    }


def pick_proxy(http_proxies: Any) -> dict[str, str] | None:
    """NetBox's HTTP_PROXIES: the https entry, else the http one, for both schemes; None (direct) when missing or
    malformed."""
    if not isinstance(http_proxies, Mapping):
        return None
    proxy = http_proxies.get("https") or http_proxies.get("http")
    if not isinstance(proxy, str) or "://" not in proxy:
        return None
    return {"https": proxy, "http": proxy}


def http_options(verify: bool | str = True, *, proxies: dict[str, str] | None = None) -> HttpOptions:
    """HttpOptions from the configured timeouts (reads settings: call at run time only)."""
    from netbox_wmf_ops import settings

    return HttpOptions(
        float(settings.get("external_connect_timeout")), float(settings.get("external_read_timeout")), verify, proxies
    )


def netbox_proxies() -> dict[str, str] | None:
    from django.conf import settings as django_settings

    return pick_proxy(getattr(django_settings, "HTTP_PROXIES", None))
