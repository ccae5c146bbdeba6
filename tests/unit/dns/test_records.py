"""Inclusion rules, naming and reverse zones of the DNS generator (docs/behaviour-reference.md §3.2-§3.3), on hand-built
plain records."""

import ipaddress

import pytest

from netbox_wmf_ops.dns.records import (
    MISSING_PTR_COMMENT,
    Address,
    Host,
    Prefix,
    PrefixIndex,
    generate_records,
    reverse_zone,
    split_dns_name,
    zone_file_name,
)


def server(id_, name, asset_tag="WMF1000", status="active", role="server", **kw):
    return Host("device", id_, name, status, role, asset_tag, **kw)


def on_device(id_, ip, dns, host, mgmt=False, status="active", site="eqiad"):
    return Address(id_, ip, status, dns, "dcim.interface", host.id, host.name, site, mgmt)


def forward_set(generation):
    return {(r.zone_file, r.hostname, r.ip, r.comment) for r in generation.forward}


def texts(generation, level):
    return [m.text for m in generation.messages if m.level == level]


@pytest.mark.parametrize(
    "dns_name, expected",
    [
        ("db1001.eqiad.wmnet", ("db1001", "eqiad.wmnet")),
        ("db1001.mgmt.eqiad.wmnet", ("db1001", "mgmt.eqiad.wmnet")),
        ("x.mgmt.frack.codfw.wmnet", ("x", "mgmt.frack.codfw.wmnet")),
        ("a.b.wikimedia.org", ("a.b", "wikimedia.org")),
        ("k8s.svc.eqiad.wmnet", ("k8s", "svc.eqiad.wmnet")),
        ("ns0.wikimedia.org", ("ns0", "wikimedia.org")),
        ("wmnet.org", ("wmnet", "org")),  # never an empty hostname
    ],
)
def test_split_dns_name(dns_name, expected):
    assert split_dns_name(dns_name) == expected


# ------------------------------------------------------------------------------------------------ zone file names

PREFIXES = [
    Prefix(1, "208.80.152.0/22", None),
    Prefix(2, "208.80.154.0/24", "eqiad"),
    Prefix(3, "208.80.154.64/27", "codfw"),  # deliberately another site: the most specific prefix wins
    Prefix(4, "185.15.56.0/24", None),
    Prefix(5, "2620:0:861::/48", "eqiad"),
]


def zone_file(ip, address=None, prefixes=PREFIXES, zone="wikimedia.org"):
    address = address or Address(1, ip, "active", f"x.{zone}")
    return zone_file_name(zone, ipaddress.ip_interface(ip), address, PrefixIndex(prefixes))


def test_wmnet_zones_are_their_own_file_name():
    assert zone_file("10.64.0.5/22", zone="eqiad.wmnet") == ("eqiad.wmnet", None)
    assert zone_file("10.65.0.5/16", zone="mgmt.eqiad.wmnet") == ("mgmt.eqiad.wmnet", None)


def test_public_zone_takes_the_site_of_the_most_specific_prefix_with_a_site():
    assert zone_file("208.80.154.70/27") == ("wikimedia.org-codfw", None)
    assert zone_file("208.80.154.10/26") == ("wikimedia.org-eqiad", None)
    assert zone_file("2620:0:861:1::10/64") == ("wikimedia.org-eqiad", None)


def test_prefixes_without_a_site_give_global_with_a_warning():  # HEAD crashed (max() of an empty sequence)
    name, message = zone_file("185.15.56.10/24")
    assert name == "wikimedia.org-global"
    assert message.level == "warning"
    assert message.text == (
        "Failed to find DC for address 185.15.56.10/24 from prefix (no matching prefix has a site), using global"
    )


def test_no_prefix_falls_back_to_the_device_site_then_global():
    on_dev = Address(1, "198.51.100.1/24", "active", "x.wikimedia.org", "dcim.interface", 7, "cp1001", "esams")
    assert zone_file("198.51.100.1/24", on_dev) == ("wikimedia.org-esams", None)
    on_vm = Address(2, "198.51.100.2/24", "active", "x.wikimedia.org", "virtualization.vminterface", 8, "vm1", "ulsfo")
    assert zone_file("198.51.100.2/24", on_vm) == ("wikimedia.org-ulsfo", None)  # HEAD crashed on VMs
    name, message = zone_file("198.51.100.3/24")
    assert name == "wikimedia.org-global"
    assert message.text == "Failed to find DC for address 198.51.100.3/24 from prefix or device, using global"
    siteless_vm = Address(3, "198.51.100.4/24", "active", "x.wikimedia.org", "virtualization.vminterface", 9, "vm2")
    assert zone_file("198.51.100.4/24", siteless_vm)[0] == "wikimedia.org-global"


# -------------------------------------------------------------------------------------------------- reverse zones


def rev(ip, prefixes):
    zone, pointer, message = reverse_zone(
        ipaddress.ip_interface(ip), PrefixIndex(Prefix(i, p) for i, p in enumerate(prefixes))
    )
    return zone, pointer, message and message.text


def test_ipv4_reverse_is_the_slash24_by_default():
    assert rev("10.64.0.5/22", ["10.64.0.0/22"]) == ("0.64.10.in-addr.arpa", "5", None)
    # The address mask is /24 or shorter: the /24 even inside a /27 prefix.
    assert rev("10.64.0.70/24", ["10.64.0.64/27"]) == ("0.64.10.in-addr.arpa", "70", None)


def test_ipv4_classless_rfc2317_zone_when_the_address_mask_is_longer_than_24():
    assert rev("10.64.0.70/27", ["10.64.0.0/16", "10.64.0.64/27"]) == ("64-27.0.64.10.in-addr.arpa", "70", None)


def test_ipv4_prefixes_longer_than_29_are_consolidated_to_the_longest_up_to_29():
    prefixes = ["10.64.0.0/24", "10.64.0.64/29", "10.64.0.66/31"]
    assert rev("10.64.0.67/31", prefixes) == ("64-29.0.64.10.in-addr.arpa", "67", None)
    # Only /24 or shorter besides the /31: the /24.
    assert rev("10.64.0.67/31", ["10.64.0.0/24", "10.64.0.66/31"]) == ("0.64.10.in-addr.arpa", "67", None)
    # Only a shorter prefix: keep the /24.
    assert rev("10.64.0.67/28", ["10.64.0.0/22"]) == ("0.64.10.in-addr.arpa", "67", None)


def test_no_prefix_of_29_or_shorter_falls_back_to_slash24_with_a_warning():  # HEAD: StopIteration
    assert rev("10.64.0.67/31", ["10.64.0.66/31"]) == (
        "0.64.10.in-addr.arpa",
        "67",
        "No prefix of /29 or shorter contains address 10.64.0.67/31, using the /24 reverse zone",
    )


def test_ipv6_reverse_always_splits_at_64():
    zone, pointer, _ = rev("2620:0:861:101:10:64:0:5/64", ["2620:0:861::/48"])
    assert zone == "1.0.1.0.1.6.8.0.0.0.0.0.0.2.6.2.ip6.arpa"
    assert pointer == "5.0.0.0.0.0.0.0.4.6.0.0.0.1.0.0"
    assert rev("2620:0:861:101::1/128", ["2620:0:861:101::/64"])[0] == zone


def test_no_matching_prefix_means_no_reverse_zone():
    assert rev("192.0.2.1/24", ["10.0.0.0/8"]) == (None, None, None)


# ---------------------------------------------------------------------------------------------- inclusion rules


def test_servers_get_hostname_and_asset_tag_records_on_the_mgmt_interface():
    db = server(1, "db1001", "WMF1234")
    gen = generate_records(
        [db],
        [
            on_device(10, "10.64.0.5/22", "db1001.eqiad.wmnet", db),
            on_device(11, "10.65.0.5/16", "db1001.mgmt.eqiad.wmnet", db, mgmt=True),
        ],
        [Prefix(1, "10.64.0.0/22"), Prefix(2, "10.65.0.0/16")],
    )
    assert forward_set(gen) == {
        ("eqiad.wmnet", "db1001", "10.64.0.5", ""),
        ("mgmt.eqiad.wmnet", "db1001", "10.65.0.5", ""),
        ("mgmt.eqiad.wmnet", "wmf1234", "10.65.0.5", ""),
    }
    assert {(r.zone_file, r.pointer, r.target) for r in gen.reverse} == {
        ("0.64.10.in-addr.arpa", "5", "db1001.eqiad.wmnet"),
        ("0.65.10.in-addr.arpa", "5", "db1001.mgmt.eqiad.wmnet"),
        ("0.65.10.in-addr.arpa", "5", "wmf1234.mgmt.eqiad.wmnet"),
    }


def test_inventory_server_gets_only_the_asset_tag_record():
    spare = server(1, "wmf5555", "WMF5555", status="inventory")  # named after its tag, still gets the tag record
    gen = generate_records([spare], [on_device(10, "10.65.0.9/16", "wmf5555.mgmt.eqiad.wmnet", spare, mgmt=True)], [])
    assert forward_set(gen) == {("mgmt.eqiad.wmnet", "wmf5555", "10.65.0.9", MISSING_PTR_COMMENT)}
    assert len(gen.forward) == 1


def test_server_named_like_its_asset_tag_gets_one_record():
    host = server(1, "WMF7777", "wmf7777")
    gen = generate_records([host], [on_device(10, "10.65.0.9/16", "wmf7777.mgmt.eqiad.wmnet", host, mgmt=True)], [])
    assert [r.hostname for r in gen.forward] == ["wmf7777"]


def test_non_servers_and_vms_get_one_record_even_on_mgmt_interfaces():
    switch = server(1, "asw1-b2-eqiad", "WMF9999", role="asw")
    vm = Host("vm", 1, "ganeti-vm1001", "offline")  # VMs: any status; the same pk as the device on purpose
    gen = generate_records(
        [switch, vm],
        [
            on_device(10, "10.65.1.1/16", "asw1-b2-eqiad.mgmt.eqiad.wmnet", switch, mgmt=True),
            Address(
                11,
                "10.64.32.9/22",
                "active",
                "ganeti-vm1001.eqiad.wmnet",
                "virtualization.vminterface",
                1,
                "ganeti-vm1001",
                "eqiad",
                True,
            ),
        ],
        [],
    )
    assert {r.hostname for r in gen.forward} == {"asw1-b2-eqiad", "ganeti-vm1001"}


def test_unassigned_and_fhrp_addresses_are_included():
    gen = generate_records(
        [],
        [
            Address(1, "10.64.0.1/22", "active", "vip.eqiad.wmnet"),
            Address(2, "10.64.0.2/22", "active", "gw.eqiad.wmnet", "ipam.fhrpgroup", 5, "VRRP 5"),
        ],
        [],
    )
    assert {r.hostname for r in gen.forward} == {"vip", "gw"}
    assert "Gathered 1 devices from Netbox" in texts(gen, "info")  # just the pseudo-device


def test_device_statuses_in_scope_and_the_skip_warning():
    hosts = [
        server(i, f"db100{i}", f"WMF100{i}", status=s)
        for i, s in enumerate(
            ["active", "planned", "failed", "inventory", "offline", "staged", "decommissioning"], start=1
        )
    ]
    addresses = [on_device(i, f"10.64.0.{i}/22", f"db100{i}.eqiad.wmnet", h) for i, h in enumerate(hosts, start=1)]
    addresses.append(on_device(99, "10.64.0.99/22", "", hosts[4]))  # no DNS name: no warning
    gen = generate_records(hosts, addresses, [])
    assert {r.hostname for r in gen.forward} == {"db1001", "db1002", "db1003"}  # inventory server: no mgmt, no name
    assert texts(gen, "warning") == [
        f"Device db100{i} of IP 10.64.0.{i}/22 with DNS name db100{i}.eqiad.wmnet not in devices, skipping."
        for i in (5, 6, 7)
    ]


def test_only_active_addresses_with_a_dns_name():
    host = server(1, "db1001", role="asw")
    gen = generate_records(
        [host],
        [
            on_device(1, "10.64.0.1/22", "a.eqiad.wmnet", host),
            on_device(2, "10.64.0.2/22", "b.eqiad.wmnet", host, status="reserved"),
            on_device(3, "10.64.0.3/22", "b.eqiad.wmnet", host, status="deprecated"),
            on_device(4, "10.64.0.4/22", "", host),
        ],
        [],
    )
    assert [r.hostname for r in gen.forward] == ["a"]


def test_records_are_deduplicated_per_zone_file():
    host = server(1, "lvs1001", role="lvs", primary_ip4_id=1)
    gen = generate_records(
        [host],
        [
            on_device(1, "10.64.0.1/22", "lvs1001.eqiad.wmnet", host),
            Address(2, "10.64.0.1/32", "active", "lvs1001.eqiad.wmnet"),
        ],
        [Prefix(1, "10.64.0.0/22")],
    )
    assert len(gen.forward) == 1 and len(gen.reverse) == 1
    assert "Generated 2 direct and reverse records (1 each) in 1 direct zones and 1 reverse zones" in texts(gen, "info")


def test_missing_asset_tag_is_a_warning():  # HEAD: None.lower() crashed
    host = server(1, "db1001", None)
    gen = generate_records([host], [on_device(1, "10.65.0.1/16", "db1001.mgmt.eqiad.wmnet", host, mgmt=True)], [])
    assert [r.hostname for r in gen.forward] == ["db1001"]
    assert texts(gen, "warning") == ["Missing asset tag on device db1001, no asset tag record for 10.65.0.1/16"]
    assert gen.messages[-2].ref == ("dcim.device", 1)


def test_non_active_primary_is_a_warning():  # HEAD: KeyError
    host = server(1, "db1001", primary_ip4_id=1, primary_ip6_id=2)
    gen = generate_records(
        [host],
        [
            on_device(1, "10.64.0.1/22", "db1001.eqiad.wmnet", host, status="deprecated"),
            on_device(2, "2620:0:861:1::1/64", "db1001.eqiad.wmnet", host),
        ],
        [],
    )
    assert [r.ip for r in gen.forward] == ["2620:0:861:1::1"]
    assert texts(gen, "warning") == ["Primary address 10.64.0.1/22 for device db1001 is not active, skipping"]


def test_nat_primary_without_assignment_counts_for_its_device():
    host = server(1, "cp1001", primary_ip4_id=2)
    gen = generate_records([host], [Address(2, "208.80.154.9/26", "active", "cp1001.wikimedia.org")], [])
    assert forward_set(gen) == {("wikimedia.org-global", "cp1001", "208.80.154.9", MISSING_PTR_COMMENT)}


def test_non_ascii_and_zoneless_names_are_skipped_with_a_warning():
    gen = generate_records(
        [],
        [
            Address(1, "10.64.0.1/22", "active", "dbé1001.eqiad.wmnet"),
            Address(2, "10.64.0.2/22", "active", "localhost"),
            Address(3, "10.64.0.3/22", "active", " ok.eqiad.wmnet. "),
        ],
        [],
    )
    assert [(r.hostname, r.zone) for r in gen.forward] == [("ok", "eqiad.wmnet")]
    assert texts(gen, "warning") == [
        "DNS name 'dbé1001.eqiad.wmnet' of IP 10.64.0.1/22 is not ASCII, skipping",
        "DNS name 'localhost' of IP 10.64.0.2/22 has no zone or an empty label, skipping",
    ]


def test_unsupported_assignment_is_an_error_and_skipped():
    gen = generate_records([], [Address(1, "10.64.0.1/22", "active", "x.eqiad.wmnet", "vpn.tunnel", 1, "t")], [])
    assert gen.forward == []
    assert texts(gen, "error") == ["Unsupported assigned object type: vpn.tunnel"]


def test_vm_named_like_a_device_does_not_hide_the_device():  # the original keyed owners by name
    dev = server(1, "db1001", "WMF1234")
    vm = Host("vm", 5, "db1001", "active")
    gen = generate_records([dev, vm], [on_device(1, "10.65.0.1/16", "db1001.mgmt.eqiad.wmnet", dev, mgmt=True)], [])
    assert {r.hostname for r in gen.forward} == {"db1001", "wmf1234"}
