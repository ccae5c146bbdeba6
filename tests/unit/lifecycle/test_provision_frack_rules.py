"""The pure rules of ProvisionFundraisingServerNetwork (docs/behaviour-reference.md §2.5)."""

from __future__ import annotations

import pytest

from netbox_wmf_ops.lifecycle.offline_device import InterfaceRecord, removal_order
from netbox_wmf_ops.lifecycle.provision_frack import (
    member_iface_name,
    member_letter,
    same_port_names,
    switches_problem,
)
from netbox_wmf_ops.puppetdb.planning.host import host_refusal
from netbox_wmf_ops.puppetdb.planning.records import HostState


@pytest.mark.parametrize(
    ("name", "letter"),
    [("fasw2-c1a-eqiad", "a"), ("fasw2-c1b-eqiad", "b"), ("fasw-c8B-codfw", "b"), ("fasw2", None), ("x--y", None)],
)
def test_member_letter_is_the_last_character_of_the_second_name_part(name, letter):
    assert member_letter(name) == letter


def test_member_interface_names():
    assert [member_iface_name(x) for x in "ab"] == ["PRIMARY_A", "PRIMARY_B"]


def test_same_port_names_match_the_whole_port_number_at_any_speed():
    existing = ["ge-0/0/5", "xe-0/0/15", "xe-0/0/25", "XE-0/0/5", "et-0/0/5", "xe-0/0/50", "em0", "xe-1/0/5"]
    # The original matched every name ending with "5": 15, 25 and 0/0/5 of another FPC too.
    assert same_port_names(existing, "xe-0/0/5") == ["ge-0/0/5", "XE-0/0/5", "et-0/0/5"]
    assert same_port_names(["ethernet-1/5", "ethernet-1/15"], "ethernet-1/5") == ["ethernet-1/5"]


def test_switches_problem_wants_members_a_and_b():
    assert switches_problem("fr1", "C3", [("fasw2-c3a-eqiad", "a"), ("fasw2-c3b-eqiad", "b")]) is None
    one = switches_problem("fr1", "C3", [("fasw2-c3a-eqiad", "a")])
    assert one == (
        "fr1: rack C3 has 1 active fr-tech switches ['fasw2-c3a-eqiad'], expected exactly two, members a and b "
        "(the last letter of the second part of their names), aborting."
    )
    assert switches_problem("fr1", "C3", [("fasw2-c3a-eqiad", "a"), ("fasw2-c3x-eqiad", "x")]) is not None
    assert switches_problem("fr1", "C3", [("s1-a", "a"), ("s2-b", "b"), ("s3-b", "b")]).startswith(
        "fr1: rack C3 has 3 active fr-tech switches"
    )


def test_offline_removes_bond_members_before_their_bond():
    interfaces = [
        InterfaceRecord(1, "bond0"),
        InterfaceRecord(2, "PRIMARY_A", lag_pk=1),
        InterfaceRecord(3, "PRIMARY_B", lag_pk=1),
        InterfaceRecord(4, "mgmt"),
    ]
    assert [i.name for i in removal_order(interfaces)] == ["PRIMARY_A", "PRIMARY_B", "bond0", "mgmt"]


def test_import_refuses_tenants_unless_configured():
    host = HostState("frdb1002", "device", "active", "Fundraising Tech", tenant_slug="fr-tech")
    assert host_refusal(host) == "frdb1002 has non-null tenant Fundraising Tech skipping."
    assert host_refusal(host, ["fr-tech"]) is None
    assert host_refusal(host, ["other"]) is not None
