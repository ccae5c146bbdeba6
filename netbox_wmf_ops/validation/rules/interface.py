"""``dcim.interface`` rules (docs/behaviour-reference.md §5.3) for interfaces of network devices, all evaluated."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ... import policy
from ...checks.cables import NETWORK_INTERFACE_NAME
from ...policy import FOREIGN_VENDOR_PREFIXES, NETWORK_ROLES, NO_MONITORING_MARK
from . import RuleError

GOOD_MTUS = (9000, 9192)
CHILD_TYPES = ("virtual", "bridge", "lag")
TRIDENT3_DEVICE_TYPES = ("qfx5120-48y-afi", "qfx5120-48y-afi2", "7220-ixr-d2l")
JUNIPER_BLOCK_LAST_PORT = 47  # ports 48+ are the uplinks, outside the blocks of 4
# Nokia's blocks of ports that share a speed: the same irregular grouping in each half of the 48 ports.
NOKIA_HALF_BLOCKS = ((1, 2, 3, 6), (4, 5, 7, 9), (8, 10, 11, 12), (13, 14, 15, 18), (16, 17, 19, 21), (20, 22, 23, 24))
NOKIA_BLOCKS = tuple(tuple(port + half for port in block) for half in (0, 24) for block in NOKIA_HALF_BLOCKS)
NOKIA_COMPATIBLE_SPEEDS = (1, 10)  # 1G and 10G ports may share a block
JUNIPER_LAST_PORT = 55
NOKIA_PORTS = (1, 58)
VENDORS = {"juniper": "Juniper", "nokia": "Nokia"}  # manufacturer slug -> the name used in messages
SPEED = re.compile(r"^(\d+)(g?)base")


@dataclass(frozen=True)
class Sibling:
    """Another interface of the same device (for the port-block rules)."""

    name: str
    type: str
    enabled: bool
    mgmt_only: bool


@dataclass(frozen=True)
class InterfaceRecord:
    name: str
    type: str
    device_role: str | None
    manufacturer: str | None  # the device type's manufacturer slug
    device_type: str | None  # the device type's slug
    tenant: str | None = None  # the device's tenant slug
    enabled: bool = True
    mgmt_only: bool = False
    mtu: int | None = None
    mode: str | None = None
    description: str = ""
    has_lag: bool = False
    has_parent: bool = False
    has_mac_address: bool = False  # a primary MAC address (NetBox 4.2+: a MACAddress object)
    ip_count: int | None = None  # None when unsaved (NetBox cannot count them yet, T310590)
    connected_to_interface: bool = False  # its cable path ends on an Interface
    site_vlan_ids: frozenset[int] = frozenset()  # VLAN ids at the device's site (loaded for irb names only)
    siblings: Sequence[Sibling] = field(default_factory=tuple)  # loaded for Trident-3 switches only


def applies(device_role: str | None) -> bool:
    return device_role in NETWORK_ROLES


def needs_site_vlans(name: str) -> bool:
    return name.startswith("irb") and name not in ("irb", "irb0")


def needs_siblings(device_type: str | None) -> bool:
    return device_type in TRIDENT3_DEVICE_TYPES


def port_number(name: str) -> int | None:
    """The port of ``et-0/0/12``, ``ethernet-1/12`` or ``Ethernet12``: the last ``/`` part, without a channel
    (``:1``) or unit (``.100``) suffix. None when there is no such number (the original raised)."""
    last = name.rsplit("/", 1)[-1].removeprefix("Ethernet")
    last = re.split(r"[:.]", last, maxsplit=1)[0]
    return int(last) if last.isdigit() else None


def speed_gbps(interface_type: str) -> float | None:
    """Speed of a NetBox interface type: ``10gbase-x-sfpp`` is 10, ``1000base-t`` is 1, others None."""
    match = SPEED.match(interface_type)
    if not match:
        return None
    number = int(match.group(1))
    return float(number) if match.group(2) else number / 1000


def check_interface(iface: InterfaceRecord) -> list[RuleError]:
    if not applies(iface.device_role):
        return []
    return [
        *_name_errors(iface),
        *_irb_errors(iface),
        *_mtu_errors(iface),
        *_disabled_errors(iface),
        *_block_errors(iface),
        *_child_errors(iface),
        *_port_range_errors(iface),
        *_vendor_name_errors(iface),
    ]


def _name_errors(iface: InterfaceRecord) -> list[RuleError]:
    if NETWORK_INTERFACE_NAME.fullmatch(iface.name):
        return []
    return [RuleError("name", "Invalid name (must match the INTERFACES_REGEXP options)", rule="interface.name")]


def _irb_errors(iface: InterfaceRecord) -> list[RuleError]:
    if not needs_site_vlans(iface.name):
        return []
    _, _, unit = iface.name.partition(".")
    if unit.isdigit() and int(unit) in iface.site_vlan_ids:
        return []
    return [RuleError("name", "IRB interface invalid - does not match vlan at this site.", rule="interface.irb_vlan")]


def _mtu_errors(iface: InterfaceRecord) -> list[RuleError]:
    applies_to = (
        iface.connected_to_interface
        and not iface.has_lag
        and iface.tenant != policy.FRTECH_TENANT
        and iface.enabled
        and not iface.mgmt_only
        and not iface.name.startswith("vcp-")
    )
    if applies_to and iface.mtu not in GOOD_MTUS:
        return [RuleError("mtu", f"Invalid MTU {iface.mtu}, must be 9192", rule="interface.mtu")]
    return []


def _disabled_errors(iface: InterfaceRecord) -> list[RuleError]:
    if iface.enabled or NO_MONITORING_MARK in (iface.description or ""):
        return []
    errors = []
    # (message attribute, form field or None, is it set): the MAC and IP count have no field in every form.
    attributes = (
        ("description", "description", bool(iface.description)),
        ("lag", "lag", iface.has_lag),
        ("mtu", "mtu", bool(iface.mtu)),
        ("mode", "mode", bool(iface.mode)),
        ("mac_address", None, iface.has_mac_address),
        ("count_ipaddresses", None, bool(iface.ip_count)),
    )
    for attribute, form_field, is_set in attributes:
        if is_set:
            errors.append(
                RuleError(
                    form_field,
                    f"Invalid {attribute} (must not be set on disabled interfaces)",
                    rule=f"interface.disabled_{attribute}",
                )
            )
    return errors


def _block_errors(iface: InterfaceRecord) -> list[RuleError]:
    if not needs_siblings(iface.device_type) or iface.type in CHILD_TYPES or iface.mgmt_only:
        return []
    port, speed = port_number(iface.name), speed_gbps(iface.type)
    if port is None or speed is None:
        return []
    candidates = [
        (number, sibling)
        for sibling in iface.siblings
        if sibling.enabled and not sibling.mgmt_only and sibling.type not in CHILD_TYPES and sibling.name != iface.name
        for number in [port_number(sibling.name)]
        if number is not None
    ]
    if iface.manufacturer == "juniper":
        block = range(port - port % 4, port - port % 4 + 4)
        for number, sibling in sorted(candidates, key=lambda c: c[0]):
            other_speed = speed_gbps(sibling.type)
            if number <= JUNIPER_BLOCK_LAST_PORT and number in block and other_speed not in (None, speed):
                message = (
                    f"Invalid type/speed '{iface.type}' (must be {sibling.type} to match {sibling.name} "
                    "within the same block)"
                )
                return [RuleError("type", message, rule="interface.port_block")]
    elif iface.manufacturer == "nokia":
        block = next((b for b in NOKIA_BLOCKS if port in b), ())
        names = {f"ethernet-1/{p}" for p in block}
        for _number, sibling in sorted(candidates, key=lambda c: c[0]):
            other_speed = speed_gbps(sibling.type)
            if sibling.name not in names or other_speed is None or other_speed == speed:
                continue
            if speed in NOKIA_COMPATIBLE_SPEEDS and other_speed in NOKIA_COMPATIBLE_SPEEDS:
                continue
            message = (
                f"Type/speed '{iface.type}' is incompatible with {sibling.name} ('{sibling.type}') in the same block "
                "of four"
            )
            return [RuleError("type", message, rule="interface.port_block")]
    return []


def _child_errors(iface: InterfaceRecord) -> list[RuleError]:
    if iface.has_parent and iface.type not in CHILD_TYPES:
        return [
            RuleError(
                "type", f"Child interfaces must be one of those types: {CHILD_TYPES}.", rule="interface.child_type"
            )
        ]
    return []


def _port_range_errors(iface: InterfaceRecord) -> list[RuleError]:
    if iface.device_role != "asw" or iface.type in CHILD_TYPES or iface.mgmt_only:
        return []
    port = port_number(iface.name)
    if port is None:
        return []
    if iface.manufacturer == "juniper" and port > JUNIPER_LAST_PORT:
        return [
            RuleError(
                "name",
                f"Port {port} is outside of Juniper port range (0-{JUNIPER_LAST_PORT})",
                rule="interface.port_range",
            )
        ]
    if iface.manufacturer == "nokia" and not NOKIA_PORTS[0] <= port <= NOKIA_PORTS[1]:
        return [
            RuleError(
                "name", f"Port {port} is outside of Nokia port range (0-{NOKIA_PORTS[1]})", rule="interface.port_range"
            )
        ]
    return []


def _vendor_name_errors(iface: InterfaceRecord) -> list[RuleError]:
    if iface.name.startswith(FOREIGN_VENDOR_PREFIXES.get(iface.manufacturer or "", ())):
        vendor = VENDORS[iface.manufacturer or ""]
        return [
            RuleError("name", f"Name {iface.name} is incorrect for a {vendor} device.", rule="interface.vendor_name")
        ]
    return []
