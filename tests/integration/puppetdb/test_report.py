"""The PuppetDB report against Debian's real PuppetDB and the /v1/facts fixture."""

from __future__ import annotations

import copy
import socket

import pytest
from virtualization.models import VirtualMachine

from netbox_wmf_ops.reports.puppetdb import PhysicalHosts, VirtualMachines
from tests import factories

from .conftest import hostname, server

pytestmark = pytest.mark.slow


@pytest.fixture
def puppetdb_settings(settings):
    def configure(**values):
        config = copy.deepcopy(settings.PLUGINS_CONFIG)
        config.setdefault("netbox_wmf_ops", {}).update(values)
        settings.PLUGINS_CONFIG = config

    return configure


def run(report_class) -> dict:
    report = report_class()
    report.run(data={}, commit=True)
    return report.tests


def lines(result: dict, level: str) -> list[tuple]:
    return [(obj, message) for _, lvl, obj, _, message in result["log"] if lvl == level]


def facts(is_virtual: bool, serial: str = "", product: str = "PowerEdge R450") -> dict:
    return {"is_virtual": is_virtual, "serialnumber": serial, "productname": product, "networking": {}}


@pytest.mark.django_db
def test_physical_hosts_against_real_puppetdb(puppetdb_server, puppetdb_settings):
    site = factories.site()
    model = factories.device_type("PowerEdge R450 - ConfigA 202107", "Dell")
    good = server(site, hostname("pdbr"), serial="SER1", device_type=model)
    wrong = server(site, hostname("pdbr"), serial="SER2", device_type=model)
    missing = server(site, hostname("pdbr"))
    planned = server(site, hostname("pdbr"), status="planned")
    ghost = hostname("pdbghost")
    for dev, node_facts in (
        (good, facts(False, "SER1")),
        (wrong, facts(False, "OTHER", "PowerEdge R440")),
        (planned, facts(False)),
    ):
        puppetdb_server.replace_facts(f"{dev.name}.eqiad.wmnet", node_facts)
    puppetdb_server.replace_facts(f"{ghost}.eqiad.wmnet", facts(False))
    puppetdb_settings(puppetdb_url=puppetdb_server.url, puppetdb_api="v4")

    tests = run(PhysicalHosts)
    in_pdb = dict(lines(tests["test_netbox_in_puppetdb"], "failure"))
    assert in_pdb[str(missing)] == (
        "Device is Active in Netbox but is missing from PuppetDB "
        "(should be inventory, offline, planned, decommissioning or staged)"
    )
    assert str(good) not in in_pdb and str(wrong) not in in_pdb
    in_nb = lines(tests["test_puppetdb_in_netbox"], "failure")
    assert (None, f"expected device missing from Netbox: {ghost}") in in_nb
    assert (str(planned), "Device is in PuppetDB but is Planned in Netbox (should be Active or Failed)") in in_nb
    models = dict(lines(tests["test_puppetdb_models"], "failure"))
    assert models[str(wrong)] == (
        "mismatched device models: PowerEdge R450 - ConfigA 202107 (netbox) != PowerEdge R440 (puppetdb)"
    )
    assert str(good) not in models
    serials = dict(lines(tests["test_puppetdb_serials"], "failure"))
    assert serials[str(wrong)] == "mismatched serials: SER2 (netbox) != OTHER (puppetdb)"
    for result in tests.values():
        assert result["log"][-1][1] == "success"  # the summary comes last


@pytest.mark.django_db
def test_virtual_machines_against_the_microservice(microservice, puppetdb_settings):
    vm_ok = VirtualMachine.objects.create(name=hostname("pdbvm"), status="active")
    vm_missing = VirtualMachine.objects.create(name=hostname("pdbvm"), status="active")
    vm_physical = VirtualMachine.objects.create(name=hostname("pdbvm"), status="active")
    ghost = hostname("pdbvmghost")
    microservice.add(f"{vm_ok.name}.eqiad.wmnet", facts(True))
    microservice.add(f"{vm_physical.name}.eqiad.wmnet", facts(False))
    microservice.add(f"{ghost}.eqiad.wmnet", facts(True))
    puppetdb_settings(puppetdb_url=microservice.url, puppetdb_api="microservice")

    tests = run(VirtualMachines)
    failures = dict(lines(tests["test_netbox_vms_in_puppetdb"], "failure"))
    assert failures[str(vm_missing)] == "missing VM from PuppetDB"
    assert failures[str(vm_physical)] == "expected VM marked as Physical in PuppetDB"
    assert str(vm_ok) not in failures
    summary = tests["test_netbox_vms_in_puppetdb"]["log"][-1][4]
    assert summary == "1 VMs that are in Netbox are also in PuppetDB VMs"
    assert lines(tests["test_puppetdb_vms_in_netbox"], "failure") == [(None, f"missing VM from Netbox: {ghost}")]
    assert all(path.startswith("/v1/facts/") for path in microservice.requests)


@pytest.mark.django_db
@pytest.mark.parametrize("report_class", [PhysicalHosts, VirtualMachines])
def test_puppetdb_down_gives_one_failure_line_and_no_conclusions(report_class, puppetdb_settings):
    server(factories.site(), hostname("pdbr"))
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    puppetdb_settings(puppetdb_url=f"http://reader:s3cret@127.0.0.1:{port}")
    tests = run(report_class)
    entries = [entry for result in tests.values() for entry in result["log"]]
    assert [(e[1], e[2], e[4]) for e in entries] == [
        ("failure", None, f"Cannot connect to PuppetDB http://127.0.0.1:{port}: connection refused")
    ]
