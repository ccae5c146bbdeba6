"""Builders for the provisioning and move tests: a WMF-shaped rack (row location, ToR switch with ports, per-rack
VLAN, scoped prefixes) and servers in it. Names and address ranges are unique per call, clear of the demo fleet."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from dcim.models import Cable, Device, Interface, Location, Rack, Site, VirtualChassis
from ipam.models import VLAN, Prefix, Role
from tenancy.models import Tenant

from tests import factories

_net = itertools.count(1)

SWITCH_TYPES = {"juniper": ("Juniper", "QFX5120-48Y-8C"), "nokia": ("Nokia", "7220 IXR-D2L")}


def prefix_role(slug: str) -> Role:
    return Role.objects.get_or_create(slug=slug, defaults={"name": slug})[0]


@dataclass
class RackSpace:
    site: Site
    location: Location
    rack: Rack
    switch: Device
    vlan: VLAN
    prefix4: Prefix
    prefix6: Prefix | None
    mgmt_prefix: Prefix

    def port(self, name: str, switch: Device | None = None) -> Interface:
        return Interface.objects.get(device=switch or self.switch, name=name)


def tor_switch(
    rack: Rack,
    vendor: str = "juniper",
    *,
    name: str | None = None,
    role_slug: str = "asw",
    status: str = "active",
    vc_position: int | None = None,
    ports: int = 8,
    port_type: str = "10gbase-x-sfpp",
    position: int | None = None,
) -> Device:
    maker, model = SWITCH_TYPES[vendor]
    fields = {}
    if vc_position is not None:
        fields["virtual_chassis"] = VirtualChassis.objects.create(name=factories.unique("vc"))
        fields["vc_position"] = vc_position
    if position is not None:
        fields.update(position=position, face="front")
    switch = Device.objects.create(
        name=name or factories.unique(f"lsw1-{rack.name.lower()}-"),
        role=factories.role(role_slug),
        device_type=factories.device_type(model, maker),
        site=rack.site,
        location=rack.location,
        rack=rack,
        status=status,
        **fields,
    )
    fpc = vc_position or 0
    for n in range(ports):
        port = f"ethernet-1/{n + 1}" if vendor == "nokia" else f"{port_type_prefix(port_type)}{fpc}/0/{n}"
        Interface.objects.create(device=switch, name=port, type=port_type)
    return switch


def port_type_prefix(port_type: str) -> str:
    return {"1000base-t": "ge-", "10gbase-x-sfpp": "xe-", "25gbase-x-sfp28": "et-"}[port_type]


def rack_space(
    vendor: str = "juniper",
    *,
    site: Site | None = None,
    location: Location | None = None,
    with_v6: bool = True,
    tenant: Tenant | None = None,
) -> RackSpace:
    """A rack in row "e" of a (new) site (or in ``location``) with a ToR switch, the per-rack private VLAN and its
    v4/v6 prefixes scoped to the row, and the row's management prefix."""
    n = next(_net)
    site = site or factories.site()
    if location is None:
        location = Location.objects.create(site=site, name=f"{site.slug} row E", slug=f"{site.slug}-row-e")
    rack = Rack.objects.create(site=site, location=location, name=factories.unique("E"), u_height=42)
    switch = tor_switch(rack, vendor, position=42)
    vlan = VLAN.objects.create(
        name=f"private1-{rack.name.lower()}-{site.slug}", vid=2000 + n % 1000, site=site, status="active", tenant=tenant
    )
    prefix4 = Prefix.objects.create(prefix=f"172.20.{n % 250}.0/24", vlan=vlan, scope=location, status="active")
    prefix6 = None
    if with_v6:
        prefix6 = Prefix.objects.create(prefix=f"2001:db8:b{n:03x}::/64", vlan=vlan, scope=location, status="active")
    # One management prefix per row: a second rack in the same row shares it.
    mgmt = Prefix.objects.filter(role__slug="management", scope_id=location.pk, _location=location).first()
    if mgmt is None:
        mgmt = Prefix.objects.create(
            prefix=f"172.21.{n % 250}.0/24",
            scope=location,
            status="active",
            role=prefix_role("management"),
            tenant=tenant,
        )
    for prefix in (prefix4, prefix6, mgmt):
        if prefix is not None:
            prefix.refresh_from_db()  # netaddr values instead of the strings given
    return RackSpace(site, location, rack, switch, vlan, prefix4, prefix6, mgmt)


def server(
    space: RackSpace,
    name: str | None = None,
    *,
    status: str = "planned",
    maker: str = "Dell",
    model: str = "PowerEdge R450",
    position: int | None = 10,
    **fields,
) -> Device:
    if position is not None:
        fields.update(position=position, face="front")
    return Device.objects.create(
        name=name or factories.unique("ms"),
        role=factories.role("server"),
        device_type=factories.device_type(model, maker),
        site=space.site,
        location=space.rack.location,
        rack=space.rack,
        status=status,
        **fields,
    )


def cabled_server(
    space: RackSpace,
    port_name: str,
    *,
    switch: Device | None = None,
    iface_type: str = "10gbase-x-sfpp",
    label: str = "",
    color: str = "",
    cable_type: str = "",
    tagged: list[VLAN] | None = None,
    **fields,
) -> tuple[Device, Interface, Interface, Cable]:
    """An active server whose ##PRIMARY## interface is cabled to ``port_name``, configured with the rack's VLAN."""
    fields.setdefault("status", "active")
    dev = server(space, **fields)
    primary = Interface.objects.create(device=dev, name="##PRIMARY##", type=iface_type)
    port = space.port(port_name, switch)
    port.mode = "tagged" if tagged else "access"
    port.untagged_vlan = space.vlan
    port.mtu = 9192
    port.enabled = True
    port.save()
    if tagged:
        port.tagged_vlans.set(tagged)
    cable = Cable(
        a_terminations=[primary],
        b_terminations=[port],
        label=label,
        color=color,
        type=cable_type,
        status="connected",
    )
    cable.full_clean()
    cable.save()
    primary.refresh_from_db()
    port.refresh_from_db()
    return dev, primary, port, cable


@dataclass
class FrackRack:
    """A fundraising rack as ProvisionFundraisingServerNetwork (docs/behaviour-reference.md §2.5) expects it."""

    site: Site
    location: Location
    rack: Rack
    switches: dict[str, Device]  # by member letter
    tenant: Tenant
    vlan: VLAN
    prefix: Prefix
    mgmt_vlan: VLAN
    mgmt_prefix: Prefix

    def port(self, letter: str, name: str) -> Interface:
        return Interface.objects.get(device=self.switches[letter], name=name)


def frack_tenant() -> Tenant:
    return Tenant.objects.get_or_create(slug="fr-tech", defaults={"name": "Fundraising Tech"})[0]


def frack_rack(*, site: Site | None = None, ports: int = 8, prefix_len: int = 24) -> FrackRack:
    """A rack in row "c" of a (new) site with the two active fr-tech switches ``fasw2-<rack>a/b-<site>`` (standalone
    Juniper, ``ports`` disabled 10G ports each), the tenant's fundraising VLAN with one IPv4 prefix, and its
    management VLAN (role ``management``) with one prefix."""
    n = next(_net)
    tenant = frack_tenant()
    site = site or factories.site()
    location = Location.objects.get_or_create(site=site, slug=f"{site.slug}-row-c", defaults={"name": f"{site} row C"})[
        0
    ]
    rack = Rack.objects.create(site=site, location=location, name=factories.unique("C"), u_height=42)
    switches = {}
    for position, letter in ((42, "a"), (41, "b")):
        switch = tor_switch(rack, name=f"fasw2-{rack.name.lower()}{letter}-{site.slug}", ports=ports, position=position)
        switch.tenant = tenant
        switch.save()
        Interface.objects.filter(device=switch).update(enabled=False)  # free ports, as on the demo's switches
        switches[letter] = switch
    vlan = VLAN.objects.create(
        name=f"frack-fundraising1-{rack.name.lower()}-{site.slug}", vid=2000 + n % 1000, site=site, tenant=tenant
    )
    prefix = Prefix.objects.create(
        prefix=f"172.22.{n % 250}.0/{prefix_len}", vlan=vlan, scope=location, status="active", tenant=tenant
    )
    mgmt_vlan = VLAN.objects.create(
        name=f"frack-management1-{rack.name.lower()}-{site.slug}",
        vid=3000 + n % 1000,
        site=site,
        tenant=tenant,
        role=prefix_role("management"),
    )
    mgmt_prefix = Prefix.objects.create(
        prefix=f"172.23.{n % 250}.0/24",
        vlan=mgmt_vlan,
        scope=location,
        status="active",
        tenant=tenant,
        role=prefix_role("management"),
    )
    prefix.refresh_from_db()
    mgmt_prefix.refresh_from_db()
    return FrackRack(site, location, rack, switches, tenant, vlan, prefix, mgmt_vlan, mgmt_prefix)


def frack_server(space: FrackRack, *, position: int = 10, **fields) -> Device:
    fields.setdefault("status", "planned")
    fields.setdefault("tenant", space.tenant)
    return Device.objects.create(
        name=fields.pop("name", None) or factories.unique("frdb"),
        role=factories.role("server"),
        device_type=factories.device_type("PowerEdge R440", "Dell"),
        site=space.site,
        location=space.location,
        rack=space.rack,
        position=position,
        face="front",
        **fields,
    )
