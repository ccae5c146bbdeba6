"""Builders for test objects, one set for the whole suite. Names are unique per call, so tests can add to the seeded
demo fleet and assert on exactly their objects.

This module holds the basic objects; the modules beside it build on them: ``reports`` (devices that pass the
Coherence rules, components, cables, IPAM), ``racked_servers`` (a WMF host with its uplink, IPs and console, for the
lifecycle scripts), ``rack_spaces`` (a row rack with its switch, VLAN and prefixes, for provisioning and moves),
``ganeti`` (fake RAPI clusters), ``users`` (users with object permissions, API tokens) and ``scripts`` (a module of test
scripts registered in NetBox)."""

from __future__ import annotations

import itertools

from dcim.models import (
    Cable,
    ConsolePort,
    ConsoleServerPort,
    Device,
    DeviceRole,
    DeviceType,
    Manufacturer,
    Rack,
    Site,
)
from django.utils.text import slugify

_counter = itertools.count(1)


def unique(prefix: str) -> str:
    return f"{prefix}{next(_counter):05d}"


def site(slug: str | None = None) -> Site:
    slug = slug or unique("testsite")
    return Site.objects.get_or_create(slug=slug, defaults={"name": slug})[0]


def role(slug: str) -> DeviceRole:
    return DeviceRole.objects.get_or_create(slug=slug, defaults={"name": slug, "color": "ff0000"})[0]


def manufacturer(name: str = "Juniper") -> Manufacturer:
    return Manufacturer.objects.get_or_create(slug=slugify(name), defaults={"name": name})[0]


def device_type(
    model: str = "Test Switch", maker: str = "Juniper", u_height: float = 1, slug: str | None = None
) -> DeviceType:
    """The device type ``model`` of manufacturer ``maker`` (created once; ``u_height`` applies when it is created)."""
    return DeviceType.objects.get_or_create(
        manufacturer=manufacturer(maker),
        slug=slug or slugify(model),
        defaults={"model": model, "u_height": u_height},
    )[0]


def rack(site_obj: Site, name: str | None = None, **fields) -> Rack:
    return Rack.objects.create(site=site_obj, name=name or unique("R"), **fields)


def device(
    name: str | None = None, *, role_slug: str = "asw", site_obj: Site | None = None, status: str = "active", **fields
) -> Device:
    return Device.objects.create(
        name=name or unique("testdev"),
        role=role(role_slug),
        device_type=device_type(),
        site=site_obj or site(),
        status=status,
        **fields,
    )


def console_port(dev: Device, name: str = "console0") -> ConsolePort:
    return ConsolePort.objects.create(device=dev, name=name)


def cable_console(port: ConsolePort, console_server: Device | None = None) -> Cable:
    """Cable ``port`` to a new port of a console server (saved the normal way, so NetBox traces the path)."""
    server = console_server or device(role_slug="scs", site_obj=port.device.site)
    server_port = ConsoleServerPort.objects.create(device=server, name=unique("port"))
    cable = Cable(a_terminations=[port], b_terminations=[server_port], status="connected")
    cable.full_clean()
    cable.save()
    return cable
