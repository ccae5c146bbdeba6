"""Revert (docs/behaviour-reference.md §2.10) on the demo fleet: an OfflineDevice run by mistake, undone by its request
ID."""

from __future__ import annotations

import uuid

import pytest
from core.models import ObjectChange
from dcim.models import Cable, CableTermination, Device, Interface, MACAddress
from ipam.models import IPAddress

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_fleet_loaded")]


def snapshot(device: Device) -> dict:
    """What the offlining deleted, as comparable values."""
    interfaces = Interface.objects.filter(device=device)
    terminations = CableTermination.objects.filter(
        cable__terminations__termination_type__model="interface", cable__terminations__termination_id__in=interfaces
    ).distinct()
    cabled = Interface.objects.filter(pk__in=terminations.values("termination_id"))  # both ends
    return {
        "interfaces": sorted(interfaces.values_list("pk", "name", "type", "enabled", "mgmt_only", "cable_id")),
        "addresses": sorted(
            IPAddress.objects.filter(interface__in=interfaces).values_list("pk", "address", "dns_name", "status")
        ),
        "macs": sorted(MACAddress.objects.filter(interface__in=interfaces).values_list("pk", "mac_address")),
        "primary_macs": sorted(interfaces.values_list("pk", "primary_mac_address_id")),
        "cables": sorted(
            Cable.objects.filter(pk__in=terminations.values("cable_id")).values_list(
                "pk", "label", "color", "type", "status"
            )
        ),
        "terminations": sorted(
            terminations.values_list("pk", "cable_id", "cable_end", "termination_id", "_device_id", "_site_id")
        ),
        # The far ends as NetBox traces them (cable paths), not only the cables' own ends.
        "connected": sorted((i.pk, tuple(e.pk for e in i.connected_endpoints)) for i in cabled),
    }


def test_reverts_an_offlining(run_script):
    server = Device.objects.filter(role__slug="server", status="decommissioning").order_by("name").first()
    before = snapshot(server)
    assert before["addresses"] and before["cables"] and all(ends for _, ends in before["connected"])
    request_id = uuid.uuid4()
    offline = run_script("offline_device", "OfflineDevice", {"devices": server.name}, True, request_id=request_id)
    assert offline.job.status == "completed", offline.log
    assert not Interface.objects.filter(device=server).exists()
    changes = ObjectChange.objects.filter(request_id=request_id)
    deletions = changes.filter(action="delete").count()
    assert deletions and changes.filter(action="update").exists()

    dry = run_script("revert", "Revert", {"request_or_change_id": str(request_id)}, commit=False)
    assert dry.job.status == "completed", dry.log
    assert dry.log[-1] == ("info", "Database changes have been reverted automatically.")
    assert not Interface.objects.filter(device=server).exists()

    run = run_script("revert", "Revert", {"request_or_change_id": str(request_id)}, commit=True)

    assert run.job.status == "completed", run.log
    assert run.messages("failure") == []
    assert snapshot(server) == before  # with their former primary keys: the cable ends meet again
    server.refresh_from_db()
    assert server.status == "offline"  # an update: not reverted, with a warning
    assert ("warning", "Revert of update actions not supported") in run.log
    assert len([m for m in run.messages("success") if m.startswith("Object re-created to revert: ")]) == deletions
    assert run.log[-1] == ("success", f"{deletions} changes reverted")
