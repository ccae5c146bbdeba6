"""The switch side of a cable: ports, their MTU, orphan ports (``planning.switch_ports``)."""

from __future__ import annotations

from netbox_wmf_ops.puppetdb.planning.records import InterfaceRecord, SwitchRecord
from netbox_wmf_ops.puppetdb.planning.removals import REMOVAL_GUARD_DOC
from netbox_wmf_ops.puppetdb.planning.switch_ports import orphan_ports

from .helpers import after_first_import, changes, default_switches, fast_ports, one, plan, replace, vc_port


def test_orphan_ports_match_other_speed_names_of_the_same_port_only():
    sw = SwitchRecord(
        "asw",
        interfaces={n: InterfaceRecord(i, n) for i, n in enumerate(["ge-0/0/5", "xe-0/0/15", "et-0/0/5", "xe-0/0/5"])},
    )
    assert sorted(i.name for i in orphan_ports(sw, "xe-0/0/5")) == ["et-0/0/5", "ge-0/0/5"]


def test_missing_switch_port_is_created_with_switch_mtu_and_type_from_its_name():
    st = replace(after_first_import(), switches=default_switches(**{"asw2-c4-eqiad": fast_ports("xe-4/0/12")}))
    p = plan("single_nic_moved", st)
    create = one([c for c in changes(p, "interface", "create") if c.key.owner == "asw2-c4-eqiad"])
    assert create.key == vc_port("xe-4/0/30")
    assert create.fields["type"] == "10gbase-x-sfpp" and create.fields["mtu"] == 9192
    assert create.message == "asw2-c4-eqiad: created interface xe-4/0/30"
    cable = one(changes(p, "cable", "create"))
    assert p.entries.index(create) < p.entries.index(cable)


def test_orphan_port_of_another_speed_is_deleted_before_creating_the_port():
    ports = {"ge-4/0/30": {"type": "1000base-t"}, **fast_ports("xe-4/0/12")}
    st = replace(after_first_import(), switches=default_switches(**{"asw2-c4-eqiad": ports}))
    p = plan("single_nic_moved", st)
    delete = one(changes(p, "interface", "delete"))
    assert delete.key == vc_port("ge-4/0/30")
    assert delete.message == "asw2-c4-eqiad: deleted orphan interface ge-4/0/30"


def test_orphan_port_with_a_cable_blocks_the_switch_side():
    ports = {"ge-4/0/30": {"type": "1000base-t", "cable_id": 42}, **fast_ports("xe-4/0/12")}
    st = replace(after_first_import(), switches=default_switches(**{"asw2-c4-eqiad": ports}))
    p = plan("single_nic_moved", st)
    assert p.failures == [
        "asw2-c4-eqiad: We need to remove interface ge-4/0/30, before creating xe-4/0/30, however it still has a "
        f"cable or IP address attached. See {REMOVAL_GUARD_DOC}"
    ]
    assert changes(p, "cable") == [] and changes(p, "interface", "delete") == []


def test_switch_port_without_mtu_gets_9192():
    st = replace(after_first_import(), switches=default_switches(**{"asw2-c4-eqiad": {"xe-4/0/12": {}}}))
    change = one(changes(plan("single_nic", st), "interface", "update"))
    assert (change.key, change.fields) == (vc_port(), {"mtu": 9192})
    assert change.message == "Updated asw2-c4-eqiad xe-4/0/12 MTU to 9192"
