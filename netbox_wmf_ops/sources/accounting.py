"""Where the Accounting sheet comes from: an uploaded export, the Google Sheets API, or a configured export file.
Returns raw rows per range; the sheet rules are in ``checks/accounting.py``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from . import SourceError
from .http import HttpOptions
from .sheets import DEFAULT_API_URL, SheetsClient, load_service_account
from .tabular import Rows, Table, read_file, read_tables, select_range


@dataclass(frozen=True)
class AccountingSourceConfig:
    sheet_id: str = ""
    credentials_file: str = ""
    ranges: Mapping[str, str] = field(default_factory=lambda: {"include": "A:Z"})
    export_file: str = ""
    api_url: str = DEFAULT_API_URL
    http: HttpOptions = field(default_factory=HttpOptions)


@dataclass(frozen=True)
class AccountingRows:
    assets: Rows
    recycled: Rows
    motherboard_swaps: Rows
    origin: str  # where they came from, for messages


@dataclass(frozen=True)
class Upload:
    name: str
    content: bytes


def read_accounting_rows(config: AccountingSourceConfig, upload: Upload | None = None) -> AccountingRows:
    """Precedence: an upload for this run, then the configured spreadsheet, then the configured export file."""
    if upload is not None:
        return _from_tables(read_tables(upload.name, upload.content), config.ranges, f"uploaded file {upload.name}")
    if config.sheet_id:
        return _from_sheets(config)
    if config.export_file:
        return _from_tables(read_file(config.export_file), config.ranges, config.export_file)
    raise SourceError(
        "Accounting: no source configured (set accounting_sheet_id and accounting_credentials_file, or "
        "accounting_export_file, or upload an export)"
    )


def _from_sheets(config: AccountingSourceConfig) -> AccountingRows:
    include = config.ranges.get("include", "")
    if not include:
        raise SourceError("Accounting: accounting_ranges has no 'include' range for the Google Sheets API")
    client = SheetsClient(
        config.sheet_id, load_service_account(config.credentials_file), options=config.http, api_url=config.api_url
    )
    exclude = config.ranges.get("exclude", "")
    swaps = config.ranges.get("motherboard_swaps", "")
    return AccountingRows(
        client.get_values(include),
        client.get_values(exclude) if exclude else [],
        client.get_values(swaps) if swaps else [],
        f"spreadsheet {config.sheet_id}",
    )


def _from_tables(tables: list[Table], ranges: Mapping[str, str], origin: str) -> AccountingRows:
    """A CSV holds one tab: the assets. An XLSX export holds every tab, found by the ranges' sheet names."""
    try:
        assets = select_range(tables, ranges.get("include", ""))
        if tables and tables[0].is_csv:
            return AccountingRows(assets, [], [], origin)
        exclude = ranges.get("exclude", "")
        swaps = ranges.get("motherboard_swaps", "")
        return AccountingRows(
            assets,
            select_range(tables, exclude) if exclude else [],
            select_range(tables, swaps) if swaps else [],
            origin,
        )
    except SourceError as error:
        raise SourceError(f"Accounting: {origin}: {error}") from None
