"""The pure rules of ProvisionServerNetwork(CSV) (docs/behaviour-reference.md §2.4)."""

import pytest

from netbox_wmf_ops.lifecycle.planning.provision import (
    chosen_switch_problem,
    csv_conflicts,
    dns_suffix,
    mapped_ipv6,
    mgmt_assignment,
    mgmt_dns_name,
    mgmt_mac_problem,
    mgmt_prefix_level,
    parse_csv,
    server_problem,
    skip_ipv6_dns,
    vlan_choice_problem,
    vlan_names,
    vlan_row_warnings,
)
from netbox_wmf_ops.lifecycle.planning.refusal import Refused

HEADER = "device,z_nbdevice,vlan,vlan_type,z_port,interface_type,cable_id"


def test_exactly_one_of_vlan_type_and_vlan():
    assert vlan_choice_problem("db1001", "", False) == (
        "db1001: one parameter between VLAN Type and VLAN must be specified, skipping."
    )
    assert vlan_choice_problem("db1001", "private", True) == (
        "db1001: only one parameter between VLAN Type and VLAN can be specified, skipping."
    )
    assert vlan_choice_problem("db1001", "private", False) is None
    assert vlan_choice_problem("db1001", "", True) is None


def test_vlan_names_core_site():
    assert vlan_names("db1001", "private", "eqiad", "E4", "eqiad-row-e") == ("private1-e4-eqiad", "private1-e-eqiad")
    assert vlan_names("cv1001", "cloud-hosts", "eqiad", "C8", "eqiad-row-c") == (
        "cloud-hosts1-c8-eqiad",
        "cloud-hosts1-eqiad",
    )


def test_vlan_names_pop_site():
    assert vlan_names("cp5001", "public", "eqsin", "1A", "eqsin-row-1") == ("public1-1a-eqsin", "public1-eqsin")
    with pytest.raises(Refused, match=r"^cp5001: VLAN type analytics not available in site eqsin, skipping.$"):
        vlan_names("cp5001", "analytics", "eqsin", "1A", None)


def test_skip_ipv6_dns_for_database_hosts():
    assert skip_ipv6_dns("db1201")
    assert skip_ipv6_dns("es2030")
    assert not skip_ipv6_dns("db0001")  # the first digit must be 1-9
    assert not skip_ipv6_dns("mw1400")
    assert not skip_ipv6_dns("dbx1001")


def test_dns_suffix():
    assert dns_suffix("10.64.16.0/22", "eqiad") == "eqiad.wmnet"
    assert dns_suffix("10.64.16.0/22", "eqiad", frack=True) == "frack.eqiad.wmnet"
    assert dns_suffix("208.80.154.0/26", "eqiad") == "wikimedia.org"
    assert mgmt_dns_name("db1001", "eqiad") == "db1001.mgmt.eqiad.wmnet"
    assert mgmt_dns_name("frdb1001", "eqiad", frack=True) == "frdb1001.mgmt.frack.eqiad.wmnet"


def test_mapped_ipv6_is_the_spec_example():
    assert mapped_ipv6("10.192.16.5/22", "2620:0:860:103::/64") == "2620:0:860:103:10:192:16:5/64"


def test_mapped_ipv6_with_a_short_prefix_text():
    # The original built it from the prefix text and produced an invalid address here.
    assert mapped_ipv6("10.192.16.5/22", "2001:db8::/64") == "2001:db8::10:192:16:5/64"
    assert mapped_ipv6("10.192.16.5/22", "2001:db8::/80") is None


def test_parse_csv_rows_and_optional_mgmt_mac():
    text = "\ufeff" + HEADER + ",mgmt_mac\nsm1001,asw1,,private,5,10gbase-x-sfpp,C1,aa:bb:cc:dd:ee:ff\n"
    rows, problems = parse_csv(text)
    assert problems == []
    assert len(rows) == 1
    row = rows[0]
    assert (row.line, row.device, row.switch, row.vlan_type, row.z_port) == (2, "sm1001", "asw1", "private", 5)
    assert (row.interface_type, row.cable_id, row.mgmt_mac) == ("10gbase-x-sfpp", "C1", "aa:bb:cc:dd:ee:ff")


def test_parse_csv_missing_header_refuses_the_file():
    with pytest.raises(Refused, match=r"^CSV header cable_id missing, skipping.$"):
        parse_csv("device,z_nbdevice,vlan,vlan_type,z_port,interface_type\n")


def test_parse_csv_row_problems():
    text = "\n".join(
        [
            HEADER,
            "db1001,,,private,5",  # missing cells
            "db1002,,,private,x,1000base-t,",
            "db1003,,,private,49,1000base-t,",
            "db1004,,,private,3,40gbase,",
            "db1005,,,private,3,1000base-t,",
        ]
    )
    rows, problems = parse_csv(text + "\n")
    assert [r.device for r in rows] == ["db1005"]
    assert problems == [
        ("db1001", "db1001: missing CSV cells, skipping."),
        ("db1002", "db1002: invalid switch port 'x', must be a number between 0 and 48, skipping."),
        ("db1003", "db1003: invalid switch port '49', must be a number between 0 and 48, skipping."),
        (
            "db1004",
            "db1004: invalid interface type '40gbase', must be one of "
            "['1000base-t', '10gbase-x-sfpp', '25gbase-x-sfp28'].",
        ),
    ]


def test_csv_conflicts():
    rows = [
        (2, "db1001", "asw1:xe-0/0/1", "eqiad", "C1"),
        (3, "db1001", "asw1:xe-0/0/2", "eqiad", ""),
        (4, "db1002", "asw1:xe-0/0/1", "eqiad", ""),
        (5, "db1003", "asw1:xe-0/0/3", "eqiad", "C1"),
        (6, "db2001", "asw2:xe-0/0/3", "codfw", "C1"),
    ]
    assert csv_conflicts(rows) == [
        ("db1001", "db1001: already provisioned by line 2 of the CSV."),
        ("db1002", "db1002: switch port asw1:xe-0/0/1 already used by line 2 of the CSV"),
        ("db1003", "db1003: cable ID C1 already used by line 2 of the CSV."),
    ]


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({}, None),
        ({"status": "active"}, "mw1400: status active, expected Inventory or Planned, skipping."),
        ({"racked": False}, "mw1400: missing rack information, skipping."),
        ({"role": "asw"}, "mw1400: role asw, only servers are supported, skipping."),
        ({"has_primary_ip": True}, "mw1400: already has a primary IP, skipping."),
        ({"status": "active", "racked": False}, "mw1400: status active, expected Inventory or Planned, skipping."),
    ],
)
def test_server_problem_in_the_spec_order(fields, problem):
    values = {"status": "planned", "racked": True, "role": "server", "has_primary_ip": False, **fields}
    assert server_problem("mw1400", **values) == problem


def test_chosen_switch_must_be_a_tor_of_the_rack():
    assert chosen_switch_problem("mw1400", "asw2-b1-eqiad", True, "asw") is None
    assert chosen_switch_problem("mw1400", "asw2-b1-eqiad", False, "asw") == (
        "mw1400: switch asw2-b1-eqiad not in same rack as server."
    )
    assert chosen_switch_problem("mw1400", "pdu1", True, "pdu") == (
        "mw1400: switch pdu1 with role pdu, only switches are supported, skipping."
    )


def test_mgmt_mac_required_by_supermicro_and_well_formed():
    assert mgmt_mac_problem("mw1400", "dell", "") is None
    assert mgmt_mac_problem("mw1400", "supermicro", "") == (
        "The device's vendor, supermicro, requires to provide the MAC address of the mgmt interface."
    )
    assert mgmt_mac_problem("mw1400", "dell", "aa:bb") == "mw1400: invalid mgmt MAC address aa:bb, skipping."
    assert mgmt_mac_problem("mw1400", "supermicro", "aa:bb:cc:dd:ee:ff") is None


def test_mgmt_assignment():
    assert mgmt_assignment("mw1400", []) == (True, None)
    assert mgmt_assignment("mw1400", [("mgmt", ["mw1400.mgmt.eqiad.wmnet"])]) == (
        False,
        "mw1400: Skipping assignment of MGMT interface because already allocated",
    )
    for interfaces in ([("mgmt", [""])], [("mgmt", [])], [("eno1", ["x"])], [("eno1", []), ("mgmt", ["x"])]):
        names = [name for name, _ in interfaces]
        with pytest.raises(Refused) as refused:
            mgmt_assignment("mw1400", interfaces)
        assert str(refused.value) == f"mw1400: interfaces already defined: {names}, skipping."


def test_vlan_row_warnings():
    members = [(1, 10, "eqiad-row-b"), (2, 10, "eqiad-row-b")]
    assert vlan_row_warnings("mw1400", "private1-b-eqiad", "B1", 1, "eqiad-row-b", 10, []) == []
    assert vlan_row_warnings("mw1400", "private1-b-eqiad", "B1", 1, "eqiad-row-b", 10, members) == []
    assert vlan_row_warnings("mw1400", "private1-b-eqiad", "B3", 3, "eqiad-row-b", 10, members) == [
        "mw1400 is the first device in rack B3 to be added to VLAN private1-b-eqiad, unable to automatically verify "
        "if that's correct, please double check."
    ]
    with pytest.raises(Refused) as refused:
        vlan_row_warnings("mw1400", "private1-b-eqiad", "C1", 5, "eqiad-row-c", 11, members)
    assert str(refused.value) == (
        "mw1400 is in row eqiad-row-c but VLAN private1-b-eqiad is present only in {'eqiad-row-b'}. Skipping device "
        "because of invalid VLAN."
    )


def test_mgmt_prefix_level_is_the_nearest_with_exactly_one():
    assert mgmt_prefix_level("mw1400", "eqiad", [[], ["10.65.0.0/24"], ["10.65.1.0/24", "10.65.2.0/24"]]) == 1
    with pytest.raises(Refused, match=r"^mw1400: several management prefixes for site eqiad: \['10.0.0.0/24', "):
        mgmt_prefix_level("mw1400", "eqiad", [["10.1.0.0/24", "10.0.0.0/24"], ["10.65.0.0/24"]])
    with pytest.raises(Refused, match=r"^mw1400: can't find management prefix for site eqiad\.$"):
        mgmt_prefix_level("mw1400", "eqiad", [[], []])
