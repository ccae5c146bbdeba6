"""facts + NetBox state → interface plan, on the shared fact fixtures (tests/fixtures/puppetdb/)."""

from __future__ import annotations

import pytest

from netbox_wmf_ops.puppetdb.plan import REMOVAL_GUARD_DOC, Change, HostState, PortRef, host_refusal

from .helpers import CableRecord, by_key, changes, default_switches, facts, iface, ip, one, plan, replace, state

GUARD = (
    "{host}: We want to remove interface {name}, however it still has a cable or IP address associated with it. "
    "See docs/scripts.md#removal-guard"
)


# --------------------------------------------------------------------------------------------------------------------
# Single NIC
# --------------------------------------------------------------------------------------------------------------------


def test_single_nic_new_host_creates_everything():
    p = plan("single_nic", state("db1201"))
    created = {c.key.name: c for c in changes(p, "interface", "create") if c.key.owner == "db1201"}
    assert set(created) == {"eno1np0", "eno2np1"}  # lo is name-blocklisted
    eno1 = created["eno1np0"].fields
    assert eno1["type"] == "10gbase-x-sfpp"
    assert eno1["mac_address"] == "b4:96:91:5a:10:20"
    assert "mtu" not in eno1  # 1500 is the default
    assert created["eno2np1"].fields["type"] == "1000base-t"  # link down: speed unknown
    assert created["eno1np0"].message == "Creating interface eno1np0 for device db1201"

    ips = {c.fields["address"]: c.fields for c in changes(p, "ipaddress", "create")}
    assert set(ips) == {"10.64.16.20/22", "2620:0:861:102:10:64:16:20/64"}  # link-local and loopback skipped
    assert all(f["assigned"] == PortRef("db1201", "eno1np0") and f["status"] == "active" for f in ips.values())
    primaries = {k: v for c in changes(p, "device") for k, v in c.fields.items() if k != "owner_kind"}
    assert primaries == {"primary_ip4": "10.64.16.20/22", "primary_ip6": "2620:0:861:102:10:64:16:20/64"}
    assert "Setting 10.64.16.20/22 as primary for db1201" in p.lines("info")

    cable = one(changes(p, "cable", "create"))
    # The neighbour asw2-c-eqiad is a virtual chassis: member 4 owns xe-4/0/12.
    assert cable.fields["b"] == PortRef("asw2-c4-eqiad", "xe-4/0/12")
    assert cable.fields["label"] == "230403"
    assert (cable.fields["color"], cable.fields["type"]) == ("111111", "dac-passive")  # 10G: black DAC
    assert "db1201: assuming Black dac-passive because 10gbase-x-sfpp" in p.lines("warning")
    assert p.failures == []


def provisioned_single_nic(**overrides) -> HostState:
    """What provisioning (ProvisionServerNetwork) leaves: ##PRIMARY## cabled to its switch port, IPs reserved."""
    fields = dict(
        interfaces={
            "##PRIMARY##": iface(1, "##PRIMARY##", type="1000base-t", cable_id=500, connected=_sw(), ip_ids=(11, 12)),
            "mgmt": iface(2, "mgmt", type="1000base-t", mgmt_only=True, ip_ids=(13,)),
        },
        ips=(
            ip(
                11,
                "10.64.16.20/22",
                dns_name="db1201.eqiad.wmnet",
                description="reserved for infra",
                **_on("##PRIMARY##"),
            ),
            ip(12, "2620:0:861:102:10:64:16:20/64", dns_name="db1201.eqiad.wmnet", **_on("##PRIMARY##")),
        ),
        cables={500: CableRecord(500, "230403", "111111", "dac-passive")},
        primary_ip4="10.64.16.20/22",
        primary_ip6="2620:0:861:102:10:64:16:20/64",
    )
    fields.update(overrides)
    return state("db1201", **fields)


def _sw(port: str = "xe-4/0/12") -> PortRef:
    return PortRef("asw2-c4-eqiad", port)


def _on(name: str, host: str = "db1201") -> dict:
    return {"assigned": PortRef(host, name), "assigned_kind": "device"}


def test_single_nic_provisioned_host_renames_the_placeholder():
    p = plan("single_nic", provisioned_single_nic())
    rename = one(by_key(p, "interface", PortRef("db1201", "##PRIMARY##")))
    assert rename.fields == {"name": "eno1np0", "type": "10gbase-x-sfpp"}
    assert rename.message == "db1201: renamed ##PRIMARY## interface to eno1np0"
    assert rename.level == "success"
    # The renamed interface then gets its MAC; eno2np1 is new; mgmt is left alone.
    assert one(by_key(p, "interface", PortRef("db1201", "eno1np0"))).fields == {"mac_address": "b4:96:91:5a:10:20"}
    assert [c.key.name for c in changes(p, "interface", "create")] == ["eno2np1"]
    # Only the provisioning marker is cleared from the IP; it already sits on the (renamed) interface.
    assert one(changes(p, "ipaddress")).fields == {"description": ""}
    assert changes(p, "device") == [] and changes(p, "cable") == []
    assert "10.64.16.20/22 is already primary for db1201" in p.lines("info")
    assert "db1201.eqiad.wmnet assign_name: 10.64.16.20/22 already has correct DNS name." in p.lines("info")
    assert p.failures == []


def after_first_import() -> HostState:
    """NetBox after applying the provisioned host's first import."""
    return provisioned_single_nic(
        interfaces={
            "eno1np0": iface(
                1,
                "eno1np0",
                type="10gbase-x-sfpp",
                mac="b4:96:91:5a:10:20",
                cable_id=500,
                connected=_sw(),
                ip_ids=(11, 12),
            ),
            "eno2np1": iface(3, "eno2np1", type="1000base-t", mac="b4:96:91:5a:10:21"),
            "mgmt": iface(2, "mgmt", type="1000base-t", mgmt_only=True, ip_ids=(13,)),
        },
        ips=(
            ip(11, "10.64.16.20/22", dns_name="db1201.eqiad.wmnet", **_on("eno1np0")),
            ip(12, "2620:0:861:102:10:64:16:20/64", dns_name="db1201.eqiad.wmnet", **_on("eno1np0")),
        ),
    )


def test_second_run_on_unchanged_facts_plans_nothing():
    p = plan("single_nic", after_first_import())
    assert p.changes == []
    assert p.failures == []


def test_dns_name_mismatch_is_a_failure_and_never_rewritten():
    st = after_first_import()
    st = replace(st, ips=(replace(st.ips[0], dns_name="other.eqiad.wmnet"), st.ips[1]))
    p = plan("single_nic", st)
    assert p.failures == [
        "db1201.eqiad.wmnet assign_name: 10.64.16.20/22 has a different DNS name than expected: other.eqiad.wmnet"
    ]
    assert p.changes == []


def test_other_ip_descriptions_are_kept():
    st = after_first_import()
    st = replace(st, ips=(replace(st.ips[0], description="hand-written note", status="reserved"), st.ips[1]))
    change = one(changes(plan("single_nic", st), "ipaddress"))
    assert change.fields == {"status": "active"}


def test_mtu_and_mac_changes_update_existing_interfaces():
    def jumbo(raw):
        raw["networking"]["interfaces"]["eno1np0"]["mtu"] = 9000
        raw["networking"]["interfaces"]["eno1np0"]["mac"] = "B4:96:91:5A:10:99"

    change = one(changes(plan("single_nic", after_first_import(), jumbo), "interface", "update"))
    assert change.fields == {"mtu": 9000, "mac_address": "b4:96:91:5a:10:99"}
    assert change.before == {"mtu": None, "mac_address": "b4:96:91:5a:10:20"}


# --------------------------------------------------------------------------------------------------------------------
# Moved to another switch port
# --------------------------------------------------------------------------------------------------------------------


def test_host_moved_to_another_port_gets_its_cable_corrected_in_the_same_run():
    st = after_first_import()
    st = replace(st, switches=default_switches(**{"asw2-c4-eqiad": _ports("xe-4/0/12", "xe-4/0/30")}))
    p = plan("single_nic_moved", st)
    delete = one(changes(p, "cable", "delete"))
    assert (delete.key, delete.message) == (500, "db1201: Remove cable from eno1np0")
    create = one(changes(p, "cable", "create"))
    assert create.fields["a"] == PortRef("db1201", "eno1np0")
    assert create.fields["b"] == _sw("xe-4/0/30")
    # The same physical cable: label, colour and type are kept.
    assert (create.fields["label"], create.fields["color"], create.fields["type"]) == (
        "230403",
        "111111",
        "dac-passive",
    )
    assert p.entries.index(delete) < p.entries.index(create)
    assert p.failures == []


def _ports(*names: str, **attrs) -> dict:
    return {n: {"type": "10gbase-x-sfpp", "mtu": 9192, **attrs} for n in names}


def test_stale_cable_on_the_new_switch_port_is_removed_too():
    ports = _ports("xe-4/0/12")
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


def test_missing_switch_port_is_created_with_switch_mtu_and_type_from_its_name():
    st = replace(after_first_import(), switches=default_switches(**{"asw2-c4-eqiad": _ports("xe-4/0/12")}))
    p = plan("single_nic_moved", st)
    create = one([c for c in changes(p, "interface", "create") if c.key.owner == "asw2-c4-eqiad"])
    assert create.key == _sw("xe-4/0/30")
    assert create.fields["type"] == "10gbase-x-sfpp" and create.fields["mtu"] == 9192
    assert create.message == "asw2-c4-eqiad: created interface xe-4/0/30"
    cable = one(changes(p, "cable", "create"))
    assert p.entries.index(create) < p.entries.index(cable)


def test_orphan_port_of_another_speed_is_deleted_before_creating_the_port():
    ports = {"ge-4/0/30": {"type": "1000base-t"}, **_ports("xe-4/0/12")}
    st = replace(after_first_import(), switches=default_switches(**{"asw2-c4-eqiad": ports}))
    p = plan("single_nic_moved", st)
    delete = one(changes(p, "interface", "delete"))
    assert delete.key == _sw("ge-4/0/30")
    assert delete.message == "asw2-c4-eqiad: deleted orphan interface ge-4/0/30"


def test_orphan_port_with_a_cable_blocks_the_switch_side():
    ports = {"ge-4/0/30": {"type": "1000base-t", "cable_id": 42}, **_ports("xe-4/0/12")}
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
    assert (change.key, change.fields) == (_sw(), {"mtu": 9192})
    assert change.message == "Updated asw2-c4-eqiad xe-4/0/12 MTU to 9192"


def test_empty_cable_label_is_filled_from_the_switch_description_but_never_overwritten():
    st = replace(after_first_import(), cables={500: CableRecord(500, "", "111111", "dac-passive")})
    change = one(changes(plan("single_nic", st), "cable"))
    assert (change.action, change.key, change.fields) == ("update", 500, {"label": "230403"})
    st = replace(after_first_import(), cables={500: CableRecord(500, "999999", "111111", "dac-passive")})
    assert changes(plan("single_nic", st), "cable") == []


def test_patch_panel_path_is_never_torn_down():
    st = after_first_import()
    patched = replace(st.interfaces["eno1np0"], link_peer_is_interface=False, connected=_sw("xe-4/0/1"))
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


# --------------------------------------------------------------------------------------------------------------------
# Removal guard
# --------------------------------------------------------------------------------------------------------------------


def test_lost_interface_with_an_ip_is_kept_with_one_failure():
    st = after_first_import()
    st = replace(
        st,
        interfaces={**st.interfaces, "eno2np1": replace(st.interfaces["eno2np1"], ip_ids=(20,))},
        ips=(*st.ips, ip(20, "10.64.16.99/22", **_on("eno2np1"))),
    )
    p = plan("single_nic_lost_eno2", st)
    assert p.failures == [GUARD.format(host="db1201", name="eno2np1")]
    assert changes(p, "interface", "delete") == [] and changes(p, "ipaddress") == []


def test_lost_interface_with_a_cable_is_kept():
    st = after_first_import()
    st = replace(st, interfaces={**st.interfaces, "eno2np1": replace(st.interfaces["eno2np1"], cable_id=501)})
    p = plan("single_nic_lost_eno2", st)
    assert p.failures == [GUARD.format(host="db1201", name="eno2np1")]
    assert changes(p, "interface", "delete") == []


def test_lost_interface_without_ip_or_cable_is_removed():
    p = plan("single_nic_lost_eno2", after_first_import())
    delete = one(changes(p, "interface", "delete"))
    assert delete.key == PortRef("db1201", "eno2np1")
    assert delete.message == "db1201: removing interface no longer in puppet eno2np1"
    assert p.failures == []


def test_lost_child_interface_goes_through_the_guard_too():
    st = after_first_import()
    child = iface(7, "eno1np0.2001", type="virtual", parent="eno1np0", ip_ids=(21,))
    st = replace(
        st,
        interfaces={**st.interfaces, child.name: child},
        ips=(*st.ips, ip(21, "10.64.16.77/22", **_on(child.name))),
    )
    p = plan("single_nic", st)
    assert p.failures == [GUARD.format(host="db1201", name="eno1np0.2001")]
    assert changes(p, "interface", "delete") == []


def test_interface_whose_ip_moves_to_a_new_interface_is_removed_in_the_same_run():
    # The NIC was renamed by the kernel: NetBox has eth0 with the IPs, the facts have eno1np0.
    st = after_first_import()
    old = replace(st.interfaces["eno1np0"], name="eth0", cable_id=None, connected=None)
    st = replace(
        st,
        interfaces={"eth0": old, "eno2np1": st.interfaces["eno2np1"]},
        ips=tuple(replace(i, assigned=PortRef("db1201", "eth0")) for i in st.ips),
        cables={},
    )
    p = plan("single_nic", st)
    assert [c.key.name for c in changes(p, "interface", "delete")] == ["eth0"]
    moved = changes(p, "ipaddress", "update")
    assert {c.fields["assigned"] for c in moved} == {PortRef("db1201", "eno1np0")}
    assert p.entries.index(moved[-1]) < p.entries.index(one(changes(p, "interface", "delete")))
    assert p.failures == []


def test_mgmt_and_unrenamed_placeholder_are_never_removed():
    st = state("db1201", interfaces={"mgmt": iface(2, "mgmt", mgmt_only=True), "##PRIMARY##": iface(1, "##PRIMARY##")})

    def no_primary(raw):
        raw["networking"].pop("primary")

    p = plan("single_nic", st, no_primary)
    assert changes(p, "interface", "delete") == []


# --------------------------------------------------------------------------------------------------------------------
# Bonded / LAG
# --------------------------------------------------------------------------------------------------------------------


def test_bonded_host_builds_the_lag_and_its_members():
    p = plan("bonded", state("cephosd1040"))
    created = [c for c in changes(p, "interface", "create") if c.key.owner == "cephosd1040"]
    assert [c.key.name for c in created] == ["bond0", "enp175s0f0np0", "enp175s0f1np1"]  # the LAG first
    bond, m0, m1 = (c.fields for c in created)
    assert (bond["type"], bond["mtu"]) == ("lag", 9000)
    assert m0["lag"] == m1["lag"] == "bond0"
    assert m0["type"] == m1["type"] == "25gbase-x-sfp28"
    assert (m0["mtu"], m0["mac_address"]) == (9000, "0c:42:a1:60:70:10")

    ips = {c.fields["address"]: c.fields["assigned"] for c in changes(p, "ipaddress", "create")}
    assert ips == {
        "10.64.48.40/22": PortRef("cephosd1040", "bond0"),
        "2620:0:861:107:10:64:48:40/64": PortRef("cephosd1040", "bond0"),
    }
    # Each member to its own switch (neighbours given as FQDNs), ports created as 25G with the advertised MTU.
    ports = {c.key: c.fields for c in changes(p, "interface", "create") if c.key.owner != "cephosd1040"}
    assert ports == {
        PortRef(sw, "et-0/0/20"): {"owner_kind": "device", "type": "25gbase-x-sfp28", "mtu": 9192, "mgmt_only": False}
        for sw in ("lsw1-e1-eqiad", "lsw1-e2-eqiad")
    }
    cables = {c.fields["a"].name: (c.fields["b"], c.fields["label"]) for c in changes(p, "cable", "create")}
    assert cables == {
        "enp175s0f0np0": (PortRef("lsw1-e1-eqiad", "et-0/0/20"), "240101"),
        "enp175s0f1np1": (PortRef("lsw1-e2-eqiad", "et-0/0/20"), "240102"),
    }
    assert p.failures == []


def test_bond_membership_from_linux_master_key():
    def only_master(raw):
        for name in ("enp175s0f0np0", "enp175s0f1np1"):
            raw["networking"]["interfaces"][name].pop("parent_bond")

    p = plan("bonded", state("cephosd1040"), only_master)
    members = [c.fields.get("lag") for c in changes(p, "interface", "create") if c.key.name.startswith("enp")]
    assert members == ["bond0", "bond0"]


# --------------------------------------------------------------------------------------------------------------------
# Bridged VM host with VLAN sub-interfaces
# --------------------------------------------------------------------------------------------------------------------


def ganeti_provisioned() -> HostState:
    return state(
        "ganeti1030",
        interfaces={
            "##PRIMARY##": iface(
                1, "##PRIMARY##", type="10gbase-x-sfpp", cable_id=600, connected=PortRef("asw2-a-eqiad", "xe-2/0/7")
            )
        },
        ips=(ip(31, "10.64.32.14/22", dns_name="ganeti1030.eqiad.wmnet", **_on("##PRIMARY##", "ganeti1030")),),
        cables={600: CableRecord(600, "230777", "111111", "dac-passive")},
    )


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


def test_parent_not_in_netbox_nor_in_the_facts_is_a_clear_failure():
    def dangling(raw):
        raw["networking"]["interfaces"]["eno1np0.1004"]["parent_link"] = "eno9"

    p = plan("bridged_vlans", ganeti_provisioned(), dangling)
    assert "PuppetDB reports eno1np0.1004 has parent_link called eno9 but no matching int in Netbox" in p.failures
    sub = one(by_key(p, "interface", PortRef("ganeti1030", "eno1np0.1004"), "create")).fields
    assert "parent" not in sub and sub["bridge"] == "public"


# --------------------------------------------------------------------------------------------------------------------
# IPv6 SLAAC, link-local, VIPs and anycast
# --------------------------------------------------------------------------------------------------------------------


def test_slaac_and_link_local_are_skipped_and_service_ips_become_vips():
    p = plan("slaac_vips", state("dns1004"))
    assert "2620:0:861:1:d294:66ff:fe5a:4/64: skipping SLAAC IP" in p.lines("warning")
    created = {c.fields["address"]: c for c in changes(p, "ipaddress", "create")}
    assert set(created) == {"208.80.154.6/26", "2620:0:861:1:208:80:154:6/64", "10.3.0.1/32", "208.80.154.224/32"}
    anycast, vip = created["10.3.0.1/32"], created["208.80.154.224/32"]
    assert (anycast.fields["role"], "assigned" in anycast.fields) == ("anycast", False)
    assert anycast.message == "10.3.0.1/32: created, anycast, no interface and active"
    assert (vip.fields["role"], "assigned" in vip.fields) == ("vip", False)
    # docker0 is name-blocklisted: neither the interface nor its private subnet is imported, and no failure.
    assert [c.key.name for c in changes(p, "interface", "create") if c.key.owner == "dns1004"] == ["eno1"]
    assert p.failures == []
    # 1G copper: a blue Cat5e is assumed; the LLDP MTU 1514 is not copied, the port already exists.
    cable = one(changes(p, "cable", "create"))
    assert (cable.fields["color"], cable.fields["type"]) == ("2196f3", "cat5e")
    assert "dns1004: assuming Blue cat5e because 1000base-t" in p.lines("warning")
    assert cable.fields["label"] == ""  # the switch description has no {#id}


def test_existing_vip_assigned_to_an_interface_is_released():
    st = state("dns1004", ips=(ip(40, "208.80.154.224/32", role="", status="reserved", **_on("eno1", "lvs1013")),))
    change = one(by_key(plan("slaac_vips", st), "ipaddress", 40))
    assert change.fields == {"role": "vip", "assigned": None, "status": "active"}
    assert change.message == "208.80.154.224/32: vip, set to no interface and active"


def test_existing_vip_in_order_is_left_alone():
    st = state("dns1004", ips=(ip(40, "208.80.154.224/32", role="vip"), ip(41, "10.3.0.1/32", role="anycast")))
    assert not [c for c in changes(plan("slaac_vips", st), "ipaddress") if c.key in (40, 41)]


def test_host_route_in_a_vm_range_is_a_normal_address():
    def vm_range(raw):
        raw["networking"]["interfaces"]["eno1"]["bindings"].append(
            {"address": "10.66.0.5", "netmask": "255.255.255.255"}
        )

    created = {
        c.fields["address"]: c.fields for c in changes(plan("slaac_vips", state("dns1004"), vm_range), "ipaddress")
    }
    assert created["10.66.0.5/32"]["assigned"] == PortRef("dns1004", "eno1")


def test_vip_exempt_hosts_get_the_prefix_mask():
    def host_route(raw):
        raw["networking"]["interfaces"]["eno1np0"]["bindings"] = [
            {"address": "10.64.16.20", "netmask": "255.255.255.255"}
        ]

    p = plan("single_nic", state("restbase1030"), host_route)
    addresses = [c.fields["address"] for c in changes(p, "ipaddress", "create")]
    assert "10.64.16.20/22" in addresses
    assert "VIP exempt: Overriding provided netmask" in p.lines("info")


def test_address_outside_any_prefix_is_one_failure():
    p = plan("single_nic", state("db1201", prefixes=()))
    assert p.failures == [
        "Can't find parent prefix for 10.64.16.20/22.",
        "Can't find parent prefix for 2620:0:861:102:10:64:16:20/64.",
    ]
    assert changes(p, "ipaddress") == []


def test_same_size_prefix_is_a_parent():
    # Only the /22 itself exists: the original needed a strictly larger container
    # (docs/behaviour-reference.md §6.4 item 8).
    from .helpers import PREFIXES

    only_exact = tuple(pr for pr in PREFIXES if pr.prefix in ("10.64.16.0/22", "2620:0:861:102::/64"))
    p = plan("single_nic", state("db1201", prefixes=only_exact))
    assert len(changes(p, "ipaddress", "create")) == 2 and p.failures == []


def test_ip_of_another_device_is_taken_and_its_primary_unset():
    st = state("db1201", ips=(ip(50, "10.64.16.20/22", primary_of="db1099", **_on("eno1", "db1099")),))
    p = plan("single_nic", st)
    take = one(by_key(p, "ipaddress", 50))
    assert take.fields["assigned"] == PortRef("db1201", "eno1np0")
    assert (
        take.message == "Taking IP address 10.64.16.20/22 from db1099:eno1; Assigning 10.64.16.20/22 to db1201:eno1np0"
    )
    unset = one(by_key(p, "device", "db1099"))
    assert unset.fields == {"primary_ip4": None, "owner_kind": "device", "owner_id": None}


def test_ip_with_a_vip_role_is_not_assigned():
    st = state("db1201", ips=(ip(51, "10.64.16.20/22", role="vip"),))
    p = plan("single_nic", st)
    assert by_key(p, "ipaddress", 51) == []
    assert (
        "Skipping assigning existing IP 10.64.16.20/22 with role vip to eno1np0. The IP might have the wrong netmask "
        "(expected /32 or /128 for VIP-like IPs)"
    ) in p.lines("warning")


def test_same_address_with_another_mask_is_not_duplicated():
    st = state("db1201", ips=(ip(52, "10.64.16.20/24"),))
    p = plan("single_nic", st)
    assert "db1201: 10.64.16.20/22 on eno1np0 is recorded in Netbox as 10.64.16.20/24; fix the mask in Netbox" in (
        p.failures
    )
    assert [c.fields["address"] for c in changes(p, "ipaddress", "create")] == ["2620:0:861:102:10:64:16:20/64"]


# --------------------------------------------------------------------------------------------------------------------
# Virtual machines
# --------------------------------------------------------------------------------------------------------------------


def test_vm_gets_vm_interfaces_without_type_cables_or_switch_ports():
    p = plan("vm", state("etcd1007", kind="vm"))
    create = one(changes(p, "interface", "create"))
    assert create.key == PortRef("etcd1007", "ens13")
    assert create.fields == {"owner_kind": "vm", "mac_address": "aa:00:00:4e:2f:07"}
    assert len(changes(p, "ipaddress", "create")) == 2
    assert {k for c in changes(p, "device") for k in c.fields} == {"primary_ip4", "primary_ip6", "owner_kind"}
    assert changes(p, "cable") == []


def test_vm_interface_absent_from_facts_is_removed_when_it_has_no_ip():
    st = state("etcd1007", kind="vm", interfaces={"eth1": iface(5, "eth1")})
    p = plan("vm", st)
    assert one(changes(p, "interface", "delete")).key == PortRef("etcd1007", "eth1")


def test_vm_placeholder_is_renamed():
    st = state("etcd1007", kind="vm", interfaces={"##PRIMARY##": iface(5, "##PRIMARY##")})
    rename = one(by_key(plan("vm", st), "interface", PortRef("etcd1007", "##PRIMARY##")))
    assert rename.fields == {"name": "ens13"}


# --------------------------------------------------------------------------------------------------------------------
# Refusals and odd states
# --------------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"tenant": "fr-tech"}, "db1201 has non-null tenant fr-tech skipping."),
        (
            {"status": "decommissioning"},
            "db1201 has an inappropriate status (must be one of ('active', 'failed', 'planned')): decommissioning",
        ),
        ({"status": "planned"}, None),
    ],
)
def test_host_refusals(fields, message):
    assert host_refusal(state("db1201", **fields)) == message


def test_placeholder_rename_refused_when_the_target_exists():
    st = state("db1201", interfaces={"##PRIMARY##": iface(1, "##PRIMARY##"), "eno1np0": iface(2, "eno1np0")})
    p = plan("single_nic", st)
    assert p.failures[0] == (
        "db1201: cannot rename ##PRIMARY## to eno1np0: an interface with that name exists; merge them by hand"
    )
    assert by_key(p, "interface", PortRef("db1201", "##PRIMARY##")) == []


def test_missing_net_driver_uses_the_default_type_with_a_warning():
    def no_driver(raw):
        raw.pop("net_driver")
        raw["networking"]["interfaces"]["eno1np0"].pop("speed")

    p = plan("single_nic", state("db1201"), no_driver)
    assert "db1201: no usable 'net_driver' fact; using the default type for new interfaces" in p.lines("warning")
    assert one(by_key(p, "interface", PortRef("db1201", "eno1np0"), "create")).fields["type"] == "1000base-t"


def test_describe_lines_name_every_change():
    lines = plan("single_nic", provisioned_single_nic()).describe()
    assert (
        lines[0] == "update interface db1201:##PRIMARY##: name ##PRIMARY## → eno1np0, type 1000base-t → 10gbase-x-sfpp"
    )
    assert (
        "create interface db1201:eno2np1: type=1000base-t, mgmt_only=False, " + ("mac_address=b4:96:91:5a:10:21")
        in lines
    )
    assert "update ipaddress 10.64.16.20/22: description reserved for infra → " in lines


def test_describe_lines_leave_out_the_appliers_bookkeeping():
    fields = {"primary_ip4": "10.64.0.15/22", "owner_kind": "device", "owner_id": None}
    change = Change("update", "device", "kubernetes1004", fields, "", before={"primary_ip4": None})
    assert change.describe() == "update device kubernetes1004: primary_ip4 None → 10.64.0.15/22"


def test_facts_for_a_host_with_vlan_parent_order():
    # A sub-interface listed before its parent is still planned after it.
    def reorder(raw):
        interfaces = raw["networking"]["interfaces"]
        raw["networking"]["interfaces"] = {"eno1np0.1004": interfaces.pop("eno1np0.1004"), **interfaces}

    p = plan("bridged_vlans", state("ganeti1030"), reorder)
    names = [c.key.name for c in changes(p, "interface", "create")]
    assert names.index("eno1np0") < names.index("eno1np0.1004")
    assert names.index("public") < names.index("eno1np0.1004")


def test_fixture_renaming_keeps_the_facts_consistent():
    f = facts("single_nic", "pdbtest1001")
    assert f.host == "pdbtest1001" and f.fqdn == "pdbtest1001.eqiad.wmnet"
    assert f.interfaces["eno1np0"].lldp.descr == "pdbtest1001 {#230403}"


def test_dual_switch_bond_members_take_the_names_lldp_gives_their_switch_ports():
    """PRIMARY_A/PRIMARY_B, as ProvisionFundraisingServerNetwork leaves them (docs/behaviour-reference.md §2.5), are
    renamed after the fact
    interface whose LLDP neighbour is the switch port at the other end of their cable: their cables are kept."""
    ports = {"et-0/0/20": {"type": "25gbase-x-sfp28", "mtu": 9192, "cable_id": 0}}
    switches = default_switches(**{"lsw1-e1-eqiad": ports, "lsw1-e2-eqiad": ports})
    switches = tuple(
        replace(
            s,
            interfaces={
                n: replace(i, cable_id=700 + k, link_peer=PortRef("cephosd1040", f"PRIMARY_{'AB'[k]}"))
                for n, i in s.interfaces.items()
            },
        )
        if s.name.startswith("lsw1-e")
        else s
        for k, s in [(0 if s.name == "lsw1-e1-eqiad" else 1, s) for s in switches]
    )
    members = {
        f"PRIMARY_{letter}": iface(
            10 + k,
            f"PRIMARY_{letter}",
            type="10gbase-x-sfpp",
            lag="bond0",
            cable_id=700 + k,
            link_peer=PortRef(sw, "et-0/0/20"),
            connected=PortRef(sw, "et-0/0/20"),
        )
        for k, (letter, sw) in enumerate((("A", "lsw1-e1-eqiad"), ("B", "lsw1-e2-eqiad")))
    }
    st = state(
        "cephosd1040",
        interfaces={"bond0": iface(9, "bond0", type="lag"), **members},
        switches=switches,
        cables={700: CableRecord(700, "240101"), 701: CableRecord(701, "240102")},
    )
    p = plan("bonded", st)
    renames = {c.key.name: c.fields for c in changes(p, "interface", "update") if c.fields.get("name")}
    assert renames == {
        "PRIMARY_A": {"name": "enp175s0f0np0", "type": "25gbase-x-sfp28"},
        "PRIMARY_B": {"name": "enp175s0f1np1", "type": "25gbase-x-sfp28"},
    }
    assert changes(p, "cable") == []  # the provisioned cables stay
    assert changes(p, "interface", "delete") == []
    assert p.failures == []
