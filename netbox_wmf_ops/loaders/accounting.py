"""Data for the Accounting report: the sheet (through ``sources/``) and the NetBox devices, in two queries."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from dcim.models import Device

from .. import settings
from ..checks.accounting import (
    AccountingSheet,
    DeviceFacts,
    parse_assets,
    parse_motherboard_swaps,
    parse_recycled,
)
from ..sources.accounting import AccountingSourceConfig, Upload, read_accounting_rows
from ..sources.config import http_options, netbox_proxies


def configured_source() -> AccountingSourceConfig:
    return AccountingSourceConfig(
        sheet_id=settings.get("accounting_sheet_id"),
        credentials_file=settings.get("accounting_credentials_file"),
        ranges=settings.get("accounting_ranges"),
        export_file=settings.get("accounting_export_file"),
        api_url=settings.get("accounting_sheets_api_url"),
        http=http_options(proxies=netbox_proxies()),
    )


def load_accounting_sheet(
    upload: Upload | None = None, config: AccountingSourceConfig | None = None
) -> AccountingSheet:
    rows = read_accounting_rows(config or configured_source(), upload)
    return parse_assets(rows.assets, parse_motherboard_swaps(rows.motherboard_swaps), parse_recycled(rows.recycled))


def _devices():
    # Device.__str__ reads the device type, manufacturer and virtual chassis when a device has no name.
    return Device.objects.select_related("device_type__manufacturer", "virtual_chassis").order_by("name", "pk")


def _facts(device: Device) -> DeviceFacts:
    ticket = device.custom_field_data.get("ticket")
    return DeviceFacts(device, device.serial, device.asset_tag, None if ticket is None else str(ticket))


def load_devices_by_serial(serials: Iterable[str]) -> dict[str, DeviceFacts]:
    """NetBox devices carrying one of ``serials`` (one query)."""
    return {d.serial: _facts(d) for d in _devices().filter(serial__in=list(serials))}


def load_devices_purchased(oldest: datetime.date, newest: datetime.date) -> list[DeviceFacts]:
    """Devices with a serial whose custom field purchase_date (an ISO date string) is within [oldest, newest]."""
    devices = (
        _devices()
        .exclude(serial="")
        .filter(
            custom_field_data__purchase_date__gte=oldest.isoformat(),
            custom_field_data__purchase_date__lte=newest.isoformat(),
        )
    )
    return [_facts(d) for d in devices]
