"""The whole plan of one host (``planning.host``): every step together, refusals, a second run."""

from __future__ import annotations

import pytest

from netbox_wmf_ops.puppetdb.planning.host import host_refusal

from .helpers import PortRef, after_first_import, by_key, changes, facts, one, plan, state


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


def test_second_run_on_unchanged_facts_plans_nothing():
    p = plan("single_nic", after_first_import())
    assert p.changes == []
    assert p.failures == []


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


def test_vm_gets_vm_interfaces_without_type_cables_or_switch_ports():
    p = plan("vm", state("etcd1007", kind="vm"))
    create = one(changes(p, "interface", "create"))
    assert create.key == PortRef("etcd1007", "ens13")
    assert create.fields == {"owner_kind": "vm", "mac_address": "aa:00:00:4e:2f:07"}
    assert len(changes(p, "ipaddress", "create")) == 2
    assert {k for c in changes(p, "device") for k in c.fields} == {"primary_ip4", "primary_ip6", "owner_kind"}
    assert changes(p, "cable") == []


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


def test_missing_net_driver_uses_the_default_type_with_a_warning():
    def no_driver(raw):
        raw.pop("net_driver")
        raw["networking"]["interfaces"]["eno1np0"].pop("speed")

    p = plan("single_nic", state("db1201"), no_driver)
    assert "db1201: no usable 'net_driver' fact; using the default type for new interfaces" in p.lines("warning")
    assert one(by_key(p, "interface", PortRef("db1201", "eno1np0"), "create")).fields["type"] == "1000base-t"


def test_fixture_renaming_keeps_the_facts_consistent():
    f = facts("single_nic", "pdbtest1001")
    assert f.host == "pdbtest1001" and f.fqdn == "pdbtest1001.eqiad.wmnet"
    assert f.interfaces["eno1np0"].lldp.descr == "pdbtest1001 {#230403}"
