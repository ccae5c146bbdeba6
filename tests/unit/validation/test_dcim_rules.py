import pytest
from django.utils.text import slugify as django_slugify

from netbox_wmf_ops.validation.rules import RuleError
from netbox_wmf_ops.validation.rules.dcim import (
    CableEnd,
    CableRecord,
    check_cable,
    check_console_port,
    check_console_server_port,
    check_device_type,
    check_power_outlet,
    check_power_port,
    check_site,
    slugify,
)

POWEREDGE = "Invalid model (slug must match re.compile('^poweredge-r\\\\d{3}\\\\w{0,3}(-config\\\\w+){0,1}$'))"


@pytest.mark.parametrize("model", ["PowerEdge R440", "  Ünïcode — Model_2 ", "a--b  c", "R650 (config A)"])
def test_slugify_is_djangos(model):
    assert slugify(model) == django_slugify(model)


def test_device_type_rules():
    assert check_device_type("dell", "PowerEdge R440", "poweredge-r440") == []
    assert check_device_type("dell", "PowerEdge R440 config 2", "poweredge-r440-config2") == [
        RuleError("slug", "Invalid slug (must be poweredge-r440-config-2)")
    ]
    assert check_device_type("dell", "PowerEdge R440", "r440") == [
        RuleError("slug", "Invalid slug (must be poweredge-r440)"),
        RuleError("model", POWEREDGE),
    ]
    assert check_device_type("dell", "Storage MD1200", "storage-md1200") == []
    assert check_device_type("dell", "PowerSwitch S5248", "powerswitch-s5248") == []
    assert check_device_type("juniper", "QFX5120", "anything") == []


def iface(site_id=1, site="eqiad", role="server"):
    return CableEnd("interface", site_id, site, role)


def test_cable_duplicate_label_on_the_same_site():
    cable = CableRecord("C1", "connected", [iface()], [iface(role="asw")], same_label=[("C1", 1), ("C1", 2)])
    assert check_cable(cable) == [RuleError("label", "Duplicate label with C1")]


def test_cable_site_is_the_first_circuit_termination_or_interface():
    front = CableEnd("frontport", 7, "esams")
    circuit = CableEnd("circuittermination", 2, "codfw")
    cable = CableRecord("C1", "connected", [front], [circuit], same_label=[("C1", 7), ("#9", 2)])
    assert check_cable(cable) == [RuleError("label", "Duplicate label with #9")]
    no_site = CableRecord("C1", "connected", [front], [CableEnd("consoleport", 7, "esams")])
    assert check_cable(no_site) == [RuleError(None, "Error: unable to find cable's site")]


def test_blank_label_only_on_core_server_cables_or_planned():
    blank = RuleError("label", "Invalid label (must not be blank)")
    assert check_cable(CableRecord("  ", "connected", [iface()], [iface(role="asw")])) == []
    assert check_cable(CableRecord("", "connected", [iface(site="esams")], [iface(site="esams", role="asw")])) == [
        blank
    ]
    assert check_cable(CableRecord(None, "planned", [iface(site="esams")], [iface(site="esams")])) == []


def test_cable_multiple_endpoints_and_all_errors():
    cable = CableRecord("", "connected", [iface(site="ulsfo"), iface(site="ulsfo")], [iface(site="ulsfo")])
    assert check_cable(cable) == [
        RuleError("label", "Invalid label (must not be blank)"),
        RuleError(None, "Our automation doesn't support cables with multiple endpoints"),
    ]


def test_console_port_names():
    assert check_console_port("console-re1", "juniper") == []
    assert check_console_port("Console", "juniper") == [
        RuleError("name", "Invalid name (must be one of ('console0', 'console-re0', 'console-re1'))")
    ]
    # Spec bug fixed: Nokia's "Console" port.
    assert check_console_port("Console", "nokia") == []
    assert check_console_port("serial0", "nokia") == [
        RuleError("name", "Invalid name (must be one of ('console0', 'console-re0', 'console-re1', 'Console'))")
    ]


def test_component_names():
    assert check_console_server_port("port12") == []
    assert check_console_server_port("port123") == [
        RuleError("name", "Invalid name (must start with 'port' followed by digits)")
    ]
    assert check_power_port("PSU2") == []
    assert check_power_port("PS1") == [
        RuleError(
            "name",
            "Invalid name (must be one of ('PEM 0', 'PEM 1', 'Power Supply 0', 'Power Supply 1', 'PSU1', 'PSU2'))",
        )
    ]
    assert check_power_outlet("12") == []
    assert check_power_outlet("-1") == [RuleError("name", "Invalid name (must be a non-negative integer)")]
    assert check_power_outlet("AA1") == [RuleError("name", "Invalid name (must be a non-negative integer)")]


def test_site_slug():
    assert check_site("eqiad") == []
    assert check_site("EQ") == [
        RuleError("slug", "Invalid slug (must be 5 chars)"),
        RuleError("slug", "Invalid slug (must be lowercase)"),
    ]
