"""Juniper installed-base report rules (docs/behaviour-reference.md §1.7): an export of the vendor portal's "installed
base" (CSV or XLSX,
uploaded or configured) versus NetBox's Juniper devices and inventory items. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..sources import SourceError
from . import Finding, failure, judge_each, summary, warning

COLUMNS = {
    "Serial #": "serial",
    "Product Name": "product",
    "Install City": "city",
    "Status": "status",
    "Contract End Date": "contract_end",
}
# Products the installed base lists but NetBox does not track (optics, licences, power supplies, DACs).
IGNORED_PRODUCTS = (
    "JNP-QSFP-40G-LX4",
    "QFX-QSFP-40G-SR4",
    "S-MX104-ADV-R2",
    "S-MX104-UPG-4X10GE",
    "S-MPCE-NG-ADV-IR",
    "SRX1500-JSE",
    "-DAC-",
    "-LIC",
    "PSU-",
    "PWR-",
)
IGNORED_STATUSES = ("offline", "decommissioning")  # NetBox device statuses without support expectations


@dataclass(frozen=True)
class InstalledBaseEntry:
    serial: str
    product: str
    city: str
    status: str
    contract_end: str


@dataclass(frozen=True)
class JuniperDevice:
    obj: Any
    serial: str
    status: str
    address: str  # the site's physical address


@dataclass(frozen=True)
class JuniperItem:
    obj: Any
    serial: str
    part_id: str
    device_name: str
    device_status: str


def is_ignored_product(name: str) -> bool:
    return any(part in name for part in IGNORED_PRODUCTS)


def parse_installed_base(rows: Sequence[Sequence[str]], source: str) -> dict[str, InstalledBaseEntry]:
    """Header row first; every cell stripped; rows without a serial or of an ignored product skipped."""
    if not rows:
        raise SourceError(f"Can't load CSV file from {source}: the file is empty")
    header = [str(cell).strip() for cell in rows[0]]
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        raise SourceError(f"Can't load CSV file from {source}: the header row lacks {', '.join(missing)}")
    index = {key: header.index(name) for name, key in COLUMNS.items()}
    entries: dict[str, InstalledBaseEntry] = {}
    for row in rows[1:]:
        cells = [str(cell).strip() for cell in row]
        cells += [""] * (len(header) - len(cells))
        entry = InstalledBaseEntry(**{key: cells[i] for key, i in index.items()})
        if entry.serial and not is_ignored_product(entry.product):
            entries[entry.serial] = entry
    if not entries:
        raise SourceError(f"Can't load CSV file from {source}: no installed-base rows with a serial number")
    return entries


def _flat(text: str) -> str:
    return " ".join(text.split())


def check_consistency(
    base: Mapping[str, InstalledBaseEntry], devices_by_serial: Mapping[str, JuniperDevice], item_serials: set[str]
) -> list[Finding]:
    """Each installed-base entry: a device there must be at the right city and, when in use, under support."""
    findings: list[Finding] = []
    warnings: list[Finding] = []
    serial_matches = address_matches = support_matches = 0
    for entry in base.values():
        device = devices_by_serial.get(entry.serial)
        if device is not None:
            serial_matches += 1
            problems = []
            if entry.city.lower() in device.address.lower():
                address_matches += 1
            else:
                problems.append(f"City mismatch: {entry.city} (Juniper) vs. {_flat(device.address)} (Netbox)")
            if device.status not in IGNORED_STATUSES and entry.status != "Active" and entry.contract_end:
                problems.append(f"Support missing, ended on: {entry.contract_end}")
            else:
                support_matches += 1
            if problems:  # one failure line per device, even when both rules fail
                findings.append(failure(device.obj, "; ".join(problems), rule="juniper.consistency"))
        elif entry.serial in item_serials:
            serial_matches += 1
        else:
            warnings.append(
                warning(
                    None,
                    f"Device {entry.product} with s/n {entry.serial} not present in Netbox",
                    rule="juniper.consistency",
                )
            )
    findings += warnings
    findings.append(
        summary(
            serial_matches,
            f"matching serials; {address_matches} matching addresses; {support_matches} matching support",
        )
    )
    return findings


def check_missing_devices(base: Mapping[str, InstalledBaseEntry], devices: Iterable[JuniperDevice]) -> list[Finding]:
    def problem(device: JuniperDevice) -> str | None:
        if device.serial in base:
            return None
        return f"Device with s/n {device.serial} not present in Juniper Installed Base"

    in_use = (device for device in devices if device.serial and device.status not in IGNORED_STATUSES)
    return judge_each(in_use, problem, "devices matched", rule="juniper.missing_devices")


def check_missing_inventory(base: Mapping[str, InstalledBaseEntry], items: Iterable[JuniperItem]) -> list[Finding]:
    def problem(item: JuniperItem) -> str | None:
        if item.serial in base:
            return None
        return f"{item.device_name} item {item.part_id} with s/n {item.serial} not present in Juniper Installed Base"

    # Products the installed base ignores are not expected in it, but count when they are there.
    in_use = (
        item
        for item in items
        if item.serial
        and item.device_status not in IGNORED_STATUSES
        and (item.serial in base or not is_ignored_product(item.part_id))
    )
    return judge_each(in_use, problem, "inventory items matched", rule="juniper.missing_inventory")
