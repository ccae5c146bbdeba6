"""Coherence and Rack report rules (docs/behaviour-reference.md §1.3).

``Rack.test_connected_unracked`` is the only test left in the 2025 report. The other tests are the 2021 ``Coherence``
and ``Rack`` tests that became rules of the device validator (docs/behaviour-reference.md §5.1); they are kept as report
tests so that existing
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

from .. import policy
from ..policy import ASSET_TAG_EXEMPT_ROLES, DECOMMISSIONED_STATUSES, SERIAL_EXEMPT_ROLES
from . import Finding, failure, judge_each, judge_each_graded, summary, warning

ASSET_TAG = re.compile(r"WMF\d{4,5}")
TICKET = re.compile(r"RT #\d{2,}|T\d{5,}")
INVENTORY_DESCRIPTION = re.compile(r".*Purchase:\d{4}-\d{2}-\d{2},Task:(T\d{6}|RT #\d+).*")
INVENTORY_EXCLUDED_PART_IDS = ("EX4500-VC1-128G", "EX4500-LB", "EX-UM-2X4SFP")
FOUR_DIGITS = re.compile(r"\d{4}")

# Statuses where the device may carry its asset tag as its name (validator rule 4).
NAME_MAY_BE_ASSET_TAG = (*DECOMMISSIONED_STATUSES, "planned")
INACTIVE_NAME_WORDS = ("future", "spare")
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


def _device(record: DeviceRecord) -> Any:
    return record.device


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
    mismatch = site_number_mismatch(name, record.site, record.role)
    if mismatch is None:
        return None
    number, dc, digits = mismatch
    return f"first {digits} of {number} must match site {record.site} {digits} {dc}"


def site_number_mismatch(name: str, site: str | None, role: str | None) -> tuple[str, int, str] | None:
    """``(number, dc, "digit" or "digits")`` when ``name`` is a server's (the server role, not a ``wmf`` asset-tag
    name) and the first 4-digit number in it does not start with its site's DC number (``policy.DATACENTERS``: mw1001
    is in DC 1, mw12001 in DC 12); None when it does, or when the name has no such number or the site is not a
    datacenter (nothing to check; the original raised on an unknown site)."""
    if role != policy.SERVER_ROLE or name.startswith("wmf"):
        return None
    dc = policy.DATACENTERS.get(site or "")
    number = FOUR_DIGITS.search(name)
    if dc is None or number is None or number.group().startswith(str(dc)):
        return None
    return number.group(), dc, "digit" if dc < 10 else "digits"


def device_name_finding(record: DeviceRecord) -> Finding | None:
    problem = device_name_problem(record)
    if problem is None:
        return None
    extra = f": {problem}" if problem else ""
    if record.status == "active":
        return failure(record.device, f"malformed device name for active device{extra}")
    return warning(record.device, f"malformed device name for inactive device{extra}")


def check_device_names(devices: Iterable[DeviceRecord]) -> list[Finding]:
    """Malformed names are failures on active devices and warnings on the others. Unnamed devices are skipped."""
    named = (record for record in devices if record.name)
    return judge_each_graded(
        named, device_name_finding, "correctly formatted device names", rule="coherence.device_names"
    )


def serial_required(record: DeviceRecord) -> bool:
    return record.role not in SERIAL_EXEMPT_ROLES and record.status not in DECOMMISSIONED_STATUSES


def serial_problem(record: DeviceRecord) -> str | None:
    return None if (record.serial or "").strip() else "missing serial number"


def check_serials(devices: Iterable[DeviceRecord]) -> list[Finding]:
    in_scope = (record for record in devices if serial_required(record))
    return judge_each(in_scope, serial_problem, "present serial numbers", obj=_device, rule="coherence.serials")


def check_duplicate_serials(devices: Iterable[DeviceRecord]) -> list[Finding]:
    """Every device that shares its serial with another one, ordered by serial. Same scope as the serial test."""
    in_scope = [r for r in devices if serial_required(r) and (r.serial or "").strip()]
    counts = Counter(r.serial.strip() for r in in_scope)
    duplicated = sorted(
        (r for r in in_scope if counts[r.serial.strip()] > 1), key=lambda r: (r.serial.strip(), r.name or "")
    )
    findings = [
        failure(r.device, f"duplicate serial: {r.serial.strip()}", rule="coherence.duplicate_serials")
        for r in duplicated
    ]
    findings.append(summary(sum(1 for n in counts.values() if n == 1), "unique serial numbers"))
    return findings


def asset_tag_problem(record: DeviceRecord) -> str | None:
    if not record.asset_tag:
        return "missing asset tag"
    if not ASSET_TAG.fullmatch(record.asset_tag):
        return f"malformed asset tag: {record.asset_tag}"
    return None


def check_asset_tags(devices: Iterable[DeviceRecord]) -> list[Finding]:
    in_scope = (record for record in devices if record.role not in ASSET_TAG_EXEMPT_ROLES)
    return judge_each(
        in_scope, asset_tag_problem, "correctly formatted asset tags", obj=_device, rule="coherence.asset_tags"
    )


def check_purchase_dates(devices: Iterable[DeviceRecord], today: datetime.date) -> list[Finding]:
    def problem(record: DeviceRecord) -> str | None:
        value = record.purchase_date
        if value in (None, ""):
            return "missing purchase date"
        try:
            purchased = datetime.date.fromisoformat(str(value))
        except ValueError:
            return f"malformed purchase date: {value}"
        return "purchase date is in the future" if purchased > today else None

    return judge_each(devices, problem, "present purchase dates", obj=_device, rule="coherence.purchase_dates")


def ticket_problem(record: DeviceRecord) -> str | None:
    ticket = record.ticket
    if ticket in (None, ""):
        return "missing procurement ticket"
    if not TICKET.fullmatch(str(ticket)):
        return f"malformed procurement ticket: {ticket}"
    return None


def check_tickets(devices: Iterable[DeviceRecord]) -> list[Finding]:
    return judge_each(
        devices, ticket_problem, "correctly formatted procurement tickets", obj=_device, rule="coherence.tickets"
    )


@dataclass(frozen=True)
class InventoryRecord:
    item: Any
    name: str
    part_id: str
    description: str


def inventory_description_problem(item: InventoryRecord) -> str | None:
    if INVENTORY_DESCRIPTION.match(item.description or ""):
        return None
    return f"malformed inventory description: {item.description}"


def check_juniper_inventory_descriptions(items: Iterable[InventoryRecord]) -> list[Finding]:
    """Juniper inventory items (a manufacturer filter is the loader's job) carry purchase date and task."""
    in_scope = (
        i for i in items if not i.name.startswith("Power Supply") and i.part_id not in INVENTORY_EXCLUDED_PART_IDS
    )
    clean = "correctly formatted inventory descriptions."
    return judge_each(
        in_scope,
        inventory_description_problem,
        clean,
        obj=lambda i: i.item,
        rule="coherence.juniper_inventory_descriptions",
    )


# --------------------------------------------------------------------------------------------------------- Rack


def check_connected_unracked(
    devices: Iterable[DeviceRecord], cabled_console_ports: Mapping[Any, Sequence[str]]
) -> list[Finding]:
    """Unracked devices must not have cabled console ports. ``cabled_console_ports``: device pk → port names."""

    def problem(record: DeviceRecord) -> str | None:
        ports = cabled_console_ports.get(record.device.pk)
        if ports:
            return f"connected console ports attached to unracked device {record.name}: {' '.join(ports)}"
        return None

    unracked = (record for record in devices if record.rack is None)
    return judge_each(
        unracked,
        problem,
        "unracked devices without connected console ports",
        obj=_device,
        rule="coherence.connected_unracked",
    )


def offline_rack_problem(record: DeviceRecord) -> str | None:
    return None if record.rack is None else f"rack defined for status Offline device: {record.site}-{record.rack}"


def check_offline_racked(devices: Iterable[DeviceRecord]) -> list[Finding]:
    offline = (record for record in devices if record.status == "offline")
    return judge_each(
        offline, offline_rack_problem, "offline devices without a rack", obj=_device, rule="coherence.offline_racked"
    )


def online_rack_problem(record: DeviceRecord) -> str | None:
    return f"no rack defined for status {record.status_display} device" if record.rack is None else None


def check_online_racked(devices: Iterable[DeviceRecord]) -> list[Finding]:
    in_service = (record for record in devices if record.status not in NOT_RACKED_STATUSES)
    return judge_each(
        in_service, online_rack_problem, "racked devices in service", obj=_device, rule="coherence.online_racked"
    )


def rack_position_problem(record: DeviceRecord) -> str | None:
    return None if record.position else "no position set for racked device with U height"


def check_rack_positions(devices: Iterable[DeviceRecord]) -> list[Finding]:
    racked = (record for record in devices if record.rack is not None and record.u_height >= 1)
    return judge_each(
        racked, rack_position_problem, "racked devices with a position", obj=_device, rule="coherence.rack_positions"
    )
