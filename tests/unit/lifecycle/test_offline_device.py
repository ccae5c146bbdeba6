"""OfflineDevice planning (docs/behaviour-reference.md §2.3): refusals, missing names, deletion order and shared
cables."""

import pytest

from netbox_wmf_ops.lifecycle.planning.offline_device import (
    AddressRecord,
    DeviceRecord,
    InterfaceRecord,
    parse_names,
    plan_offline,
    removal_order,
)


def test_only_decommissioning_devices_are_offlined():
    active = DeviceRecord(1, "db1001", "active")
    decom = DeviceRecord(2, "db1002", "decommissioning", (InterfaceRecord(10, "eno1"),))
    plan = plan_offline(["db1001", "db1002", "db1003"], [active, decom])
    assert plan.refused == [
        (
            active,
            "Device db1001 is in active status, only decommissioned devices can be offlined. Skipping device.",
        )
    ]
    assert [(d.name, [r.interface.name for r in rs]) for d, rs in plan.devices] == [("db1002", ["eno1"])]
    assert plan.missing == ["db1003"]
    assert plan.found == 2


@pytest.mark.parametrize(
    ("interfaces", "order"),
    [
        pytest.param(
            [("eno1", None, None), ("eno1.1001", 1, None), ("eno1.1001.5", 2, None), ("eno2", None, None)],
            ["eno1.1001.5", "eno1.1001", "eno1", "eno2"],
            id="children before their parents",
        ),
        pytest.param(
            [("bond0", None, None), ("PRIMARY_A", None, 1), ("PRIMARY_B", None, 1), ("mgmt", None, None)],
            ["PRIMARY_A", "PRIMARY_B", "bond0", "mgmt"],
            id="bond members before their bond",
        ),
    ],
)
def test_removal_order(interfaces, order):
    """``interfaces`` are (name, parent's pk, bond's pk), numbered from 1 in that order."""
    records = [
        InterfaceRecord(pk, name, parent_pk=parent, lag_pk=lag) for pk, (name, parent, lag) in enumerate(interfaces, 1)
    ]
    assert [i.name for i in removal_order(records)] == order


def test_a_cable_between_two_interfaces_of_the_device_is_deleted_once():
    ifaces = (
        InterfaceRecord(1, "eno1", cable_pk=7, cable_name="#7", addresses=(AddressRecord(5, "10.0.0.1/24", "x"),)),
        InterfaceRecord(2, "eno2", cable_pk=7, cable_name="#7"),
    )
    plan = plan_offline(["h"], [DeviceRecord(1, "h", "decommissioning", ifaces)])
    assert [(r.interface.name, r.delete_cable) for r in plan.devices[0][1]] == [("eno1", True), ("eno2", False)]


def test_names_are_whitespace_separated_and_duplicates_reported_once():
    assert parse_names(" a  b\tc\n") == ["a", "b", "c"]
    assert parse_names("") == []
    assert plan_offline(["x", "x"], []).missing == ["x"]
