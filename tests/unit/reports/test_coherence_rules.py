import datetime
from decimal import Decimal

from netbox_wmf_ops.checks import Finding
from netbox_wmf_ops.checks.coherence import (
    DeviceRecord,
    InventoryRecord,
    check_asset_tags,
    check_connected_unracked,
    check_device_names,
    check_duplicate_serials,
    check_juniper_inventory_descriptions,
    check_offline_racked,
    check_online_racked,
    check_purchase_dates,
    check_rack_positions,
    check_serials,
    check_tickets,
)


class Dev:
    """Stands in for a Device: the rules only pass it through, except Rack reading its pk."""

    def __init__(self, pk):
        self.pk = pk

    def __repr__(self):
        return f"Dev({self.pk})"

    def __eq__(self, other):
        return isinstance(other, Dev) and other.pk == self.pk

    def __hash__(self):
        return self.pk


def rec(pk, name=None, *, status="active", role="server", site="eqiad", **fields):
    status_display = status.capitalize()
    return DeviceRecord(Dev(pk), name if name is not None else f"dev{pk}", status, status_display, role, site, **fields)


def levels(findings):
    return [(f.level, f.obj.pk if f.obj else None, f.message) for f in findings]


def test_device_names():
    records = [
        rec(1, "mw1001"),
        rec(2, "MW1002"),
        rec(3, "MW1003", status="planned"),
        rec(4, "mw-future1004"),
        rec(5, "spare1005", status="inventory"),  # future/spare only matters for active devices
        rec(6, "mw1006.eqiad.wmnet", status="staged"),
        rec(7, "mw2007"),  # eqiad server numbered like codfw
        rec(8, "wmf7008", status="planned", asset_tag="WMF7008"),  # named after its asset tag
        rec(9, "asw2-eqiad"),  # contains its site
        rec(10, "cr1", role="cr"),  # not a server
        rec(11, "mw9011", site="xxx01"),  # unknown site: no digit rule
        rec(12, ""),  # unnamed: skipped
    ]
    assert levels(check_device_names(records)) == [
        ("failure", 2, "malformed device name for active device"),
        ("failure", 4, "malformed device name for active device: must not contain 'future' or 'spare'"),
        ("failure", 7, "malformed device name for active device: first digit of 2007 must match site eqiad digit 1"),
        ("warning", 3, "malformed device name for inactive device"),
        ("warning", 6, "malformed device name for inactive device: must not contain a dot"),
        ("success", None, "6 correctly formatted device names"),
    ]


def test_device_name_digits_follow_the_datacenters_setting(site_policy):
    records = [rec(1, "mw12001", site="eqord"), rec(2, "mw1002", site="eqord"), rec(3, "mw8003", site="drcdg")]
    assert levels(check_device_names(records)) == [("success", None, "3 correctly formatted device names")]
    site_policy({"datacenters": {"eqiad": 1, "eqord": 12, "drcdg": 8}})
    assert levels(check_device_names([*records, rec(4, "mw2004")])) == [
        ("failure", 2, "malformed device name for active device: first digits of 1002 must match site eqord digits 12"),
        ("failure", 4, "malformed device name for active device: first digit of 2004 must match site eqiad digit 1"),
        ("success", None, "2 correctly formatted device names"),
    ]


def test_serials_and_duplicates_share_one_scope():
    records = [
        rec(1, serial="ABC"),
        rec(2, serial="ABC "),
        rec(3, serial="ABC", status="offline"),  # decommissioned: out of scope
        rec(4, serial="ABC", role="patch-panel"),  # exempt role: out of scope
        rec(5, serial=""),
        rec(6, serial="XYZ"),
        rec(7, serial="DEF"),
        rec(8, serial="DEF"),
        rec(9, serial="", role="cablemgmt"),
    ]
    assert levels(check_serials(records)) == [
        ("failure", 5, "missing serial number"),
        ("success", None, "5 present serial numbers"),
    ]
    assert levels(check_duplicate_serials(records)) == [
        ("failure", 1, "duplicate serial: ABC"),
        ("failure", 2, "duplicate serial: ABC"),
        ("failure", 7, "duplicate serial: DEF"),
        ("failure", 8, "duplicate serial: DEF"),
        ("success", None, "1 unique serial numbers"),
    ]


def test_no_duplicate_serials_gives_the_summary_only():
    assert levels(check_duplicate_serials([rec(1, serial="A"), rec(2, serial="B")])) == [
        ("success", None, "2 unique serial numbers")
    ]


def test_asset_tags():
    records = [
        rec(1, asset_tag="WMF1234"),
        rec(2, asset_tag="WMF12345"),
        rec(3, asset_tag=None),
        rec(4, asset_tag="wmf1234"),
        rec(5, asset_tag="WMF123456"),
        rec(6, asset_tag=None, role="patch-panel"),
    ]
    assert levels(check_asset_tags(records)) == [
        ("failure", 3, "missing asset tag"),
        ("failure", 4, "malformed asset tag: wmf1234"),
        ("failure", 5, "malformed asset tag: WMF123456"),
        ("success", None, "2 correctly formatted asset tags"),
    ]


def test_purchase_dates():
    today = datetime.date(2025, 6, 1)
    records = [
        rec(1, purchase_date="2025-06-01"),
        rec(2, purchase_date=None),
        rec(3, purchase_date="2025-06-02"),
        rec(4, purchase_date="01/02/2020"),
        rec(5, purchase_date=""),
    ]
    assert levels(check_purchase_dates(records, today)) == [
        ("failure", 2, "missing purchase date"),
        ("failure", 3, "purchase date is in the future"),
        ("failure", 4, "malformed purchase date: 01/02/2020"),
        ("failure", 5, "missing purchase date"),
        ("success", None, "1 present purchase dates"),
    ]


def test_tickets():
    records = [
        rec(1, ticket="T123456"),
        rec(2, ticket="RT #12"),
        rec(3, ticket=None),
        rec(4, ticket="T1234"),
        rec(5, ticket="task T123456"),
        rec(6, ticket=""),
    ]
    assert levels(check_tickets(records)) == [
        ("failure", 3, "missing procurement ticket"),
        ("failure", 4, "malformed procurement ticket: T1234"),
        ("failure", 5, "malformed procurement ticket: task T123456"),
        ("failure", 6, "missing procurement ticket"),
        ("success", None, "2 correctly formatted procurement tickets"),
    ]


def test_juniper_inventory_descriptions():
    items = [
        InventoryRecord("ok", "FPC 0", "QFX5120", "SN x Purchase:2020-01-02,Task:T123456 more"),
        InventoryRecord("rt", "FPC 1", "QFX5120", "Purchase:2020-01-02,Task:RT #4242"),
        InventoryRecord("bad", "FPC 2", "QFX5120", "Purchase:2020-1-2,Task:T123456"),
        InventoryRecord("empty", "FPC 3", "QFX5120", ""),
        InventoryRecord("psu", "Power Supply 0", "PWR", ""),
        InventoryRecord("lb", "LB", "EX4500-LB", ""),
    ]
    assert check_juniper_inventory_descriptions(items) == [
        Finding("failure", "bad", "malformed inventory description: Purchase:2020-1-2,Task:T123456"),
        Finding("failure", "empty", "malformed inventory description: "),
        Finding("success", None, "2 correctly formatted inventory descriptions."),
    ]


def test_connected_unracked():
    records = [rec(1, rack=None), rec(2, rack=None), rec(3, rack="C4"), rec(4, rack=None)]
    cabled = {1: ["console0", "console-re1"], 3: ["console0"], 4: []}
    assert levels(check_connected_unracked(records, cabled)) == [
        ("failure", 1, "connected console ports attached to unracked device dev1: console0 console-re1"),
        ("success", None, "2 unracked devices without connected console ports"),
    ]


def test_rack_rules():
    records = [
        rec(1, status="offline", rack="C4"),
        rec(2, status="offline"),
        rec(3, status="active", rack="A1", position=Decimal(10)),
        rec(4, status="staged"),
        rec(5, status="planned"),
        rec(6, status="active", rack="A1", position=None),
        rec(7, status="active", rack="A1", position=None, u_height=Decimal(0)),
    ]
    assert levels(check_offline_racked(records)) == [
        ("failure", 1, "rack defined for status Offline device: eqiad-C4"),
        ("success", None, "1 offline devices without a rack"),
    ]
    assert levels(check_online_racked(records)) == [
        ("failure", 4, "no rack defined for status Staged device"),
        ("success", None, "3 racked devices in service"),
    ]
    assert levels(check_rack_positions(records)) == [
        ("failure", 1, "no position set for racked device with U height"),
        ("failure", 6, "no position set for racked device with U height"),
        ("success", None, "1 racked devices with a position"),
    ]
