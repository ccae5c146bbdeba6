"""The Network report on hand-built switches, servers and addresses added to the demo fleet."""

import ipaddress
import itertools

import pytest
from dcim.models import Device, VirtualChassis

from netbox_wmf_ops.reports.network import Network
from tests import factories
from tests.factories import reports as f
from tests.integration.reports.helpers import (
    assert_conventions,
    assert_queries_do_not_grow,
    lines_about,
    run_report,
    summary_count,
)

_subnets = itertools.count(1)


def subnet() -> int:
    """A fresh /24 of 198.18.0.0/15 (benchmarking space, unused by the fleet): 198.18.<n>.0/24 and 198.19..."""
    n = next(_subnets)
    return n


def v4(n: int, host: int, length: int = 24) -> str:
    return f"198.{18 + n // 256}.{n % 256}.{host}/{length}"


def v6(n: int, host: int, length: int = 64) -> str:
    return f"2001:db8:{n:x}::{host:x}/{length}"


def set_primaries(device, ipv4=None, ipv6=None):
    Device.objects.filter(pk=device.pk).update(primary_ip4=ipv4, primary_ip6=ipv6)


@pytest.mark.django_db
def test_switch_port_names():
    standalone = f.device(role_slug="asw")
    good = f.interface(standalone, "xe-0/0/1")
    wrong_member = f.interface(standalone, "xe-1/0/2")
    same_port = f.interface(standalone, "ge-0/0/1")
    chassis = VirtualChassis.objects.create(name=f.unique("vc"))
    member = f.device(role_slug="asw", virtual_chassis=chassis, vc_position=2)
    member_good = f.interface(member, "et-2/0/1")
    member_bad = f.interface(member, "et-1/0/1")
    not_access = f.interface(standalone, "ae1", type="lag")

    result = run_report(Network)["test_duplicate_interface"]
    assert lines_about(result, wrong_member) == [
        ("failure", f"Interface on a non-VC should start with -0/ on {standalone.name}")
    ]
    assert lines_about(result, member_bad) == [
        ("failure", f"Interface doesn't match its switch member: 2 on {member.name}")
    ]
    # Of two ports that differ only by the speed prefix, the newer one is reported.
    duplicate = f"Duplicated interface with different prefix (eg. xe- & ge-) on {standalone.name}"
    assert lines_about(result, same_port) == [("failure", duplicate)]
    assert lines_about(result, good) == []
    assert lines_about(result, member_good) == lines_about(result, not_access) == []


@pytest.mark.django_db
def test_vip_masks():
    n = subnet()
    first = f.ip(v4(n, 1, 27), role="vip")
    second = f.ip(v4(n, 1, 32), role="vip")
    same = f.ip(v4(n, 2, 27), role="anycast")
    plain = f.ip(v4(n, 2, 32))  # no shared role: not compared

    result = run_report(Network)["test_duplicate_ip_netmask"]
    assert lines_about(result, second) == [("failure", "Multiple VIPs with different prefix length")]
    assert lines_about(result, first) == lines_about(result, same) == lines_about(result, plain) == []


@pytest.mark.django_db
def test_enabled_not_connected():
    router = f.device(role_slug="cr")
    before = run_report(Network)["test_enabled_not_connected"]
    bare = f.interface(router, "xe-0/0/5")
    nomon = f.interface(router, "xe-0/0/6", description="no-mon spare")
    f.interface(router, "xe-0/0/7", enabled=False)
    f.interface(router, "ae0", type="lag")
    f.interface(router, "em0", type="1000base-t", mgmt_only=True)
    marked = f.interface(router, "xe-0/0/8", mark_connected=True)
    cabled = f.interface(router, "xe-0/0/9")
    f.cable(cabled, f.interface(f.device(role_slug="asw")))
    server_port = f.interface(f.device(), "eno1")  # servers are not network devices

    result = run_report(Network)["test_enabled_not_connected"]
    assert lines_about(result, bare) == [("failure", f"Interface enabled but not connected on {router.name}")]
    assert lines_about(result, nomon) == [
        ("warning", f"Interface enabled but not connected on {router.name} (description: no-mon spare)")
    ]
    assert lines_about(result, marked) == lines_about(result, cabled) == lines_about(result, server_port) == []
    assert summary_count(result) == summary_count(before) + 3  # marked, cabled, and the switch port at the far end


def uplink(switch, vlan, address: str | None):
    server = f.device()
    port = f.interface(server, "eno1")
    switch_port = f.interface(switch, mode="access", untagged_vlan=vlan)
    f.cable(port, switch_port, label=f.unique("#"))
    if address:
        f.ip(address, assigned=port)
    return server


@pytest.mark.django_db
def test_matching_vlan():
    switch = f.device(role_slug="asw")
    n, m = subnet(), subnet()
    vlan = f.vlan(f.unique("private1-x-"))
    f.prefix(v4(n, 0), vlan)
    f.prefix(v6(n, 0), vlan)
    no_v6 = f.vlan(f.unique("private1-y-"))
    f.prefix(v4(m, 0), no_v6)
    f.prefix(v4(subnet(), 0), no_v6)  # a second IPv4 prefix
    before = run_report(Network)["test_matching_vlan"]

    good = uplink(switch, vlan, v4(n, 10))
    f.ip(v6(n, 10), assigned=good.interfaces.get())
    wrong = uplink(switch, vlan, v4(m, 11))
    uplink(switch, no_v6, v4(m, 12))
    unaddressed = uplink(switch, vlan, None)
    no_vlan = uplink(switch, None, v4(n, 13))

    result = run_report(Network)["test_matching_vlan"]
    assert lines_about(result, good) == lines_about(result, unaddressed) == []
    assert lines_about(result, wrong) == [("failure", f"{v4(m, 11)} does not match connected Vlan {vlan.name}")]
    assert lines_about(result, no_vlan) == [
        (
            "failure",
            f"connected switch port has no untagged VLAN: {switch.name} {no_vlan.interfaces.get().link_peers[0].name}",
        )
    ]
    listed = ", ".join(str(p) for p in sorted(ipaddress.ip_network(p.prefix) for p in no_v6.prefixes.all()))
    assert lines_about(result, no_v6) == [
        ("failure", f"Vlan has more than one IPv4 prefix assigned: {listed}"),
        ("warning", "Vlan has no IPv6 prefix assigned."),
    ]
    assert summary_count(result) == summary_count(before) + 3  # good (v4 and v6), and the no_v6 server


@pytest.mark.django_db
def test_mgmt_dns_names():
    site = f.site()
    good = f.device(site_obj=site)
    f.ip(v4(subnet(), 1), assigned=f.interface(good, "mgmt"), dns_name=f"{good.name}.mgmt.{site.slug}.wmnet")
    frack = f.device(site_obj=site, tenant=f.tenant("fr-tech"))
    expected = f"{frack.name}.mgmt.frack.{site.slug}.wmnet"
    f.ip(v4(subnet(), 1), assigned=f.interface(frack, "mgmt"), dns_name=f"{frack.name}.mgmt.{site.slug}.wmnet")

    result = run_report(Network)["test_mgmt_dns_hostname"]
    assert lines_about(result, good) == []
    assert lines_about(result, frack) == [
        ("failure", f"Invalid management interface DNS ({frack.name}.mgmt.{site.slug}.wmnet != {expected})")
    ]


@pytest.mark.django_db
def test_port_blocks():
    qfx = factories.device_type("QFX5120-48Y-8C", "Juniper", slug="qfx5120-48y-8c")
    site = f.site()
    switch = f.device(role_slug="asw", site_obj=site, dtype=qfx)
    f.interface(switch, "xe-0/0/4")
    odd = f.interface(switch, "et-0/0/5", type="25gbase-x-sfp28")
    f.interface(switch, "xe-0/0/6")
    bad_name = f.interface(switch, "xe-0/0/7x")
    f.interface(switch, "et-0/0/48", type="100gbase-x-qsfp28")  # uplink ports: no block
    f.interface(switch, "et-0/0/8", type="25gbase-x-sfp28", enabled=False)  # disabled: ignored
    clean = f.device(role_slug="asw", site_obj=site, dtype=qfx)
    f.interface(clean, "xe-0/0/0")
    f.interface(clean, "xe-0/0/1")

    result = run_report(Network)["test_port_block_consistency"]
    assert lines_about(result, odd) == [
        (
            "failure",
            f"[{site.slug}] Interface type '25gbase-x-sfp28' does not match '10gbase-x-sfpp' set on other(s) in same "
            f"block on {switch.name}. Ports 4, 5, 6 and 7 need to be same type.",
        )
    ]
    assert lines_about(result, bad_name) == [
        ("failure", f"[{site.slug}] Invalid interface name on Juniper QFX5120 device '{switch.name}'")
    ]
    assert [line for line in result["log"] if clean.name in line[4]] == []


@pytest.mark.django_db
def test_primary_ips():
    n = subnet()
    hosts = itertools.count(1)

    def server(name=None, v4_dns="{name}.eqiad.wmnet", v6_dns="{name}.eqiad.wmnet", has_v4=True, has_v6=True):
        dev = f.device(name or f.unique("mw1"))
        h = next(hosts)
        ipv4 = f.ip(v4(n, h), dns_name=v4_dns.format(name=dev.name)) if has_v4 else None
        ipv6 = f.ip(v6(n, h), dns_name=v6_dns.format(name=dev.name)) if has_v6 else None
        set_primaries(dev, ipv4, ipv6)
        return dev

    good = server()
    no_v4 = server(has_v4=False)
    wrong_start = server(v4_dns="other.eqiad.wmnet", v6_dns="other.eqiad.wmnet")
    mismatch = server(v6_dns="{name}-v6.eqiad.wmnet")
    no_v6 = server(has_v6=False)
    v6_unnamed = server(v6_dns="")
    db_named = server(f.unique("db1"))
    db_unnamed = server(f.unique("db1"), v6_dns="")
    fr_tech = f.device(tenant=f.tenant("fr-tech"))  # tenant-owned servers are not checked

    tests = run_report(Network)
    assert_conventions(tests)
    dns = tests["test_primary_ip_dns_match"]
    assert lines_about(dns, good) == lines_about(dns, no_v6) == lines_about(dns, v6_unnamed) == []
    assert lines_about(dns, no_v4) == [("failure", "Device with no primary IPv4 or DNS name")]
    assert lines_about(dns, wrong_start) == [
        ("failure", "Primary IPv4 DNS (other.eqiad.wmnet) doesn't start with the hostname")
    ]
    assert lines_about(dns, mismatch) == [
        (
            "failure",
            f"Primary IPv4 and IPv6 DNS name mismatch ({mismatch.name}.eqiad.wmnet vs. {mismatch.name}-v6.eqiad.wmnet)",
        )
    ]
    ipv6 = tests["test_primary_ipv6"]
    assert lines_about(ipv6, no_v6) == [("failure", "Missing primary IPv6")]
    assert lines_about(ipv6, v6_unnamed) == [("failure", "Primary IPv6 missing DNS name")]
    assert lines_about(ipv6, db_named) == [
        ("warning", "Primary IPv6 has DNS name on a cluster that is listed as not supporting IPv6")
    ]
    assert lines_about(ipv6, good) == lines_about(ipv6, db_unnamed) == lines_about(ipv6, fr_tech) == []


def add_network(n: int) -> None:
    site = f.site()
    qfx = factories.device_type("QFX5120-48Y-8C", "Juniper", slug="qfx5120-48y-8c")
    vlan = f.vlan(f.unique("private1-q-"))
    k = subnet()
    f.prefix(v4(k, 0), vlan)
    for i in range(n):
        switch = f.device(role_slug="asw", site_obj=site, dtype=qfx)
        f.interface(switch, "xe-0/0/4")
        f.interface(switch, "et-0/0/5", type="25gbase-x-sfp28")
        server = uplink(switch, vlan, v4(k, 10 + i))
        f.ip(v4(k, 100 + i), assigned=f.interface(server, "mgmt"), dns_name=f"x{i}.mgmt.{site.slug}.wmnet")
        set_primaries(server, f.ip(v4(k, 200 + i), dns_name=f"{server.name}.eqiad.wmnet"), None)
        f.ip(v4(k, 250, 32), role="vip")


@pytest.mark.django_db
def test_query_count_does_not_grow_with_the_fleet():
    # 15 loads (6 for the uplinks), plus 1 per interface test to fetch the reported interfaces.
    assert_queries_do_not_grow(Network, add_network, 2, 6, most=17)
