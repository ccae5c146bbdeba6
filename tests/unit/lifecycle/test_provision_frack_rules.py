"""The pure rules of ProvisionFundraisingServerNetwork (docs/behaviour-reference.md §2.5)."""

from __future__ import annotations

import pytest

from netbox_wmf_ops.lifecycle.planning.provision_frack import (
    cable_ids_problem,
    member_iface_name,
    member_letter,
    mgmt_prefix_problem,
    prefix_problem,
    same_port_names,
    server_problem,
    stale_ports,
    switches_problem,
    vlan_problem,
)
from netbox_wmf_ops.lifecycle.planning.refusal import Refused
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


def test_import_refuses_tenants_unless_configured():
    host = HostState("frdb1002", "device", "active", "Fundraising Tech", tenant_slug="fr-tech")
    assert host_refusal(host) == "frdb1002 has non-null tenant Fundraising Tech skipping."
    assert host_refusal(host, ["fr-tech"]) is None
    assert host_refusal(host, ["other"]) is not None


SERVER = {
    "role": "server",
    "tenant_slug": "fr-tech",
    "tenant": "Fundraising Tech",
    "status": "planned",
    "has_primary_ip": False,
    "vlan_type": "fundraising",
    "z_port": 5,
    "racked": True,
}


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({}, None),
        ({"role": "asw"}, "frdb1002: role asw, only servers are supported, skipping."),
        ({"tenant_slug": None, "tenant": "None"}, "frdb1002: tenant None, expected fr-tech, skipping."),
        ({"status": "active"}, "frdb1002: status active, expected Inventory or Planned, skipping."),
        ({"has_primary_ip": True}, "frdb1002: already has a primary IP, skipping."),
        (
            {"vlan_type": "private"},
            "frdb1002: invalid VLAN type 'private', must be one of ['fundraising', 'administration', 'payments', "
            "'listenerdmz', 'bastion'].",
        ),
        ({"z_port": 48}, "frdb1002: invalid switch port 48, must be between 0 and 47."),
        ({"racked": False}, "frdb1002: missing rack information, aborting."),
        ({"role": "asw", "racked": False}, "frdb1002: role asw, only servers are supported, skipping."),
    ],
)
def test_frack_server_problem_in_the_original_order(fields, problem):
    assert server_problem("frdb1002", **{**SERVER, **fields}) == problem


def test_frack_vlan_and_prefixes():
    assert vlan_problem("frdb1002", "frack-fundraising", "eqiad", ["frack-fundraising-eqiad"]) is None
    assert vlan_problem("frdb1002", "frack-fundraising", "eqiad", []) == (
        "frdb1002: no fr-tech VLAN named frack-fundraising… at site eqiad, aborting."
    )
    assert vlan_problem("frdb1002", "frack-fundraising", "eqiad", ["frack-fundraising-1", "frack-fundraising-2"]) == (
        "frdb1002: several fr-tech VLANs named frack-fundraising… at site eqiad: ['frack-fundraising-1', "
        "'frack-fundraising-2'], aborting."
    )
    assert prefix_problem("frdb1002", "v", [4]) is None
    assert prefix_problem("frdb1002", "v", [4, 6]) == "frdb1002: Vlan v has more than one IP prefix attached."
    assert prefix_problem("frdb1002", "v", []) == "frdb1002: Vlan v has no IP prefix attached."
    assert prefix_problem("frdb1002", "v", [6]) == "frdb1002: Vlan v has no IPv4 prefix attached."
    assert mgmt_prefix_problem("frdb1002", "eqiad", ["10.65.0.0/24"]) is None
    assert mgmt_prefix_problem("frdb1002", "eqiad", []) == "frdb1002: can't find management prefix for site eqiad."
    assert mgmt_prefix_problem("frdb1002", "eqiad", ["10.1.0.0/24", "10.0.0.0/24"]) == (
        "frdb1002: several management prefixes for site eqiad: ['10.1.0.0/24', '10.0.0.0/24'], skipping."
    )


def test_stale_ports_are_deleted_unless_in_use():
    in_use = {"ge-0/0/5": False, "et-0/0/5": False, "xe-0/0/15": True, "xe-0/0/6": True}
    assert stale_ports("fasw1-c1a-eqiad", "xe-0/0/5", in_use) == ["et-0/0/5", "ge-0/0/5"]
    with pytest.raises(Refused) as refused:
        stale_ports("fasw1-c1a-eqiad", "xe-0/0/6", in_use)
    assert str(refused.value) == (
        "fasw1-c1a-eqiad: interface xe-0/0/6 already exists and is enabled or has cable attached."
    )


def test_the_two_cable_ids_must_differ():
    assert cable_ids_problem("frdb1002", ["C1", "C2"]) is None
    assert cable_ids_problem("frdb1002", ["", ""]) is None
    assert cable_ids_problem("frdb1002", ["C1", "C1"]) == "frdb1002: the two cable IDs must differ (C1)."
