"""Data for the Coherence and Rack reports: one query for the devices, one for what else a test needs."""

from __future__ import annotations

from collections import defaultdict

from dcim.models import ConsolePort, Device, InventoryItem

from ..checks.coherence import DeviceRecord, InventoryRecord

DEVICE_DISPLAY = ("device_type__manufacturer", "virtual_chassis")
JUNIPER = "juniper"


def load_devices() -> list[DeviceRecord]:
    """Every device with the fields the Coherence and Rack rules read (custom fields straight from their JSON)."""
    devices = Device.objects.select_related(*DEVICE_DISPLAY, "role", "site", "rack").order_by("name", "pk")
    return [
        DeviceRecord(
            device,
            name=device.name,
            status=device.status,
            status_display=device.get_status_display(),
            role=device.role.slug,
            site=device.site.slug,
            asset_tag=device.asset_tag,
            serial=device.serial,
            purchase_date=device.custom_field_data.get("purchase_date"),
            ticket=device.custom_field_data.get("ticket"),
            rack=device.rack.name if device.rack else None,
            position=device.position,
            u_height=device.device_type.u_height,
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
