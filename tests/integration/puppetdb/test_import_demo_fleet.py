"""The interface import on the demo fleet: every physical server Puppet reports on gets facts that describe its
interfaces as they are loaded (``dev/fleet_sources.py:network_facts``, served over the microservice contract as
``make demo`` serves them). Importing them all must change nothing but what the seeded defects put wrong on the NetBox
side: the import agrees with a realistic fleet built independently of it (interface names, MACs, addresses, DNS
names, LLDP neighbours, virtual chassis included, and cables), repairs a missing primary IP, and flags a primary IP
whose DNS name disagrees with the host's FQDN without overwriting it."""

from __future__ import annotations

import pytest
from dcim.models import Cable, Device, Interface, MACAddress
from ipam.models import IPAddress

from dev.fleet.plan import plan_fleet
from dev.fleet_sources import network_facts, puppetdb_nodes
from dev.puppetdb_harness import MicroserviceFixture
from netbox_wmf_ops.puppetdb.client import PuppetDBConfig, make_client
from netbox_wmf_ops.puppetdb.importer import import_hosts

from .conftest import Log

PLAN = plan_fleet(0.05, 1)
FACTS = network_facts(PLAN)


def fleet_state() -> dict:
    return {
        "interfaces": sorted(
            Interface.objects.values_list("pk", "device_id", "name", "type", "mtu", "enabled", "cable")
        ),
        "ips": sorted(IPAddress.objects.values_list("pk", "address", "dns_name", "assigned_object_id", "description")),
        "macs": sorted(MACAddress.objects.values_list("pk", "mac_address", "assigned_object_id")),
        "cables": sorted(Cable.objects.values_list("pk", "label", "type", "color", "status")),
        "primaries": sorted(Device.objects.values_list("pk", "primary_ip4", "primary_ip6")),
    }


@pytest.mark.django_db
def test_importing_the_fleets_own_facts_changes_only_what_the_seeded_defects_broke():
    hosts = sorted(FACTS)
    assert len(hosts) >= 50 and Device.objects.filter(name__in=hosts).count() == len(hosts)
    # Virtual-chassis members answer LLDP with the chassis name; leaf and POP switches with their own.
    neighbours = {facts["lldp"]["parent"] for facts in FACTS.values()}
    assert any(n.startswith("asw2-") and n.count("-") == 2 for n in neighbours), neighbours
    assert any(n.startswith(("lsw1-", "asw1-")) for n in neighbours), neighbours
    unset = {
        key: set(PLAN.defects[key]) & set(hosts) for key in ("network.primary_v4_missing", "network.primary_v6_missing")
    }
    [misnamed] = set(PLAN.defects["network.primary_dns_mismatch"]) & set(hosts)
    assert all(unset.values())

    before = fleet_state()
    with MicroserviceFixture(puppetdb_nodes(PLAN, network=True)) as service:
        client = make_client(PuppetDBConfig(url=service.url, api="microservice"))
        log = Log()
        result = import_hosts(hosts, client, log, commit=True)

    # The missing primaries are set to the address the host reports (one device update each), nothing else changes.
    repaired = set().union(*unset.values())
    assert {plan.host for plan in result.plans if plan.changes} == repaired
    assert all([c.model for c in plan.changes] == ["device"] for plan in result.plans if plan.changes)
    for name in unset["network.primary_v4_missing"]:
        dev = Device.objects.get(name=name)
        assert str(dev.primary_ip4.address.ip) == FACTS[name]["networking"]["ip"]
    for name in unset["network.primary_v6_missing"]:
        dev = Device.objects.get(name=name)
        assert str(dev.primary_ip6.address.ip) == FACTS[name]["networking"]["ip6"]
    after = fleet_state()
    assert {k: v for k, v in after.items() if k != "primaries"} == {k: v for k, v in before.items() if k != "primaries"}
    changed = set(after["primaries"]) ^ set(before["primaries"])
    assert {pk for pk, *_ in changed} == set(Device.objects.filter(name__in=repaired).values_list("pk", flat=True))

    # The IPv6 name that differs from the IPv4 one is reported, not overwritten; no other failure or warning.
    dev = Device.objects.get(name=misnamed)
    fqdn = FACTS[misnamed]["networking"]["fqdn"]
    expected = (
        f"{fqdn} assign_name: {dev.primary_ip6.address} has a different DNS name than expected: "
        f"{dev.primary_ip6.dns_name}"
    )
    assert dev.primary_ip6.dns_name != fqdn
    assert log.of("failure") == [expected] and log.of("warning") == []
