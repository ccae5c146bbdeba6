"""IP addresses, VIPs and anycast, primary IPs, and the address arithmetic (``planning.addresses``)."""

from __future__ import annotations

import ipaddress

import pytest

from netbox_wmf_ops.puppetdb.planning.addresses import ipv6_mask_length, is_mapped_v4, is_slaac, parent_prefix
from netbox_wmf_ops.puppetdb.planning.records import PrefixRecord

from .helpers import PortRef, after_first_import, assigned_to, by_key, changes, ip, one, plan, replace, state


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
    st = state(
        "dns1004", ips=(ip(40, "208.80.154.224/32", role="", status="reserved", **assigned_to("eno1", "lvs1013")),)
    )
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
    st = state("db1201", ips=(ip(50, "10.64.16.20/22", primary_of="db1099", **assigned_to("eno1", "db1099")),))
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
