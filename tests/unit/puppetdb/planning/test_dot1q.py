"""802.1Q modes and VLANs, on the host and its switch port (``planning.dot1q``)."""

from __future__ import annotations

from .helpers import PortRef, by_key, changes, ganeti_provisioned, one, plan, replace


def test_bridged_host_relations_and_8021q():
    p = plan("bridged_vlans", ganeti_provisioned())
    sub = one(by_key(p, "interface", PortRef("ganeti1030", "eno1np0.1004"), "create")).fields
    assert (sub["parent"], sub["bridge"]) == ("eno1np0", "public")
    updates = by_key(p, "interface", PortRef("ganeti1030", "eno1np0"), "update")
    merged = {k: v for c in updates for k, v in c.fields.items()}
    assert merged["bridge"] == "private"
    # The parent carries the VLAN tagged, natively the VLAN of its bridge's subnet.
    assert merged["mode"] == "tagged"
    assert merged["untagged_vlan"] == 32  # private1-a-eqiad, from 10.64.32.0/22
    assert merged["tagged_vlans"] == frozenset({4})  # public1-a-eqiad (vid 1004)
    assert "Added vlan 1004 to eno1np0 tagged vlans" in [c.message for c in updates]
    access = one(by_key(p, "interface", PortRef("ganeti1030", "eno1np0.1004"), "update"))
    assert access.fields == {"mode": "access", "untagged_vlan": 4}
    assert access.message == "Set vlan 1004 as untagged vlan on eno1np0.1004"
    # The primary IP moves from the placeholder (now eno1np0) to the bridge.
    moved = one(changes(p, "ipaddress", "update"))
    assert moved.fields["assigned"] == PortRef("ganeti1030", "private")


def test_bridged_host_switch_port_follows_the_server_vlans():
    p = plan("bridged_vlans", ganeti_provisioned())
    z = one(by_key(p, "interface", PortRef("asw2-a-eqiad", "xe-2/0/7"), "update"))
    assert z.fields == {"mode": "tagged", "untagged_vlan": 32, "tagged_vlans": frozenset({4})}
    assert z.message == (
        "Set asw2-a-eqiad xe-2/0/7 mode to tagged matching eno1np0; "
        "Set asw2-a-eqiad xe-2/0/7 untagged vlan to private1-a-eqiad matching eno1np0; "
        "Set asw2-a-eqiad xe-2/0/7 tagged vlans to ['public1-a-eqiad'] matching eno1np0"
    )


def test_missing_vlan_is_a_warning():
    st = replace(ganeti_provisioned(), vlans=())
    p = plan("bridged_vlans", st)
    assert "Configured Vlan ID 1004 on eno1np0.1004 not found in Netbox" in p.lines("warning")
    assert all("mode" not in c.fields for c in changes(p, "interface"))
