"""AddSecondaryIPs naming (docs/behaviour-reference.md §2.8): the DNS suffix, the letter choice and the refusals."""

import pytest

from netbox_wmf_ops.lifecycle.planning.add_secondary_ips import (
    PlannedAddress,
    dns_suffix,
    parse_count,
    pick_letters,
    plan_addresses,
)
from netbox_wmf_ops.lifecycle.planning.refusal import Refused


def test_suffix_is_what_follows_the_device_name():
    assert dns_suffix("aqs1010.eqiad.wmnet", "aqs1010", "10.0.0.1/24") == ".eqiad.wmnet"
    # The original's lstrip("aqs1010") would also have eaten a leading "a", "q", "s", "1" or "0" of the next label.
    assert dns_suffix("aqs1010.aq.wmnet", "aqs1010", "10.0.0.1/24") == ".aq.wmnet"


@pytest.mark.parametrize("dns", ["", "aqs1011.eqiad.wmnet", "aqs1010"])
def test_suffix_refuses_a_dns_name_of_another_host(dns):
    with pytest.raises(Refused, match=r"does not start with 'aqs1010\.'"):
        dns_suffix(dns, "aqs1010", "10.0.0.1/24")


def test_letters_start_after_the_existing_addresses():
    assert pick_letters(1, 2, []) == ["a", "b"]  # only the primary
    assert pick_letters(2, 1, ["a"]) == ["b"]  # primary + a
    assert pick_letters(2, 2, ["b"]) == ["c", "d"]  # b is taken (a was removed): no duplicate name
    with pytest.raises(Refused, match="Not enough free letters"):
        pick_letters(25, 3, [])


def test_plan_pairs_letters_and_addresses():
    assert plan_addresses("aqs1010", ".eqiad.wmnet", ["a", "b"], ["10.0.0.5/24", "10.0.0.6/24"]) == [
        PlannedAddress("10.0.0.5/24", "aqs1010-a.eqiad.wmnet"),
        PlannedAddress("10.0.0.6/24", "aqs1010-b.eqiad.wmnet"),
    ]
    with pytest.raises(Refused, match="Only 1 addresses available, 2 needed"):
        plan_addresses("aqs1010", ".eqiad.wmnet", ["a", "b"], ["10.0.0.5/24"])


def test_count():
    assert parse_count("3") == 3
    for bad in ("0", "6", "x", None):
        with pytest.raises(Refused, match="Invalid number of additional IPs"):
            parse_count(bad)
