"""Builders for the report tests (Cables, Coherence/Rack, Network, VLAN migration), on top of ``tests.factories``.

Every builder saves the normal way (cables trace their paths) and gives unique names, so tests can add objects to the
seeded demo fleet and assert on exactly those."""

from __future__ import annotations

from dcim.models import (
    Cable,
    ConsoleServerPort,
    Device,
    DeviceType,
    Interface,
    InventoryItem,
    PowerOutlet,
    PowerPort,
    Site,
)
from ipam.models import VLAN, IPAddress, Prefix
from tenancy.models import Tenant

from tests import factories
from tests.factories import role, site, unique

GOOD_CUSTOM_FIELDS = {"purchase_date": "2021-03-04", "ticket": "T123456"}


def device(
    name: str | None = None,
    *,
    role_slug: str = "server",
    site_obj: Site | None = None,
    status: str = "active",
    dtype: DeviceType | None = None,
    custom_fields: dict | None = None,
    **fields,
) -> Device:
    """A device that passes the Coherence rules unless told otherwise (asset tag, serial, custom fields)."""
    fields.setdefault("asset_tag", "WMF8" + unique("")[-4:])  # 5 digits: clear of the fleet's 4-digit tags
    fields.setdefault("serial", unique("SN"))
    return Device.objects.create(
        name=name if name is not None else unique("testdev"),
        role=role(role_slug),
        device_type=dtype or factories.device_type(),
        site=site_obj or site(),
        status=status,
        custom_field_data={**GOOD_CUSTOM_FIELDS, **(custom_fields or {})},
        **fields,
    )


def interface(dev: Device, name: str | None = None, type: str = "10gbase-x-sfpp", **fields) -> Interface:
    return Interface.objects.create(device=dev, name=name or unique("xe-0/0/"), type=type, **fields)


def console_server_port(dev: Device, name: str | None = None) -> ConsoleServerPort:
    return ConsoleServerPort.objects.create(device=dev, name=name or unique("port"))


def power_port(dev: Device, name: str = "PSU1") -> PowerPort:
    return PowerPort.objects.create(device=dev, name=name)


def power_outlet(dev: Device, name: str = "1") -> PowerOutlet:
    return PowerOutlet.objects.create(device=dev, name=name)


def cable(a, b, *, label: str = "", status: str = "connected") -> Cable:
    """Cable two terminations (or lists of them), validated and saved the normal way so paths are traced."""
    result = Cable(
        a_terminations=a if isinstance(a, list) else [a],
        b_terminations=b if isinstance(b, list) else [b],
        label=label,
        status=status,
    )
    result.full_clean()
    result.save()
    return result


def ip(address: str, *, assigned=None, role: str = "", dns_name: str = "", **fields) -> IPAddress:
    obj = IPAddress(address=address, role=role, dns_name=dns_name, **fields)
    if assigned is not None:
        obj.assigned_object = assigned
    obj.save()
    return obj


def vlan(name: str | None = None, vid: int = 100, **fields) -> VLAN:
    return VLAN.objects.create(name=name or unique("vlan"), vid=vid, **fields)


def prefix(network: str, vlan_obj: VLAN | None = None, **fields) -> Prefix:
    return Prefix.objects.create(prefix=network, vlan=vlan_obj, **fields)


def tenant(slug: str) -> Tenant:
    return Tenant.objects.get_or_create(slug=slug, defaults={"name": slug})[0]


def inventory_item(
    dev: Device, name: str, description: str, part_id: str = "QFX5120-48Y", maker: str = "Juniper", **fields
) -> InventoryItem:
    """An inventory item of ``dev`` with a unique serial unless told otherwise."""
    fields.setdefault("serial", unique("INV"))
    return InventoryItem.objects.create(
        device=dev,
        name=name,
        description=description,
        part_id=part_id,
        manufacturer=factories.manufacturer(maker),
        **fields,
    )
