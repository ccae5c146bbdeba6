"""The pure rules of ProvisionServerNetwork(CSV) (docs/behaviour-reference.md §2.4)."""

import pytest

from netbox_wmf_ops.lifecycle.planning.provision import (
    csv_conflicts,
    dns_suffix,
    mapped_ipv6,
    mgmt_dns_name,
    parse_csv,
    skip_ipv6_dns,
    vlan_choice_problem,
    vlan_names,
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
