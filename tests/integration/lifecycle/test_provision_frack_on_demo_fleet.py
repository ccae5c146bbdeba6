"""ProvisionFundraisingServerNetwork (docs/behaviour-reference.md §2.5) on the demo fleet: the planned fr-tech servers
of the dual-switch racks (``lifecycle.ready_to_provision_frack``) are provisioned, and the Network report has nothing to
say about them, their switches or anything else it did not already report."""

from __future__ import annotations

import ipaddress

import pytest
from dcim.models import Cable, Device, Interface
from ipam.models import VLAN, Prefix

from netbox_wmf_ops.reports.network import Network
from tests.integration.lifecycle.demo_fleet import DEFECTS
from tests.integration.reports.helpers import run_report

READY_FRACK = DEFECTS["lifecycle.ready_to_provision_frack"]


def findings() -> set[tuple[str, str, str, str]]:
    """Every non-success line of the Network report: (test, level, object, message)."""
    return {
        (test, level, name, message)
        for test, result in run_report(Network).items()
        for _, level, name, _, message in result["log"]
        if level != "success"
    }


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_fleet_loaded")]


def test_provision_the_demo_fr_tech_servers_and_the_network_report_stays_clean(run_script):
    assert READY_FRACK, "the demo fleet has no planned fr-tech servers"
    before = findings()
    servers = list(Device.objects.filter(name__in=READY_FRACK).select_related("site", "rack").order_by("name"))
    assert len(servers) == len(READY_FRACK)
    ports: dict[int, int] = {}
    for number, dev in enumerate(servers):
        assert (dev.status, dev.tenant.slug, dev.interfaces.count()) == ("planned", "fr-tech", 0)
        z_port = ports[dev.rack_id] = ports.get(dev.rack_id, 0) + 1
        run = run_script(
            "frtech_provision_server",
            "ProvisionFundraisingServerNetwork",
            {
                "device": dev,
                "z_port": z_port,
                "interface_type": "10gbase-x-sfpp",
                "vlan_type": "fundraising",
                "cable_id_a": f"FRDEMO{number}A",
                "cable_id_b": f"FRDEMO{number}B",
            },
            commit=True,
        )
        assert run.job.status == "completed", run.log
        assert run.messages("failure") == []

        dev.refresh_from_db()
        site = dev.site.slug
        vlan = VLAN.objects.get(name=f"frack-fundraising1-c-{site}")
        prefix = Prefix.objects.get(vlan=vlan)
        assert ipaddress.ip_interface(str(dev.primary_ip4.address)) in ipaddress.ip_network(str(prefix.prefix))
        assert dev.primary_ip4.dns_name == f"{dev.name}.frack.{site}.wmnet"
        assert dev.primary_ip4.assigned_object.name == "bond0"
        assert dev.oob_ip.dns_name == f"{dev.name}.mgmt.frack.{site}.wmnet"
        for letter in "ab":
            switch = Device.objects.get(name=f"fasw2-{dev.rack.name.lower()}{letter}-{site}")
            port = Interface.objects.get(device=switch, name=f"xe-0/0/{z_port}")
            member = Interface.objects.get(device=dev, name=f"PRIMARY_{letter.upper()}")
            cable = Cable.objects.get(label=f"FRDEMO{number}{letter.upper()}")
            assert (port.cable, member.cable, member.lag.name) == (cable, cable, "bond0")
            assert (port.enabled, port.untagged_vlan, port.mtu) == (True, vlan, 9192)

    assert findings() == before
