"""ReplaceDevice (docs/behaviour-reference.md §2.7) on the demo fleet: a failed server's RMA, replaced in place by a
planned server of the same site."""

from __future__ import annotations

import pytest
from dcim.models import CableTermination, Device, Interface, MACAddress, PowerPort

from tests.integration.lifecycle.demo_fleet import READY, READY_MGMT, clean

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_fleet_loaded")]


def test_a_planned_server_replaces_a_failed_one(run_script):
    old = clean(Device.objects.filter(role__slug="server", status="failed"))[0]
    spares = clean(
        Device.objects.filter(role__slug="server", status__in=("planned", "inventory"), site=old.site).exclude(
            name__in=READY + READY_MGMT
        )
    )
    new = next(d for d in spares if d.device_type_id == old.device_type_id)
    name, rack, position, face, location = old.name, old.rack, old.position, old.face, old.location
    ips = (old.primary_ip4_id, old.primary_ip6_id, old.oob_ip_id)
    assert all(ips), "a failed server keeps its addresses"
    old_ifaces = {i.pk: i for i in Interface.objects.filter(device=old)}
    links = {pk: [p.pk for p in i.link_peers] for pk, i in old_ifaces.items() if i.cable_id}
    assert links, "the failed server is still cabled"
    new_ifaces = list(Interface.objects.filter(device=new).values_list("pk", flat=True))
    new_macs = list(MACAddress.objects.filter(interface__in=new_ifaces).values_list("pk", flat=True))
    old_power = sorted(PowerPort.objects.filter(device=old).values_list("pk", flat=True))
    data = {"source_device": old, "destination_device": new, "already_racked": False, "move_inventory": False}

    run = run_script("replace_device", "ReplaceDevice", data, commit=True)

    assert run.job.status == "completed", run.log
    assert run.messages("failure") == []
    new = Device.objects.get(pk=new.pk)
    old = Device.objects.get(pk=old.pk)
    assert (new.name, new.status, new.rack, new.position, new.face, new.location) == (
        name,
        "active",
        rack,
        position,
        face,
        location,
    )
    assert (new.primary_ip4_id, new.primary_ip6_id, new.oob_ip_id) == ips
    assert new.comments.endswith(f" - Replaced {old.asset_tag}")
    assert (old.name, old.status, old.rack, old.position) == (f"{name}-old", "decommissioning", rack, None)
    assert (old.primary_ip4, old.primary_ip6, old.oob_ip) == (None, None, None)

    # The old server's interfaces, with their addresses, MACs and cables, are the new one's; its own are gone.
    assert set(Interface.objects.filter(device=new).values_list("pk", flat=True)) == set(old_ifaces)
    assert not Interface.objects.filter(pk__in=new_ifaces).exists()
    assert not MACAddress.objects.filter(pk__in=new_macs).exists()
    assert new.primary_ip4.assigned_object.device == new and new.oob_ip.assigned_object.device == new
    for pk, peers in links.items():
        iface = Interface.objects.get(pk=pk)
        assert [p.pk for p in iface.link_peers] == peers
        assert CableTermination.objects.get(termination_type__model="interface", termination_id=pk)._device_id == new.pk
    # Not already racked: the power ports move too (the new server's own are deleted).
    assert sorted(PowerPort.objects.filter(device=new).values_list("pk", flat=True)) == old_power

    assert run.log[:3] == [
        ("success", f"[dst] Setting primary_ip4 to {new.primary_ip4}"),
        ("info", "[src] Removing primary_ip4"),
        ("success", f"[dst] Setting primary_ip6 to {new.primary_ip6}"),
    ]
    assert ("success", f"[dst] Setting rack to {rack}") in run.log
    assert ("success", f"Moved interfaces {old_ifaces[next(iter(links))].name}") in run.log
    assert run.log[-1] == ("success", f"All done! {new.asset_tag} replaced {old.asset_tag}")
