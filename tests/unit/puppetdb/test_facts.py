"""Fact parsing and the pure helpers of the plan."""

from __future__ import annotations

import ipaddress

import pytest

from dev.puppetdb_harness import load_fixture
from netbox_wmf_ops.puppetdb.facts import FactsError, parse_host_facts
from netbox_wmf_ops.puppetdb.plan import (
    InterfaceRecord,
    PrefixRecord,
    SwitchRecord,
    cable_label,
    find_switch,
    interface_type,
    ipv6_mask_length,
    is_mapped_v4,
    is_slaac,
    orphan_ports,
    parent_prefix,
)


def test_fixture_facts_parse():
    certname, raw = load_fixture("bridged_vlans")
    facts = parse_host_facts("ganeti1030", raw)
    assert facts.fqdn == certname and facts.primary == "private" and facts.ip == "10.64.32.14"
    sub = facts.interfaces["eno1np0.1004"]
    assert (sub.kind, sub.parent_link, sub.parent_bridge, sub.dot1q) == ("vlan", "eno1np0", "public", 1004)
    assert facts.interfaces["eno1np0"].lldp.router is True
    assert facts.interfaces["eno1np0"].speed == 10000
    assert "parent" not in facts.interfaces  # the lldp fact's non-interface key is ignored


@pytest.mark.parametrize(
    ("fixture", "message"),
    [
        ("malformed", "mw1400: the 'networking' fact has no 'interfaces' object"),
        ("no_networking", "mw1401: PuppetDB has no 'networking' fact for this host"),
    ],
)
def test_malformed_fixtures_raise_a_clear_error(fixture, message):
    _, raw = load_fixture(fixture)
    with pytest.raises(FactsError) as error:
        parse_host_facts(fixture_host(fixture), raw)
    assert str(error.value) == message


def fixture_host(fixture):
    return load_fixture(fixture)[0].split(".")[0]


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda n: n.update(interfaces={"eno1": "up"}), "h1: networking.interfaces.eno1 is not an object"),
        (
            lambda n: n["interfaces"]["eno1np0"].update(bindings=[{"address": "10.0.0.1"}]),
            "h1: networking.interfaces.eno1np0.bindings has an entry without address/netmask",
        ),
        (
            lambda n: n["interfaces"]["eno1np0"].update(mtu="jumbo"),
            "h1: networking.interfaces.eno1np0.mtu is not a number: 'jumbo'",
        ),
        (
            lambda n: n["interfaces"]["eno1np0"].update(bindings6={}),
            "h1: networking.interfaces.eno1np0.bindings6 is not a list",
        ),
    ],
)
def test_broken_interface_entries_raise(mutate, message):
    _, raw = load_fixture("single_nic")
    mutate(raw["networking"])
    with pytest.raises(FactsError, match="^" + message.replace("(", r"\(").replace(")", r"\)") + "$"):
        parse_host_facts("h1", raw)


def test_networking_that_is_not_an_object():
    with pytest.raises(FactsError, match="the 'networking' fact is not an object"):
        parse_host_facts("h1", {"networking": "eno1"})


def test_bad_lldp_is_a_warning_not_an_error():
    _, raw = load_fixture("single_nic")
    raw["lldp"] = "asw2"
    facts = parse_host_facts("db1201", raw)
    assert facts.warnings == ("db1201: the 'lldp' fact is not an object; cables and switch ports are left alone",)
    assert all(f.lldp is None for f in facts.interfaces.values())


@pytest.mark.parametrize(
    ("mask", "length"),
    [("ffff:ffff:ffff:ffff::", 64), ("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 128), ("ffff:ff00::", 24), ("::", 0)],
)
def test_ipv6_mask_length(mask, length):
    assert ipv6_mask_length(mask) == length


@pytest.mark.parametrize("mask", ["ffff:0:ffff::", "ffff:ffff:ffff:fffe:8000::", "nonsense"])
def test_ipv6_mask_length_rejects_bad_masks(mask):
    with pytest.raises(ValueError):
        ipv6_mask_length(mask)


def test_slaac_detection():
    assert is_slaac(ipaddress.IPv6Address("2620:0:861:1:d294:66ff:fe5a:4"))
    assert not is_slaac(ipaddress.IPv6Address("2620:0:861:1:208:80:154:6"))


@pytest.mark.parametrize(
    ("v6", "v4", "expected"),
    [
        ("2620:0:861:102:10:64:16:20", "10.64.16.20", True),
        ("2620:0:861:102:10::5", "10.0.0.5", True),  # compressed zeros: the text-suffix rule missed it
        ("2620:0:861:102:110:64:16:20", "10.64.16.20", False),  # the text-suffix rule matched it
        ("2620:0:861:102:10:64:16:20", None, False),
    ],
)
def test_mapped_ipv4_convention(v6, v4, expected):
    assert is_mapped_v4(ipaddress.IPv6Address(v6), v4) is expected


def test_parent_prefix_is_the_most_specific_including_equal_size():
    prefixes = [PrefixRecord("10.0.0.0/8"), PrefixRecord("10.64.0.0/22"), PrefixRecord("10.64.0.0/22", vrf_id=3)]
    found = parent_prefix(ipaddress.ip_address("10.64.0.5"), prefixes, 22)
    assert (found.prefix, found.vrf_id) == ("10.64.0.0/22", None)
    assert parent_prefix(ipaddress.ip_address("10.64.0.5"), prefixes, 16).prefix == "10.0.0.0/8"
    assert parent_prefix(ipaddress.ip_address("172.16.0.1"), prefixes, 32) is None


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


def test_orphan_ports_match_other_speed_names_of_the_same_port_only():
    sw = SwitchRecord(
        "asw",
        interfaces={n: InterfaceRecord(i, n) for i, n in enumerate(["ge-0/0/5", "xe-0/0/15", "et-0/0/5", "xe-0/0/5"])},
    )
    assert sorted(i.name for i in orphan_ports(sw, "xe-0/0/5")) == ["et-0/0/5", "ge-0/0/5"]


def test_cable_label_from_switch_description():
    assert cable_label("db1201 {#230403}") == "230403"
    assert cable_label("db1201") is None
