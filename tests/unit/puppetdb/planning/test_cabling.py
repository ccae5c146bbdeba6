"""LLDP neighbours and cables (``planning.cabling``)."""

from __future__ import annotations

from netbox_wmf_ops.puppetdb.planning.cabling import cable_label, find_switch
from netbox_wmf_ops.puppetdb.planning.records import SwitchRecord

from .helpers import (
    CableRecord,
    PortRef,
    after_first_import,
    changes,
    default_switches,
    fast_ports,
    one,
    plan,
    replace,
    vc_port,
)


def test_find_switch_by_name_then_virtual_chassis_member():
    switches = [
        SwitchRecord("asw2-b-eqiad"),
        SwitchRecord("asw2-c2-eqiad", vc_domain="asw2-c-eqiad.mgmt.eqiad.wmnet", vc_position=2),
        SwitchRecord("asw2-c4-eqiad", vc_domain="asw2-c-eqiad.mgmt.eqiad.wmnet", vc_position=4),
    ]
    assert find_switch(switches, "asw2-b-eqiad.mgmt.eqiad.wmnet", "ge-1/0/1").name == "asw2-b-eqiad"
    assert find_switch(switches, "asw2-c-eqiad", "xe-4/0/12").name == "asw2-c4-eqiad"
    assert find_switch(switches, "asw2-c-eqiad", "xe-7/0/12") is None
    assert find_switch(switches, "lsw9-eqiad", "et-0/0/1") is None


def test_cable_label_from_switch_description():
    assert cable_label("db1201 {#230403}") == "230403"
    assert cable_label("db1201") is None


def test_host_moved_to_another_port_gets_its_cable_corrected_in_the_same_run():
    st = after_first_import()
    st = replace(st, switches=default_switches(**{"asw2-c4-eqiad": fast_ports("xe-4/0/12", "xe-4/0/30")}))
    p = plan("single_nic_moved", st)
    delete = one(changes(p, "cable", "delete"))
    assert (delete.key, delete.message) == (500, "db1201: Remove cable from eno1np0")
    create = one(changes(p, "cable", "create"))
    assert create.fields["a"] == PortRef("db1201", "eno1np0")
    assert create.fields["b"] == vc_port("xe-4/0/30")
    # The same physical cable: label, colour and type are kept.
    assert (create.fields["label"], create.fields["color"], create.fields["type"]) == (
        "230403",
        "111111",
        "dac-passive",
    )
    assert p.entries.index(delete) < p.entries.index(create)
    assert p.failures == []


def test_stale_cable_on_the_new_switch_port_is_removed_too():
    ports = fast_ports("xe-4/0/12")
    ports["xe-4/0/30"] = {"type": "10gbase-x-sfpp", "mtu": 9192, "cable_id": 777}
    st = replace(
        after_first_import(), switches=default_switches(**{"asw2-c4-eqiad": ports}), cables={500: CableRecord(500)}
    )
    p = plan("single_nic_moved", st)
    assert [(c.key, c.message) for c in changes(p, "cable", "delete")] == [
        (500, "db1201: Remove cable from eno1np0"),
        (777, "asw2-c4-eqiad: remove cable from xe-4/0/30"),
    ]
    create = one(changes(p, "cable", "create"))
    assert create.fields["label"] == "230403"  # from the switch port description


def test_empty_cable_label_is_filled_from_the_switch_description_but_never_overwritten():
    st = replace(after_first_import(), cables={500: CableRecord(500, "", "111111", "dac-passive")})
    change = one(changes(plan("single_nic", st), "cable"))
    assert (change.action, change.key, change.fields) == ("update", 500, {"label": "230403"})
    st = replace(after_first_import(), cables={500: CableRecord(500, "999999", "111111", "dac-passive")})
    assert changes(plan("single_nic", st), "cable") == []


def test_patch_panel_path_is_never_torn_down():
    st = after_first_import()
    patched = replace(st.interfaces["eno1np0"], link_peer_is_interface=False, connected=vc_port("xe-4/0/1"))
    st = replace(st, interfaces={**st.interfaces, "eno1np0": patched})
    p = plan("single_nic", st)
    assert changes(p, "cable") == []
    assert p.failures == [
        "db1201: eno1np0 is cabled through a patch panel to asw2-c4-eqiad:xe-4/0/1, but LLDP sees "
        "asw2-c4-eqiad:xe-4/0/12; fix the cabling in Netbox by hand"
    ]


def test_unknown_lldp_neighbour_is_one_failure():
    st = replace(after_first_import(), switches=())
    p = plan("single_nic", st)
    assert p.failures == ["db1201: LLDP neighbor asw2-c-eqiad of eno1np0 is not in Netbox"]
    assert changes(p, "cable") == []


def test_lldp_port_outside_the_switch_allowlist_is_ignored():
    def ganeti_mac(raw):
        raw["lldp"]["eno1np0"]["port"] = "aa:00:00:4e:2f:07"

    p = plan("single_nic", after_first_import(), ganeti_mac)
    assert p.changes == [] and p.failures == []
