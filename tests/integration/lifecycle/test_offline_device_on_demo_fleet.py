"""OfflineDevice (docs/behaviour-reference.md §2.3) on the demo fleet: every decommissioning server offlined in one
run."""

from __future__ import annotations

import pytest
from dcim.models import Cable, Device, Interface, MACAddress, PowerPort
from ipam.models import IPAddress

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_fleet_loaded")]


def test_offlines_every_decommissioning_server(run_script):
    servers = list(Device.objects.filter(role__slug="server", status="decommissioning").order_by("name"))
    assert len(servers) >= 2, "the demo fleet has decommissioning servers at every core site"
    names = [s.name for s in servers]
    interfaces = list(Interface.objects.filter(device__in=servers).select_related("cable"))
    addresses = list(IPAddress.objects.filter(interface__in=interfaces).order_by("address"))
    assert addresses, "decommissioning servers keep their mgmt address until offlined"
    cables = {i.cable for i in interfaces if i.cable}
    far_ends = [peer for i in interfaces if i.cable for peer in i.link_peers]
    macs = list(MACAddress.objects.filter(interface__in=interfaces).values_list("pk", flat=True))
    assert cables and macs
    power = sorted(PowerPort.objects.filter(device__in=servers).values_list("pk", "device_id", "cable_id"))

    # The log the run must give, from the database as it was: per server its interfaces in name order, each one's
    # addresses, then its cable, then the interface itself.
    expected = [("info", f"Found {len(servers)} Netbox devices")]
    for server in servers:
        expected.append(("info", f"Setting device {server.name} status to Offline and unset rack/unit position"))
        for iface in sorted((i for i in interfaces if i.device_id == server.pk), key=lambda i: i._name):
            for ip in (a for a in addresses if a.assigned_object_id == iface.pk):
                expected.append(
                    (
                        "info",
                        f"Deleting address {ip.address} with DNS {ip.dns_name} on interface {iface.name} for device "
                        f"{server.name}",
                    )
                )
            if iface.cable:
                expected.append(("info", f"Deleting cable {iface.cable.label} on device {server.name}"))
            expected.append(("info", f"Deleting interface {iface.name} on device {server.name}"))
        expected.append(("success", f"Successfully offlined device {server.name}"))
    expected.append(("success", f"{len(servers)} devices offlined"))

    run = run_script("offline_device", "OfflineDevice", {"devices": " ".join(names)}, commit=True)

    assert run.job.status == "completed", run.log
    assert run.log == expected
    assert run.output == "\n".join(f"[{level}] {message}" for level, message in expected)
    for server in Device.objects.filter(pk__in=[s.pk for s in servers]):
        assert (server.status, server.rack, server.position, server.face) == ("offline", None, None, "")
        assert (server.primary_ip4, server.primary_ip6, server.oob_ip) == (None, None, None)
    assert not Interface.objects.filter(device__in=servers).exists()
    assert not IPAddress.objects.filter(pk__in=[a.pk for a in addresses]).exists()
    assert not Cable.objects.filter(pk__in=[c.pk for c in cables]).exists()
    assert not MACAddress.objects.filter(pk__in=macs).exists()  # went with their interfaces
    for peer in far_ends:  # the management switch ports stay, free
        peer.refresh_from_db()
        assert peer.cable is None
    assert sorted(PowerPort.objects.filter(device__in=servers).values_list("pk", "device_id", "cable_id")) == power
