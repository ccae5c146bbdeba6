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
from django.db.models import Model, QuerySet

from .. import policy
from ..checks.cables import CableEnd, CableRecord, NamedComponent, NamedInterface
from ..checks.network import EXCLUDED_DEVICE_STATUSES
from . import DEVICE_DISPLAY
from .network import resolve_objects

__all__ = ["cables", "devices", "load_cables", "load_component_names", "load_interface_names", "resolve_objects"]

COMPONENT_MODELS: dict[str, type[Model]] = {
    "console port": ConsolePort,
    "console server port": ConsoleServerPort,
    "power port": PowerPort,
    "power outlet": PowerOutlet,
}


def devices() -> QuerySet:
    """Devices as the naming findings show them (the rules report a device pk; see resolve_objects)."""
    return Device.objects.select_related(*DEVICE_DISPLAY)


def load_component_names(label: str) -> list[NamedComponent]:
    """Components of one kind on devices in service, as (device pk, name): the report lines point at the device."""
    rows = (
        COMPONENT_MODELS[label]
        .objects.exclude(device__status__in=EXCLUDED_DEVICE_STATUSES)
        .order_by("device__name", "device_id", "name")
        .values_list("device_id", "name")
    )
    return [NamedComponent(device_id, name) for device_id, name in rows]


def load_interface_names() -> list[NamedInterface]:
    """Interfaces of devices in service other than servers (whose names come from the PuppetDB import)."""
    rows = (
        Interface.objects.exclude(device__status__in=EXCLUDED_DEVICE_STATUSES)
        .exclude(device__role__slug=policy.SERVER_ROLE)
        .order_by("device__name", "device_id", "_name")
        .values_list("device_id", "name", "device__role__slug", "device__device_type__manufacturer__slug")
    )
    return [
        NamedInterface(device_id, name, network_device=role in policy.NETWORK_ROLES, manufacturer=maker)
        for device_id, name, role, maker in rows
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
    # Plain values (the rules report the cable pk; resolve_objects() turns the reported ones into cables).
    return [
        CableRecord(pk, label, status, tuple(ends[(pk, "A")]), tuple(ends[(pk, "B")]))
        for pk, label, status in Cable.objects.order_by("pk").values_list("pk", "label", "status")
    ]


def cables() -> QuerySet:
    return Cable.objects.all()
