"""The import's query count per host is bounded: it does not grow with the switch the host is cabled to.

Facts come from the fixtures through an in-memory client (the same seam ``bench/puppetdb_bench.py`` uses), so these
tests need no PuppetDB.
"""

from __future__ import annotations

import copy
import json

import pytest
from dcim.models import Interface
from django.db import connection
from django.test.utils import CaptureQueriesContext
from ipam.models import IPAddress

from netbox_wmf_ops.puppetdb.importer import import_hosts
from tests import factories

from .conftest import Log, cable, facts_for, hostname, network, server, switch


class FixtureClient:
    """Stands in for PuppetDBClient with already-fetched facts."""

    def __init__(self) -> None:
        self.facts: dict[str, dict] = {}

    def add(self, certname: str, facts: dict) -> None:
        self.facts[certname.split(".")[0]] = facts

    def host_facts(self, host: str, names=None) -> dict:
        return copy.deepcopy(self.facts[host])


def provisioned_host(site, client: FixtureClient, switch_ports: int, host_octet: int):
    """A host as provisioning leaves it (##PRIMARY## cabled to xe-4/0/12 of a virtual-chassis member with
    ``switch_ports`` ports, its IPv4 10.251.16.<host_octet> on it), and its single_nic facts in ``client``."""
    vc = factories.unique("asw")
    ports = {f"xe-4/0/{i}": "10gbase-x-sfpp" for i in range(max(switch_ports, 13))}
    sw = switch(site, f"{vc}m4", ports, f"{vc}.mgmt", 4)
    dev = server(site, hostname("pdbq"))
    placeholder = Interface.objects.create(device=dev, name="##PRIMARY##", type="10gbase-x-sfpp")
    Interface.objects.create(device=dev, name="mgmt", type="1000base-t", mgmt_only=True)
    dev.primary_ip4 = IPAddress.objects.create(address=f"10.251.16.{host_octet}/22", assigned_object=placeholder)
    dev.save()
    cable(placeholder, sw.interfaces.get(name="xe-4/0/12"), "230403", color="111111", type="dac-passive")
    certname, facts = facts_for("single_nic", dev.name, {"asw2-c-eqiad": vc})
    text = json.dumps(facts).replace("10.251.16.20", f"10.251.16.{host_octet}")
    client.add(certname, json.loads(text.replace(":10:251:16:20", f":10:251:16:{host_octet}")))
    return dev


def counted_import(dev, client) -> tuple[int, Log]:
    log = Log()
    with CaptureQueriesContext(connection) as captured:
        import_hosts([dev.name], client, log, commit=True)
    assert log.of("failure") == [], log
    return len(captured), log


@pytest.mark.django_db
def test_first_import_and_rerun_query_counts_do_not_grow_with_the_switch():
    site = factories.site()
    network(site)
    client = FixtureClient()
    counted_import(provisioned_host(site, client, switch_ports=13, host_octet=22), client)  # warms per-process caches
    small = provisioned_host(site, client, switch_ports=13, host_octet=20)
    first_small, _ = counted_import(small, client)
    rerun_small, _ = counted_import(small, client)

    large = provisioned_host(site, client, switch_ports=96, host_octet=21)
    first_large, log = counted_import(large, client)
    rerun_large, _ = counted_import(large, client)

    assert f"{large.name}: renamed ##PRIMARY## interface to eno1np0" in log.of("success")
    assert Interface.objects.get(device=large, name="eno1np0").cable.label == "230403"
    assert first_large == first_small
    assert rerun_large == rerun_small <= 25
    assert first_large <= 150  # NetBox's own save(), change logging and MAC assignment are most of it
