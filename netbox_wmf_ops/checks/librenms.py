"""LibreNMS report rules (docs/behaviour-reference.md §1.4, HEAD behaviour): NetBox network devices and inventory versus
LibreNMS, matched by
serial number. Pure: LibreNMS rows arrive with LibreNMS's own column names (from its database or its API, see
``sources/librenms.py``) and are normalised here, NetBox data as ``NetDevice``/``NetItem``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from . import Finding, failure, judge_each, summary

STATUSES = ("active", "staged")
LIBRENMS_ROLES = ("asw", "msw", "cr", "mr", "pfw", "pdu", "scs", "cloudsw")  # LibreNMS → NetBox direction
CHECKED_ROLES = tuple(role for role in LIBRENMS_ROLES if role != "scs")  # every other test
INVENTORY_SERIAL_MANUFACTURERS = ("juniper",)  # a device of these may be known to LibreNMS only as an entPhysical row
INVENTORY_EXCLUDED_NAMES = ("FPM Board",)
INVENTORY_EXCLUDED_ROLES = ("license",)
MODEL_EQUIVS_INVENTORY = {
    "juniper ex4300-48t": "juniper routing engine",
    "juniper qfx5100-48s-6q": "juniper qfx5100-48s-afi",
}
MODEL_EQUIVS_DEVICES = {  # T331519
    "qfx5120-48y-afi": "jnp48y8c-chas",
    "qfx5120-48y-afi2": "jnp48y8c-chas",
    "qfx5120-32c-afi": "qfx5120-32c",
    "qfx5120-32c-afi2": "qfx5120-32c",
    "ex4400-48t-afi": "ex4400-48t",
}


@dataclass(frozen=True)
class LibreNMSDevice:
    id: str
    hostname: str
    hardware: str
    description: str
    serial: str


@dataclass(frozen=True)
class LibreNMSItem:
    id: str
    description: str
    serial: str
    model: str
    vendor: str


@dataclass(frozen=True)
class LibreNMSData:
    devices: dict[str, LibreNMSDevice]  # by serial (the last row wins, as in the original)
    inventory: dict[str, LibreNMSItem]  # by serial


@dataclass(frozen=True)
class NetDevice:
    obj: Any
    serial: str
    role: str  # role slug
    manufacturer_slug: str
    vendor: str  # lower-cased manufacturer name
    model: str  # lower-cased device-type model
    has_primary_ip: bool


@dataclass(frozen=True)
class NetItem:
    obj: Any
    serial: str
    name: str
    role: str  # inventory-item role slug, "" when none


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def normalise_devices(rows: Iterable[Mapping[str, Any]]) -> dict[str, LibreNMSDevice]:
    """Rows of LibreNMS ``devices``: skip ignored devices and unusable serials, lower-case hardware and sysDescr,
    UNKNOWN for a missing hardware, drop the "nodeN" word of Juniper cluster members."""
    devices: dict[str, LibreNMSDevice] = {}
    for row in rows:
        serial = _text(row.get("serial")).strip()
        if serial in ("", "N/A") or str(row.get("ignore") or 0) not in ("0", "False", "false"):
            continue
        hardware = _text(row.get("hardware")).lower() or "UNKNOWN"
        if hardware.startswith("node"):
            hardware = " ".join(hardware.split()[1:])
        devices[serial] = LibreNMSDevice(
            _text(row.get("device_id")),
            _text(row.get("hostname")),
            hardware,
            _text(row.get("sysDescr")).lower(),
            serial,
        )
    return devices


def normalise_inventory(rows: Iterable[Mapping[str, Any]]) -> dict[str, LibreNMSItem]:
    """Rows of LibreNMS ``entPhysical``: skip empty/BUILTIN serials, strip an "S/N " prefix, model = name (or the
    vendor type when the name is NULL), vendor "juniper networks" → "juniper"."""
    items: dict[str, LibreNMSItem] = {}
    for row in rows:
        serial = _text(row.get("entPhysicalSerialNum")).strip()
        if serial in ("", "BUILTIN"):
            continue
        if serial.startswith("S/N "):
            serial = serial[4:]
        name = row.get("entPhysicalName")
        model = _text(name if name is not None else row.get("entPhysicalVendorType")).lower()
        vendor = _text(row.get("entPhysicalMfgName")).lower()
        if vendor == "juniper networks":
            vendor = "juniper"
        items[serial] = LibreNMSItem(
            _text(row.get("entPhysical_id")), _text(row.get("entPhysicalDescr")).lower(), serial, model, vendor
        )
    return items


def normalise(devices: Iterable[Mapping[str, Any]], inventory: Iterable[Mapping[str, Any]]) -> LibreNMSData:
    return LibreNMSData(normalise_devices(devices), normalise_inventory(inventory))


def _checked(devices: Iterable[NetDevice]) -> list[NetDevice]:
    return [d for d in devices if d.role in CHECKED_ROLES and d.serial]


def check_librenms_in_netbox(librenms: LibreNMSData, devices: Iterable[NetDevice]) -> list[Finding]:
    """Every LibreNMS device must be a NetBox network device (scs included)."""
    serials = {d.serial for d in devices if d.role in LIBRENMS_ROLES and d.serial}

    def problem(device: LibreNMSDevice) -> str | None:
        if device.serial in serials:
            return None
        return (
            f"missing LibreNMS device from Netbox: serial: {device.serial} hostname: {device.hostname} id: {device.id}"
        )

    return judge_each(
        librenms.devices.values(), problem, "LibreNMS devices in Netbox", obj=None, rule="librenms.librenms_in_netbox"
    )


def vendor_model_problem(librenms: LibreNMSData, device: NetDevice) -> str | None:
    """A device LibreNMS knows (as a device, else as an inventory item): does what it says match the NetBox type?"""
    vendor, model = device.vendor, device.model
    vendor_model = f"{vendor} {model}"
    if (seen := librenms.devices.get(device.serial)) is not None:
        haystack = f"{seen.hardware} {seen.description.replace('_', ' ')}"
        equivalent = MODEL_EQUIVS_DEVICES.get(model)
        if vendor in haystack and (model in haystack or (equivalent is not None and equivalent in haystack)):
            return None
        return (
            f"mismatch between LibreNMS and Netbox device types: Netbox: {vendor_model} (vendor model), "
            f"LibreNMS: {seen.description} (description) || {seen.hardware} (hardware)"
        )
    item = librenms.inventory[device.serial]
    seen_as = f"{item.vendor} {item.model}"
    equivalent = MODEL_EQUIVS_INVENTORY.get(vendor_model)
    if (
        vendor_model in seen_as
        or (vendor in seen_as and model in seen_as)
        or (equivalent is not None and equivalent in seen_as)
    ):
        return None
    return (
        f"mismatch between LibreNMS and Netbox inventory; Netbox: {vendor_model} (vendor model), "
        f"LibreNMS: {seen_as} (vendor model)"
    )


def check_vendor_model(librenms: LibreNMSData, devices: Iterable[NetDevice]) -> list[Finding]:
    """Manufacturer and model of a NetBox device must appear in what LibreNMS says about the same serial."""
    # A device LibreNMS does not know at all is test_nb_net_in_librenms's business.
    known = (d for d in _checked(devices) if d.serial in librenms.devices or d.serial in librenms.inventory)
    return judge_each(
        known,
        lambda device: vendor_model_problem(librenms, device),
        "LibreNMS hardware and manufacturer matches in Netbox",
        rule="librenms.vendor_model",
    )


def check_inventory_in_librenms(librenms: LibreNMSData, items: Iterable[NetItem]) -> list[Finding]:
    """Every serial-numbered inventory item of a checked device must be in LibreNMS's entPhysical."""
    in_scope = (
        item
        for item in items
        if item.serial and item.name not in INVENTORY_EXCLUDED_NAMES and item.role not in INVENTORY_EXCLUDED_ROLES
    )
    return judge_each(
        in_scope,
        lambda item: None if item.serial in librenms.inventory else "missing Netbox inventory item from LibreNMS",
        "Netbox inventory items in LibreNMS",
        rule="librenms.inventory_in_librenms",
    )


def check_netbox_in_librenms(librenms: LibreNMSData, devices: Iterable[NetDevice]) -> list[Finding]:
    """Every checked NetBox network device must be in LibreNMS (as a device, or for Juniper as a chassis member).
    A device without a primary IP cannot be polled yet: it is counted, not failed."""
    findings: list[Finding] = []
    found = no_ip = 0
    for device in _checked(devices):
        if device.serial in librenms.devices or (
            device.manufacturer_slug in INVENTORY_SERIAL_MANUFACTURERS and device.serial in librenms.inventory
        ):
            found += 1
        elif not device.has_primary_ip:
            no_ip += 1
        else:
            findings.append(
                failure(
                    device.obj,
                    f"missing Netbox device from LibreNMS of role {device.role}",
                    rule="librenms.netbox_in_librenms",
                )
            )
    if no_ip:
        findings.append(Finding("info", None, f"{no_ip} Netbox devices with no IP and not in LibreNMS"))
    findings.append(summary(found, "Netbox devices in LibreNMS"))
    return findings
