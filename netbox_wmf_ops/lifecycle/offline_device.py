"""OfflineDevice (docs/behaviour-reference.md §2.3): a decommissioning device becomes offline and unracked, loses its
primary IPs, and its
interfaces are deleted with their IP addresses and cables.

``plan_offline`` is pure: device and interface records in, what to refuse and what to delete (in a deletable order)
out. ``load_devices`` reads everything in three queries; ``apply_offline`` makes the changes and reports each one
through a ``log(level, message, obj)`` callable (the script's ``log_*``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from netbox_wmf_ops.logs import Log

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


# --- NetBox side -----------------------------------------------------------------------------------------------------
# ORM imports live in the functions below so the planning above stays importable without Django (unit tests).


def load_devices(names: Sequence[str]) -> tuple[list[DeviceRecord], dict]:
    """Device records for ``names`` (input order kept for the messages) and the Device objects by pk."""
    from dcim.models import Device, Interface
    from django.contrib.contenttypes.models import ContentType
    from ipam.models import IPAddress

    order = {name: i for i, name in enumerate(names)}
    objects = {d.pk: d for d in Device.objects.filter(name__in=names)}
    interfaces = list(
        Interface.objects.filter(device__in=objects)
        .order_by("device", "_name")
        .values("pk", "device_id", "name", "parent_id", "lag_id", "cable_id", "cable__label")
    )
    addresses: dict[int, list[AddressRecord]] = {}
    for pk, address, dns_name, iface_pk in IPAddress.objects.filter(
        assigned_object_type=ContentType.objects.get_for_model(Interface),
        assigned_object_id__in=[i["pk"] for i in interfaces],
    ).values_list("pk", "address", "dns_name", "assigned_object_id"):
        addresses.setdefault(iface_pk, []).append(AddressRecord(pk, str(address), dns_name))
    by_device: dict[int, list[InterfaceRecord]] = {}
    for i in interfaces:
        by_device.setdefault(i["device_id"], []).append(
            InterfaceRecord(
                pk=i["pk"],
                name=i["name"],
                parent_pk=i["parent_id"],
                lag_pk=i["lag_id"],
                cable_pk=i["cable_id"],
                cable_name=(i["cable__label"] or f"#{i['cable_id']}") if i["cable_id"] else "",
                addresses=tuple(addresses.get(i["pk"], ())),
            )
        )
    records = [
        DeviceRecord(d.pk, d.name, d.status, tuple(by_device.get(d.pk, ())))
        for d in sorted(objects.values(), key=lambda d: (order.get(d.name, 0), d.pk))
    ]
    return records, objects


def apply_offline(plan: OfflinePlan, devices: dict, log: Log) -> int:
    """Offline the planned devices (the objects in ``devices`` by pk); returns how many were offlined."""
    from dcim.models import Cable, Interface
    from ipam.models import IPAddress

    iface_pks = [r.interface.pk for _, removals in plan.devices for r in removals]
    interfaces = Interface.objects.in_bulk(iface_pks)
    addresses = IPAddress.objects.in_bulk([a.pk for _, rs in plan.devices for r in rs for a in r.interface.addresses])
    cables = Cable.objects.in_bulk([r.interface.cable_pk for _, rs in plan.devices for r in rs if r.delete_cable])

    for record, removals in plan.devices:
        device, name = devices[record.pk], record.name  # the name, not str(device): NetBox 4 appends the asset tag
        log("info", f"Setting device {name} status to Offline and unset rack/unit position")
        device.snapshot()
        device.status = "offline"
        device.rack = None
        device.position = None
        device.face = ""
        device.primary_ip4 = None
        device.primary_ip6 = None
        device.save()  # before the deletions, as the original: DNS generation must not see a half-offlined host

        for removal in removals:
            iface = interfaces[removal.interface.pk]
            for address in removal.interface.addresses:
                log(
                    "info",
                    f"Deleting address {address.address} with DNS {address.dns_name} on interface {iface} "
                    f"for device {name}",
                )
                addresses[address.pk].delete()
            if removal.delete_cable:
                log("info", f"Deleting cable {removal.interface.cable_name} on device {name}")
                cables[removal.interface.cable_pk].delete()
            if removal.interface.cable_pk is not None:
                iface.refresh_from_db()  # deleting the cable cleared the interface's cable fields in the DB
            log("info", f"Deleting interface {iface} on device {name}")
            iface.delete()

        # No second save (the original saved again here): deleting an IP that was the device's OOB IP has nulled that
        # field in the database only, and saving this stale object would write the deleted IP's id back.
        log("success", f"Successfully offlined device {name}", device)
    return len(plan.devices)
