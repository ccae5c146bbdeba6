from netbox_wmf_ops.checks import Finding
from netbox_wmf_ops.checks.vlan_migration import RecentServer, check_legacy_vlans, server_group

LEGACY = ["10.192.0.0/22", "10.192.16.0/22"]


def test_server_group():
    assert server_group("mw2301") == "mw"
    assert server_group("ms-be2070") == "ms-be"
    assert server_group("kubernetes2001x") == "kubernetesx"
    assert server_group("an-worker") is None


def test_legacy_vlan_summary():
    servers = [
        RecentServer("a", "mw2301", "10.192.0.10/22"),
        RecentServer("b", "mw2302", "10.192.0.11/22"),
        RecentServer("c", "mw2303", "10.192.16.12"),
        RecentServer("d", "mw2304", "10.192.16.13/22"),
        RecentServer("e", "db2101", "10.192.0.20/22"),
        RecentServer("f", "ms-be2070", "10.192.1.30/22"),
        RecentServer("g", "ms-be2071", "10.192.1.31/22"),
        RecentServer("h", "oddname", "10.192.1.40/22"),  # counted, not grouped
        RecentServer("i", "mw2400", "10.192.48.10/22"),  # already migrated
    ]
    assert check_legacy_vlans(servers, LEGACY) == [
        Finding("warning", None, "8 baremetal servers still on the legacy vlans"),
        Finding("info", None, "mw*: 4 servers (mw2301, mw2302, mw2303...)"),
        Finding("info", None, "ms-be*: 2 servers (ms-be2070, ms-be2071)"),
        Finding("info", None, "db*: 1 servers (db2101)"),
        Finding("success", None, "1 baremetal servers off the legacy vlans"),
    ]


def test_nothing_left_on_legacy_vlans_is_not_a_warning():
    assert check_legacy_vlans([RecentServer("a", "mw2301", "10.192.48.1/22")], LEGACY) == [
        Finding("success", None, "1 baremetal servers off the legacy vlans"),
    ]
