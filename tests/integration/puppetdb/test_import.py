"""Interface automation against Debian's real PuppetDB (facts submitted through its command API) and NetBox."""

from __future__ import annotations

import pytest
from dcim.models import Cable, Interface
from django.db import connection
from django.test.utils import CaptureQueriesContext
from ipam.models import IPAddress

from netbox_wmf_ops.puppetdb.client import PuppetDBConfig, make_client
from netbox_wmf_ops.puppetdb.facts import parse_host_facts
from netbox_wmf_ops.puppetdb.importer import import_hosts
from netbox_wmf_ops.puppetdb.loader import load_host_state
from tests import factories

from .conftest import Log, cable, facts_for, hostname, network, provisioned_with_facts, server, switch

pytestmark = pytest.mark.slow

GUARD = (
    "{host}: We want to remove interface {name}, however it still has a cable or IP address associated with it. "
    "See docs/scripts.md#removal-guard"
)


def snapshot(device) -> dict:
    """What the import may touch, as plain data, to compare before/after."""
    interfaces = {
        i.name: (i.type, i.mtu, i.mode, i.untagged_vlan_id, i.cable_id, i.lag_id, i.parent_id, i.bridge_id)
        for i in Interface.objects.filter(device=device)
    }
    ips = {str(ip.address): (ip.assigned_object_id, ip.status, ip.role) for ip in IPAddress.objects.all()}
    device.refresh_from_db()
    return {
        "interfaces": interfaces,
        "ips": ips,
        "cables": sorted(Cable.objects.values_list("pk", "label")),
        "primary": (device.primary_ip4_id, device.primary_ip6_id),
    }


@pytest.mark.django_db
def test_single_nic_dry_run_commit_and_second_run(puppetdb):
    pdb, client = puppetdb
    dev = provisioned_with_facts(pdb.replace_facts)[0]
    before = snapshot(dev)

    log = Log()
    dry = import_hosts([dev.name], client, log, commit=False)
    assert snapshot(dev) == before  # the dry run changed nothing
    assert dry.failed_hosts == [] and log.of("failure") == []
    assert f"{dev.name}: renamed ##PRIMARY## interface to eno1np0" in log.of("success")
    planned = dry.describe()

    log = Log()
    real = import_hosts([dev.name], client, log, commit=True)
    assert real.describe() == planned  # the same plan, now applied
    eno1 = Interface.objects.get(device=dev, name="eno1np0")
    assert (eno1.type, eno1.cable.label) == ("10gbase-x-sfpp", "230403")
    assert str(eno1.primary_mac_address.mac_address).lower() == "b4:96:91:5a:10:20"
    assert Interface.objects.get(device=dev, name="eno2np1").type == "1000base-t"
    assert Interface.objects.filter(device=dev, name="mgmt").exists()
    ip4 = IPAddress.objects.get(address="10.251.16.20/22")
    assert (ip4.assigned_object, ip4.description, ip4.dns_name) == (eno1, "", f"{dev.name}.eqiad.wmnet")
    ip6 = IPAddress.objects.get(address="2001:db8:f861:102:10:251:16:20/64")
    dev.refresh_from_db()
    assert (dev.primary_ip4, dev.primary_ip6) == (ip4, ip6)
    assert not IPAddress.objects.filter(address__net_host="fe80::b696:91ff:fe5a:1020").exists()

    # Second run on unchanged facts: nothing planned, nothing changed.
    after = snapshot(dev)
    again = import_hosts([dev.name], client, Log(), commit=True)
    assert [p.changes for p in again.plans] == [[]]
    assert snapshot(dev) == after


@pytest.mark.django_db
def test_host_moved_to_another_port_is_recabled_in_one_run(puppetdb):
    pdb, client = puppetdb
    dev, sw, switches = provisioned_with_facts(pdb.replace_facts)
    import_hosts([dev.name], client, Log(), commit=True)
    old_cable = Interface.objects.get(device=dev, name="eno1np0").cable_id

    pdb.replace_facts(*facts_for("single_nic_moved", dev.name, switches))
    log = Log()
    import_hosts([dev.name], client, log, commit=True)
    eno1 = Interface.objects.get(device=dev, name="eno1np0")
    assert eno1.cable_id != old_cable and not Cable.objects.filter(pk=old_cable).exists()
    assert eno1.link_peers == [sw.interfaces.get(name="xe-4/0/30")]
    assert (eno1.cable.label, eno1.cable.color, eno1.cable.type) == ("230403", "111111", "dac-passive")
    assert sw.interfaces.get(name="xe-4/0/12").cable is None
    assert f"{dev.name}: Remove cable from eno1np0" in log.of("success")
    # And it stays put.
    assert [p.changes for p in import_hosts([dev.name], client, Log(), commit=True).plans] == [[]]


@pytest.mark.django_db
def test_lost_interface_with_an_ip_is_kept_and_reported(puppetdb):
    pdb, client = puppetdb
    dev, _sw, switches = provisioned_with_facts(pdb.replace_facts)
    import_hosts([dev.name], client, Log(), commit=True)
    eno2 = Interface.objects.get(device=dev, name="eno2np1")
    extra = IPAddress.objects.create(address="10.251.16.99/22", assigned_object=eno2)

    pdb.replace_facts(*facts_for("single_nic_lost_eno2", dev.name, switches))
    log = Log()
    result = import_hosts([dev.name], client, log, commit=True)
    assert log.of("failure") == [GUARD.format(host=dev.name, name="eno2np1")]
    assert result.failed_hosts == [dev.name]
    assert Interface.objects.filter(pk=eno2.pk).exists()
    extra.refresh_from_db()
    assert extra.assigned_object == eno2

    # Without its IP the interface goes.
    extra.delete()
    log = Log()
    import_hosts([dev.name], client, log, commit=True)
    assert not Interface.objects.filter(pk=eno2.pk).exists()
    assert f"{dev.name}: removing interface no longer in puppet eno2np1" in log.of("info")


@pytest.mark.django_db
def test_bonded_host(puppetdb):
    pdb, client = puppetdb
    site = factories.site()
    network(site)
    host = hostname("pdbceph")
    sw1, sw2 = factories.unique("lsw"), factories.unique("lsw")
    s1, s2 = switch(site, sw1, {}), switch(site, sw2, {})
    dev = server(site, host)
    pdb.replace_facts(*facts_for("bonded", host, {"lsw1-e1-eqiad": sw1, "lsw1-e2-eqiad": sw2}))
    log = Log()
    import_hosts([host], client, log, commit=True)
    assert log.of("failure") == []
    bond = Interface.objects.get(device=dev, name="bond0")
    assert (bond.type, bond.mtu) == ("lag", 9000)
    members = Interface.objects.filter(device=dev, lag=bond).order_by("name")
    assert [(m.name, m.type, m.mtu) for m in members] == [
        ("enp175s0f0np0", "25gbase-x-sfp28", 9000),
        ("enp175s0f1np1", "25gbase-x-sfp28", 9000),
    ]
    assert [m.link_peers[0].device for m in members] == [s1, s2]
    assert s1.interfaces.get(name="et-0/0/20").mtu == 9192
    assert IPAddress.objects.get(address="10.251.48.40/22").assigned_object == bond
    assert [p.changes for p in import_hosts([host], client, Log(), commit=True).plans] == [[]]


@pytest.mark.django_db
def test_bridged_vm_host_with_vlan_subinterfaces(puppetdb):
    pdb, client = puppetdb
    site = factories.site()
    vlans = network(site)
    host, sw_name = hostname("pdbganeti"), factories.unique("asw")
    sw = switch(site, sw_name, {"xe-2/0/7": "10gbase-x-sfpp"})
    dev = server(site, host)
    placeholder = Interface.objects.create(device=dev, name="##PRIMARY##", type="10gbase-x-sfpp")
    cable(placeholder, sw.interfaces.get(name="xe-2/0/7"), "230777")
    IPAddress.objects.create(address="10.251.32.14/22", assigned_object=placeholder)
    pdb.replace_facts(*facts_for("bridged_vlans", host, {"asw2-a-eqiad": sw_name}))

    log = Log()
    import_hosts([host], client, log, commit=True)
    assert log.of("failure") == []
    names = set(Interface.objects.filter(device=dev).values_list("name", flat=True))
    assert names == {"eno1np0", "private", "public", "eno1np0.1004"}  # no tap0, no vxlan100
    eno1 = Interface.objects.get(device=dev, name="eno1np0")
    sub = Interface.objects.get(device=dev, name="eno1np0.1004")
    assert eno1.bridge.name == "private" and (sub.parent, sub.bridge.name) == (eno1, "public")
    assert (eno1.mode, eno1.untagged_vlan, list(eno1.tagged_vlans.all())) == ("tagged", vlans[1017], [vlans[1004]])
    assert (sub.type, sub.mode, sub.untagged_vlan) == ("virtual", "access", vlans[1004])
    port = sw.interfaces.get(name="xe-2/0/7")
    assert (port.mode, port.untagged_vlan, list(port.tagged_vlans.all())) == ("tagged", vlans[1017], [vlans[1004]])
    assert IPAddress.objects.get(address="10.251.32.14/22").assigned_object.name == "private"
    assert [p.changes for p in import_hosts([host], client, Log(), commit=True).plans] == [[]]


@pytest.mark.django_db
def test_slaac_link_local_and_service_addresses(puppetdb):
    pdb, client = puppetdb
    site = factories.site()
    network(site)
    host, sw_name = hostname("pdbdns"), factories.unique("asw")
    switch(site, sw_name, {"ge-5/0/3": "1000base-t"})
    server(site, host)
    pdb.replace_facts(*facts_for("slaac_vips", host, {"asw2-b-eqiad": sw_name}))
    log = Log()
    import_hosts([host], client, log, commit=True)
    assert log.of("failure") == []
    assert "2001:db8:f861:1:d294:66ff:fe5a:4/64: skipping SLAAC IP" in log.of("warning")
    assert not IPAddress.objects.filter(address__net_host="2001:db8:f861:1:d294:66ff:fe5a:4").exists()
    vip = IPAddress.objects.get(address="198.51.100.224/32")
    anycast = IPAddress.objects.get(address="10.252.0.1/32")
    assert (vip.role, vip.assigned_object, anycast.role, anycast.assigned_object) == ("vip", None, "anycast", None)
    assert not IPAddress.objects.filter(address__net_host="172.17.0.1").exists()  # docker0


@pytest.mark.django_db
def test_virtual_machine(puppetdb):
    from virtualization.models import VirtualMachine, VMInterface

    pdb, client = puppetdb
    network(factories.site())
    host = hostname("pdbetcd")
    vm = VirtualMachine.objects.create(name=host, status="active")
    VMInterface.objects.create(virtual_machine=vm, name="##PRIMARY##")
    pdb.replace_facts(*facts_for("vm", host))
    log = Log()
    import_hosts([host], client, log, commit=True)
    assert log.of("failure") == [] and f"Processing virtual device {host}" in log.of("info")
    ens13 = VMInterface.objects.get(virtual_machine=vm, name="ens13")
    vm.refresh_from_db()
    assert vm.primary_ip4.assigned_object == ens13
    assert str(ens13.primary_mac_address.mac_address).lower() == "aa:00:00:4e:2f:07"


@pytest.mark.django_db
def test_malformed_or_missing_facts_change_nothing(puppetdb):
    pdb, client = puppetdb
    site = factories.site()
    broken, absent = server(site, hostname("pdbmw")), server(site, hostname("pdbmw"))
    pdb.replace_facts(*facts_for("malformed", broken.name))
    before = snapshot(broken)
    log = Log()
    result = import_hosts([broken.name, absent.name], client, log, commit=True)
    # Hosts are imported in name order and both names are random: compare the lines, not their order.
    assert sorted(log.of("failure")) == sorted(
        [
            f"{broken.name}: the 'networking' fact has no 'interfaces' object",
            f"Cannot retrieve PuppetDB facts about {absent.name}: {absent.name} is not in PuppetDB",
        ]
    )
    assert sorted(result.failed_hosts) == sorted([broken.name, absent.name])
    assert snapshot(broken) == before


@pytest.mark.django_db
def test_puppetdb_down_is_one_clear_failure_and_no_change():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    dev = server(factories.site(), hostname("pdbdb"))
    before = snapshot(dev)
    log = Log()
    import_hosts([dev.name], make_client(PuppetDBConfig(url=f"http://127.0.0.1:{port}")), log, commit=True)
    assert log.of("failure") == [
        f"Cannot retrieve PuppetDB facts about {dev.name}: Cannot connect to PuppetDB http://127.0.0.1:{port}: "
        "connection refused"
    ]
    assert snapshot(dev) == before


@pytest.mark.django_db
def test_refused_hosts_and_unknown_names(puppetdb):
    _, client = puppetdb
    site = factories.site()
    tenant_host = server(site, hostname("pdbfr"))
    from tenancy.models import Tenant

    tenant_host.tenant = Tenant.objects.create(name=factories.unique("fr-tech"), slug=factories.unique("fr"))
    tenant_host.save()
    offline = server(site, hostname("pdbold"), status="offline")
    log = Log()
    import_hosts([tenant_host.name, offline.name, "no-such-host"], client, log, commit=True)
    assert log.of("failure") == [
        f"{tenant_host.name} has non-null tenant {tenant_host.tenant.name} skipping.",
        f"{offline.name} has an inappropriate status (must be one of ('active', 'failed', 'planned')): offline",
    ]
    log = Log()
    import_hosts(["no-such-host"], client, log)
    assert log == [("failure", "No Netbox devices found for specified list.")]


@pytest.mark.django_db
def test_microservice_contract_gives_the_same_import(microservice):
    dev = provisioned_with_facts(microservice.add)[0]
    client = make_client(PuppetDBConfig(url=microservice.url, api="microservice"))
    log = Log()
    import_hosts([dev.name], client, log, commit=True)
    assert log.of("failure") == []
    assert Interface.objects.get(device=dev, name="eno1np0").cable.label == "230403"
    assert all(path.startswith("/v1/facts/") for path in microservice.requests)


@pytest.mark.django_db
def test_state_loading_query_count_does_not_grow_with_the_host():
    site = factories.site()
    network(site)

    def host_with(n: int):
        sw = switch(site, factories.unique("asw"), {f"xe-0/0/{i}": "10gbase-x-sfpp" for i in range(n)})
        dev = server(site, hostname("pdbq"))
        for i in range(n):
            iface = Interface.objects.create(device=dev, name=f"eth{i}", type="10gbase-x-sfpp")
            IPAddress.objects.create(address=f"10.251.16.{100 + i}/22", assigned_object=iface)
            cable(iface, sw.interfaces.get(name=f"xe-0/0/{i}"))
        return dev

    from dev.puppetdb_harness import load_fixture

    facts = parse_host_facts("x", load_fixture("single_nic")[1])
    small, large = host_with(2), host_with(12)
    with CaptureQueriesContext(connection) as q_small:
        load_host_state(small, facts)
    with CaptureQueriesContext(connection) as q_large:
        state = load_host_state(large, facts)
    assert len(state.interfaces) == 12
    assert len(q_large) == len(q_small) <= 20
