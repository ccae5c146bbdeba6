"""``dcim.device`` rules (docs/behaviour-reference.md §5.1), all evaluated: an object gets one error per failing
rule."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from ... import policy
from ...checks.coherence import ASSET_TAG, TICKET, site_number_mismatch
from ...policy import ASSET_TAG_EXEMPT_ROLES, DECOMMISSIONED_STATUSES, SERIAL_EXEMPT_ROLES
from . import RuleError

NAME_MAY_BE_ASSET_TAG = (
    *DECOMMISSIONED_STATUSES,
    "planned",
)  # statuses where the name may be the lower-cased asset tag
INVALID_ACTIVE_NAME_WORDS = ["future", "spare"]  # a list: the message shows its repr


@dataclass(frozen=True)
class DeviceRecord:
    name: str | None
    status: str
    role: str | None  # role slug
    site: str | None  # site slug
    asset_tag: str | None = None
    serial: str = ""
    # Custom fields: the stored value (ISO date string or date), and whether the custom field exists at all.
    purchase_date: str | datetime.date | None = None
    ticket: object = None
    has_purchase_date_field: bool = True
    has_ticket_field: bool = True
    duplicate_serial_of: str | None = None  # name of another device with the same serial, if any
    has_rack: bool = False
    position: Decimal | None = None
    u_height: Decimal = Decimal(1)


def check_device(device: DeviceRecord, today: datetime.date) -> list[RuleError]:
    return [
        *_name_errors(device),
        *_asset_tag_errors(device),
        *_purchase_date_errors(device, today),
        *_ticket_errors(device),
        *_serial_errors(device),
        *_status_errors(device),
    ]


def _name_errors(device: DeviceRecord) -> list[RuleError]:
    name = device.name
    if not name:  # NetBox allows unnamed devices; the original crashed on a None name
        return []
    errors = []
    if name != name.lower():
        errors.append(RuleError("name", "Invalid name (must be lowercase)", rule="device.name_lowercase"))
    if device.status == "active" and any(word in name for word in INVALID_ACTIVE_NAME_WORDS):
        message = f"Invalid name (active device name must not contain {INVALID_ACTIVE_NAME_WORDS})"
        errors.append(RuleError("name", message, rule="device.name_active_future_spare"))
    if "." in name:
        errors.append(RuleError("name", "Invalid name (must not contain a dot)", rule="device.name_dot"))

    named_after_asset_tag = bool(device.asset_tag) and name == device.asset_tag.lower()
    if (named_after_asset_tag and device.status in NAME_MAY_BE_ASSET_TAG) or (device.site and device.site in name):
        return errors
    mismatch = site_number_mismatch(name, device.site, device.role)
    if mismatch is not None:
        number, _, digits = mismatch
        message = f"Invalid name (first {digits} of {number} must match device's site {device.site} {digits})"
        errors.append(RuleError("name", message, rule="device.name_site_digit"))
    return errors


def _asset_tag_errors(device: DeviceRecord) -> list[RuleError]:
    if device.role in ASSET_TAG_EXEMPT_ROLES:
        return []
    if not device.asset_tag:
        return [RuleError("asset_tag", "Missing asset tag", rule="device.asset_tag_missing")]
    if not ASSET_TAG.fullmatch(device.asset_tag):
        return [
            RuleError(
                "asset_tag",
                f"Invalid asset tag {device.asset_tag} (must be (capitals) WMF then 4 or 5 digits)",
                rule="device.asset_tag_invalid",
            )
        ]
    return []


def _purchase_date_errors(device: DeviceRecord, today: datetime.date) -> list[RuleError]:
    if not device.has_purchase_date_field:
        return []
    value = device.purchase_date
    if value in (None, ""):
        return [RuleError("cf_purchase_date", "Missing purchase date", rule="device.purchase_date_missing")]
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError:
            return []  # NetBox's own custom-field validation rejects a malformed date
    if value > today:
        # Spec bug fixed: the original message lacks the closing parenthesis.
        return [
            RuleError(
                "cf_purchase_date",
                "Invalid purchase date (must not be in the future)",
                rule="device.purchase_date_future",
            )
        ]
    return []


def _ticket_errors(device: DeviceRecord) -> list[RuleError]:
    if not device.has_ticket_field:
        return []
    if device.ticket in (None, ""):
        # Spec bug fixed: the original reported a missing ticket as invalid ("None" does not match).
        return [RuleError("cf_ticket", "Missing procurement ticket", rule="device.ticket_missing")]
    if not TICKET.fullmatch(str(device.ticket)):
        return [
            RuleError(
                "cf_ticket",
                "Invalid procurement ticket (must start with RT or T then digits)",
                rule="device.ticket_invalid",
            )
        ]
    return []


def serial_required(role: str | None, status: str) -> bool:
    return role not in SERIAL_EXEMPT_ROLES and status not in DECOMMISSIONED_STATUSES


def _serial_errors(device: DeviceRecord) -> list[RuleError]:
    if not serial_required(device.role, device.status):
        return []
    if not (device.serial or "").strip():
        return [RuleError("serial", "Missing serial number", rule="device.serial_missing")]
    if device.duplicate_serial_of is not None:
        return [
            RuleError(
                "serial", f"Duplicate serial number with {device.duplicate_serial_of}", rule="device.serial_duplicate"
            )
        ]
    return []


def _status_errors(device: DeviceRecord) -> list[RuleError]:
    errors = []
    if device.role == policy.SERVER_ROLE and device.status == "staged":
        errors.append(
            RuleError("status", "Invalid role/status (servers must not use STAGED)", rule="device.server_staged")
        )
    if device.status == "offline" and device.has_rack:
        # "most" (sic) is the original text, kept verbatim: operators grep for it.
        errors.append(
            RuleError(
                "rack", "Invalid rack/status (OFFLINE devices most not have rack defined)", rule="device.offline_racked"
            )
        )
    elif device.status == "active" and not device.has_rack:
        errors.append(
            RuleError(
                "rack", "Invalid rack/status (ACTIVE devices must have rack defined)", rule="device.active_unracked"
            )
        )
    if device.u_height >= 1 and device.has_rack and not device.position:
        errors.append(
            RuleError(
                "position",
                "Invalid rack/position (device with U height and rack must have position)",
                rule="device.racked_no_position",
            )
        )
    return errors
