"""MoveServer, MoveServersUplinks and MoveSpecificUplinks (docs/behaviour-reference.md §2.6), run as NetBox runs
them."""

from __future__ import annotations

import pytest
from dcim.models import Cable, Interface
from ipam.models import VLAN
from tenancy.models import Tenant

from tests import factories
from tests.factories import rack_spaces as lb
from tests.script_runs import REVERTED, REVERTED_ON_ERROR

from .snapshots import db_state

pytestmark = pytest.mark.django_db

MODULE = "move_server"


def move_data(device, switch, z_iface="xe-0/0/5", position="20", cable_id="") -> dict:
    return {"device": device, "z_nbdevice": switch, "z_iface": z_iface, "position": position, "cable_id": cable_id}


def test_move_server_happy_path(run_script):
    old = lb.rack_space()
    new = lb.rack_space(site=old.site, location=old.location)
    extra = VLAN.objects.create(name=factories.unique("v"), vid=3001, site=old.site, status="active")
    # Asset tags, so that NetBox 4's str(device) ("name (tag)") differs from the name the messages print.
    dev, primary, old_port, old_cable = lb.cabled_server(
        old, "xe-0/0/2", label="C5", tagged=[extra], asset_tag=factories.unique("WMF")
    )
    tags = [dev.asset_tag]
    for switch in (old.switch, new.switch):
        switch.asset_tag = factories.unique("WMF")
        switch.save()
        tags.append(switch.asset_tag)

    run = run_script(MODULE, "MoveServer", move_data(dev, new.switch, cable_id="C6"), commit=True)

    assert run.messages("failure") == [], run.log
    new_port = new.port("xe-0/0/5")
    assert (new_port.mode, new_port.untagged_vlan, new_port.mtu, new_port.enabled) == ("tagged", old.vlan, 9192, True)
    assert list(new_port.tagged_vlans.all()) == [extra]
    old_port.refresh_from_db()
    assert (old_port.enabled, old_port.mode, old_port.untagged_vlan, old_port.mtu) == (False, None, None, None)
    assert not old_port.tagged_vlans.exists()
    assert not Cable.objects.filter(pk=old_cable.pk).exists()
    primary.refresh_from_db()
    assert primary.cable.label == "C6"
    assert (primary.cable.color, primary.cable.type) == ("111111", "dac-passive")
    new_port.refresh_from_db()
    assert new_port.cable == primary.cable
    dev.refresh_from_db()
    assert (dev.rack, dev.position) == (new.rack, 20)

    assert run.log[0][1].startswith("Called with parameters: ")
    assert ("success", f"{new.switch.name}:xe-0/0/5 configured tagged vlans {[extra.name]}") in run.log
    assert ("success", f"{dev.name}: reset old switch interface {old.switch.name}:xe-0/0/2.") in run.log
    assert ("success", f"{dev.name}: deleted old cable.") in run.log
    assert ("success", f"{dev.name}: moved to rack {new.rack}, U20.") in run.log
    assert ("warning", f"{dev.name}: assuming Black dac-passive because 10gbase-x-sfpp") in run.log
    assert ("success", f"{dev.name}: created cable C6") in run.log
    assert run.log[-1] == ("success", "1 server moved")
    # Only the parameters line (the form data's repr) shows the asset tags.
    assert [m for _, m in run.log[1:] if any(tag in m for tag in tags)] == []


def test_move_server_dry_run_changes_nothing(run_script):
    old = lb.rack_space()
    new = lb.rack_space(site=old.site, location=old.location)
    dev, *_ = lb.cabled_server(old, "xe-0/0/2")
    before = db_state()
    run = run_script(MODULE, "MoveServer", move_data(dev, new.switch), commit=False)
    assert run.messages("failure") == [], run.log
    assert run.log[-1] == ("info", REVERTED)
    assert db_state() == before


def _move_refusals():
    def missing(old, new):
        dev, *_ = lb.cabled_server(old, "xe-0/0/2")
        return move_data(dev, new.switch, z_iface=""), f"{dev.name}: New switch or switch interface missing, skipping."

    def switch_status(old, new):
        dev, *_ = lb.cabled_server(old, "xe-0/0/2")
        new.switch.status = "planned"
        new.switch.save()
        return move_data(dev, new.switch), (
            f"{dev.name}: switch {new.switch.name} with status planned, expected Active or Staged, skipping."
        )

    def unit_zero(old, new):
        dev, *_ = lb.cabled_server(old, "xe-0/0/2")
        return move_data(dev, new.switch, position="0"), f"{dev.name}: Rack unit can't be 0, skipping."

    def not_server(old, new):
        dev, *_ = lb.cabled_server(old, "xe-0/0/2")
        dev.role = factories.role("pdu")
        dev.save()
        return move_data(dev, new.switch), f"{dev.name}: role pdu, only servers are supported, skipping."

    def switch_role(old, new):
        dev, *_ = lb.cabled_server(old, "xe-0/0/2")
        new.switch.role = factories.role("cr")
        new.switch.save()
        return move_data(dev, new.switch), (
            f"{dev.name}: switch {new.switch.name} with role cr, only switches are supported, skipping."
        )

    def bad_prefix(old, new):
        dev, *_ = lb.cabled_server(old, "xe-0/0/2")
        return move_data(dev, new.switch, z_iface="eth5"), (
            f"{dev.name}: Switch interface eth5 invalid, must start with et- or xe- or ge- or ethernet-."
        )

    def vc_position(old, new):
        dev, *_ = lb.cabled_server(old, "xe-0/0/2")
        member = lb.tor_switch(new.rack, vc_position=2, position=41)
        return move_data(dev, member, z_iface="xe-1/0/5"), (
            f"{dev.name}: Interface name xe-1/0/5 invalid, first digit of port number should be 2, matching "
            f"{member.name} virtual-chassis postition."
        )

    def no_primary(old, new):
        dev = lb.server(old, status="active")
        Interface.objects.create(device=dev, name="eno1", type="10gbase-x-sfpp")
        return move_data(dev, new.switch), (
            f"{dev.name}: either 0 or more than 1 connected interface: [], please update Netbox manually, skipping."
        )

    def port_cabled(old, new):
        dev, *_ = lb.cabled_server(old, "xe-0/0/2")
        lb.cabled_server(new, "xe-0/0/5", position=30)
        return move_data(dev, new.switch), (
            f"There is already a cable on {new.switch.name}:xe-0/0/5 (typo?), please fix it manually and re-run the "
            "script."
        )

    def unit_taken(old, new):
        dev, *_ = lb.cabled_server(old, "xe-0/0/2")
        lb.server(new, position=20)
        return move_data(dev, new.switch), f"{dev.name}: U20 of rack {new.rack} is not free, skipping."

    return {f.__name__: f for f in locals().values() if callable(f)}


MOVE_REFUSALS = _move_refusals()


@pytest.mark.parametrize("case", sorted(MOVE_REFUSALS))
def test_move_server_refusals_write_nothing(run_script, case):
    old = lb.rack_space()
    new = lb.rack_space(site=old.site, location=old.location)
    values, expected = MOVE_REFUSALS[case](old, new)
    before = db_state()
    run = run_script(MODULE, "MoveServer", values, commit=True)
    assert run.aborted_with == expected, run.log
    assert run.log[-1] == ("info", REVERTED_ON_ERROR)
    assert db_state() == before


# --------------------------------------------------------------------------------------------------------------------
# Uplink moves
# --------------------------------------------------------------------------------------------------------------------


def test_move_servers_uplinks_juniper_to_nokia(run_script):
    space = lb.rack_space()
    nokia = lb.tor_switch(space.rack, "nokia", position=41, status="planned")
    a, a_primary, a_old, _ = lb.cabled_server(
        space, "xe-0/0/1", label="C1", color="ff9800", cable_type="dac-passive", position=10
    )
    b, b_primary, _, _ = lb.cabled_server(space, "xe-0/0/2", position=11)
    tenant = Tenant.objects.create(name=factories.unique("t"), slug=factories.unique("t"))
    lb.cabled_server(space, "xe-0/0/3", position=12, tenant=tenant)  # has a tenant: not moved
    lonely = lb.server(space, status="active", position=13)  # no cabled interface: refused, the others move

    run = run_script(MODULE, "MoveServersUplinks", {"new_switch": nokia}, commit=True)

    a_primary.refresh_from_db()
    b_primary.refresh_from_db()
    a_new = Interface.objects.get(device=nokia, name="ethernet-1/2")
    assert a_primary.cable == a_new.cable
    assert (a_new.cable.label, a_new.cable.color, a_new.cable.type) == ("C1", "ff9800", "dac-passive")
    assert (a_new.mode, a_new.untagged_vlan, a_new.mtu, a_new.type) == ("access", space.vlan, 9192, "10gbase-x-sfpp")
    assert b_primary.cable == Interface.objects.get(device=nokia, name="ethernet-1/3").cable
    a_old.refresh_from_db()
    assert (a_old.cable, a_old.enabled, a_old.untagged_vlan) == (None, False, None)
    assert space.port("xe-0/0/3").cable is not None
    assert run.messages("failure") == [f"{lonely.name}: cannot find primary interface, skipping."]
    assert (
        "success",
        f"{a.name}: moved connection from {space.switch.name} xe-0/0/1 to {nokia.name} ethernet-1/2.",
    ) in run.log
    assert (
        "success",
        f"{b.name}: moved connection from {space.switch.name} xe-0/0/2 to {nokia.name} ethernet-1/3.",
    ) in run.log
    assert run.log[-1] == ("success", "2 uplinks moved")


def test_move_servers_uplinks_refuses_a_non_switch(run_script):
    space = lb.rack_space()
    lb.cabled_server(space, "xe-0/0/1")
    pdu = lb.tor_switch(space.rack, role_slug="pdu", ports=0, position=41)
    before = db_state()
    run = run_script(MODULE, "MoveServersUplinks", {"new_switch": pdu}, commit=True)
    assert run.aborted_with == (
        f"{pdu.name}: role pdu and status active, expected a top-of-rack switch (asw, cloudsw) that is active, staged, "
        "planned."
    )
    assert db_state() == before


def test_move_specific_uplinks_picks_the_other_switch(run_script):
    space = lb.rack_space()
    other = lb.tor_switch(space.rack, "juniper", position=41)
    dev, primary, *_ = lb.cabled_server(space, "xe-0/0/4")
    run = run_script(MODULE, "MoveSpecificUplinks", {"site": space.site, "servers": [dev]}, commit=True)
    assert run.messages("failure") == [], run.log
    primary.refresh_from_db()
    assert primary.cable == Interface.objects.get(device=other, name="xe-0/0/4").cable
    # The old cable had neither colour nor type: the new one gets the defaults of the server interface's speed.
    assert (primary.cable.color, primary.cable.type) == ("111111", "dac-passive")
    assert run.messages("warning") == [f"{dev.name}: assuming Black dac-passive because 10gbase-x-sfpp"]
    assert run.log[-1] == ("success", "1 uplinks moved")


def test_move_specific_uplinks_skips_an_ambiguous_rack(run_script):
    space = lb.rack_space()
    lb.tor_switch(space.rack, "juniper", position=41)
    lb.tor_switch(space.rack, "nokia", position=40)
    dev, *_ = lb.cabled_server(space, "xe-0/0/4")
    before = db_state()
    run = run_script(MODULE, "MoveSpecificUplinks", {"site": space.site, "servers": [dev]}, commit=True)
    assert run.messages("failure") == [f"{dev.name}: rack {space.rack} has 2 other switches, skipping."]
    assert run.log[-1] == ("success", "0 uplinks moved")
    assert db_state() == before


def test_move_specific_uplinks_already_cabled_target_rolls_that_server_back(run_script):
    space = lb.rack_space()
    other = lb.tor_switch(space.rack, "juniper", position=41)
    dev, *_ = lb.cabled_server(space, "xe-0/0/4", position=10)
    lb.cabled_server(space, "xe-0/0/4", switch=other, position=11)
    before = db_state()
    run = run_script(MODULE, "MoveSpecificUplinks", {"site": space.site, "servers": [dev]}, commit=True)
    assert run.messages("failure") == [
        f"{dev.name}: not moved: There is already a cable on {other.name}:xe-0/0/4 (typo?), please fix it manually and "
        "re-run the script."
    ]
    assert db_state() == before
