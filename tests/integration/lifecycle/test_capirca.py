"""Capirca host definitions (docs/behaviour-reference.md §2.9) on real IPAM data."""

import re

import pytest
from ipam.models import IPAddress
from virtualization.models import Cluster, ClusterType, VirtualMachine, VMInterface

from netbox_wmf_ops.lifecycle.capirca import capirca_definitions, load_host_addresses
from tests.factories import racked_servers as f
from tests.factories import reports as factories_reports
from tests.factories import unique

pytestmark = pytest.mark.django_db


def bare(ip: IPAddress) -> str:
    return str(ip.address).split("/")[0]


def test_script_lists_servers_vms_and_vips(run_script):
    host = f.racked_server()
    vm_cluster = Cluster.objects.create(
        name=unique("ganeti"), type=ClusterType.objects.get_or_create(slug="ganeti", defaults={"name": "ganeti"})[0]
    )
    vm = VirtualMachine.objects.create(name=unique("vm"), cluster=vm_cluster, status="active")
    vm_ip = factories_reports.ip(
        "100.127.1.7/24", assigned=VMInterface.objects.create(virtual_machine=vm, name="ens13")
    )
    vip_name = f"{unique('vip')}.svc.eqiad.wmnet"
    factories_reports.ip("100.127.2.1/32", role="vip", dns_name=vip_name)
    factories_reports.ip("100.127.2.2/32", role="vip", dns_name=vip_name, status="reserved")  # not active
    switch_ip = factories_reports.ip("100.127.3.1/32", assigned=host.switch.interfaces.first())  # not a server

    run = run_script("capirca", "GetHosts", {}, commit=True)

    assert run.job.status == "completed"
    assert run.messages("failure") == []
    assert run.log[-1][0] == "success" and run.log[-1][1].endswith("groups defined")
    lines = run.output.splitlines()
    name = host.device.name
    ip4, ip6, sub_ip = (bare(a) for a in (host.ip4, host.ip6, host.sub_ip))
    # Interface addresses of the server, v4 before v6, aligned; the OOB (mgmt) address is not listed.
    block = lines[lines.index(f"{name} = {ip4} # {name}") :][:3]
    assert block == [
        f"{name} = {ip4} # {name}",
        f"{' ' * (len(name) + 3)}{sub_ip} # {name}",
        f"{' ' * (len(name) + 3)}{ip6} # {name}",
    ]
    assert bare(host.oob) not in run.output
    assert f"{vm.name} = {bare(vm_ip)} # {vm.name}" in lines
    assert f"{vip_name} = 100.127.2.1 # {vip_name}" in lines
    assert "100.127.2.2" not in run.output and bare(switch_ip) not in run.output
    # ms-be00042 -> group "ms-be" + the counter's leftover digit: the host is in the group named after it.
    group = re.sub(r"\d{4}", "", name)
    assert any(line.startswith(f"{group}_group = ") for line in lines)


def test_loader_query_count_does_not_grow(django_assert_max_num_queries):
    f.racked_server()
    with django_assert_max_num_queries(5):
        records = load_host_addresses()
    assert len(records) == IPAddress.objects.filter(status="active").count()
    with django_assert_max_num_queries(5):
        capirca_definitions()
