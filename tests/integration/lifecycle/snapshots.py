"""Database snapshots for the lifecycle scripts B, to prove that a refused run writes nothing (``run_script`` is
shared, in tests/conftest.py)."""

from __future__ import annotations

from dcim.models import Cable, Device, Interface, MACAddress
from ipam.models import IPAddress

from tests.script_runs import REVERTED, REVERTED_ON_ERROR

__all__ = ["REVERTED", "REVERTED_ON_ERROR", "db_state"]


def db_state() -> dict:
    """Everything the lifecycle scripts may write, as comparable values."""
    return {
        "interfaces": sorted(
            Interface.objects.values_list(
                "pk", "device_id", "name", "type", "mode", "mtu", "enabled", "untagged_vlan_id", "cable_id"
            )
        ),
        "tagged": sorted(Interface.tagged_vlans.through.objects.values_list("interface_id", "vlan_id")),
        "ips": sorted(IPAddress.objects.values_list("pk", "address", "dns_name", "assigned_object_id")),
        "cables": sorted(Cable.objects.values_list("pk", "label", "color", "type")),
        "macs": MACAddress.objects.count(),
        "devices": sorted(
            Device.objects.values_list("pk", "rack_id", "position", "primary_ip4_id", "primary_ip6_id", "oob_ip_id")
        ),
    }
