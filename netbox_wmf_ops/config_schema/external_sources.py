"""Settings of the reports over external sources (Accounting, LibreNMS, Juniper): where each source is and how long
to wait for it. Unconfigured, the reports still run and fail with one clear line saying what is missing."""

from collections.abc import Mapping
from typing import Any

from .validators import Setting, seconds
from .validators import text as any_text


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


SETTINGS: dict[str, Setting] = {
    "accounting_sheet_id": Setting(
        "", any_text, "Google spreadsheet id of the finance asset-tag sheet (Accounting report)."
    ),
    "accounting_credentials_file": Setting(
        "",
        any_text,
        "Path of the Google service-account JSON key file used to read the sheet (read-only scope).",
    ),
    "accounting_ranges": Setting(
        {"include": "A:Z", "exclude": "", "motherboard_swaps": ""},
        _ranges,
        "A1 ranges of the sheet: assets (include), recycled serials (exclude), motherboard swaps; '' = not used.",
    ),
    "accounting_export_file": Setting(
        "",
        any_text,
        "Path of a CSV/XLSX export of the sheet, used when no spreadsheet id is set and nothing is uploaded.",
    ),
    "accounting_sheets_api_url": Setting(
        "https://sheets.googleapis.com",
        any_text,
        "Base URL of the Google Sheets API (change only for a mirror or a test fixture).",
    ),
    "librenms_db": Setting(
        {},
        _librenms_db,
        "LibreNMS database: {host, port, user, password, database, ssl_ca}; empty = use the API.",
    ),
    "librenms_api_url": Setting("", any_text, "LibreNMS base URL for its REST API v0, used when librenms_db is empty."),
    "librenms_api_token": Setting("", any_text, "LibreNMS API token (sent as X-Auth-Token)."),
    "librenms_api_verify": Setting(
        True, _verify, "True, or the path of a CA bundle for the LibreNMS API's certificate."
    ),
    "juniper_installed_base_file": Setting(
        "",
        any_text,
        "Path of a CSV/XLSX installed-base export, used by the Juniper report when nothing is uploaded.",
    ),
    "external_connect_timeout": Setting(5, seconds, "Seconds to wait for a connection to an external source."),
    "external_read_timeout": Setting(60, seconds, "Seconds to wait for an external source to answer."),
}
