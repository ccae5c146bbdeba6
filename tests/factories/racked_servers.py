"""Builders for the lifecycle script tests (OfflineDevice, ReplaceDevice, AddSecondaryIPs, Capirca, Revert).

A "racked server" is what a WMF host looks like in NetBox: racked, a 10G primary interface cabled to its top-of-rack
switch, a VLAN sub-interface, primary IPv4/IPv6 with DNS names, a management interface holding the OOB IP, console
and power cabled. Everything is saved the normal way (cables trace their paths) with unique names and addresses, so
tests can add to the seeded demo fleet and assert on exactly these objects."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from dcim.models import (
    Cable,
    ConsolePort,
    ConsoleServerPort,
    Device,
    Interface,
    InventoryItem,
    PowerOutlet,
    PowerPort,
    Rack,
    Site,
)
from ipam.models import IPAddress, Prefix

from tests import factories
from tests.factories import reports as factories_reports
from tests.factories import unique

# 100.64.0.0/10 (shared address space) is not used by the demo fleet: each network below is unique per call.
_networks = itertools.count(1)


def network() -> tuple[str, str]:
    """A fresh (IPv4 /24, IPv6 /64) pair of network prefixes as strings: ("100.65.3.0/24", "fd00:0:3::/64")."""
    n = next(_networks)
    return f"100.{64 + n // 256}.{n % 256}.0/24", f"fd00:0:{n:x}::/64"


def server_type():
    return factories.device_type("PowerEdge R450", "Dell", u_height=1)


def switch(site_obj: Site, rack_obj: Rack | None = None, ports: int = 4) -> Device:
    sw = factories_reports.device(
        unique("asw"), role_slug="asw", site_obj=site_obj, rack=rack_obj, dtype=factories.device_type()
    )
    Interface.objects.bulk_create(
        [Interface(device=sw, name=f"xe-0/0/{i}", type="10gbase-x-sfpp", mtu=9192) for i in range(ports)]
    )
    return sw


@dataclass
class RackedServer:
    device: Device
    switch: Device
    console_server: Device
    primary: Interface  # eno1, cabled to switch xe-0/0/1
    vlan_sub: Interface  # eno1.1001, child of eno1
    spare: Interface  # eno2, no cable, no IP
    mgmt: Interface
    ip4: IPAddress
    ip6: IPAddress
    sub_ip: IPAddress
    oob: IPAddress
    cable: Cable
    prefix4: Prefix


def racked_server(
    *,
    status: str = "active",
    name: str | None = None,
    site_obj: Site | None = None,
    rack_obj: Rack | None = None,
    position: int = 10,
    domain: str = "eqiad.wmnet",
) -> RackedServer:
    site_obj = site_obj or factories.site()
    rack_obj = rack_obj or factories.rack(site_obj)
    name = name or unique("ms-be")
    dev = factories_reports.device(
        name,
        role_slug="server",
        site_obj=site_obj,
        status=status,
        dtype=server_type(),
        rack=rack_obj,
        position=position,
        face="front",
    )
    sw = switch(site_obj, rack_obj)
    eno1 = Interface.objects.create(device=dev, name="eno1", type="10gbase-x-sfpp")
    sub = Interface.objects.create(device=dev, name="eno1.1001", type="virtual", parent=eno1)
    eno2 = Interface.objects.create(device=dev, name="eno2", type="10gbase-x-sfpp")
    mgmt = Interface.objects.create(device=dev, name="mgmt", type="1000base-t", mgmt_only=True)
    net4, net6 = network()
    prefix4 = Prefix.objects.create(prefix=net4, status="active")
    Prefix.objects.create(prefix=net6, status="active")
    base4, base6 = net4.rsplit(".", 1)[0], net6.split("::")[0]
    ip4 = factories_reports.ip(f"{base4}.10/24", assigned=eno1, dns_name=f"{name}.{domain}", status="active")
    ip6 = factories_reports.ip(f"{base6}::10/64", assigned=eno1, dns_name=f"{name}.{domain}", status="active")
    sub_ip = factories_reports.ip(f"{base4}.200/24", assigned=sub, status="active")
    oob = factories_reports.ip(
        f"{base4}.250/24", assigned=mgmt, dns_name=f"{name}.mgmt.{site_obj.slug}.wmnet", status="active"
    )
    dev.primary_ip4, dev.primary_ip6, dev.oob_ip = ip4, ip6, oob
    dev.save()
    cable = factories_reports.cable(eno1, sw.interfaces.get(name="xe-0/0/1"), label=unique(""))
    console = ConsolePort.objects.create(device=dev, name="console0")
    scs = factories_reports.device(unique("scs"), role_slug="scs", site_obj=site_obj, rack=rack_obj)
    factories_reports.cable(console, ConsoleServerPort.objects.create(device=scs, name=unique("port")))
    PowerPort.objects.create(device=dev, name="PSU1")
    return RackedServer(dev, sw, scs, eno1, sub, eno2, mgmt, ip4, ip6, sub_ip, oob, cable, prefix4)


def replacement(old: RackedServer, *, with_template_components: bool = True) -> Device:
    """The new device of an RMA: same site, not racked, planned, with the components its type would give it."""
    dev = factories_reports.device(
        unique("new-"), role_slug="server", site_obj=old.device.site, status="planned", dtype=server_type()
    )
    if with_template_components:
        Interface.objects.create(device=dev, name="eno1", type="10gbase-x-sfpp")
        Interface.objects.create(device=dev, name="eno2", type="10gbase-x-sfpp")
        Interface.objects.create(device=dev, name="mgmt", type="1000base-t", mgmt_only=True)
        ConsolePort.objects.create(device=dev, name="console0")
        PowerPort.objects.create(device=dev, name="PSU1")
        PowerOutlet.objects.create(device=dev, name="outlet-unused")
        InventoryItem.objects.create(device=dev, name="new-disk")
    return dev
