"""The host's interfaces: which, in what order, type, MTU, MAC and relations (``planning.interfaces``)."""

from __future__ import annotations

import pytest

from netbox_wmf_ops.puppetdb.planning.interfaces import interface_type

from .helpers import PortRef, after_first_import, by_key, changes, ganeti_provisioned, one, plan, state


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"speed": 1000}, "1000base-t"),
        ({"speed": 10000}, "10gbase-x-sfpp"),
        ({"speed": 25000}, "25gbase-x-sfp28"),
        ({"speed": 100000}, "100gbase-x-qsfp28"),
        ({"speed": None}, "1000base-t"),
        ({"kind": "bond"}, "lag"),
        ({"kind": "bridge"}, "bridge"),
        ({"kind": "vlan"}, "virtual"),
        ({"name": "eno1.100", "speed": 10000}, "virtual"),
        ({"driver": "virtio_net"}, "virtual"),
    ],
)
def test_interface_type(changes, expected):
    from netbox_wmf_ops.puppetdb.facts import InterfaceFacts

    assert interface_type(InterfaceFacts(**{"name": "eno1", **changes})) == expected


def test_mtu_and_mac_changes_update_existing_interfaces():
    def jumbo(raw):
        raw["networking"]["interfaces"]["eno1np0"]["mtu"] = 9000
        raw["networking"]["interfaces"]["eno1np0"]["mac"] = "B4:96:91:5A:10:99"

    change = one(changes(plan("single_nic", after_first_import(), jumbo), "interface", "update"))
    assert change.fields == {"mtu": 9000, "mac_address": "b4:96:91:5a:10:99"}
    assert change.before == {"mtu": None, "mac_address": "b4:96:91:5a:10:20"}


def test_bond_membership_from_linux_master_key():
    def only_master(raw):
        for name in ("enp175s0f0np0", "enp175s0f1np1"):
            raw["networking"]["interfaces"][name].pop("parent_bond")

    p = plan("bonded", state("cephosd1040"), only_master)
    members = [c.fields.get("lag") for c in changes(p, "interface", "create") if c.key.name.startswith("enp")]
    assert members == ["bond0", "bond0"]


def test_bridged_host_orders_bridges_first_and_skips_blocklisted_kinds():
    p = plan("bridged_vlans", ganeti_provisioned())
    # The placeholder is the bridge's uplink (its LLDP neighbour is a router), not the bridge itself.
    assert one(by_key(p, "interface", PortRef("ganeti1030", "##PRIMARY##"))).fields["name"] == "eno1np0"
    created = [c.key.name for c in changes(p, "interface", "create")]
    assert created == ["private", "public", "eno1np0.1004"]
    # tap0 and vxlan100 are not imported at all (docs/behaviour-reference.md §6.4 item 1 fixed), only logged.
    assert "Skipping tap0 as we do not import tun interfaces." in p.lines("info")
    assert "Skipping vxlan100 as we do not import vxlan interfaces." in p.lines("info")
    types = {c.key.name: c.fields["type"] for c in changes(p, "interface", "create")}
    assert types == {"private": "bridge", "public": "bridge", "eno1np0.1004": "virtual"}


def test_parent_not_in_netbox_nor_in_the_facts_is_a_clear_failure():
    def dangling(raw):
        raw["networking"]["interfaces"]["eno1np0.1004"]["parent_link"] = "eno9"

    p = plan("bridged_vlans", ganeti_provisioned(), dangling)
    assert "PuppetDB reports eno1np0.1004 has parent_link called eno9 but no matching int in Netbox" in p.failures
    sub = one(by_key(p, "interface", PortRef("ganeti1030", "eno1np0.1004"), "create")).fields
    assert "parent" not in sub and sub["bridge"] == "public"


def test_facts_for_a_host_with_vlan_parent_order():
    # A sub-interface listed before its parent is still planned after it.
    def reorder(raw):
        interfaces = raw["networking"]["interfaces"]
        raw["networking"]["interfaces"] = {"eno1np0.1004": interfaces.pop("eno1np0.1004"), **interfaces}

    p = plan("bridged_vlans", state("ganeti1030"), reorder)
    names = [c.key.name for c in changes(p, "interface", "create")]
    assert names.index("eno1np0") < names.index("eno1np0.1004")
    assert names.index("public") < names.index("eno1np0.1004")
