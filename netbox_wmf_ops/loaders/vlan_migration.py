"""Data for the VLAN migration report, in two queries."""

from __future__ import annotations

from collections.abc import Sequence

from dcim.models import Device
from ipam.models import Prefix

from .. import policy
from ..checks.vlan_migration import LEGACY_VLANS, SITE, Server
from . import DEVICE_DISPLAY


def load_legacy_prefixes(vlan_names: Sequence[str] = LEGACY_VLANS) -> list[str]:
    """The prefixes of the legacy (row-wide) VLANs."""
    return [str(p) for p in Prefix.objects.filter(vlan__name__in=vlan_names).values_list("prefix", flat=True)]


def load_active_servers(site: str = SITE) -> list[Server]:
    """Active servers of ``site`` with a primary IPv4 (the purchase-date window is a rule, see checks)."""
    servers = (
        Device.objects.filter(
            role__slug=policy.SERVER_ROLE, status="active", site__slug=site, primary_ip4__isnull=False
        )
        .select_related(*DEVICE_DISPLAY, "primary_ip4")
        .order_by("name", "pk")
    )
    return [
        Server(d, d.name or "", str(d.primary_ip4.address), d.custom_field_data.get("purchase_date")) for d in servers
    ]
