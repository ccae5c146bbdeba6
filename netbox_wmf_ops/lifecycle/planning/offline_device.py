"""OfflineDevice rules (docs/behaviour-reference.md §2.3), pure: device and interface records in, what to refuse and
what to delete (in a deletable order) out.

``netbox_wmf_ops.lifecycle.offline_device`` loads the records and applies the plan."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

OFFLINEABLE_STATUS = "decommissioning"


@dataclass(frozen=True)
class AddressRecord:
    pk: int
    address: str  # "10.64.0.10/22", as str(IPAddress) shows it
    dns_name: str


@dataclass(frozen=True)
class InterfaceRecord:
    pk: int
    name: str
    parent_pk: int | None = None
    lag_pk: int | None = None  # the bond (LAG) this interface is a member of
    cable_pk: int | None = None
    cable_name: str = ""  # str(cable): its label, or "#<pk>"
    addresses: tuple[AddressRecord, ...] = ()


@dataclass(frozen=True)
class DeviceRecord:
    pk: int
    name: str
    status: str
    interfaces: tuple[InterfaceRecord, ...] = ()


@dataclass(frozen=True)
class InterfaceRemoval:
    interface: InterfaceRecord
    delete_cable: bool  # False when another interface of the device already takes the cable away


@dataclass
class OfflinePlan:
    missing: list[str] = field(default_factory=list)  # names with no device
    refused: list[tuple[DeviceRecord, str]] = field(default_factory=list)  # (device, failure message)
    devices: list[tuple[DeviceRecord, list[InterfaceRemoval]]] = field(default_factory=list)

    @property
    def found(self) -> int:
        return len(self.refused) + len(self.devices)


def refusal(device: DeviceRecord) -> str | None:
    if device.status != OFFLINEABLE_STATUS:
        return (
            f"Device {device.name} is in {device.status} status, only decommissioned devices can be offlined. "
            "Skipping device."
        )
    return None


def removal_order(interfaces: Sequence[InterfaceRecord]) -> list[InterfaceRecord]:
    """Interfaces in their listed order, except that a child (VLAN sub-interface) comes before its parent: NetBox
    refuses to delete a parent that still has children (the original crashed on such devices). Likewise a bond
    member comes before its bond (LAG), so no member is ever saved pointing at a deleted bond."""
    by_pk = {i.pk: i for i in interfaces}

    def up(iface: InterfaceRecord) -> int | None:
        return iface.parent_pk if iface.parent_pk in by_pk else iface.lag_pk

    def depth(iface: InterfaceRecord) -> int:
        seen, level = set(), 0
        while up(iface) in by_pk and iface.pk not in seen:
            seen.add(iface.pk)
            iface, level = by_pk[up(iface)], level + 1
        return level

    indexed = list(enumerate(interfaces))
    return [i for _, i in sorted(indexed, key=lambda pair: (-depth(pair[1]), pair[0]))]


def plan_offline(names: Iterable[str], devices: Iterable[DeviceRecord]) -> OfflinePlan:
    """Which named devices are refused, which are missing, and for the others the interfaces to remove."""
    plan = OfflinePlan()
    devices = list(devices)
    known = {d.name for d in devices}
    plan.missing = [n for n in dict.fromkeys(names) if n not in known]
    for device in devices:
        reason = refusal(device)
        if reason:
            plan.refused.append((device, reason))
            continue
        removed_cables: set[int] = set()
        removals = []
        for iface in removal_order(device.interfaces):
            delete_cable = iface.cable_pk is not None and iface.cable_pk not in removed_cables
            if delete_cable:
                removed_cables.add(iface.cable_pk)
            removals.append(InterfaceRemoval(iface, delete_cable))
        plan.devices.append((device, removals))
    return plan


def parse_names(text: str) -> list[str]:
    return (text or "").split()
