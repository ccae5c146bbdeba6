import pytest

from netbox_wmf_ops.checks import Finding
from netbox_wmf_ops.checks.network import (
    BlockPort,
    BlockSwitch,
    MgmtAddress,
    NetworkPort,
    ServerPrimaryIps,
    ServerUplink,
    SharedIp,
    SwitchPort,
    Vlan,
    check_enabled_ports_connected,
    check_mgmt_dns_names,
    check_port_blocks,
    check_primary_dns_match,
    check_primary_ipv6,
    check_switch_port_names,
    check_uplink_vlans,
    check_vip_masks,
    port_number,
)
from netbox_wmf_ops.policy import without_ipv6_dns


def test_switch_port_names():
    ports = [
        SwitchPort("a", "xe-2/0/1", "asw2-b-codfw", 2),
        SwitchPort("b", "xe-1/0/1", "asw2-b-codfw", 2),
        SwitchPort("c", "ge-2/0/1", "asw2-b-codfw", 2),  # same port as xe-2/0/1
        SwitchPort("d", "xe-0/0/5", "asw1", None),
        SwitchPort("e", "xe-1/0/5", "asw1", 0),
        SwitchPort("f", "xe-0/0/5", "asw2", 0),  # other device: no clash
    ]
    assert check_switch_port_names(ports) == [
        Finding("failure", "b", "Interface doesn't match its switch member: 2 on asw2-b-codfw"),
        Finding("failure", "c", "Duplicated interface with different prefix (eg. xe- & ge-) on asw2-b-codfw"),
        Finding("failure", "e", "Interface on a non-VC should start with -0/ on asw1"),
        Finding("success", None, "3 switch ports named after their switch member"),
    ]


def test_vip_masks():
    addresses = [
        SharedIp("v1", "10.2.0.1/22"),
        SharedIp("v2", "10.2.0.1/22"),
        SharedIp("v3", "10.2.0.1/32"),
        SharedIp("v4", "2620:0:860::1/64"),
        SharedIp("v5", "2620:0:860::1/128"),
    ]
    assert check_vip_masks(addresses) == [
        Finding("failure", "v3", "Multiple VIPs with different prefix length"),
        Finding("failure", "v5", "Multiple VIPs with different prefix length"),
        Finding("success", None, "3 correctly masked VIPs"),
    ]


def test_enabled_not_connected():
    ports = [
        NetworkPort("p1", "asw1", "", True),
        NetworkPort("p2", "asw1", "spare", False),
        NetworkPort("p3", "cr1", "no-mon: reserved", False),
    ]
    assert check_enabled_ports_connected(ports) == [
        Finding("failure", "p2", "Interface enabled but not connected on asw1"),
        Finding("warning", "p3", "Interface enabled but not connected on cr1 (description: no-mon: reserved)"),
        Finding("success", None, "1 enabled interfaces connected"),
    ]


def test_uplink_vlans():
    good_vlan = Vlan("v1", "private1-a-codfw", ["10.192.0.0/22", "2620:0:860:101::/64"])
    v6_less = Vlan("v2", "private1-b-codfw", ["10.192.16.0/22"])
    two_v4 = Vlan("v3", "private1-c-codfw", ["10.192.32.0/22", "10.192.36.0/22", "2620:0:860:103::/64"])
    uplinks = [
        ServerUplink("s1", ["10.192.0.5/22", "2620:0:860:101:10:192:0:5/64"], "asw-a", "xe-0/0/1", good_vlan),
        ServerUplink("s2", ["10.192.4.5/22"], "asw-a", "xe-0/0/2", good_vlan),  # wrong network
        ServerUplink("s3", ["10.192.16.5/24"], "asw-b", "xe-0/0/3", v6_less),  # wrong prefix length
        ServerUplink("s4", ["10.192.17.5/22"], "asw-b", "xe-0/0/4", v6_less),  # second server, same VLAN
        ServerUplink("s5", ["10.192.32.5/22"], "asw-c", "xe-0/0/5", two_v4),
        ServerUplink("s6", ["10.192.48.5/22"], "asw-d", "xe-0/0/6", None),
    ]
    assert check_uplink_vlans(uplinks) == [
        Finding("failure", "v3", "Vlan has more than one IPv4 prefix assigned: 10.192.32.0/22, 10.192.36.0/22"),
        Finding("failure", "s2", "10.192.4.5/22 does not match connected Vlan private1-a-codfw"),
        Finding("failure", "s3", "10.192.16.5/24 does not match connected Vlan private1-b-codfw"),
        Finding("failure", "s6", "connected switch port has no untagged VLAN: asw-d xe-0/0/6"),
        Finding("warning", "v2", "Vlan has no IPv6 prefix assigned."),
        Finding("success", None, "4 server IP allocations matched attached switch port Vlan."),
    ]


def test_uplink_summary_is_there_even_when_nothing_matched():
    assert check_uplink_vlans([]) == [
        Finding("success", None, "0 server IP allocations matched attached switch port Vlan.")
    ]


def test_mgmt_dns_names():
    addresses = [
        MgmtAddress("d1", "mw1001", "eqiad", None, "mw1001.mgmt.eqiad.wmnet"),
        MgmtAddress("d2", "frpm1001", "eqiad", "fr-tech", "frpm1001.mgmt.frack.eqiad.wmnet"),
        MgmtAddress("d3", "frdb1001", "eqiad", "fr-tech", "frdb1001.mgmt.eqiad.wmnet"),
        MgmtAddress("d4", "mw2001", "codfw", None, "wmf4242.mgmt.codfw.wmnet"),
    ]
    assert check_mgmt_dns_names(addresses) == [
        Finding(
            "failure",
            "d3",
            "Invalid management interface DNS (frdb1001.mgmt.eqiad.wmnet != frdb1001.mgmt.frack.eqiad.wmnet)",
        ),
        Finding(
            "failure", "d4", "Invalid management interface DNS (wmf4242.mgmt.codfw.wmnet != mw2001.mgmt.codfw.wmnet)"
        ),
        Finding("success", None, "2 correct mgmt DNS names"),
    ]


def test_port_number():
    assert port_number("et-0/0/12") == 12
    assert port_number("et-0/0/50:3") == 50
    with pytest.raises(ValueError):
        port_number("bogus")


def test_port_blocks():
    def port(name, speed="10gbase-x-sfpp"):
        return BlockPort(name, name, speed)

    consistent = BlockSwitch(
        "sw1", "lsw1-e1-eqiad", "eqiad", [port("et-0/0/0"), port("et-0/0/3"), port("et-0/0/48", "100gbase-x-qsfp28")]
    )
    mixed = BlockSwitch(
        "sw2",
        "lsw1-f1-eqiad",
        "eqiad",
        [
            port("et-0/0/5", "25gbase-x-sfp28"),  # listed first, but port 4 sets the block's type
            port("xe-0/0/4"),
            port("xe-0/0/6"),
            port("et-0/0/1", "25gbase-x-sfp28"),
            port("bogus"),
        ],
    )
    assert check_port_blocks([consistent, mixed]) == [
        Finding("failure", "bogus", "[eqiad] Invalid interface name on Juniper QFX5120 device 'lsw1-f1-eqiad'"),
        Finding(
            "failure",
            "et-0/0/5",
            "[eqiad] Interface type '25gbase-x-sfp28' does not match '10gbase-x-sfpp' set on other(s) in same block on "
            "lsw1-f1-eqiad. Ports 4, 5, 6 and 7 need to be same type.",
        ),
        Finding("success", None, "1 QFX5120 devices have no port speed inconsistencies within blocks of 4."),
    ]


def primary(obj, name="mw1001", v4="mw1001.eqiad.wmnet", v6="mw1001.eqiad.wmnet", has_v4=True, has_v6=True):
    return ServerPrimaryIps(obj, name, v4, v6, has_v4, has_v6)


def test_primary_dns_match():
    servers = [
        primary("ok"),
        primary("no-v4", v4=None, has_v4=False),
        primary("no-v4-dns", v4=""),
        primary("wrong-start", v4="mw1002.eqiad.wmnet"),
        primary("prefix-only", v4="mw10011.eqiad.wmnet"),  # must be followed by a dot
        primary("mismatch", v6="mw1001-v6.eqiad.wmnet"),
        primary("no-v6", v6=None, has_v6=False),  # neither counted nor reported
        primary("v6-unnamed", v6=""),  # reported by the IPv6 test, not here
    ]
    assert check_primary_dns_match(servers) == [
        Finding("failure", "no-v4", "Device with no primary IPv4 or DNS name"),
        Finding("failure", "no-v4-dns", "Device with no primary IPv4 or DNS name"),
        Finding("failure", "wrong-start", "Primary IPv4 DNS (mw1002.eqiad.wmnet) doesn't start with the hostname"),
        Finding("failure", "prefix-only", "Primary IPv4 DNS (mw10011.eqiad.wmnet) doesn't start with the hostname"),
        Finding(
            "failure",
            "mismatch",
            "Primary IPv4 and IPv6 DNS name mismatch (mw1001.eqiad.wmnet vs. mw1001-v6.eqiad.wmnet)",
        ),
        Finding("success", None, "1 devices with matching primary IPv4 & IPv6"),
    ]


def test_no_ipv6_clusters():
    assert without_ipv6_dns("db1001") and without_ipv6_dns("es2020") and without_ipv6_dns("an-redacteddb1001")
    assert not without_ipv6_dns("dbx1001") and not without_ipv6_dns("db0001") and not without_ipv6_dns("mw1001")


def test_primary_ipv6():
    servers = [
        primary("ok"),
        primary("missing", v6=None, has_v6=False),
        primary("db-named", name="db1001", v6="db1001.eqiad.wmnet"),
        primary("db-unnamed", name="db1002", v6=""),
        primary("unnamed", v6=""),
    ]
    assert check_primary_ipv6(servers) == [
        Finding("failure", "missing", "Missing primary IPv6"),
        Finding("failure", "unnamed", "Primary IPv6 missing DNS name"),
        Finding("warning", "db-named", "Primary IPv6 has DNS name on a cluster that is listed as not supporting IPv6"),
        Finding("success", None, "2 devices with operational primary IPv6"),
    ]
