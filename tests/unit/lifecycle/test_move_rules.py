"""The pure rules of the server and uplink moves (docs/behaviour-reference.md §2.6)."""

import pytest

from netbox_wmf_ops.lifecycle.planning.move import uplink_port_name, vc_port_problem


def test_vc_port_must_match_the_member_position():
    assert vc_port_problem("mw1400", "xe-2/0/5", "asw2-a-eqiad", 2) is None
    assert vc_port_problem("mw1400", "xe-0/0/5", "lsw1-e1-eqiad", None) is None
    assert vc_port_problem("mw1400", "xe-3/0/5", "asw2-a-eqiad", 2) == (
        "mw1400: Interface name xe-3/0/5 invalid, first digit of port number should be 2, matching asw2-a-eqiad "
        "virtual-chassis postition."
    )


@pytest.mark.parametrize(
    ("old", "old_type", "old_vendor", "new_vendor", "new_fpc", "expected"),
    [
        ("xe-0/0/5", "10gbase-x-sfpp", "juniper", "juniper", None, "xe-0/0/5"),
        ("xe-2/0/5", "10gbase-x-sfpp", "juniper", "juniper", None, "xe-0/0/5"),  # VC member → standalone leaf
        ("xe-0/0/5", "10gbase-x-sfpp", "juniper", "juniper", 4, "xe-4/0/5"),
        ("xe-2/0/5", "10gbase-x-sfpp", "juniper", "nokia", None, "ethernet-1/6"),
        ("ethernet-1/6", "25gbase-x-sfp28", "nokia", "juniper", None, "et-0/0/5"),
        ("ethernet-1/6", "10gbase-x-sfpp", "nokia", "juniper", 1, "xe-1/0/5"),
        ("ethernet-1/1", "1000base-t", "nokia", "juniper", None, "ge-0/0/0"),
        ("ethernet-1/6", "25gbase-x-sfp28", "nokia", "nokia", None, "ethernet-1/6"),
    ],
)
def test_uplink_port_name(old, old_type, old_vendor, new_vendor, new_fpc, expected):
    assert uplink_port_name(old, old_type, old_vendor, new_vendor, new_fpc) == expected


def test_uplink_port_name_refusals():
    with pytest.raises(ValueError, match="unsupported switch vendor"):
        uplink_port_name("xe-0/0/5", "10gbase-x-sfpp", "juniper", "arista", None)
    with pytest.raises(ValueError, match="no Juniper name for a 100gbase-x-qsfp28 port"):
        uplink_port_name("ethernet-1/50", "100gbase-x-qsfp28", "nokia", "juniper", None)
    with pytest.raises(ValueError, match="cannot read the port number"):
        uplink_port_name("eth0", "1000base-t", "juniper", "nokia", None)
