import datetime

from netbox_wmf_ops.checks import Finding
from netbox_wmf_ops.checks.vlan_migration import Server, check_legacy_vlans, server_group

LEGACY = ["10.192.0.0/22", "10.192.16.0/22"]
TODAY = datetime.date(2025, 6, 1)


def recent(device, name, ip):
    return Server(device, name, ip, "2024-01-01")


def test_server_group():
    assert server_group("mw2301") == "mw"
    assert server_group("ms-be2070") == "ms-be"
    assert server_group("kubernetes2001x") == "kubernetesx"
    assert server_group("an-worker") is None


def test_legacy_vlan_summary():
    servers = [
        recent("a", "mw2301", "10.192.0.10/22"),
        recent("b", "mw2302", "10.192.0.11/22"),
        recent("c", "mw2303", "10.192.16.12"),
        recent("d", "mw2304", "10.192.16.13/22"),
        recent("e", "db2101", "10.192.0.20/22"),
        recent("f", "ms-be2070", "10.192.1.30/22"),
        recent("g", "ms-be2071", "10.192.1.31/22"),
        recent("h", "oddname", "10.192.1.40/22"),  # counted, not grouped
        recent("i", "mw2400", "10.192.48.10/22"),  # already migrated
    ]
    assert check_legacy_vlans(servers, LEGACY, TODAY) == [
        Finding("warning", None, "8 baremetal servers still on the legacy vlans"),
        Finding("info", None, "mw*: 4 servers (mw2301, mw2302, mw2303...)"),
        Finding("info", None, "ms-be*: 2 servers (ms-be2070, ms-be2071)"),
        Finding("info", None, "db*: 1 servers (db2101)"),
        Finding("success", None, "1 baremetal servers off the legacy vlans"),
    ]


def test_nothing_left_on_legacy_vlans_is_not_a_warning():
    assert check_legacy_vlans([recent("a", "mw2301", "10.192.48.1/22")], LEGACY, TODAY) == [
        Finding("success", None, "1 baremetal servers off the legacy vlans"),
    ]


def test_only_servers_bought_in_the_last_five_years_count():
    servers = [
        Server("old", "mw2001", "10.192.0.1/22", "2020-05-31"),  # 5 * 365 days before TODAY is 2020-06-02
        Server("edge", "mw2002", "10.192.0.2/22", "2020-06-02"),
        Server("none", "mw2003", "10.192.0.3/22", None),
        Server("bad", "mw2004", "10.192.0.4/22", "June 2024"),
    ]
    assert check_legacy_vlans(servers, LEGACY, TODAY) == [
        Finding("warning", None, "1 baremetal servers still on the legacy vlans"),
        Finding("info", None, "mw*: 1 servers (mw2002)"),
        Finding("success", None, "0 baremetal servers off the legacy vlans"),
    ]
