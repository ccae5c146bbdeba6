import re
from pathlib import Path

from netbox_wmf_ops.config_schema import SETTINGS, default_settings, validate_settings


def test_defaults_are_valid():
    assert validate_settings(default_settings()) == []


def test_unknown_key_is_named_with_a_suggestion():
    errors = validate_settings({"management_console_role": ["cr"]})
    assert errors == [
        "PLUGINS_CONFIG['netbox_wmf_ops']['management_console_role']: unknown setting "
        "(did you mean 'management_console_roles'?)"
    ]


def test_bad_value_names_the_key_and_the_value():
    errors = validate_settings({"management_console_roles": "cr", "register_shipped_scripts": "yes"})
    assert errors == [
        "PLUGINS_CONFIG['netbox_wmf_ops']['management_console_roles']: must be a list of non-empty strings (got 'cr')",
        "PLUGINS_CONFIG['netbox_wmf_ops']['register_shipped_scripts']: must be true or false (got 'yes')",
    ]


def test_report_schedules_rules():
    assert validate_settings({"report_schedules": {"wmf_ops_management.ManagementConsole": 60}}) == []
    assert "must be 'module.ClassName'" in validate_settings({"report_schedules": {"Management": 60}})[0]
    assert ">= 1" in validate_settings({"report_schedules": {"a.B": 0}})[0]
    assert ">= 1" in validate_settings({"report_schedules": {"a.B": True}})[0]


def test_datacenters_rules():
    def error(value):
        errors = validate_settings({"datacenters": value})
        return errors[0].removeprefix("PLUGINS_CONFIG['netbox_wmf_ops']['datacenters']: ") if errors else None

    assert error({"eqiad": 1, "eqord": 12, "drcdg-2": 99}) is None
    assert error({}).startswith("must be a non-empty mapping of site slug to DC number")
    assert error(["eqiad"]).startswith("must be a non-empty mapping of site slug to DC number")
    assert error({"eq iad": 1}) == "key 'eq iad' must be a site slug (letters, digits, '-' and '_') (got {'eq iad': 1})"
    assert error({"eqiad": 0}).startswith("DC number of 'eqiad' must be a whole number from 1 to 99, got 0")
    assert error({"eqiad": 100}).startswith("DC number of 'eqiad' must be a whole number from 1 to 99, got 100")
    assert error({"eqiad": "1"}).startswith("DC number of 'eqiad' must be a whole number from 1 to 99, got '1'")
    assert error({"eqiad": True}).startswith("DC number of 'eqiad' must be a whole number from 1 to 99, got True")
    assert error({"eqiad": 1, "eqord": 1}).startswith("DC number 1 is given to both 'eqiad' and 'eqord'")


def test_defaults_are_fresh_copies():
    first = default_settings()
    first["management_console_roles"].append("x")
    assert "x" not in default_settings()["management_console_roles"]


def test_every_setting_is_documented():
    documented = set(
        re.findall(r"^\| `([a-z0-9_]+)` \|", (Path(__file__).parents[2] / "docs/configuration.md").read_text(), re.M)
    )
    assert documented == set(SETTINGS)


def test_secrets_are_never_echoed_in_errors():
    bad_profile = {"dc1": {"site": "eqiad", "url": "https://ganeti", "user": "u", "password": "hunter2", "oops": 1}}
    errors = validate_settings({"ganeti_profiles": bad_profile, "librenms_api_token": 12})
    assert errors and not any("hunter2" in line for line in errors)
    assert "'password': '***'" in errors[0]
    assert errors[1].endswith("(got '***')")
