"""Fact parsing: PuppetDB's facts → ``HostFacts``, and the clear errors for unusable ones."""

from __future__ import annotations

import pytest

from dev.puppetdb_harness import load_fixture
from netbox_wmf_ops.puppetdb.facts import FactsError, parse_host_facts


def test_fixture_facts_parse():
    certname, raw = load_fixture("bridged_vlans")
    facts = parse_host_facts("ganeti1030", raw)
    assert facts.fqdn == certname and facts.primary == "private" and facts.ip == "10.64.32.14"
    sub = facts.interfaces["eno1np0.1004"]
    assert (sub.kind, sub.parent_link, sub.parent_bridge, sub.dot1q) == ("vlan", "eno1np0", "public", 1004)
    assert facts.interfaces["eno1np0"].lldp.router is True
    assert facts.interfaces["eno1np0"].speed == 10000
    assert "parent" not in facts.interfaces  # the lldp fact's non-interface key is ignored


@pytest.mark.parametrize(
    ("fixture", "message"),
    [
        ("malformed", "mw1400: the 'networking' fact has no 'interfaces' object"),
        ("no_networking", "mw1401: PuppetDB has no 'networking' fact for this host"),
    ],
)
def test_malformed_fixtures_raise_a_clear_error(fixture, message):
    _, raw = load_fixture(fixture)
    with pytest.raises(FactsError) as error:
        parse_host_facts(fixture_host(fixture), raw)
    assert str(error.value) == message


def fixture_host(fixture):
    return load_fixture(fixture)[0].split(".")[0]


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda n: n.update(interfaces={"eno1": "up"}), "h1: networking.interfaces.eno1 is not an object"),
        (
            lambda n: n["interfaces"]["eno1np0"].update(bindings=[{"address": "10.0.0.1"}]),
            "h1: networking.interfaces.eno1np0.bindings has an entry without address/netmask",
        ),
        (
            lambda n: n["interfaces"]["eno1np0"].update(mtu="jumbo"),
            "h1: networking.interfaces.eno1np0.mtu is not a number: 'jumbo'",
        ),
        (
            lambda n: n["interfaces"]["eno1np0"].update(bindings6={}),
            "h1: networking.interfaces.eno1np0.bindings6 is not a list",
        ),
    ],
)
def test_broken_interface_entries_raise(mutate, message):
    _, raw = load_fixture("single_nic")
    mutate(raw["networking"])
    with pytest.raises(FactsError, match="^" + message.replace("(", r"\(").replace(")", r"\)") + "$"):
        parse_host_facts("h1", raw)


def test_networking_that_is_not_an_object():
    with pytest.raises(FactsError, match="the 'networking' fact is not an object"):
        parse_host_facts("h1", {"networking": "eno1"})


def test_bad_lldp_is_a_warning_not_an_error():
    _, raw = load_fixture("single_nic")
    raw["lldp"] = "asw2"
    facts = parse_host_facts("db1201", raw)
    assert facts.warnings == ("db1201: the 'lldp' fact is not an object; cables and switch ports are left alone",)
    assert all(f.lldp is None for f in facts.interfaces.values())
