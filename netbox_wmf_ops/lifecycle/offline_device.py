"""OfflineDevice (docs/behaviour-reference.md §2.3): a decommissioning device becomes offline and unracked, loses its
primary IPs, and its interfaces are deleted with their IP addresses and cables.

``load_devices`` reads everything the pure planner (``lifecycle.planning.offline_device.plan_offline``) needs in three
queries; ``apply_offline`` makes the changes and reports each one through a ``log(level, message, obj)`` callable."""

from __future__ import annotations

from collections.abc import Sequence

from dcim.models import Cable, Device, Interface
from django.contrib.contenttypes.models import ContentType
from ipam.models import IPAddress

from netbox_wmf_ops.logs import Log

from .planning.offline_device import AddressRecord, DeviceRecord, InterfaceRecord, OfflinePlan


def load_devices(names: Sequence[str]) -> tuple[list[DeviceRecord], dict]:
    """Device records for ``names`` (input order kept for the messages) and the Device objects by pk."""
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
