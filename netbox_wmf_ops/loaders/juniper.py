"""Data for the Juniper installed-base report: the export (through ``sources/``) and NetBox's Juniper devices and
inventory items, in two queries."""

from __future__ import annotations

from dcim.models import Device, InventoryItem

from .. import settings
from ..checks.juniper import InstalledBaseEntry, JuniperDevice, JuniperItem, parse_installed_base
from ..sources import SourceError
from ..sources.accounting import Upload
from ..sources.tabular import read_file, read_tables

MANUFACTURER = "juniper"


def load_installed_base(upload: Upload | None = None) -> dict[str, InstalledBaseEntry]:
    """The uploaded export of this run, else the configured file. The first worksheet of an XLSX file is used."""
    if upload is not None:
        origin, tables = upload.name, _tables(lambda: read_tables(upload.name, upload.content), upload.name)
    elif path := settings.get("juniper_installed_base_file"):
        origin, tables = path, _tables(lambda: read_file(path), path)
    else:
        raise SourceError("Juniper: no installed-base export uploaded and juniper_installed_base_file is not set")
    return parse_installed_base(tables[0].rows if tables else [], origin)


def _tables(read, origin: str):
    try:
        return read()
    except SourceError as error:
        raise SourceError(f"Can't load CSV file from {origin}: {error}") from None


def load_juniper_devices() -> list[JuniperDevice]:
    devices = (
        Device.objects.filter(device_type__manufacturer__slug=MANUFACTURER)
        .select_related("site", "device_type__manufacturer", "virtual_chassis")
        .order_by("name", "pk")
    )
    return [JuniperDevice(d, d.serial, d.status, d.site.physical_address or "") for d in devices]


def load_juniper_items() -> list[JuniperItem]:
    """Juniper inventory items installed in Juniper devices."""
    items = (
        InventoryItem.objects.filter(
            manufacturer__slug=MANUFACTURER, device__device_type__manufacturer__slug=MANUFACTURER
        )
        .select_related("device__device_type__manufacturer", "device__virtual_chassis")
        .order_by("device__name", "name", "pk")
    )
    return [JuniperItem(i, i.serial, i.part_id, i.device.name, i.device.status) for i in items]
