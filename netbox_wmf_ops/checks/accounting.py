"""Accounting report rules (docs/behaviour-reference.md §1.1): the finance "Data Center Equipment Asset Tags" sheet
versus NetBox devices.

Pure: the sheet arrives as rows of strings (from the Sheets API or a CSV/XLSX export, see ``sources/``), devices as
``DeviceFacts``. Deliberate fixes of the original behaviour are listed in docs/reports-external.md."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..sources import SourceError
from . import Finding, failure, judge_each, summary, warning

Rows = Sequence[Sequence[str]]

ASSET_HEADERS = {"Date": "date", "Serial Number": "serial", "Asset Tag#": "asset_tag", "RT#": "ticket"}
SWAP_HEADERS = {
    "Asset Tag#": "asset_tag",
    "Old SN": "old_serial",
    "New SN": "new_serial",
    "Additional Notes": "notes",
    "Task": "ticket",
}
DATE_FORMAT = "%m/%d/%Y"
FORMULA_PREFIX = "=NETBOX"
OLDEST_PURCHASE = datetime.date(2017, 7, 1)
RECENT_PURCHASE_GRACE = datetime.timedelta(days=90)  # finance records a purchase some weeks after it arrives


@dataclass(frozen=True)
class Asset:
    serial: str
    asset_tag: str
    ticket: str

    @property
    def tag_is_formula(self) -> bool:
        return self.asset_tag.upper().startswith(FORMULA_PREFIX)

    @property
    def printable_tag(self) -> str:
        return "N/A" if self.tag_is_formula else self.asset_tag


@dataclass
class AccountingSheet:
    assets: dict[str, Asset] = field(default_factory=dict)  # by serial
    duplicates: list[Asset] = field(default_factory=list)  # later rows repeating a serial already in ``assets``
    invalid_rows: list[tuple[list[str], str]] = field(default_factory=list)  # (row as read, error)
    valid_rows: int = 0


@dataclass(frozen=True)
class DeviceFacts:
    obj: Any  # the Device, passed through to the findings
    serial: str
    asset_tag: str | None
    ticket: str | None  # custom field `ticket`


def _header_map(
    header_row: Sequence[str], names: Mapping[str, str], required: Iterable[str], what: str, *, lower_unknown: bool
) -> list[str]:
    """Column keys for a header row; a missing required column means the sheet layout changed: a source failure."""
    headers = []
    for cell in header_row:
        name = str(cell).strip()
        headers.append(names.get(name, name.lower() if lower_unknown else name))
    missing = [sheet_name for sheet_name, key in names.items() if key in required and key not in headers]
    if missing:
        raise SourceError(f"{what}: the header row lacks the column(s) {', '.join(missing)}")
    return headers


def _padded(row: Sequence[str], width: int) -> list[str]:
    # The Sheets API omits trailing empty cells; pad instead of skipping the row (the original skipped it silently).
    cells = [str(cell).strip() for cell in row]
    return cells + [""] * (width - len(cells))


def parse_motherboard_swaps(rows: Rows) -> dict[str, str]:
    """Asset tag → new serial. Row 0 is a title, row 1 the header."""
    if len(rows) < 2:
        return {}
    headers = _header_map(
        rows[1], SWAP_HEADERS, ("asset_tag", "new_serial"), "Accounting motherboard swaps", lower_unknown=True
    )
    swaps = {}
    for row in rows[2:]:
        record = dict(zip(headers, _padded(row, len(headers)), strict=False))
        if record["asset_tag"]:
            swaps[record["asset_tag"]] = record["new_serial"]
    return swaps


def parse_recycled(rows: Rows) -> set[str]:
    """Upper-cased serials of recycled equipment: column 0 of every row after the first."""
    return {str(row[0]).strip().upper() for row in rows[1:] if row and str(row[0]).strip()}


def parse_assets(rows: Rows, swaps: Mapping[str, str] | None = None, recycled: Iterable[str] = ()) -> AccountingSheet:
    """Apply the sheet rules: row 0 title, row 1 header, then per row: date check, motherboard swap, N/A, Return,
    recycled, WMFNA, duplicates. A row that breaks a rule is recorded as invalid, never fatal."""
    if len(rows) < 2:
        raise SourceError("Accounting: the asset range is empty or has no header row (check accounting_ranges)")
    swaps = swaps or {}
    recycled = set(recycled)
    headers = _header_map(rows[1], ASSET_HEADERS, ASSET_HEADERS.values(), "Accounting assets", lower_unknown=False)
    sheet = AccountingSheet()
    for raw in rows[2:]:
        cells = _padded(raw, len(headers))
        if not any(cells):
            continue
        record = dict(zip(headers, cells, strict=False))
        try:
            datetime.datetime.strptime(record["date"], DATE_FORMAT)
        except ValueError as error:
            sheet.invalid_rows.append((list(raw), str(error)))
            continue
        sheet.valid_rows += 1
        asset_tag = record["asset_tag"]
        serial = swaps.get(asset_tag, record["serial"])  # a swapped motherboard carries a new serial
        if serial.upper() in ("N/A", ""):
            continue
        if asset_tag.title() == "Return":
            _forget(sheet, serial)
            continue
        if serial.upper() in recycled or asset_tag.upper() == "WMFNA":
            continue
        asset = Asset(serial, asset_tag, record["ticket"])
        if serial in sheet.assets:
            sheet.duplicates.append(asset)
        else:
            sheet.assets[serial] = asset
    return sheet


def _forget(sheet: AccountingSheet, serial: str) -> None:
    """A Return row cancels the asset bought under that serial; an earlier duplicate row, if any, takes its place."""
    sheet.assets.pop(serial, None)
    for index, duplicate in enumerate(sheet.duplicates):
        if duplicate.serial == serial:
            sheet.assets[serial] = sheet.duplicates.pop(index)
            break


def _mismatch(asset: Asset, device: DeviceFacts, field: str, label: str) -> str | None:
    """The message when the sheet and NetBox disagree on ``field`` (surrounding blanks aside), else None."""
    sheet_value, netbox_value = getattr(asset, field), getattr(device, field)
    if sheet_value.strip() == (netbox_value or "").strip():
        return None
    return f"{label} mismatch for s/n {asset.serial}: {sheet_value} (Accounting) vs. {netbox_value} (Netbox)"


def check_field_match(sheet: AccountingSheet, devices_by_serial: Mapping[str, DeviceFacts]) -> list[Finding]:
    """Every sheet asset must exist in NetBox with the same asset tag (failure) and ticket (warning)."""
    findings: list[Finding] = []
    warnings: list[Finding] = []
    tag_matches = ticket_matches = 0
    for asset in sheet.assets.values():
        device = devices_by_serial.get(asset.serial)
        if device is None:
            findings.append(
                failure(
                    None,
                    f"Device with s/n {asset.serial} ({asset.printable_tag}) not present in Netbox",
                    rule="accounting.field_match",
                )
            )
            continue
        if not asset.tag_is_formula:
            tag_mismatch = _mismatch(asset, device, "asset_tag", "Asset tag")
            if tag_mismatch is None:
                tag_matches += 1
            else:
                findings.append(failure(device.obj, tag_mismatch, rule="accounting.field_match"))
        ticket_mismatch = _mismatch(asset, device, "ticket", "Ticket")
        if ticket_mismatch is None:
            ticket_matches += 1
        else:
            warnings.append(warning(device.obj, ticket_mismatch, rule="accounting.field_match"))
    for duplicate in sheet.duplicates:
        findings.append(
            failure(
                None,
                f"Device with s/n {duplicate.serial} ({duplicate.printable_tag}) listed more than once in Accounting",
                rule="accounting.field_match",
            )
        )
    findings += warnings
    findings.append(summary(tag_matches, f"asset tags and {ticket_matches} tickets matched"))
    return findings


def check_invalid_rows(sheet: AccountingSheet) -> list[Finding]:
    findings = [
        failure(None, f"Invalid Accounting row raised '{error}':\n{row}", rule="accounting.invalid_rows")
        for row, error in sheet.invalid_rows
    ]
    findings.append(summary(sheet.valid_rows, "valid Accounting rows"))
    return findings


def purchase_window(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """Devices bought in this window must be in the sheet."""
    return OLDEST_PURCHASE, today - RECENT_PURCHASE_GRACE


def check_missing_assets(
    devices: Iterable[DeviceFacts], sheet: AccountingSheet, oldest: datetime.date, newest: datetime.date
) -> list[Finding]:
    """Every NetBox device purchased in [oldest, newest] must be in the sheet."""

    def problem(device: DeviceFacts) -> str | None:
        if device.serial in sheet.assets:
            return None
        return f"Device with s/n {device.serial} ({device.asset_tag}) not present in Accounting"

    clean = f"devices ({oldest.isoformat()} to {newest.isoformat()}) matched"
    return judge_each(devices, problem, clean, rule="accounting.missing_assets")
