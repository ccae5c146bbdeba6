"""Data for the Cables report: each loader issues a fixed number of queries whatever the fleet size."""

from __future__ import annotations

from collections import defaultdict

from dcim.models import (
    Cable,
    CableTermination,
    ConsolePort,
    ConsoleServerPort,
    Device,
    Interface,
    PowerOutlet,
    PowerPort,
)
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model

from ..checks.cables import CableEnd, CableRecord, NamedComponent, NamedInterface
from ..checks.network import EXCLUDED_DEVICE_STATUSES, NETWORK_ROLES

SERVER_ROLE = "server"
COMPONENT_MODELS: dict[str, type[Model]] = {
    "console port": ConsolePort,
    "console server port": ConsoleServerPort,
    "power port": PowerPort,
    "power outlet": PowerOutlet,
}
# Device.__str__ reads the device type, manufacturer and virtual chassis of unnamed devices.
DEVICE_DISPLAY = ("device_type__manufacturer", "virtual_chassis")


def _devices_in_service(exclude_roles: tuple[str, ...] = ()) -> dict[int, Device]:
    devices = Device.objects.exclude(status__in=EXCLUDED_DEVICE_STATUSES)
    if exclude_roles:
        devices = devices.exclude(role__slug__in=exclude_roles)
    return devices.select_related(*DEVICE_DISPLAY, "role").in_bulk()


def load_component_names(label: str) -> list[NamedComponent]:
    """Components of one kind on devices in service, as (device, name): the report lines point at the device."""
    devices = _devices_in_service()
    rows = (
        COMPONENT_MODELS[label]
        .objects.exclude(device__status__in=EXCLUDED_DEVICE_STATUSES)
        .order_by("device__name", "device_id", "name")
        .values_list("device_id", "name")
    )
    return [NamedComponent(devices[device_id], name) for device_id, name in rows]


def load_interface_names() -> list[NamedInterface]:
    """Interfaces of devices in service other than servers (whose names come from the PuppetDB import)."""
    devices = _devices_in_service(exclude_roles=(SERVER_ROLE,))
    rows = (
        Interface.objects.exclude(device__status__in=EXCLUDED_DEVICE_STATUSES)
        .exclude(device__role__slug=SERVER_ROLE)
        .order_by("device__name", "device_id", "_name")
        .values_list("device_id", "name")
    )
    return [
        NamedInterface(
            devices[device_id],
            name,
            network_device=devices[device_id].role.slug in NETWORK_ROLES,
            manufacturer=devices[device_id].device_type.manufacturer.slug,
        )
        for device_id, name in rows
    ]


def load_cables() -> list[CableRecord]:
    """Every cable with its terminations on both sides (kind, name, site, device role), in three queries."""
    ends: dict[tuple[int, str], list[CableEnd]] = defaultdict(list)
    interface_type = ContentType.objects.get_for_model(Interface)
    # Only interface names matter to the rules (VC links); other terminations are named by their kind.
    interface_names = dict(Interface.objects.filter(cable__isnull=False).values_list("pk", "name"))
    terminations = CableTermination.objects.order_by("cable_id", "cable_end", "pk").values_list(
        "cable_id", "cable_end", "termination_type_id", "termination_id", "_site__slug", "_device__role__slug"
    )
    for cable_id, cable_end, type_id, object_id, site, role in terminations:
        if type_id == interface_type.pk:
            kind, name = "interface", interface_names.get(object_id, "")
        else:
            kind, name = ContentType.objects.get_for_id(type_id).model, ""
        ends[(cable_id, cable_end)].append(CableEnd(kind, name, site, role))
    return [
        CableRecord(cable, cable.label, cable.status, tuple(ends[(cable.pk, "A")]), tuple(ends[(cable.pk, "B")]))
        for cable in Cable.objects.order_by("pk")
    ]
