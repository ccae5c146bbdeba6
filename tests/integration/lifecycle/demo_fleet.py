"""Helpers of the ``*_on_demo_fleet`` tests: the lifecycle scripts' happy paths on the seeded demo fleet
(``plan_fleet(0.05, 1)``, loaded in the test template). Their objects are picked from the database or from the plan,
none is built by a factory; scripts run through the shared ``run_script`` fixture (tests/conftest.py), as NetBox runs
them. Those modules use the ``fleet_loaded`` fixture (tests/integration/conftest.py)."""

from __future__ import annotations

import ipaddress
import re

import pytest
from dcim.models import Cable, Device, Interface
from ipam.models import IPAddress, Prefix

from dev.fleet.plan import plan_fleet

PLAN = plan_fleet(0.05, 1)
DEFECTS = PLAN.defects
READY = DEFECTS["lifecycle.ready_to_provision"]  # racked, no interfaces
READY_MGMT = DEFECTS["lifecycle.ready_to_provision_mgmt"]  # only a cabled mgmt interface with its IP and DNS name
# Devices some seeded defect is about ("device" or "device:component"): the happy paths stay clear of them.
FLAGGED = {ref.split(":", 1)[0] for refs in DEFECTS.values() for ref in refs}


def clean(queryset) -> list[Device]:
    """The devices of ``queryset`` no seeded defect is about, by name."""
    return [d for d in queryset.order_by("name") if d.name not in FLAGGED]


def port_number(name: str) -> int:
    """The port number of a switch port name (``xe-1/0/7`` → 7, ``ethernet-1/7`` → 7)."""
    return int(re.search(r"(\d+)$", name).group(1))


def free_switch_port(switch: Device, prefix: str) -> Interface:
    """The first (natural order) disabled, uncabled port of ``switch`` named ``{prefix}…`` whose port number no other
    name of the switch uses for a cable or an enabled port (a port's other-speed names share its number)."""
    ports = list(Interface.objects.filter(device=switch))
    busy = {(p.name.split("-", 1)[1] if "-" in p.name else p.name) for p in ports if p.cable_id or p.enabled}
    for port in ports:  # Interface's default ordering is NetBox's natural one
        if port.name.startswith(prefix) and port.name.split("-", 1)[1] not in busy and not port.enabled:
            return port
    pytest.fail(f"no free {prefix} port on {switch.name}")


def next_cable_id() -> str:
    """A WMF-style numeric cable ID no cable has yet."""
    numeric = [int(label) for label in Cable.objects.values_list("label", flat=True) if label.isdigit()]
    return str(max(numeric, default=100000) + 1)


def free_addresses(prefix: Prefix, count: int) -> list[str]:
    """The ``count`` lowest host addresses of ``prefix`` no IP address uses yet, with the prefix's mask."""
    network = ipaddress.ip_network(str(prefix.prefix))
    used = {
        ipaddress.ip_address(str(ip.address.ip))
        for ip in IPAddress.objects.filter(address__net_host_contained=str(prefix.prefix))
    }
    free = (host for host in network.hosts() if host not in used)
    return [f"{next(free)}/{network.prefixlen}" for _ in range(count)]
