"""PuppetDB report rules (docs/behaviour-reference.md §1.6) on plain records."""

from netbox_wmf_ops.checks.puppetdb import (
    Server,
    Vm,
    check_models,
    check_netbox_in_puppetdb,
    check_netbox_vms_in_puppetdb,
    check_puppetdb_in_netbox,
    check_puppetdb_vms_in_netbox,
    check_serials,
)

FACTS = {
    "is_virtual": {"etcd1007": True, "ghost2001": True, "db1201": False, "db1202": True, "mw1400": False, "cp9": False},
    "serialnumber": {"db1201": "7XK9QK3", "mw1400": "ABC", "etcd1007": None},
    "productname": {"db1201": "PowerEdge R450", "mw1400": "PowerEdge R440"},
}


def lines(findings):
    return [(f.level, f.obj, f.message) for f in findings]


def server(name, status="active", model="PowerEdge R450 - ConfigA 202107", serial="7XK9QK3"):
    return Server(name, name, status, status.capitalize(), model, serial)


def test_vms_in_puppetdb():
    vms = [
        Vm("etcd1007", "etcd1007", "active", False),
        Vm("db1201", "db1201", "active", False),  # physical in PuppetDB
        Vm("new1001", "new1001", "planned", False),
        Vm("old1001", "old1001", "offline", False),  # not expected
        Vm("fr1001", "fr1001", "active", True),  # tenant: not checked
    ]
    assert lines(check_netbox_vms_in_puppetdb(vms, FACTS)) == [
        ("failure", "db1201", "expected VM marked as Physical in PuppetDB"),
        ("failure", "new1001", "missing VM from PuppetDB"),
        ("success", None, "1 VMs that are in Netbox are also in PuppetDB VMs"),
    ]


def test_puppetdb_vms_in_netbox():
    assert lines(check_puppetdb_vms_in_netbox(["etcd1007", "db1202"], FACTS)) == [
        ("failure", None, "missing VM from Netbox: ghost2001"),
        ("success", None, "2 VMs that are in PuppetDB are also in Netbox VMs"),
    ]


def test_servers_in_puppetdb():
    servers = [
        server("db1201"),
        server("db1202"),  # virtual in PuppetDB
        server("db1203"),  # missing
        server("db1204", status="failed"),  # failed: not expected in PuppetDB
        server("db1205", status="staged"),  # excluded
    ]
    assert lines(check_netbox_in_puppetdb(servers, FACTS)) == [
        ("failure", "db1202", "expected physical device marked as virtual in PuppetDB"),
        (
            "failure",
            "db1203",
            "Device is Active in Netbox but is missing from PuppetDB "
            "(should be inventory, offline, planned, decommissioning or staged)",
        ),
        ("success", None, "1 physical devices that are in Netbox are also in PuppetDB"),
    ]


def test_puppetdb_hosts_in_netbox():
    servers = [server("db1201"), server("mw1400", status="planned")]
    assert lines(check_puppetdb_in_netbox(servers, FACTS)) == [
        ("failure", None, "expected device missing from Netbox: cp9"),
        ("failure", "mw1400", "Device is in PuppetDB but is Planned in Netbox (should be Active or Failed)"),
        ("success", None, "1 physical devices that are in PuppetDB are also in Netbox"),
    ]


def test_models_ignore_the_wmf_suffix():
    servers = [server("db1201"), server("mw1400", model="PowerEdge R450"), server("absent1")]
    assert lines(check_models(servers, FACTS)) == [
        ("failure", "mw1400", "mismatched device models: PowerEdge R450 (netbox) != PowerEdge R440 (puppetdb)"),
        ("success", None, "1 devices have matching model names"),
    ]


def test_serials():
    servers = [server("db1201"), server("mw1400", serial="XYZ"), server("absent1")]
    assert lines(check_serials(servers, FACTS)) == [
        ("failure", "mw1400", "mismatched serials: XYZ (netbox) != ABC (puppetdb)"),
        ("success", None, "1 physical devices have matching serial numbers"),
    ]
