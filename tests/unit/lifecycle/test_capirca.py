"""Capirca definitions (docs/behaviour-reference.md §2.9): which addresses are listed under which name, grouping and the
exact layout."""

import netaddr

from netbox_wmf_ops.lifecycle.planning.capirca import (
    AddressRecord,
    collect_hosts,
    group_hosts,
    hostname_for,
    render_definitions,
)


def server(address, name="cp1001", **kw):
    return AddressRecord(address=address, device_name=name, device_role=kw.pop("role", "server"), **kw)


def test_hostname_rules():
    assert hostname_for(server("10.0.0.1/22")) == "cp1001"
    assert hostname_for(server("10.0.0.1/22", mgmt_only=True)) is None
    assert hostname_for(server("10.0.0.1/22", role="asw")) is None
    assert hostname_for(AddressRecord("10.0.0.2/32", vm_name="ganeti-vm1")) == "ganeti-vm1"
    assert hostname_for(AddressRecord("10.0.0.3/32", role="vip", dns_name="text-lb.eqiad.wikimedia.org")) == (
        "text-lb.eqiad.wikimedia.org"
    )
    assert hostname_for(AddressRecord("10.0.0.4/32", role="anycast", dns_name="ns0.wikimedia.org")) == (
        "ns0.wikimedia.org"
    )
    assert hostname_for(AddressRecord("10.0.0.5/32", role="vip")) is None  # no DNS name
    assert hostname_for(AddressRecord("10.0.0.6/32", dns_name="free.example.org")) is None  # unassigned, no role
    # A VIP role does not lift a non-server device's address into the list.
    assert hostname_for(server("10.0.0.7/32", role="asw", **{"dns_name": "x"})) is None


def test_collect_hosts_drops_masks_and_duplicates():
    hosts = collect_hosts([server("10.0.0.1/22"), server("10.0.0.1/32"), server("2620:0:860::1/64")])
    assert hosts == {"cp1001": {netaddr.IPAddress("10.0.0.1"), netaddr.IPAddress("2620:0:860::1")}}


def test_groups_strip_every_run_of_four_digits():
    groups = group_hosts(["cp1001", "cp1002", "db2100", "ns0.wikimedia.org", "ms-be12345", "an-1001-2002"])
    assert groups == {"cp": {"cp1001", "cp1002"}, "db": {"db2100"}, "ms-be5": {"ms-be12345"}, "an--": {"an-1001-2002"}}


def test_render_layout():
    hosts = collect_hosts(
        [
            server("2620:0:861:101:10:64:0:1/64", "cp1001"),
            server("10.64.0.12/22", "cp1001"),
            server("10.64.0.2/22", "cp1001"),
            server("10.64.0.3/22", "db1002"),
            AddressRecord("208.80.154.224/32", role="vip", dns_name="text-lb.eqiad.wikimedia.org"),
        ]
    )
    groups = group_hosts(hosts)
    assert render_definitions(hosts, groups) == (
        "cp1001 = 10.64.0.2 # cp1001\n"
        "         10.64.0.12 # cp1001\n"
        "         2620:0:861:101:10:64:0:1 # cp1001\n"
        "db1002 = 10.64.0.3 # db1002\n"
        "text-lb.eqiad.wikimedia.org = 208.80.154.224 # text-lb.eqiad.wikimedia.org\n"
        "\n\n\n"
        "cp_group = cp1001\n"
        "db_group = db1002\n"
    )


def test_render_group_members_align_after_the_group_name():
    out = render_definitions({}, {"cp": {"cp1002", "cp1001"}})
    assert out == "\n\n\ncp_group = cp1001\n           cp1002\n"
