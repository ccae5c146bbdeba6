import pytest

from netbox_wmf_ops.validation.rules import RuleError
from netbox_wmf_ops.validation.rules.interface import (
    InterfaceRecord,
    Sibling,
    check_interface,
    port_number,
    speed_gbps,
)


def iface(**fields):
    """A Juniper access-switch port that passes every rule."""
    values = {
        "name": "et-0/0/1",
        "type": "25gbase-x-sfp28",
        "device_role": "asw",
        "manufacturer": "juniper",
        "device_type": "qfx5120-48y-8c",
        "mtu": 9192,
    }
    values.update(fields)
    return InterfaceRecord(**values)


def test_good_interface_and_non_network_devices():
    assert check_interface(iface()) == []
    assert check_interface(iface(name="Bad Name", device_role="server")) == []


@pytest.mark.parametrize(
    "name", ["fxp0-re0", "xe-0/0/1:2.100", "vcp-255/1/0", "ae1.100", "lo0", "123", "ethernet-1/4.1", "irb"]
)
def test_valid_names(name):
    assert check_interface(iface(name=name, type="virtual", manufacturer=None)) == []


def test_invalid_name():
    assert check_interface(iface(name="Ethernet1", type="virtual")) == [
        RuleError("name", "Invalid name (must match the INTERFACES_REGEXP options)")
    ]


def test_irb_unit_must_be_a_vlan_of_the_site():
    error = RuleError("name", "IRB interface invalid - does not match vlan at this site.")
    assert check_interface(iface(name="irb.100", type="virtual", site_vlan_ids=frozenset({100}))) == []
    assert check_interface(iface(name="irb.101", type="virtual", site_vlan_ids=frozenset({100}))) == [error]
    assert check_interface(iface(name="irb.x1", type="virtual", site_vlan_ids=frozenset({100}))) == [
        RuleError("name", "Invalid name (must match the INTERFACES_REGEXP options)"),
        error,
    ]
    assert check_interface(iface(name="irb0", type="virtual")) == []


def test_mtu_on_connected_ports():
    error = RuleError("mtu", "Invalid MTU 1500, must be 9192")
    assert check_interface(iface(mtu=1500, connected_to_interface=True)) == [error]
    assert check_interface(iface(mtu=9000, connected_to_interface=True)) == []
    assert check_interface(iface(mtu=None, connected_to_interface=True)) == [
        RuleError("mtu", "Invalid MTU None, must be 9192")
    ]
    for exempt in (
        {"connected_to_interface": False},
        {"has_lag": True},
        {"tenant": "fr-tech"},
        {"mgmt_only": True},
        {"name": "vcp-0/0/1"},
    ):
        assert check_interface(iface(**{"mtu": 1500, "connected_to_interface": True, **exempt})) == []


def test_disabled_interface_attributes_all_reported():
    disabled = iface(
        enabled=False, description="old uplink", has_lag=True, mode="access", has_mac_address=True, ip_count=2
    )
    assert check_interface(disabled) == [
        RuleError("description", "Invalid description (must not be set on disabled interfaces)"),
        RuleError("lag", "Invalid lag (must not be set on disabled interfaces)"),
        RuleError("mtu", "Invalid mtu (must not be set on disabled interfaces)"),
        RuleError("mode", "Invalid mode (must not be set on disabled interfaces)"),
        RuleError(None, "Invalid mac_address (must not be set on disabled interfaces)"),
        RuleError(None, "Invalid count_ipaddresses (must not be set on disabled interfaces)"),
    ]
    assert check_interface(iface(enabled=False, description="spare no-mon", mtu=1500)) == []
    assert check_interface(iface(enabled=False, mtu=None, ip_count=None)) == []


def test_port_and_speed_parsing():
    assert port_number("et-0/0/12:1") == 12
    assert port_number("ethernet-1/48.100") == 48
    assert port_number("Ethernet7") == 7
    assert port_number("ae0") is None
    assert speed_gbps("10gbase-x-sfpp") == 10
    assert speed_gbps("1000base-t") == 1
    assert speed_gbps("lag") is None


def juniper_block(name, type_, siblings):
    return iface(name=name, type=type_, device_type="qfx5120-48y-afi", siblings=siblings)


def test_juniper_block_of_four():
    siblings = [
        Sibling("et-0/0/4", "10gbase-x-sfpp", True, False),
        Sibling("et-0/0/5", "25gbase-x-sfp28", True, False),
        Sibling("et-0/0/8", "10gbase-x-sfpp", True, False),
    ]
    assert check_interface(juniper_block("et-0/0/6", "25gbase-x-sfp28", siblings)) == [
        RuleError(
            "type",
            "Invalid type/speed '25gbase-x-sfp28' (must be 10gbase-x-sfpp to match et-0/0/4 within the same block)",
        )
    ]
    assert check_interface(juniper_block("et-0/0/9", "10gbase-x-sfpp", siblings)) == []
    disabled = [Sibling("et-0/0/4", "10gbase-x-sfpp", False, False)]
    assert check_interface(juniper_block("et-0/0/6", "25gbase-x-sfp28", disabled)) == []
    uplinks = [Sibling("et-0/0/48", "100gbase-x-qsfp28", True, False)]
    assert check_interface(juniper_block("et-0/0/49", "40gbase-x-qsfpp", uplinks)) == []
    # The rule is for Trident-3 device types only.
    assert check_interface(iface(name="et-0/0/6", siblings=siblings)) == []


def nokia(name, type_, siblings, **fields):
    return iface(name=name, type=type_, manufacturer="nokia", device_type="7220-ixr-d2l", siblings=siblings, **fields)


def test_nokia_blocks():
    siblings = [
        Sibling("ethernet-1/6", "10gbase-x-sfpp", True, False),
        Sibling("ethernet-1/4", "1000base-t", True, False),
    ]
    assert check_interface(nokia("ethernet-1/1", "1000base-t", siblings)) == []  # 1G and 10G mix
    assert check_interface(nokia("ethernet-1/2", "25gbase-x-sfp28", siblings)) == [
        RuleError(
            "type",
            "Type/speed '25gbase-x-sfp28' is incompatible with ethernet-1/6 ('10gbase-x-sfpp') "
            "in the same block of four",
        )
    ]
    assert check_interface(nokia("ethernet-1/5", "25gbase-x-sfp28", siblings)) == [
        RuleError(
            "type",
            "Type/speed '25gbase-x-sfp28' is incompatible with ethernet-1/4 ('1000base-t') in the same block of four",
        )
    ]
    assert check_interface(nokia("ethernet-1/8", "25gbase-x-sfp28", siblings)) == []


def test_child_interfaces_and_port_ranges():
    assert check_interface(iface(name="et-0/0/1.100", has_parent=True)) == [
        RuleError("type", "Child interfaces must be one of those types: ('virtual', 'bridge', 'lag').")
    ]
    assert check_interface(iface(name="et-0/0/56")) == [
        RuleError("name", "Port 56 is outside of Juniper port range (0-55)")
    ]
    assert check_interface(iface(name="et-0/0/56", device_role="cr")) == []
    assert check_interface(iface(name="ethernet-1/59", manufacturer="nokia")) == [
        RuleError("name", "Port 59 is outside of Nokia port range (0-58)")
    ]
    assert check_interface(iface(name="ethernet-1/0", manufacturer="nokia")) == [
        RuleError("name", "Port 0 is outside of Nokia port range (0-58)")
    ]


def test_vendor_naming():
    assert check_interface(iface(name="xe-0/0/1", manufacturer="nokia")) == [
        RuleError("name", "Name xe-0/0/1 is incorrect for a Nokia device.")
    ]
    assert check_interface(iface(name="ethernet-1/1", manufacturer="juniper")) == [
        RuleError("name", "Name ethernet-1/1 is incorrect for a Juniper device.")
    ]
