import datetime
import re

from netbox_wmf_ops.checks import Finding
from netbox_wmf_ops.checks.validation_audit import REPORTED_BY, audit
from netbox_wmf_ops.owners import ReportOwner, report_owner
from netbox_wmf_ops.validation.rules import RuleError
from netbox_wmf_ops.validation.rules import dcim as dcim_rules
from netbox_wmf_ops.validation.rules import interface as interface_rules
from netbox_wmf_ops.validation.rules import ipam as ipam_rules
from netbox_wmf_ops.validation.rules import vpn as vpn_rules
from netbox_wmf_ops.validation.rules.device import DeviceRecord, check_device

TODAY = datetime.date(2025, 6, 1)
CODE = re.compile(r"[a-z]+\.[a-z0-9_]+")


def bad_device(**fields) -> DeviceRecord:
    values = {
        "name": "DB2001.spare",
        "status": "active",
        "role": "server",
        "site": "eqiad",
        "asset_tag": "wmf1",
        "serial": "S1",
        "purchase_date": "2099-01-01",
        "ticket": "12",
        "duplicate_serial_of": "db1002",
        "has_rack": False,
    }
    values.update(fields)
    return DeviceRecord(**values)


def every_error() -> list[RuleError]:
    """At least one error of every validator rule function."""
    nokia = interface_rules.InterfaceRecord(
        name="ge-0/0/60",
        type="virtual",
        device_role="asw",
        manufacturer="nokia",
        device_type="x",
        has_parent=False,
        enabled=False,
        description="x",
        mtu=1500,
        mode="access",
        has_lag=True,
        has_mac_address=True,
        ip_count=2,
    )
    juniper = interface_rules.InterfaceRecord(
        name="irb.5", type="10gbase-x-sfpp", device_role="asw", manufacturer="juniper", device_type="x", has_parent=True
    )
    cable_end = dcim_rules.CableEnd("interface", 1, "esams", "asw")
    return [
        *check_device(bad_device(), TODAY),
        *check_device(bad_device(status="offline", has_rack=True, position=None, asset_tag=None), TODAY),
        *check_device(bad_device(status="staged", purchase_date=None, ticket=None, serial=""), TODAY),
        *dcim_rules.check_device_type("dell", "PowerEdge R440", "r440"),
        *dcim_rules.check_cable(dcim_rules.CableRecord("", "connected", (cable_end, cable_end), ())),
        *dcim_rules.check_cable(dcim_rules.CableRecord("L1", "connected", (), (), [("L1", None)])),
        *dcim_rules.check_cable(dcim_rules.CableRecord("L1", "connected", (cable_end,), (), [("L1", 1)])),
        *dcim_rules.check_console_port("con0", "juniper"),
        *dcim_rules.check_console_server_port("ttyS1"),
        *dcim_rules.check_power_port("PSU0"),
        *dcim_rules.check_power_outlet("A1"),
        *dcim_rules.check_site("EQIADX"),
        *interface_rules.check_interface(nokia),
        *interface_rules.check_interface(juniper),
        *interface_rules.check_interface(interface_rules.InterfaceRecord("Eth 1", "1000base-t", "cr", "juniper", "x")),
        *ipam_rules.check_ip_address(ipam_rules.IPAddressRecord("host.")),
        *ipam_rules.check_ip_address(ipam_rules.IPAddressRecord("a.b_c.x.org", on_mgmt_interface=True)),
        *ipam_rules.check_ip_address(ipam_rules.IPAddressRecord("", on_mgmt_interface=True, device_status="active")),
        *ipam_rules.check_ip_address(
            ipam_rules.IPAddressRecord("x.y.com", device_role="server", device_name="db1", is_device_primary=True)
        ),
        *ipam_rules.check_prefix(ipam_rules.PrefixRecord(None, 1, "10.0.0.0/8", "kubernetes", 2, "codfw")),
        *vpn_rules.check_ike_policy(1, 2),
        *vpn_rules.check_ike_proposal("aes-128-cbc", "hmac-sha1", 2),
        *vpn_rules.check_ipsec_policy(None, 2),
        *vpn_rules.check_ipsec_proposal("aes-128-cbc", "hmac-sha1"),
    ]


def test_every_validator_error_carries_a_stable_rule_code_named_after_its_model():
    errors = every_error()
    assert errors and all(CODE.fullmatch(error.rule) for error in errors), [e for e in errors if not e.rule]
    models = {error.rule.split(".")[0] for error in errors}
    assert models == {
        "device",
        "devicetype",
        "cable",
        "consoleport",
        "consoleserverport",
        "powerport",
        "poweroutlet",
        "site",
        "interface",
        "ipaddress",
        "prefix",
        "ikepolicy",
        "ikeproposal",
        "ipsecpolicy",
        "ipsecproposal",
    }


def test_the_rule_code_is_not_part_of_an_errors_equality():
    assert RuleError("name", "x", rule="device.name_dot") == RuleError("name", "x")


def test_every_rule_mapped_to_a_report_test_is_a_real_rule_code():
    produced = {error.rule for error in every_error()}
    assert set(REPORTED_BY) <= produced, set(REPORTED_BY) - produced
    assert all(test.count(".") == 2 and test.rsplit(".", 1)[1].startswith("test_") for test in REPORTED_BY.values())


def test_audit_reports_each_unmapped_error_with_its_rule_and_counts_clean_objects():
    def check(record):
        return check_device(record, TODAY)

    clean = bad_device(
        name="db1001", asset_tag="WMF1234", purchase_date="2020-01-01", ticket="T123456", duplicate_serial_of=None
    )
    staged = bad_device(status="staged")  # name, tag, date, ticket, serial: all rules the Coherence report checks
    findings = audit([("ok", clean), ("staged", staged)], check, "devices break no audited rule")
    assert findings == [
        Finding("failure", "staged", "Invalid role/status (servers must not use STAGED)", "device.server_staged"),
        Finding("success", None, "1 devices break no audited rule"),
    ]


def test_an_object_breaking_only_rules_a_report_checks_counts_as_clean():
    findings = audit([(1, bad_device())], lambda r: check_device(r, TODAY), "clean")
    # Name, asset tag, purchase date, ticket, duplicate serial, unracked: each has its report test.
    assert findings == [Finding("success", None, "1 clean")]


def test_report_owner_reads_the_meta_and_defaults_to_an_alerting_report_without_owner():
    class Quiet:
        class Meta:
            owner = "DC-ops"
            alerts = False

    class Shim(Quiet):
        pass

    class Plain:
        pass

    assert report_owner(Shim) == ReportOwner("DC-ops", alerts=False)
    assert report_owner(Plain) == ReportOwner("", alerts=True)
