"""The VLAN migration report on hand-built codfw servers added to the demo fleet."""

import datetime
import ipaddress

import pytest
from dcim.models import Device
from django.utils import timezone

from netbox_wmf_ops.checks.vlan_migration import LEGACY_VLANS
from netbox_wmf_ops.reports.vlan_migration import VlanMigration
from tests.factories import reports as f
from tests.integration.reports.helpers import assert_conventions, count_queries, messages, run_report, summary_count

TEST = "test_summary"


def legacy_prefix() -> str:
    """The prefix of one legacy VLAN, made up when the fleet has none."""
    vlan = f.VLAN.objects.filter(name=LEGACY_VLANS[0]).first() or f.vlan(LEGACY_VLANS[0])
    existing = vlan.prefixes.filter(prefix__family=4).first()
    return str((existing or f.prefix("198.18.250.0/24", vlan)).prefix)


def server(name: str, address: str, bought: datetime.date | None, site=None, status="active") -> Device:
    dev = f.device(
        name,
        site_obj=site or f.site("codfw"),
        status=status,
        custom_fields={"purchase_date": bought.isoformat() if bought else None},
    )
    Device.objects.filter(pk=dev.pk).update(primary_ip4=f.ip(address, assigned=f.interface(dev, "eno1")))
    return dev


@pytest.mark.django_db
def test_recent_codfw_servers_on_legacy_vlans_are_counted_and_grouped():
    network = ipaddress.ip_network(legacy_prefix())
    hosts = network.hosts()
    for _ in range(200):  # skip the addresses the fleet may use at the start of the prefix
        next(hosts)
    recent = timezone.localdate() - datetime.timedelta(days=365)
    before = run_report(VlanMigration)[TEST]
    cluster = "zzq" + "".join(chr(ord("a") + int(d)) for d in f.unique(""))  # a group of its own, letters only
    for i in range(4):
        server(f"{cluster}2{i:03d}", f"{next(hosts)}/{network.prefixlen}", recent)
    server(f"{cluster}2900", f"{next(hosts)}/{network.prefixlen}", timezone.localdate() - datetime.timedelta(days=2000))
    server(f"{cluster}2901", f"{next(hosts)}/{network.prefixlen}", None)
    server(f"{cluster}2902", f"{next(hosts)}/{network.prefixlen}", recent, status="planned")
    server(f"{cluster}2903", f"{next(hosts)}/{network.prefixlen}", recent, site=f.site("eqiad"))
    server(f"{cluster}2904", "198.18.251.10/24", recent)  # migrated

    result = run_report(VlanMigration)[TEST]
    assert_conventions({TEST: result})
    assert summary_count(result) == summary_count(before) + 1
    assert f"{cluster}*: 4 servers ({cluster}2000, {cluster}2001, {cluster}2002...)" in messages(result, "info")
    warned = int(messages(result, "warning")[0].split()[0])
    warned_before = int(messages(before, "warning")[0].split()[0]) if messages(before, "warning") else 0
    assert warned == warned_before + 4
    assert messages(result, "warning") == [f"{warned} baremetal servers still on the legacy vlans"]


@pytest.mark.django_db
def test_query_count_does_not_grow_with_the_fleet():
    legacy_prefix()
    recent = timezone.localdate() - datetime.timedelta(days=30)
    for i in range(2):
        server(f.unique("qcount2"), f"198.18.252.{i + 1}/24", recent)
    small = count_queries(VlanMigration)
    for i in range(10):
        server(f.unique("qcount2"), f"198.18.252.{i + 10}/24", recent)
    assert count_queries(VlanMigration) == small <= 2
