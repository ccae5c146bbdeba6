"""AddSecondaryIPs (docs/behaviour-reference.md §2.8) on a demo server: the next free addresses of its primary prefix,
named after it."""

from __future__ import annotations

import pytest
from dcim.models import Device
from ipam.models import IPAddress, Prefix

from tests.integration.lifecycle.demo_fleet import clean, free_addresses

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_fleet_loaded")]


def test_adds_named_addresses_to_an_active_server(run_script):
    host = clean(
        Device.objects.filter(
            role__slug="server", status="active", tenant__isnull=True, primary_ip4__dns_name__endswith=".wmnet"
        )
    )[0]
    ip4 = host.primary_ip4
    primary = ip4.assigned_object
    suffix = ip4.dns_name.removeprefix(host.name)  # ".codfw.wmnet"
    prefix = Prefix.objects.get(prefix=str(ip4.address.cidr))
    expected = free_addresses(prefix, 2)

    run = run_script("add_secondary_ips", "AddSecondaryIPs", {"device": host, "additional_ips": "2"}, commit=True)

    assert run.job.status == "completed", run.log
    names = [f"{host.name}-a{suffix}", f"{host.name}-b{suffix}"]
    assert run.log[1:] == [
        (
            "success",
            f"{host.name}: assigned additional address {address} to interface {primary.name} with DNS name '{name}'",
        )
        for address, name in zip(expected, names, strict=True)
    ] + [("success", "Additional IPs added, please run sre.dns.netbox cookbook to update DNS records")]
    added = IPAddress.objects.filter(dns_name__in=names).order_by("dns_name")
    assert [(str(a.address), a.dns_name, a.status, a.assigned_object, a.vrf_id) for a in added] == [
        (address, name, "active", primary, prefix.vrf_id) for address, name in zip(expected, names, strict=True)
    ]
    host.refresh_from_db()
    assert host.primary_ip4 == ip4  # the primary address stays
