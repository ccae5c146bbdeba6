"""A small hand-built DNS fleet in its own site and address ranges (100.125-127.x, fd00:127::/64), so tests can
assert whole zone files byte for byte on top of the seeded demo fleet."""

from __future__ import annotations

from dataclasses import dataclass

from dcim.models import Device, Interface, Location, Site
from ipam.models import FHRPGroup, IPAddress, Prefix
from virtualization.models import Cluster, ClusterType, VirtualMachine, VMInterface

from tests import factories
from tests.factories import unique


@dataclass
class Fleet:
    site: Site
    server: Device
    spare: Device
    offline: Device
    vm: VirtualMachine
    tag: str
    spare_tag: str
    gw: str
    lb: str
    ns: str


def ip(address: str, dns_name: str = "", assigned=None, status: str = "active") -> IPAddress:
    obj = IPAddress(address=address, dns_name=dns_name, status=status)
    if assigned is not None:
        obj.assigned_object = assigned
    obj.full_clean()
    obj.save()
    return obj


def server(site: Site, status: str = "active", asset_tag: str | None = None) -> Device:
    return factories.device(unique("dnsdb"), role_slug="server", site_obj=site, status=status, asset_tag=asset_tag)


def build_fleet() -> Fleet:
    site = factories.site(unique("dnst"))
    s = site.slug
    location = Location.objects.create(site=site, name=unique("loc"), slug=unique("loc"))
    Prefix.objects.create(prefix="100.127.0.0/24", scope=site)
    Prefix.objects.create(prefix="100.126.0.0/16", scope=site)
    Prefix.objects.create(prefix="100.127.1.64/27", scope=location)  # the site comes through the location
    Prefix.objects.create(prefix="100.125.0.0/24")  # no scope, hence no site
    Prefix.objects.create(prefix="fd00:127::/64", scope=site)

    tag = unique("WMF")
    db = server(site, asset_tag=tag)
    eno1 = Interface.objects.create(device=db, name="eno1", type="10gbase-x-sfpp")
    mgmt = Interface.objects.create(device=db, name="mgmt", type="1000base-t", mgmt_only=True)
    primary = ip("100.127.0.5/24", f"{db.name}.{s}.wmnet", eno1)
    ip("fd00:127::5/64", f"{db.name}.{s}.wmnet", eno1)
    ip("100.126.0.5/16", f"{db.name}.mgmt.{s}.wmnet", mgmt)
    ip("100.127.0.15/24", f"{db.name}-old.{s}.wmnet", eno1, status="deprecated")  # not active: no record
    db.primary_ip4 = primary
    db.save()

    spare_tag = unique("WMF")
    spare = server(site, status="inventory", asset_tag=spare_tag)
    spare_mgmt = Interface.objects.create(device=spare, name="mgmt", type="1000base-t", mgmt_only=True)
    ip("100.126.0.6/16", f"{spare_tag.lower()}.mgmt.{s}.wmnet", spare_mgmt)

    offline = server(site, status="offline", asset_tag=unique("WMF"))
    off_if = Interface.objects.create(device=offline, name="eno1", type="10gbase-x-sfpp")
    ip("100.127.0.7/24", f"{offline.name}.{s}.wmnet", off_if)

    cluster = Cluster.objects.create(
        name=unique("ganeti"),
        type=ClusterType.objects.get_or_create(slug="ganeti", defaults={"name": "Ganeti"})[0],
        scope=site,
    )
    vm = VirtualMachine.objects.create(name=unique("dnsvm"), cluster=cluster, status="offline")
    ip("100.127.0.9/24", f"{vm.name}.{s}.wmnet", VMInterface.objects.create(virtual_machine=vm, name="ens5"))

    group = FHRPGroup.objects.create(protocol="vrrp2", group_id=7)
    gw = unique("gw")
    ip("100.127.0.1/24", f"{gw}.{s}.wmnet", group)
    lb = unique("lb")
    ip("100.127.1.70/27", f"{lb}.wikimedia.org")  # unassigned, in the location-scoped /27
    ns = unique("ns")
    ip("100.125.0.9/24", f"{ns}.wikimedia.org")  # only a site-less prefix: global, with a warning
    return Fleet(site, db, spare, offline, vm, tag, spare_tag, gw, lb, ns)
