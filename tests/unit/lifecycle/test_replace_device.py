"""ReplaceDevice planning (docs/behaviour-reference.md §2.7): refusals, which attributes move or are copied, component
kinds and order."""

import pytest

from netbox_wmf_ops.lifecycle.planning.refusal import Refused
from netbox_wmf_ops.lifecycle.planning.replace_device import (
    Component,
    DeviceSide,
    plan_messages,
    plan_replacement,
)

ATTRS = ("cluster", "virtual_chassis", "vc_position", "vc_priority", "primary_ip4", "primary_ip6", "oob_ip", "position")
ATTRS += ("tenant", "rack", "face")


def side(pk, name, site="eqiad", components=None, **values):
    attributes = {a: (None, "None") for a in ATTRS}
    attributes.update({k: (v, str(v)) for k, v in values.items()})
    return DeviceSide(pk, name, f"WMF{pk}", site, attributes, components or {})


OLD = side(
    1,
    "ms-be1040",
    primary_ip4=11,
    primary_ip6=12,
    oob_ip=13,
    position=10,
    rack=5,
    face="front",
    tenant=None,
    components={
        "interfaces": (Component(101, "eno1", occupied_by="a cable"), Component(102, "eno1.1001", parent_pk=101)),
        "powerports": (Component(103, "PSU1", occupied_by="a cable"),),
        "inventoryitems": (Component(104, "disk0"),),
    },
)
NEW = side(
    2,
    "new-1",
    components={
        "interfaces": (Component(201, "eno1"), Component(202, "eno1.5", parent_pk=201)),
        "consoleports": (Component(203, "console0"),),
    },
)


def test_moves_clears_and_copies_attributes():
    plan = plan_replacement(OLD, NEW, already_racked=False, move_inventory=False)
    assert [(c.attribute, c.value, c.clear_source) for c in plan.attributes] == [
        ("primary_ip4", 11, True),
        ("primary_ip6", 12, True),
        ("oob_ip", 13, True),
        ("position", 10, True),
        ("rack", 5, False),
        ("face", "front", False),
    ]
    assert plan_messages(plan)[:2] == [
        ("success", "[dst] Setting primary_ip4 to 11"),
        ("info", "[src] Removing primary_ip4"),
    ]
    assert ("info", "[src] Removing rack") not in plan_messages(plan)
    assert plan.old_name == "ms-be1040-old"


def test_components_by_kind_children_deleted_first():
    plan = plan_replacement(OLD, NEW, already_racked=False, move_inventory=False)
    assert [(k, c.name) for k, c in plan.deletions] == [
        ("interfaces", "eno1.5"),
        ("interfaces", "eno1"),
        ("consoleports", "console0"),
    ]
    assert [(k, c.name) for k, c in plan.moves] == [
        ("interfaces", "eno1"),
        ("interfaces", "eno1.1001"),
        ("powerports", "PSU1"),
    ]


def test_already_racked_leaves_racking_console_and_power():
    plan = plan_replacement(OLD, NEW, already_racked=True, move_inventory=True)
    assert [c.attribute for c in plan.attributes] == ["primary_ip4", "primary_ip6", "oob_ip"]
    assert {k for k, _ in plan.deletions + plan.moves} == {"interfaces", "inventoryitems"}


@pytest.mark.parametrize(
    ("source", "destination", "kwargs", "message"),
    [
        (OLD, OLD, {}, "Source and destination devices are the same"),
        (
            OLD,
            side(3, "new-2", site="codfw"),
            {},
            "ms-be1040 is at site eqiad and new-2 at site codfw: an in-place replacement needs both at the same site",
        ),
        (OLD, NEW, {"old_name_taken": True}, "A device named ms-be1040-old already exists at site eqiad"),
        (
            OLD,
            side(4, "new-3", components={"interfaces": (Component(401, "eno1", occupied_by="IP addresses"),)}),
            {},
            "new-3: interfaces eno1 has IP addresses, which would be deleted with it: remove it from the new device "
            "first",
        ),
    ],
)
def test_refusals(source, destination, kwargs, message):
    with pytest.raises(Refused) as refused:
        plan_replacement(source, destination, already_racked=False, move_inventory=False, **kwargs)
    assert str(refused.value) == message


def test_an_occupied_component_of_a_kind_left_alone_is_no_refusal():
    busy_console = side(5, "new-4", components={"consoleports": (Component(501, "console0", occupied_by="a cable"),)})
    plan = plan_replacement(OLD, busy_console, already_racked=True, move_inventory=False)
    assert not [k for k, _ in plan.deletions if k == "consoleports"]
