"""Interface import of a bonded fr-tech server provisioned by ProvisionFundraisingServerNetwork
(docs/behaviour-reference.md §2.5): its
facts (a bond of two NICs, LLDP on both, from Debian's real PuppetDB) name the NICs behind PRIMARY_A/PRIMARY_B; once
NetBox matches, a run plans nothing; a re-cabled member gets its cable moved; the removal guard holds for members."""

from __future__ import annotations

import copy

import pytest
from dcim.models import Cable, Interface
from ipam.models import Prefix

from netbox_wmf_ops.puppetdb.importer import import_hosts
from tests.factories import rack_spaces as lb

from .conftest import Log, facts_for, hostname
from .test_import import GUARD

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

NIC_A, NIC_B = "enp175s0f0np0", "enp175s0f1np1"  # the bonded fixture's members, LLDP neighbours lsw1-e1/e2-eqiad


@pytest.fixture
def frack_imported(settings):
    """The import accepts fr-tech hosts (by default every host with a tenant is refused, as in the original)."""
    config = copy.deepcopy(settings.PLUGINS_CONFIG)
    config.setdefault("netbox_wmf_ops", {})["puppetdb_import_tenants"] = ["fr-tech"]
    settings.PLUGINS_CONFIG = config


def provisioned(run_script):
    space = lb.frack_rack(ports=24)
    dev = lb.frack_server(space, name=hostname("frdb"))
    form = {
        "device": dev,
        "z_port": 20,
        "interface_type": "25gbase-x-sfp28",
        "vlan_type": "fundraising",
        "cable_id_a": f"{dev.name}-A",
        "cable_id_b": f"{dev.name}-B",
    }
    run = run_script("frtech_provision_server", "ProvisionFundraisingServerNetwork", form, commit=True)
    assert run.job.status == "completed", run.log
    dev.refresh_from_db()
    container = str(space.prefix.prefix.supernet(16)[0])
    Prefix.objects.get_or_create(prefix=container, vrf=None, defaults={"status": "container"})
    return space, dev


def facts(space, dev, mutate=None):
    """The bonded fixture as this host's facts: its switches, its bond0 address and DNS name, no IPv6."""
    address = str(dev.primary_ip4.address.ip)

    def frack(raw):
        networking = raw["networking"]
        for key in ("ip6", "netmask6", "network6", "scope6"):
            networking.pop(key, None)
            networking["interfaces"]["bond0"].pop(key, None)
        networking["interfaces"]["bond0"].pop("bindings6", None)
        if mutate is not None:
            mutate(raw)

    return facts_for(
        "bonded",
        dev.name,
        {
            "lsw1-e1-eqiad": space.switches["a"].name,
            "lsw1-e2-eqiad": space.switches["b"].name,
            "10.251.48.40": address,
            "255.255.252.0": "255.255.255.0",
            f"{dev.name}.eqiad.wmnet": dev.primary_ip4.dns_name,
        },
        frack,
    )


def test_import_names_the_members_then_plans_nothing(puppetdb, run_script, frack_imported):
    pdb, client = puppetdb
    space, dev = provisioned(run_script)
    cables = {i.name: i.cable_id for i in Interface.objects.filter(device=dev, name__startswith="PRIMARY_")}
    pdb.replace_facts(*facts(space, dev))

    log = Log()
    import_hosts([dev.name], client, log, commit=True)
    assert log.of("failure") == [], log
    assert f"{dev.name}: renamed PRIMARY_A interface to {NIC_A}" in log.of("success")
    bond = Interface.objects.get(device=dev, name="bond0")
    members = {i.name: i for i in Interface.objects.filter(device=dev, lag=bond)}
    assert sorted(members) == [NIC_A, NIC_B]
    # The provisioned cables (and their IDs) stay: each NIC is the one LLDP sees on its switch port.
    assert (members[NIC_A].cable_id, members[NIC_B].cable_id) == (cables["PRIMARY_A"], cables["PRIMARY_B"])
    assert members[NIC_A].link_peers == [space.port("a", "et-0/0/20")]
    assert members[NIC_B].link_peers == [space.port("b", "et-0/0/20")]
    assert Cable.objects.get(pk=cables["PRIMARY_B"]).label == f"{dev.name}-B"

    again = import_hosts([dev.name], client, Log(), commit=True)
    assert [p.changes for p in again.plans] == [[]]


def test_a_recabled_member_gets_its_cable_moved(puppetdb, run_script, frack_imported):
    pdb, client = puppetdb
    space, dev = provisioned(run_script)
    pdb.replace_facts(*facts(space, dev))
    import_hosts([dev.name], client, Log(), commit=True)
    cable_a = Interface.objects.get(device=dev, name=NIC_A).cable_id

    def recabled(raw):
        raw["lldp"][NIC_B]["port"] = "et-0/0/21"

    pdb.replace_facts(*facts(space, dev, recabled))
    log = Log()
    import_hosts([dev.name], client, log, commit=True)
    assert log.of("failure") == [], log
    nic_a = Interface.objects.get(device=dev, name=NIC_A)
    nic_b = Interface.objects.get(device=dev, name=NIC_B)
    assert nic_a.cable_id == cable_a  # the other member is left alone
    assert nic_b.link_peers == [space.port("b", "et-0/0/21")]
    assert space.port("b", "et-0/0/20").cable is None
    assert [p.changes for p in import_hosts([dev.name], client, Log(), commit=True).plans] == [[]]


def test_removal_guard_keeps_a_cabled_member_gone_from_the_facts(puppetdb, run_script, frack_imported):
    pdb, client = puppetdb
    space, dev = provisioned(run_script)
    pdb.replace_facts(*facts(space, dev))
    import_hosts([dev.name], client, Log(), commit=True)

    def nic_gone(raw):
        for fact in (raw["networking"]["interfaces"], raw["net_driver"], raw["lldp"]):
            fact.pop(NIC_B, None)

    pdb.replace_facts(*facts(space, dev, nic_gone))
    log = Log()
    import_hosts([dev.name], client, log, commit=True)
    assert log.of("failure") == [GUARD.format(host=dev.name, name=NIC_B)]
    nic_b = Interface.objects.get(device=dev, name=NIC_B)
    assert nic_b.cable is not None and nic_b.lag.name == "bond0"


def test_fr_tech_hosts_are_refused_by_default(puppetdb, run_script):
    pdb, client = puppetdb
    space, dev = provisioned(run_script)
    pdb.replace_facts(*facts(space, dev))
    log = Log()
    import_hosts([dev.name], client, log, commit=True)
    assert log.of("failure") == [f"{dev.name} has non-null tenant {dev.tenant.name} skipping."]
    assert Interface.objects.filter(device=dev, name__startswith="PRIMARY_").count() == 2
