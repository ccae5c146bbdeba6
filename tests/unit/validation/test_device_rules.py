import datetime
from decimal import Decimal

from netbox_wmf_ops.validation.rules import RuleError
from netbox_wmf_ops.validation.rules.device import DeviceRecord, check_device

TODAY = datetime.date(2025, 6, 1)


def device(**fields):
    """A device that passes every rule; tests change what they exercise."""
    values = {
        "name": "db1001",
        "status": "active",
        "role": "server",
        "site": "eqiad",
        "asset_tag": "WMF12345",
        "serial": "ABC123",
        "purchase_date": "2024-01-15",
        "ticket": "T123456",
        "has_rack": True,
        "position": Decimal(10),
        "u_height": Decimal(1),
    }
    values.update(fields)
    return DeviceRecord(**values)


def test_a_good_device_has_no_error():
    assert check_device(device(), TODAY) == []


def test_every_failing_rule_is_reported_at_once():
    bad = device(name="DB2001.x", asset_tag="wmf1", purchase_date=None, ticket="12", serial="", has_rack=False)
    assert check_device(bad, TODAY) == [
        RuleError("name", "Invalid name (must be lowercase)"),
        RuleError("name", "Invalid name (must not contain a dot)"),
        RuleError("name", "Invalid name (first digit of 2001 must match device's site eqiad digit)"),
        RuleError("asset_tag", "Invalid asset tag wmf1 (must be (capitals) WMF then 4 or 5 digits)"),
        RuleError("cf_purchase_date", "Missing purchase date"),
        RuleError("cf_ticket", "Invalid procurement ticket (must start with RT or T then digits)"),
        RuleError("serial", "Missing serial number"),
        RuleError("rack", "Invalid rack/status (ACTIVE devices must have rack defined)"),
    ]


def test_active_name_with_future_or_spare():
    assert check_device(device(name="spare1001"), TODAY) == [
        RuleError("name", "Invalid name (active device name must not contain ['future', 'spare'])")
    ]
    assert check_device(device(name="spare1001", status="planned", has_rack=True), TODAY) == []


def test_unnamed_device_skips_the_name_rules():
    assert check_device(device(name=None), TODAY) == []


def test_site_digit_rule_and_its_exemptions():
    wrong = RuleError("name", "Invalid name (first digit of 2001 must match device's site eqiad digit)")
    assert check_device(device(name="db2001"), TODAY) == [wrong]
    assert check_device(device(name="wmf2001"), TODAY) == []  # wmf* names are asset tags
    assert check_device(device(name="db2001", role="storagebin", serial="x"), TODAY) == []  # servers only
    assert check_device(device(name="db2001-eqiad"), TODAY) == []  # site slug in the name
    assert check_device(device(name="db2001", site="unknown"), TODAY) == []  # no digit known (original: KeyError)
    assert check_device(device(name="db", site="codfw"), TODAY) == []  # no 4-digit number
    # Named after its asset tag: allowed in the decommissioned and planned states only.
    offline = device(name="wmf2001", role="server", status="offline", asset_tag="WMF2001", has_rack=False)
    assert check_device(offline, TODAY) == []


def test_site_digit_rule_follows_the_datacenters_setting(site_policy):
    # A site added to the datacenters with a two-digit DC number: its servers are <cluster>12NNN.
    assert check_device(device(name="mw12001", site="eqord"), TODAY) == []  # not a datacenter yet: no digit rule
    assert check_device(device(name="mw1001", site="eqord"), TODAY) == []
    site_policy({"datacenters": {"eqiad": 1, "codfw": 2, "eqord": 12}})
    assert check_device(device(name="mw12001", site="eqord"), TODAY) == []
    assert check_device(device(name="mw1001", site="eqord"), TODAY) == [
        RuleError("name", "Invalid name (first digits of 1001 must match device's site eqord digits)")
    ]
    assert check_device(device(name="mw12001"), TODAY) == []  # eqiad: 1200... starts with 1, as before
    assert check_device(device(name="db2001"), TODAY) == [
        RuleError("name", "Invalid name (first digit of 2001 must match device's site eqiad digit)")
    ]


def test_asset_tag_rules():
    assert check_device(device(asset_tag=None), TODAY) == [RuleError("asset_tag", "Missing asset tag")]
    assert check_device(device(asset_tag="WMF123456"), TODAY) == [
        RuleError("asset_tag", "Invalid asset tag WMF123456 (must be (capitals) WMF then 4 or 5 digits)")
    ]
    assert check_device(device(asset_tag="WMF1234"), TODAY) == []
    assert check_device(device(asset_tag=None, role="patch-panel"), TODAY) == []


def test_purchase_date_rules():
    assert check_device(device(purchase_date="2025-06-02"), TODAY) == [
        RuleError("cf_purchase_date", "Invalid purchase date (must not be in the future)")  # fixed: closing ")"
    ]
    assert check_device(device(purchase_date=datetime.date(2025, 6, 1)), TODAY) == []
    assert check_device(device(purchase_date=""), TODAY) == [RuleError("cf_purchase_date", "Missing purchase date")]
    # Without the custom field on devices, the rule does not apply.
    assert check_device(device(purchase_date=None, has_purchase_date_field=False), TODAY) == []


def test_ticket_rules():
    # Spec bug fixed: a missing ticket is reported as missing, not as invalid.
    assert check_device(device(ticket=None), TODAY) == [RuleError("cf_ticket", "Missing procurement ticket")]
    assert check_device(device(ticket="RT #1234"), TODAY) == []
    assert check_device(device(ticket="T1234"), TODAY) == [
        RuleError("cf_ticket", "Invalid procurement ticket (must start with RT or T then digits)")
    ]
    assert check_device(device(ticket=None, has_ticket_field=False), TODAY) == []


def test_serial_rules():
    assert check_device(device(duplicate_serial_of="db1002"), TODAY) == [
        RuleError("serial", "Duplicate serial number with db1002")
    ]
    assert check_device(device(serial=" "), TODAY) == [RuleError("serial", "Missing serial number")]
    assert check_device(device(serial="", role="cablemgmt"), TODAY) == []
    assert check_device(device(serial="", status="decommissioning"), TODAY) == []


def test_status_rack_and_position_rules():
    assert check_device(device(status="staged"), TODAY) == [
        RuleError("status", "Invalid role/status (servers must not use STAGED)")
    ]
    assert check_device(device(status="offline"), TODAY) == [
        RuleError("rack", "Invalid rack/status (OFFLINE devices most not have rack defined)")
    ]
    assert check_device(device(position=None), TODAY) == [
        RuleError("position", "Invalid rack/position (device with U height and rack must have position)")
    ]
    assert check_device(device(position=None, u_height=Decimal(0)), TODAY) == []
    assert check_device(device(status="planned", has_rack=False, position=None), TODAY) == []


def test_new_violations_compares_rules_by_code_not_by_message():
    from netbox_wmf_ops.validation.rules import new_violations

    stored = check_device(device(asset_tag="WMF-1"), TODAY)
    saved = check_device(device(asset_tag="WMF-2", name="DB1001"), TODAY)
    assert new_violations(saved, stored) == [RuleError("name", "Invalid name (must be lowercase)")]
    assert new_violations(saved, []) == saved
    assert new_violations([RuleError(None, "site rule")], [RuleError(None, "site rule")]) == []
