"""Data for the LibreNMS report: LibreNMS (database or API, through ``sources/``) and NetBox network devices and their
inventory items, in two queries."""

from __future__ import annotations

from dcim.models import Device, InventoryItem

from .. import settings
from ..checks.librenms import CHECKED_ROLES, LIBRENMS_ROLES, STATUSES, LibreNMSData, NetDevice, NetItem, normalise
from ..sources import SourceError
from ..sources.config import http_options
from ..sources.librenms import read_api, read_database


def load_librenms() -> LibreNMSData:
    """From the database when ``librenms_db`` is configured, else from the REST API."""
    db = settings.get("librenms_db")
    if db:
        raw = read_database(
            db,
            connect_timeout=float(settings.get("external_connect_timeout")),
            read_timeout=float(settings.get("external_read_timeout")),
        )
    elif settings.get("librenms_api_url"):
        raw = read_api(
            settings.get("librenms_api_url"),
            settings.get("librenms_api_token"),
            options=http_options(settings.get("librenms_api_verify")),
        )
    else:
        raise SourceError(
            "LibreNMS: no source configured (set librenms_db, or librenms_api_url and librenms_api_token)"
        )
    return normalise(raw.devices, raw.inventory)


def load_network_devices() -> list[NetDevice]:
    devices = (
        Device.objects.filter(status__in=STATUSES, role__slug__in=LIBRENMS_ROLES)
        .select_related("role", "device_type__manufacturer", "virtual_chassis")
        .order_by("name", "pk")
    )
    return [
        NetDevice(
            d,
            d.serial,
            d.role.slug,
            d.device_type.manufacturer.slug,
            d.device_type.manufacturer.name.lower(),
            d.device_type.model.lower(),
            bool(d.primary_ip4_id or d.primary_ip6_id),
        )
        for d in devices
    ]


def load_inventory_items() -> list[NetItem]:
    """Serial-numbered inventory items of the devices the report checks (scs excluded)."""
    items = (
        InventoryItem.objects.filter(device__status__in=STATUSES, device__role__slug__in=CHECKED_ROLES)
        .exclude(serial="")
        .select_related("role")
        .order_by("device__name", "name", "pk")
    )
    return [NetItem(i, i.serial, i.name, i.role.slug if i.role else "") for i in items]
