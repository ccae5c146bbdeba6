"""MoveServer, MoveServersUplinks and MoveSpecificUplinks (docs/behaviour-reference.md §2.6) on the demo fleet: a server
moved to the other rack of its row, and the uplinks of a rack with two top-of-rack switches moved between them."""

from __future__ import annotations

from collections import Counter

import pytest
from dcim.models import Cable, Device, Interface, Rack

from netbox_wmf_ops.lifecycle.common import find_primary_interface
from netbox_wmf_ops.lifecycle.planning.switch_ports import TOR_ROLES
from tests.integration.lifecycle.demo_fleet import FLAGGED, clean, free_switch_port, next_cable_id, port_number

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_fleet_loaded")]

MODULE = "move_server"
CORE_LEGACY_RACKS = r"^[A-D]"  # the demo's legacy rows: row-wide VLANs, one switch per rack in a virtual chassis


def tors(rack: Rack) -> list[Device]:
    return list(Device.objects.filter(rack=rack, role__slug__in=TOR_ROLES, status="active").order_by("name"))


def uplink_of(server: Device) -> tuple[Interface, Interface]:
    """(server interface, switch port) of the server's uplink."""
    primary = find_primary_interface(server)
    (port,) = primary.link_peers
    return primary, Interface.objects.get(pk=port.pk)


def assert_server_port(port: Interface, vlan, iface_type: str) -> None:
    port.refresh_from_db()
    assert (port.mode, port.untagged_vlan, port.mtu, port.enabled, port.type) == (
        "access",
        vlan,
        9192,
        True,
        iface_type,
    )
    assert not port.tagged_vlans.exists()


def assert_reset(port: Interface, iface_type: str) -> None:
    port.refresh_from_db()
    assert (port.cable, port.enabled, port.mode, port.untagged_vlan, port.mtu, port.type) == (
        None,
        False,
        None,
        None,
        None,
        iface_type,
    )


def test_move_server_to_the_other_rack_of_its_row(run_script):
    server = clean(
        Device.objects.filter(
            role__slug="server", status="active", tenant__isnull=True, rack__name__regex=CORE_LEGACY_RACKS
        ).exclude(position__isnull=True)
    )[0]
    primary, old_port = uplink_of(server)
    old_cable, vlan, ips = primary.cable, old_port.untagged_vlan, (server.primary_ip4_id, server.primary_ip6_id)
    rack = Rack.objects.filter(location=server.rack.location).exclude(pk=server.rack_id).order_by("name").first()
    (switch,) = tors(rack)
    new_port = free_switch_port(switch, old_port.name.split("-", 1)[0] + "-")
    height = server.device_type.u_height
    unit = min(int(u) for u in rack.get_available_units(u_height=height, rack_face=server.face) if u == int(u))
    cable_id = next_cable_id()
    data = {"device": server, "z_nbdevice": switch, "z_iface": new_port.name, "position": str(unit)}
    data["cable_id"] = cable_id

    run = run_script(MODULE, "MoveServer", data, commit=True)

    assert run.job.status == "completed", run.log
    assert run.messages("failure") == []
    assert_server_port(new_port, vlan, old_port.type)
    assert_reset(old_port, old_port.type)
    assert not Cable.objects.filter(pk=old_cable.pk).exists()
    primary.refresh_from_db()
    assert primary.cable == new_port.cable
    assert (primary.cable.label, primary.cable.color, primary.cable.type) == (cable_id, "111111", "dac-passive")
    server.refresh_from_db()
    assert (server.rack, server.location, server.position) == (rack, rack.location, unit)
    assert (server.primary_ip4_id, server.primary_ip6_id) == ips  # same row, same VLAN: the addresses stay
    assert run.log[0][1].startswith("Called with parameters: ")
    assert str(server) == f"{server.name} ({server.asset_tag})"  # the messages print the name, not str(device)
    assert run.log[1:] == [
        ("success", f"{switch.name}:{new_port.name} configured vlan."),
        ("success", f"{server.name}: reset old switch interface {old_port.device.name}:{old_port.name}."),
        ("success", f"{server.name}: deleted old cable."),
        ("warning", f"{server.name}: assuming Black dac-passive because {primary.type}"),
        ("success", f"{server.name}: created cable {cable_id}"),
        ("success", f"{server.name}: moved to rack {rack}, U{unit}."),
        ("success", "1 server moved"),
    ]


def two_switch_rack() -> tuple[Rack, list[Device]]:
    """A rack with two active top-of-rack switches, no seeded defect on either, and clean servers cabled to them."""
    for rack in Rack.objects.order_by("site__slug", "name"):
        switches = tors(rack)
        if len(switches) == 2 and not {s.name for s in switches} & FLAGGED:
            servers = clean(Device.objects.filter(rack=rack, role__slug="server", status="active", tenant=None))
            if servers:
                return rack, servers
    pytest.fail("the demo fleet has no rack with two top-of-rack switches")


def expected_port(old_port: Interface, new_switch: Device) -> str:
    """docs/behaviour-reference.md §2.6 step 4: Juniper numbers ports from 0, Nokia from 1; a Juniper name carries the
    switch's FPC (its virtual-chassis position, 0 when standalone) and a speed prefix."""
    old_vendor = old_port.device.device_type.manufacturer.slug
    new_vendor = new_switch.device_type.manufacturer.slug
    number = port_number(old_port.name)
    if new_vendor == "nokia":
        return old_port.name if old_vendor == "nokia" else f"ethernet-1/{number + 1}"
    fpc = new_switch.vc_position if new_switch.virtual_chassis_id else 0
    if old_vendor == "juniper":
        return f"{old_port.name.split('-', 1)[0]}-{fpc}/0/{number}"
    prefix = {"1000base-t": "ge", "10gbase-x-sfpp": "xe", "25gbase-x-sfp28": "et"}[old_port.type]
    return f"{prefix}-{fpc}/0/{number - 1}"


def test_move_servers_uplinks_to_the_other_switch_of_the_rack(run_script):
    rack, servers = two_switch_rack()
    uplinks = {s.pk: uplink_of(s) for s in servers}
    on = Counter(port.device_id for _, port in uplinks.values())
    new_switch = min(tors(rack), key=lambda s: on[s.pk])  # the one fewer servers use
    moving = [s for s in servers if uplinks[s.pk][1].device_id != new_switch.pk]
    assert moving
    cables = {s.pk: uplinks[s.pk][0].cable for s in moving}

    run = run_script(MODULE, "MoveServersUplinks", {"new_switch": new_switch}, commit=True)

    assert run.job.status == "completed", run.log
    assert run.messages("failure") == []
    for server in moving:
        primary, old_port = uplinks[server.pk]
        name = expected_port(old_port, new_switch)
        new_port = Interface.objects.get(device=new_switch, name=name)
        assert_server_port(new_port, old_port.untagged_vlan, old_port.type)
        assert_reset(old_port, old_port.type)
        primary.refresh_from_db()
        old = cables[server.pk]
        assert primary.cable == new_port.cable
        assert (primary.cable.label, primary.cable.color, primary.cable.type) == (old.label, old.color, old.type)
        assert (
            "success",
            f"{server.name}: moved connection from {old_port.device.name} {old_port.name} to {new_switch.name} {name}.",
        ) in run.log
    assert run.log[-1] == ("success", f"{len(moving)} uplinks moved")


def move_specific_uplink(run_script, server: Device, old_port: Interface, new_switch: Device, new_port: str) -> None:
    """Run MoveSpecificUplinks on ``server`` alone, which must move its uplink from ``old_port`` to ``new_port`` of
    ``new_switch``."""
    run = run_script(MODULE, "MoveSpecificUplinks", {"site": server.site, "servers": [server]}, commit=True)

    assert run.job.status == "completed", run.log
    assert run.log[-2:] == [
        (
            "success",
            f"{server.name}: moved connection from {old_port.device.name} {old_port.name} to {new_switch.name} "
            f"{new_port}.",
        ),
        ("success", "1 uplinks moved"),
    ]


def test_move_specific_uplinks_there_and_back(run_script):
    rack, servers = two_switch_rack()
    server = servers[0]
    primary, home = uplink_of(server)
    vlan = home.untagged_vlan
    (away_switch,) = [s for s in tors(rack) if s.pk != home.device_id]
    away = expected_port(home, away_switch)
    cable = primary.cable
    away_type = Interface.objects.filter(device=away_switch, name=away).values_list("type", flat=True).first()

    move_specific_uplink(run_script, server, home, away_switch, away)
    away_port = Interface.objects.get(device=away_switch, name=away)
    assert_server_port(away_port, vlan, home.type)
    assert_reset(home, home.type)

    # The switch is picked again, the other way round: the server is back on its port, with its cable's label,
    # colour and type; the away port is reset (a Nokia 7220 IXR-D2L port 1-48 goes back to 25G).
    move_specific_uplink(run_script, server, away_port, home.device, home.name)
    assert_server_port(home, vlan, home.type)
    assert_reset(away_port, away_type or home.type)
    primary.refresh_from_db()
    assert primary.cable == home.cable
    assert (primary.cable.label, primary.cable.color, primary.cable.type) == (cable.label, cable.color, cable.type)
