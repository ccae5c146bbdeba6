"""The pure rules of the server and uplink moves (docs/behaviour-reference.md §2.6)."""

import pytest

from netbox_wmf_ops.lifecycle.planning.move import (
    move_server_unit,
    uplink_port_name,
    uplink_switch_problem,
    vc_port_problem,
)
from netbox_wmf_ops.lifecycle.planning.refusal import Refused


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


MOVE = {
    "switch": "asw2-b1-eqiad",
    "z_iface": "xe-0/0/5",
    "switch_status": "active",
    "position": "12",
    "role": "server",
    "switch_role": "asw",
    "vc_position": None,
}


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"switch": None}, "mw1400: New switch or switch interface missing, skipping."),
        ({"z_iface": ""}, "mw1400: New switch or switch interface missing, skipping."),
        (
            {"switch_status": "planned"},
            "mw1400: switch asw2-b1-eqiad with status planned, expected Active or Staged, skipping.",
        ),
        ({"position": "x"}, "mw1400: invalid rack unit x, skipping."),
        ({"position": ""}, "mw1400: Rack unit can't be 0, skipping."),
        ({"role": "asw"}, "mw1400: role asw, only servers are supported, skipping."),
        (
            {"switch_role": "pdu"},
            "mw1400: switch asw2-b1-eqiad with role pdu, only switches are supported, skipping.",
        ),
        ({"z_iface": "eno1"}, "mw1400: Switch interface eno1 invalid, must start with et- or xe- or ge- or ethernet-."),
        (
            {"vc_position": 2},
            "mw1400: Interface name xe-0/0/5 invalid, first digit of port number should be 2, matching asw2-b1-eqiad "
            "virtual-chassis postition.",
        ),
        (
            {"switch_status": "planned", "position": "x"},
            "mw1400: switch asw2-b1-eqiad with status planned, expected Active or Staged, skipping.",
        ),
    ],
)
def test_move_server_inputs_in_the_spec_order(fields, problem):
    with pytest.raises(Refused) as refused:
        move_server_unit("mw1400", **{**MOVE, **fields})
    assert str(refused.value) == problem


def test_move_server_unit():
    assert move_server_unit("mw1400", **MOVE) == 12
    assert move_server_unit("mw1400", **{**MOVE, "position": 7, "vc_position": 0}) == 7


def test_uplink_switch_problem():
    assert uplink_switch_problem("asw2-b1-eqiad", "asw", "planned", True) is None
    assert uplink_switch_problem(None, "", "", False) == "No new switch given, skipping."
    assert uplink_switch_problem("asw2-b1-eqiad", "asw", "offline", True) == (
        "asw2-b1-eqiad: role asw and status offline, expected a top-of-rack switch (asw, cloudsw) that is active, "
        "staged, planned."
    )
    assert uplink_switch_problem("asw2-b1-eqiad", "asw", "active", False) == "asw2-b1-eqiad: not in a rack, skipping."
