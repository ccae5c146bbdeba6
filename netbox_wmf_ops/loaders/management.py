"""Data for the Management report, in one query."""

from __future__ import annotations

from collections.abc import Sequence

from dcim.choices import DeviceStatusChoices
from dcim.models import Device
from django.db.models import Count, Q

from ..checks.management import ConsoleState

# Devices in these states are not (or no longer) expected to be reachable over the console.
IGNORED_STATUSES = (
    DeviceStatusChoices.STATUS_INVENTORY,
    DeviceStatusChoices.STATUS_OFFLINE,
    DeviceStatusChoices.STATUS_PLANNED,
    DeviceStatusChoices.STATUS_DECOMMISSIONING,
)


def load_console_states(roles: Sequence[str], excluded_sites: Sequence[str]) -> list[ConsoleState]:
    devices = (
        Device.objects.filter(role__slug__in=roles)
        .exclude(status__in=IGNORED_STATUSES)
        .exclude(site__slug__in=excluded_sites)
        # Device.__str__ reads the device type, manufacturer and virtual chassis when a device has no name.
        .select_related("device_type__manufacturer", "virtual_chassis")
        .annotate(
            n_console_ports=Count("consoleports", distinct=True),
            n_cabled_console_ports=Count("consoleports", filter=Q(consoleports__cable__isnull=False), distinct=True),
        )
        .order_by("name", "pk")
    )
    return [ConsoleState(d, d.n_console_ports, d.n_cabled_console_ports) for d in devices]
