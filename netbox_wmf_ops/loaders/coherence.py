"""Data for the Coherence and Rack reports: one query for the devices, one for what else a test needs."""

from __future__ import annotations

from collections import defaultdict

from dcim.models import ConsolePort, Device, InventoryItem
from django.db.models import F

from ..checks.coherence import DeviceRecord, InventoryRecord
from . import DEVICE_DISPLAY, device_status_labels

JUNIPER = "juniper"


def load_devices() -> list[DeviceRecord]:
    """Every device with the fields the Coherence and Rack rules read (custom fields straight from their JSON). Role,
    site, rack and height come as columns of the one query, not as related objects: with 25,000 devices, building
    three more model instances per device was a quarter of the reports' time."""
    devices = (
        Device.objects.select_related(*DEVICE_DISPLAY)
        .annotate(
            role_slug=F("role__slug"),
            site_slug=F("site__slug"),
            rack_name=F("rack__name"),
            type_u_height=F("device_type__u_height"),
        )
        .order_by("name", "pk")
    )
    labels = device_status_labels()
    return [
        DeviceRecord(
            device,
            name=device.name,
            status=device.status,
            status_display=labels.get(device.status, device.status),
            role=device.role_slug,
            site=device.site_slug,
            asset_tag=device.asset_tag,
            serial=device.serial,
            purchase_date=device.custom_field_data.get("purchase_date"),
            ticket=device.custom_field_data.get("ticket"),
            rack=device.rack_name,
            position=device.position,
            u_height=device.type_u_height,
        )
        for device in devices
    ]


def load_cabled_console_ports() -> dict[int, list[str]]:
    """Names of the cabled console ports of unracked devices, by device pk."""
    ports: dict[int, list[str]] = defaultdict(list)
    rows = (
        ConsolePort.objects.filter(device__rack__isnull=True, cable__isnull=False)
        .order_by("device_id", "name")
        .values_list("device_id", "name")
    )
    for device_id, name in rows:
        ports[device_id].append(name)
    return ports


def load_juniper_inventory_items() -> list[InventoryRecord]:
    items = (
        InventoryItem.objects.filter(manufacturer__slug=JUNIPER)
        .select_related("device")
        .order_by("device__name", "device_id", "name", "pk")
    )
    return [InventoryRecord(item, item.name, item.part_id, item.description) for item in items]
