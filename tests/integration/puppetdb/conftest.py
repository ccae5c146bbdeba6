"""Debian's real PuppetDB for the session, the /v1/facts fixture, and builders for the NetBox side.

The fact fixtures use WMF's real names and addresses; the demo fleet may use them too, so every test renames the
host and switches (unique names) and moves the addresses into test ranges (``NET``)."""

from __future__ import annotations

import json
import os
import uuid

import pytest
from dcim.models import Cable, Device, Interface, VirtualChassis
from ipam.models import VLAN, IPAddress, Prefix, Role

from dev.puppetdb_harness import MicroserviceFixture, PuppetDBServer, load_fixture
from netbox_wmf_ops.puppetdb.client import PuppetDBConfig, make_client
from tests import factories

# Fixture text → test ranges (order matters: the IPv6 forms embed the IPv4 digits).
NET = (
    ("2620:0:861:", "2001:db8:f861:"),
    (":10:64:", ":10:251:"),
    ("10.64.", "10.251."),
    (":208:80:154:", ":198:51:100:"),
    ("208.80.154.", "198.51.100."),
    ("10.3.0.1", "10.252.0.1"),
)
PREFIXES = (  # prefix, VLAN vid/name (created at the test site), role slug
    ("10.251.16.0/22", (1018, "private1-c-eqiad"), ""),
    ("2001:db8:f861:102::/64", (1018, "private1-c-eqiad"), ""),
    ("10.251.32.0/22", (1017, "private1-a-eqiad"), ""),
    ("2001:db8:f861:103::/64", (1017, "private1-a-eqiad"), ""),
    ("10.251.48.0/22", (1030, "private1-e-eqiad"), ""),
    ("2001:db8:f861:107::/64", (1030, "private1-e-eqiad"), ""),
    ("10.251.0.0/22", None, ""),
    ("2001:db8:f861:101::/64", None, ""),
    ("198.51.100.0/26", (1004, "public1-a-eqiad"), ""),
    ("2001:db8:f861:1::/64", (1004, "public1-a-eqiad"), ""),
    ("198.51.100.224/27", None, ""),
    ("10.252.0.0/24", None, ""),
)


@pytest.fixture(scope="session")
def puppetdb_server():
    """One PuppetDB for the whole session (it takes 1-2 minutes to start on a busy 2-core machine). With
    WMF_OPS_PUPPETDB_URL set, the tests use that running PuppetDB instead (``dev/puppetdb_harness.py serve``)."""
    if os.environ.get("WMF_OPS_PUPPETDB_URL"):
        yield PuppetDBServer.running_at(os.environ["WMF_OPS_PUPPETDB_URL"])
        return
    server = PuppetDBServer(database=os.environ.get("WMF_OPS_PUPPETDB_DB", "wmf_ops_puppetdb"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def puppetdb(puppetdb_server):
    client = make_client(PuppetDBConfig(url=puppetdb_server.url, timeout=30))
    yield puppetdb_server, client
    client.close()


@pytest.fixture
def microservice():
    with MicroserviceFixture() as fixture:
        yield fixture


def hostname(prefix: str) -> str:
    """A name unique across test sessions: PuppetDB keeps its nodes between runs, NetBox test data does not."""
    return f"{prefix}{uuid.uuid4().hex[:10]}"


def facts_for(fixture: str, host: str, switches: dict[str, str] | None = None, mutate=None) -> tuple[str, dict]:
    """A fixture's facts for ``host``, with addresses in the test ranges and switch names replaced."""
    certname, facts = load_fixture(fixture, host)
    text = json.dumps(facts)
    for old, new in (*NET, *(switches or {}).items()):
        text = text.replace(old, new)
    facts = json.loads(text)
    if mutate is not None:
        mutate(facts)
    return certname, facts


def network(site) -> dict[int, VLAN]:
    """The fixtures' prefixes (global) and VLANs (at ``site``); returns VLANs by vid."""
    vlans: dict[int, VLAN] = {}
    for prefix, vlan, role in PREFIXES:
        vlan_obj = None
        if vlan:
            vid, name = vlan
            if vid not in vlans:
                vlans[vid] = VLAN.objects.create(site=site, vid=vid, name=name, status="active")
            vlan_obj = vlans[vid]
        role_obj = Role.objects.get_or_create(slug=role, defaults={"name": role})[0] if role else None
        if not Prefix.objects.filter(prefix=prefix, vrf__isnull=True).exists():
            Prefix.objects.create(prefix=prefix, vlan=vlan_obj, role=role_obj, status="active")
        elif vlan_obj is not None:
            Prefix.objects.filter(prefix=prefix, vrf__isnull=True).update(vlan=vlan_obj)
    return vlans


def switch(site, name: str, ports: dict[str, str], vc_domain: str | None = None, position: int | None = None) -> Device:
    fields = {}
    if vc_domain:
        fields["virtual_chassis"] = VirtualChassis.objects.create(name=factories.unique("vc"), domain=vc_domain)
        fields["vc_position"] = position
    dev = factories.device(name, role_slug="asw", site_obj=site, **fields)
    for port, port_type in ports.items():
        Interface.objects.create(device=dev, name=port, type=port_type, mtu=9192)
    return dev


def server(site, name: str, **fields) -> Device:
    fields.setdefault("device_type", factories.device_type("PowerEdge R450", "Dell"))
    return Device.objects.create(
        name=name, role=factories.role("server"), site=site, status=fields.pop("status", "active"), **fields
    )


def cable(a: Interface, b: Interface, label: str = "", **fields) -> Cable:
    obj = Cable(a_terminations=[a], b_terminations=[b], status="connected", label=label, **fields)
    obj.full_clean()
    obj.save()
    return obj


def provisioned_db_host(site):
    """A db1201-like host as provisioning leaves it: ##PRIMARY## cabled to its switch port, IPs reserved."""
    host = hostname("pdbdb")
    vc = factories.unique("asw")  # the LLDP neighbour is the virtual chassis; member 4 owns xe-4/0/*
    sw = switch(site, f"{vc}m4", {"xe-4/0/12": "10gbase-x-sfpp", "xe-4/0/30": "10gbase-x-sfpp"}, f"{vc}.mgmt", 4)
    dev = server(site, host)
    placeholder = Interface.objects.create(device=dev, name="##PRIMARY##", type="10gbase-x-sfpp")
    Interface.objects.create(device=dev, name="mgmt", type="1000base-t", mgmt_only=True)
    ip4 = IPAddress.objects.create(
        address="10.251.16.20/22",
        assigned_object=placeholder,
        dns_name=f"{host}.eqiad.wmnet",
        description="reserved for infra",
    )
    dev.primary_ip4 = ip4
    dev.save()
    cable(placeholder, sw.interfaces.get(name="xe-4/0/12"), "230403", color="111111", type="dac-passive")
    return dev, sw, {"asw2-c-eqiad": vc}


def provisioned_with_facts(add_facts, fixture: str = "single_nic"):
    """A new site with the fixtures' network and a provisioned db host (``provisioned_db_host``), whose ``fixture``
    facts go to ``add_facts`` (a PuppetDB's ``replace_facts`` or the microservice's ``add``)."""
    site = factories.site()
    network(site)
    dev, sw, switches = provisioned_db_host(site)
    add_facts(*facts_for(fixture, dev.name, switches))
    return dev, sw, switches


class Log(list):
    """Collects ``(level, message)`` lines from ``import_hosts``."""

    def __call__(self, level: str, message: str) -> None:
        self.append((level, message))

    def of(self, level: str) -> list[str]:
        return [m for lvl, m in self if lvl == level]
