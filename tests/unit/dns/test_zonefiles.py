"""Byte-for-byte zone snippets for a small hand-built fleet, record formats and sort order
(docs/behaviour-reference.md §3.3-§3.4)."""

from netbox_wmf_ops.dns.records import Address, ForwardRecord, Host, Prefix, ReverseRecord, generate_records
from netbox_wmf_ops.dns.zonefiles import (
    count_forward_records,
    format_forward,
    format_reverse,
    render_zone_files,
)

PAD = " " * 34  # "db1001" + 34 spaces = 40 columns


def small_fleet():
    db = Host("device", 1, "db1001", "active", "server", "WMF1234", primary_ip4_id=1, primary_ip6_id=2)
    spare = Host("device", 2, "db1099", "inventory", "server", "WMF5555")
    cp = Host("device", 3, "cp1001", "active", "server", "WMF2000")
    switch = Host("device", 4, "asw1-b2-eqiad", "active", "asw", "WMF9000")
    vm = Host("vm", 1, "ganeti-vm1001", "active")
    dev = "dcim.interface"
    addresses = [
        Address(1, "10.64.0.5/22", "active", "db1001.eqiad.wmnet", dev, 1, "db1001", "eqiad"),
        Address(2, "2620:0:861:101:10:64:0:5/64", "active", "db1001.eqiad.wmnet", dev, 1, "db1001", "eqiad"),
        Address(3, "10.65.0.5/16", "active", "db1001.mgmt.eqiad.wmnet", dev, 1, "db1001", "eqiad", True),
        Address(4, "10.65.0.99/16", "active", "db1099.mgmt.eqiad.wmnet", dev, 2, "db1099", "eqiad", True),
        Address(5, "10.65.1.1/16", "active", "asw1-b2-eqiad.mgmt.eqiad.wmnet", dev, 4, "asw1-b2-eqiad", "eqiad", True),
        Address(6, "208.80.154.70/27", "active", "cp1001.wikimedia.org", dev, 3, "cp1001", "eqiad"),
        Address(
            7,
            "10.64.0.10/22",
            "active",
            "ganeti-vm1001.eqiad.wmnet",
            "virtualization.vminterface",
            1,
            "ganeti-vm1001",
            "eqiad",
        ),
        Address(8, "208.80.154.1/26", "active", "gw.eqiad.wikimedia.org", "ipam.fhrpgroup", 9, "VRRP 1"),
        Address(9, "185.15.58.9/24", "active", "ns2.wikimedia.org"),  # no prefix at all: global, no PTR
        Address(10, "10.64.0.11/22", "reserved", "reserved.eqiad.wmnet", dev, 1, "db1001", "eqiad"),
    ]
    prefixes = [
        Prefix(1, "10.64.0.0/22", "eqiad"),
        Prefix(2, "10.65.0.0/16", "eqiad"),
        Prefix(3, "208.80.154.0/24", "eqiad"),
        Prefix(4, "208.80.154.64/27", "eqiad"),
        Prefix(5, "2620:0:861:101::/64", "eqiad"),
    ]
    return [db, spare, cp, switch, vm], addresses, prefixes


def test_small_fleet_byte_for_byte():
    gen = generate_records(*small_fleet())
    files = render_zone_files(gen.forward, gen.reverse)
    assert files == {
        "0.64.10.in-addr.arpa": ("5   1H IN PTR db1001.eqiad.wmnet.\n10  1H IN PTR ganeti-vm1001.eqiad.wmnet.\n"),
        "0.65.10.in-addr.arpa": (
            "5   1H IN PTR db1001.mgmt.eqiad.wmnet.\n"
            "5   1H IN PTR wmf1234.mgmt.eqiad.wmnet.\n"
            "99  1H IN PTR wmf5555.mgmt.eqiad.wmnet.\n"
        ),
        "1.0.1.0.1.6.8.0.0.0.0.0.0.2.6.2.ip6.arpa": ("5.0.0.0.0.0.0.0.4.6.0.0.0.1.0.0 1H IN PTR db1001.eqiad.wmnet.\n"),
        "1.65.10.in-addr.arpa": "1   1H IN PTR asw1-b2-eqiad.mgmt.eqiad.wmnet.\n",
        "154.80.208.in-addr.arpa": "1   1H IN PTR gw.eqiad.wikimedia.org.\n",
        "64-27.154.80.208.in-addr.arpa": "70  1H IN PTR cp1001.wikimedia.org.\n",
        "eqiad.wmnet": (
            f"db1001{PAD} 1H IN A 10.64.0.5\n"
            f"db1001{PAD} 1H IN AAAA 2620:0:861:101:10:64:0:5\n"
            "ganeti-vm1001                            1H IN A 10.64.0.10\n"
        ),
        "mgmt.eqiad.wmnet": (
            "asw1-b2-eqiad                            1H IN A 10.65.1.1\n"
            f"db1001{PAD} 1H IN A 10.65.0.5\n"
            "wmf1234                                  1H IN A 10.65.0.5\n"
            "wmf5555                                  1H IN A 10.65.0.99\n"
        ),
        "wikimedia.org-eqiad": (
            "cp1001                                   1H IN A 208.80.154.70\n"
            "gw.eqiad                                 1H IN A 208.80.154.1\n"
        ),
        "wikimedia.org-global": (
            "ns2                                      1H IN A 185.15.58.9 "
            "; wmf-zone-validator-ignore=MISSING_PTR_FOR_NAME_AND_IP\n"
        ),
    }
    assert list(files) == sorted(files)
    assert count_forward_records(files) == len(gen.forward) == 10


def test_record_formats():
    assert format_forward(ForwardRecord("z", "z", "h", "10.0.0.1")) == "h" + " " * 39 + " 1H IN A 10.0.0.1"
    long_name = "a-very-long-hostname-that-exceeds-forty-columns"
    assert format_forward(ForwardRecord("z", "z", long_name, "10.0.0.1")) == f"{long_name} 1H IN A 10.0.0.1"
    assert format_forward(ForwardRecord("z", "z", "h", "2620:0:861:0:0:0:0:1", "c")).endswith(
        " 1H IN AAAA 2620:0:861::1 ; c"
    )
    assert format_reverse(ReverseRecord("r", "7", "h.z")) == "7   1H IN PTR h.z."
    assert format_reverse(ReverseRecord("r", "255", "h.z")) == "255 1H IN PTR h.z."


def test_forward_sort_order_is_reversed_labels_then_exploded_ip_text():
    records = [
        ForwardRecord("f", "z", "b", "10.0.0.5"),
        ForwardRecord("f", "z", "b", "10.0.0.10"),  # text order: "10.0.0.10" < "10.0.0.5"
        ForwardRecord("f", "z", "a.c", "10.0.0.1"),  # sorts as "c.a", after "b"
        ForwardRecord("f", "z", "z.b", "10.0.0.1"),  # "b.z", after "b"
        ForwardRecord("f", "z", "b", "2620::1"),
    ]
    lines = render_zone_files(records, [])["f"].splitlines()
    assert [line.split()[0] + " " + line.split()[-1] for line in lines] == [
        "b 10.0.0.10",
        "b 10.0.0.5",
        "b 2620::1",
        "z.b 10.0.0.1",
        "a.c 10.0.0.1",
    ]


def test_reverse_sort_order_reads_pointer_labels_as_hex_most_significant_first():
    v4 = [ReverseRecord("r", p, t) for p, t in [("100", "a.z"), ("9", "b.z"), ("10", "c.z"), ("9", "a.z")]]
    assert [line.split()[0] + line.split()[-1] for line in render_zone_files([], v4)["r"].splitlines()] == [
        "9a.z.",
        "9b.z.",
        "10c.z.",
        "100a.z.",
    ]
    v6 = [
        ReverseRecord("r6", "a.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0", "x.z"),
        ReverseRecord("r6", "9.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0", "x.z"),
        ReverseRecord("r6", "0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1", "x.z"),
    ]
    assert [line.split()[0][0] for line in render_zone_files([], v6)["r6"].splitlines()] == ["9", "a", "0"]
