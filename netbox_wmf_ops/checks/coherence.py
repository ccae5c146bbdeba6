"""Coherence and Rack report rules (spec §1.3).

``Rack.test_connected_unracked`` is the only test left in the 2025 report. The other tests are the 2021 ``Coherence``
and ``Rack`` tests that became rules of the device validator (§5.1); they are kept as report tests so that existing
data is checked too, with the validator's current patterns and exemptions and the report's message texts.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from . import Finding, failure, summary, warning

ASSET_TAG = re.compile(r"WMF\d{4,5}")
TICKET = re.compile(r"RT #\d{2,}|T\d{5,}")
INVENTORY_DESCRIPTION = re.compile(r".*Purchase:\d{4}-\d{2}-\d{2},Task:(T\d{6}|RT #\d+).*")
INVENTORY_EXCLUDED_PART_IDS = ("EX4500-VC1-128G", "EX4500-LB", "EX-UM-2X4SFP")
FOUR_DIGITS = re.compile(r"\d{4}")

ASSET_TAG_EXEMPT_ROLES = ("patch-panel",)
SERIAL_EXEMPT_ROLES = ("cablemgmt", "storagebin", "optical-device", "patch-panel")
DECOMMISSIONED = ("decommissioning", "offline")
# Statuses where the device may carry its asset tag as its name (validator rule 4).
NAME_MAY_BE_ASSET_TAG = (*DECOMMISSIONED, "planned")
INACTIVE_NAME_WORDS = ("future", "spare")
# wmflib.constants.DATACENTER_NUMBERING_PREFIX: the first digit of a server's 4-digit number is its site's.
DATACENTER_DIGITS = {"eqiad": 1, "codfw": 2, "esams": 3, "ulsfo": 4, "eqsin": 5, "drmrs": 6, "magru": 7}
NOT_RACKED_STATUSES = ("offline", "planned", "inventory")  # devices in these states need no rack


@dataclass(frozen=True)
class DeviceRecord:
    device: Any  # the Device, passed through to the findings
    name: str | None
    status: str
    status_display: str
    role: str  # role slug
    site: str  # site slug
    asset_tag: str | None = None
    serial: str = ""
    purchase_date: Any = None  # custom field value as stored: an ISO date string, or None
    ticket: Any = None  # custom field value as stored
    rack: str | None = None  # rack name
    position: Decimal | None = None
    u_height: Decimal = Decimal(1)


# ---------------------------------------------------------------------------------------------------- Coherence


def device_name_problem(record: DeviceRecord) -> str | None:
    """What is wrong with a device's name (None when nothing is): the device validator's name rules, in order."""
    name = record.name or ""
    if name != name.lower():
        return ""  # the original report rule: no extra text
    if record.status == "active" and any(word in name for word in INACTIVE_NAME_WORDS):
        return "must not contain 'future' or 'spare'"
    if "." in name:
        return "must not contain a dot"
    named_after_asset_tag = bool(record.asset_tag) and name == record.asset_tag.lower()
    if (named_after_asset_tag and record.status in NAME_MAY_BE_ASSET_TAG) or (record.site and record.site in name):
        return None
    digit = DATACENTER_DIGITS.get(record.site)
    number = FOUR_DIGITS.search(name)
    is_server = record.role == "server" and not name.startswith("wmf")
    if is_server and digit is not None and number and number.group()[0] != str(digit):
        return f"first digit of {number.group()} must match site {record.site} digit {digit}"
    return None


def check_device_names(devices: Iterable[DeviceRecord]) -> list[Finding]:
    """Malformed names are failures on active devices and warnings on the others. Unnamed devices are skipped."""
    failures: list[Finding] = []
    warnings: list[Finding] = []
    good = 0
    for record in devices:
        if not record.name:
            continue
        problem = device_name_problem(record)
        if problem is None:
            good += 1
            continue
        extra = f": {problem}" if problem else ""
        if record.status == "active":
            failures.append(failure(record.device, f"malformed device name for active device{extra}"))
        else:
            warnings.append(warning(record.device, f"malformed device name for inactive device{extra}"))
    return [*failures, *warnings, summary(good, "correctly formatted device names")]


def serial_required(record: DeviceRecord) -> bool:
    return record.role not in SERIAL_EXEMPT_ROLES and record.status not in DECOMMISSIONED


def check_serials(devices: Iterable[DeviceRecord]) -> list[Finding]:
    findings: list[Finding] = []
    present = 0
    for record in devices:
        if not serial_required(record):
            continue
        if (record.serial or "").strip():
            present += 1
        else:
            findings.append(failure(record.device, "missing serial number"))
    findings.append(summary(present, "present serial numbers"))
    return findings


def check_duplicate_serials(devices: Iterable[DeviceRecord]) -> list[Finding]:
    """Every device that shares its serial with another one, ordered by serial. Same scope as the serial test."""
    in_scope = [r for r in devices if serial_required(r) and (r.serial or "").strip()]
    counts = Counter(r.serial.strip() for r in in_scope)
    duplicated = sorted(
        (r for r in in_scope if counts[r.serial.strip()] > 1), key=lambda r: (r.serial.strip(), r.name or "")
    )
    findings = [failure(r.device, f"duplicate serial: {r.serial.strip()}") for r in duplicated]
    findings.append(summary(sum(1 for n in counts.values() if n == 1), "unique serial numbers"))
    return findings


def check_asset_tags(devices: Iterable[DeviceRecord]) -> list[Finding]:
    findings: list[Finding] = []
    good = 0
    for record in devices:
        if record.role in ASSET_TAG_EXEMPT_ROLES:
            continue
        if not record.asset_tag:
            findings.append(failure(record.device, "missing asset tag"))
        elif not ASSET_TAG.fullmatch(record.asset_tag):
            findings.append(failure(record.device, f"malformed asset tag: {record.asset_tag}"))
        else:
            good += 1
    findings.append(summary(good, "correctly formatted asset tags"))
    return findings


def check_purchase_dates(devices: Iterable[DeviceRecord], today: datetime.date) -> list[Finding]:
    findings: list[Finding] = []
    present = 0
    for record in devices:
        value = record.purchase_date
        if value in (None, ""):
            findings.append(failure(record.device, "missing purchase date"))
            continue
        try:
            purchased = datetime.date.fromisoformat(str(value))
        except ValueError:
            findings.append(failure(record.device, f"malformed purchase date: {value}"))
            continue
        if purchased > today:
            findings.append(failure(record.device, "purchase date is in the future"))
        else:
            present += 1
    findings.append(summary(present, "present purchase dates"))
    return findings


def check_tickets(devices: Iterable[DeviceRecord]) -> list[Finding]:
    findings: list[Finding] = []
    good = 0
    for record in devices:
        ticket = record.ticket
        if ticket in (None, ""):
            findings.append(failure(record.device, "missing procurement ticket"))
        elif not TICKET.fullmatch(str(ticket)):
            findings.append(failure(record.device, f"malformed procurement ticket: {ticket}"))
        else:
            good += 1
    findings.append(summary(good, "correctly formatted procurement tickets"))
    return findings


@dataclass(frozen=True)
class InventoryRecord:
    item: Any
    name: str
    part_id: str
    description: str


def check_juniper_inventory_descriptions(items: Iterable[InventoryRecord]) -> list[Finding]:
    """Juniper inventory items (a manufacturer filter is the loader's job) carry purchase date and task."""
    findings: list[Finding] = []
    good = 0
    for item in items:
        if item.name.startswith("Power Supply") or item.part_id in INVENTORY_EXCLUDED_PART_IDS:
            continue
        if INVENTORY_DESCRIPTION.match(item.description or ""):
            good += 1
        else:
            findings.append(failure(item.item, f"malformed inventory description: {item.description}"))
    findings.append(summary(good, "correctly formatted inventory descriptions."))
    return findings


# --------------------------------------------------------------------------------------------------------- Rack


def check_connected_unracked(
    devices: Iterable[DeviceRecord], cabled_console_ports: Mapping[Any, Sequence[str]]
) -> list[Finding]:
    """Unracked devices must not have cabled console ports. ``cabled_console_ports``: device pk → port names."""
    findings: list[Finding] = []
    clean = 0
    for record in devices:
        if record.rack is not None:
            continue
        ports = cabled_console_ports.get(record.device.pk)
        if ports:
            message = f"connected console ports attached to unracked device {record.name}: {' '.join(ports)}"
            findings.append(failure(record.device, message))
        else:
            clean += 1
    findings.append(summary(clean, "unracked devices without connected console ports"))
    return findings


def check_offline_racked(devices: Iterable[DeviceRecord]) -> list[Finding]:
    findings: list[Finding] = []
    good = 0
    for record in devices:
        if record.status != "offline":
            continue
        if record.rack is not None:
            message = f"rack defined for status Offline device: {record.site}-{record.rack}"
            findings.append(failure(record.device, message))
        else:
            good += 1
    findings.append(summary(good, "offline devices without a rack"))
    return findings


def check_online_racked(devices: Iterable[DeviceRecord]) -> list[Finding]:
    findings: list[Finding] = []
    good = 0
    for record in devices:
        if record.status in NOT_RACKED_STATUSES:
            continue
        if record.rack is None:
            findings.append(failure(record.device, f"no rack defined for status {record.status_display} device"))
        else:
            good += 1
    findings.append(summary(good, "racked devices in service"))
    return findings


def check_rack_positions(devices: Iterable[DeviceRecord]) -> list[Finding]:
    findings: list[Finding] = []
    good = 0
    for record in devices:
        if record.rack is None or record.u_height < 1:
            continue
        if record.position:
            good += 1
        else:
            findings.append(failure(record.device, "no position set for racked device with U height"))
    findings.append(summary(good, "racked devices with a position"))
    return findings
