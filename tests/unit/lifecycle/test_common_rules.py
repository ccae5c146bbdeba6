"""The pure rules of the shared lifecycle helpers (docs/behaviour-reference.md §2.0)."""

import pytest

from netbox_wmf_ops.lifecycle.planning.refusal import Refused
from netbox_wmf_ops.lifecycle.planning.switch_ports import (
    cable_defaults,
    is_allowed_switch_port,
    nokia_port_reset_type,
    orphan_port_names,
    port_to_iface,
)
from netbox_wmf_ops.logs import format_logs


@pytest.mark.parametrize(
    ("iface_type", "vc_position", "expected"),
    [
        ("1000base-t", None, "ge-0/0/7"),
        ("10gbase-x-sfpp", None, "xe-0/0/7"),
        ("25gbase-x-sfp28", None, "et-0/0/7"),
        ("10gbase-x-sfpp", 3, "xe-3/0/7"),
    ],
)
def test_juniper_port_names_follow_type_and_vc_position(iface_type, vc_position, expected):
    name = port_to_iface(7, iface_type, vendor="juniper", device_type="qfx5120-48y-8c", vc_position=vc_position)
    assert name == expected


def test_nokia_port_names_ignore_type():
    assert port_to_iface(12, "25gbase-x-sfp28", vendor="nokia", device_type="7220-ixr-d2l") == "ethernet-1/12"


def test_one_g_only_switch_refuses_faster_types():
    with pytest.raises(Refused, match=r"^Switch is 1G only, interface type must be 1G$"):
        port_to_iface(1, "10gbase-x-sfpp", vendor="juniper", device_type="ex4300-48t")
    assert port_to_iface(1, "1000base-t", vendor="juniper", device_type="ex4300-48t") == "ge-0/0/1"


def test_other_vendor_is_refused():
    with pytest.raises(Refused, match=r"^Unsupported switch vendor \(must be Nokia or Juniper\)$"):
        port_to_iface(1, "1000base-t", vendor="arista", device_type="7050")


def test_cable_colour_follows_speed_fix_of_item_9():
    assert cable_defaults("1000base-t") == ("2196f3", "cat5e", True)
    assert cable_defaults("10gbase-x-sfpp") == ("111111", "dac-passive", True)
    assert cable_defaults("25gbase-x-sfp28") == ("111111", "dac-passive", True)
    # Given values are kept; only a defaulted colour is "assumed" (and warned about).
    assert cable_defaults("10gbase-x-sfpp", "ff0000", "smf") == ("ff0000", "smf", False)
    assert cable_defaults("1000base-t", "", "cat6") == ("2196f3", "cat6", True)


def test_orphans_are_other_speed_names_of_the_same_port_only():
    existing = ["ge-0/0/5", "XE-0/0/5", "et-0/0/15", "xe-0/0/5", "ge-1/0/5", "ethernet-0/0/5"]
    assert orphan_port_names(existing, "xe-0/0/5") == ["ge-0/0/5", "XE-0/0/5", "ethernet-0/0/5"]


def test_allowed_switch_ports():
    assert is_allowed_switch_port("xe-0/0/1")
    assert is_allowed_switch_port("ethernet-1/1")
    assert not is_allowed_switch_port("eth0")


def test_nokia_reset_type_only_for_the_25g_ports_of_a_7220():
    assert nokia_port_reset_type("7220-ixr-d2l", "ethernet-1/48") == "25gbase-x-sfp28"
    assert nokia_port_reset_type("7220-ixr-d2l", "ethernet-1/49") is None
    assert nokia_port_reset_type("qfx5120-48y-8c", "xe-0/0/1") is None


def test_format_logs():
    messages = [{"status": "info", "message": "a"}, {"status": "failure", "message": "b"}]
    assert format_logs(messages) == "[info] a\n[failure] b"
