"""The other lifecycle scripts on a server provisioned by ProvisionFundraisingServerNetwork
(docs/behaviour-reference.md §2.5): bonded, cabled
to two switches. Every switch port and both cables are treated, not only the first."""

from __future__ import annotations

import uuid

import pytest
from dcim.models import Cable, CableTermination, Device, Interface
from ipam.models import IPAddress

from tests.factories import rack_spaces as lb

from .test_provision_frack import data, every_field, full_state

pytestmark = pytest.mark.django_db


def provision(run_script, space, dev, request_id=None):
    form = data(dev, z_port=5, cable_id_a=f"{dev.name}-A", cable_id_b=f"{dev.name}-B")
    run = run_script("frtech_provision_server", "ProvisionFundraisingServerNetwork", form, True, request_id)
    assert run.job.status == "completed", run.log
    dev.refresh_from_db()
    return dev


def members(dev) -> dict[str, Interface]:
    return {i.name: i for i in Interface.objects.filter(device=dev, name__startswith="PRIMARY_")}


def test_offline_deletes_both_cables_and_the_bond_after_its_members(run_script):
    space = lb.frack_rack()
    dev = provision(run_script, space, lb.frack_server(space))
    cables = {m.cable_id for m in members(dev).values()}
    assert len(cables) == 2
    Device.objects.filter(pk=dev.pk).update(status="decommissioning")

    run = run_script("offline_device", "OfflineDevice", {"devices": dev.name}, commit=True)
    assert run.job.status == "completed", run.log
    assert not Interface.objects.filter(device=dev).exists()
    assert not Cable.objects.filter(pk__in=cables).exists()
    assert not IPAddress.objects.filter(dns_name__startswith=f"{dev.name}.").exists()
    for letter in "ab":
        port = space.port(letter, "xe-0/0/5")
        assert port.cable is None
    deleted = [m.split()[2] for m in run.messages("info") if m.startswith("Deleting interface ")]
    assert deleted.index("PRIMARY_A") < deleted.index("bond0") and deleted.index("PRIMARY_B") < deleted.index("bond0")
    assert sum(m.startswith("Deleting cable ") for m in run.messages("info")) == 2


def test_replace_moves_the_bond_its_members_and_both_cables(run_script):
    space = lb.frack_rack()
    old = provision(run_script, space, lb.frack_server(space))
    new = lb.frack_server(space, position=20, status="planned")
    run = run_script(
        "replace_device",
        "ReplaceDevice",
        {"source_device": old, "destination_device": new, "already_racked": True, "move_inventory": False},
        commit=True,
    )
    assert run.job.status == "completed", run.log
    new.refresh_from_db()
    bond = Interface.objects.get(device=new, name="bond0")
    assert new.primary_ip4.assigned_object == bond
    found = members(new)
    assert sorted(found) == ["PRIMARY_A", "PRIMARY_B"]
    for letter in "ab":
        member = found[f"PRIMARY_{letter.upper()}"]
        port = space.port(letter, "xe-0/0/5")
        assert member.lag == bond
        assert port.link_peers == [member]
        assert member.link_peers == [port]
        ends = CableTermination.objects.filter(cable=member.cable, termination_id=member.pk)
        assert [t._device_id for t in ends] == [new.pk]


def test_move_server_moves_both_links_to_the_new_racks_switches(run_script):
    space = lb.frack_rack()
    dev = provision(run_script, space, lb.frack_server(space))
    labels = {name: m.cable.label for name, m in members(dev).items()}
    target = lb.frack_rack(site=space.site)
    run = run_script(
        "move_server",
        "MoveServer",
        {"device": dev, "z_nbdevice": target.switches["b"], "z_iface": "xe-0/0/3", "position": "12", "cable_id": ""},
        commit=True,
    )
    assert run.job.status == "completed", run.log
    dev.refresh_from_db()
    assert (dev.rack, dev.position) == (target.rack, 12)
    for letter in "ab":
        member = members(dev)[f"PRIMARY_{letter.upper()}"]
        new_port = target.port(letter, "xe-0/0/3")
        old_port = space.port(letter, "xe-0/0/5")
        assert member.link_peers == [new_port]
        assert member.cable.label == labels[member.name]  # each cable keeps its ID
        assert (new_port.enabled, new_port.mode, new_port.untagged_vlan, new_port.mtu) == (
            True,
            "access",
            space.vlan,
            9192,
        )
        assert (old_port.cable, old_port.enabled, old_port.mode, old_port.untagged_vlan) == (None, False, None, None)
    assert sum("reset old switch interface" in m for m in run.messages("success")) == 2


def test_move_server_refuses_a_rack_without_the_other_member(run_script):
    space = lb.frack_rack()
    dev = provision(run_script, space, lb.frack_server(space))
    target = lb.frack_rack(site=space.site)
    target.switches["a"].status = "offline"
    target.switches["a"].save()
    before = every_field()
    run = run_script(
        "move_server",
        "MoveServer",
        {"device": dev, "z_nbdevice": target.switches["b"], "z_iface": "xe-0/0/3", "position": "12", "cable_id": ""},
        commit=True,
    )
    assert run.job.status == "errored"
    switch = space.switches["a"].name
    assert run.aborted_with == (
        f"{dev.name}: PRIMARY_A is cabled to {switch} (member a), but rack {target.rack} has 0 switches of member a, "
        "skipping."
    )
    assert every_field() == before


def test_revert_of_a_provisioning_restores_the_database(run_script):
    space = lb.frack_rack()
    dev = lb.frack_server(space)
    before = full_state()
    request_id = uuid.uuid4()
    provision(run_script, space, dev, request_id)
    assert full_state() != before
    run = run_script("revert", "Revert", {"request_or_change_id": str(request_id)}, commit=True)
    assert run.job.status == "completed", run.log
    assert run.messages("failure") == []
    assert full_state() == before


def replacement_switch(space, letter: str):
    """A new active fr-tech switch of member ``letter`` in the rack (``fasw3-…``), its ports free."""
    switch = lb.tor_switch(space.rack, name=f"fasw3-{space.rack.name.lower()}{letter}-{space.site.slug}", position=30)
    switch.tenant = space.tenant
    switch.save()
    Interface.objects.filter(device=switch).update(enabled=False)
    return switch


def test_move_specific_uplinks_moves_the_member_of_the_replaced_switch(run_script):
    space = lb.frack_rack()
    dev = provision(run_script, space, lb.frack_server(space))
    cable_b = members(dev)["PRIMARY_B"].cable_id
    new_a = replacement_switch(space, "a")
    run = run_script("move_server", "MoveSpecificUplinks", {"site": space.site, "servers": [dev]}, commit=True)
    assert run.job.status == "completed", run.log
    assert run.messages("failure") == []
    found = members(dev)
    new_port = Interface.objects.get(device=new_a, name="xe-0/0/5")
    assert found["PRIMARY_A"].link_peers == [new_port]
    assert found["PRIMARY_A"].cable.label == f"{dev.name}-A"  # the cable keeps its ID
    assert (new_port.enabled, new_port.untagged_vlan, new_port.mtu) == (True, space.vlan, 9192)
    assert space.port("a", "xe-0/0/5").cable is None
    assert found["PRIMARY_B"].cable_id == cable_b  # member b's switch stays
    assert (
        f"{dev.name}: moved connection from {space.switches['a'].name} xe-0/0/5 to {new_a.name} xe-0/0/5."
        in run.messages("success")
    )
    assert run.messages("success")[-1] == "1 uplinks moved"


def test_move_specific_uplinks_refuses_a_bond_without_replacement(run_script):
    space = lb.frack_rack()
    dev = provision(run_script, space, lb.frack_server(space))
    before = every_field()
    run = run_script("move_server", "MoveSpecificUplinks", {"site": space.site, "servers": [dev]}, commit=True)
    assert run.job.status == "completed", run.log
    assert run.messages("failure") == [
        f"{dev.name}: rack {space.rack} has no other switch of the bond's members, skipping."
    ]
    assert every_field() == before
