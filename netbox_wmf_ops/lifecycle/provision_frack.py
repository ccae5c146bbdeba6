"""Provision a fundraising (fr-tech) server cabled to two top-of-rack switches (docs/behaviour-reference.md §2.5):
``bond0`` with the primary
IPv4, the ``mgmt`` interface with the out-of-band IP, and per switch (member ``a`` and ``b``) the access port, the
server's ``PRIMARY_A``/``PRIMARY_B`` member of ``bond0`` and the cable between them.

Same shape as ``provision.py``: ``check_frack_provision`` runs every check and resolves what the writes need (reads
only, every refusal an ``AbortScript``), then ``apply_frack_provision`` writes. So a refused run writes nothing, even
when the refusal is about the second switch.

The first part of this module is pure (naming rules, unit-tested without Django); the NetBox part imports its models
inside the functions for that reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from utilities.exceptions import AbortScript

from .. import policy
from .common import (
    SWITCH_PORT_MTU,
    Log,
    create_cable,
    device_name,
    duplicate_cable_id,
    switch_port_name,
)
from .provision import (
    MGMT_IFACE,
    MGMT_PREFIX_ROLE,
    PROVISIONABLE_STATUSES,
    dns_suffix,
    mgmt_dns_name,
    mgmt_to_assign,
)

if TYPE_CHECKING:
    from dcim.models import Device, Interface
    from ipam.models import VLAN, IPAddress, Prefix

FRACK_VLAN_TYPES = ("fundraising", "administration", "payments", "listenerdmz", "bastion")
FRACK_SWITCH_ROLE = "asw"
FRACK_MEMBERS = ("a", "b")
BOND_IFACE = "bond0"
MEMBER_DESCRIPTION = "dummy interface name"
MIN_PORT, MAX_PORT = 0, 47  # the same port number is used on both switches
SWITCH_PORT_NAME_RE = re.compile(r"^(?:et|xe|ge|ethernet)-(?P<port>.+)$", re.IGNORECASE)


# --------------------------------------------------------------------------------------------------------------------
# Pure rules
# --------------------------------------------------------------------------------------------------------------------


def member_letter(switch_name: str) -> str | None:
    """The member letter of a fr-tech switch: the last character of the second ``-`` component of its name
    (``fasw2-c1a-eqiad`` → ``a``); None when the name has no second component."""
    parts = switch_name.split("-")
    if len(parts) < 2 or not parts[1]:
        return None
    return parts[1][-1].lower()


def member_iface_name(letter: str) -> str:
    """The server interface cabled to switch member ``letter``: ``PRIMARY_A`` / ``PRIMARY_B``."""
    return f"PRIMARY_{letter.upper()}"


def vlan_name_prefix(vlan_type: str) -> str:
    return f"frack-{vlan_type}"


def same_port_names(existing: Iterable[str], port_name: str) -> list[str]:
    """The names among ``existing`` that are switch port ``port_name`` at any speed (``ge-0/0/5``, ``xe-0/0/5``,
    ``et-0/0/5``, and ``port_name`` itself), matching the whole port number.

    Fix of the original, which took every interface whose name *ends* with the port number (port 5 also removed
    15, 25, ...)."""
    match = SWITCH_PORT_NAME_RE.match(port_name)
    suffix = match.group("port") if match else port_name
    names = []
    for name in existing:
        other = SWITCH_PORT_NAME_RE.match(name)
        if name == port_name or (other is not None and other.group("port").lower() == suffix.lower()):
            names.append(name)
    return names


def switches_problem(device: str, rack: str, switches: list[tuple[str, str | None]]) -> str | None:
    """Exactly two active fr-tech switches, one member ``a`` and one ``b``; ``switches`` are (name, letter)."""
    letters = sorted(letter or "?" for _, letter in switches)
    if len(switches) == 2 and letters == list(FRACK_MEMBERS):
        return None
    names = sorted(name for name, _ in switches)
    return (
        f"{device}: rack {rack} has {len(switches)} active fr-tech switches {names}, expected exactly two, members "
        "a and b (the last letter of the second part of their names), aborting."
    )


# --------------------------------------------------------------------------------------------------------------------
# NetBox: checks
# --------------------------------------------------------------------------------------------------------------------


@dataclass
class FrackRequest:
    """The script's inputs."""

    device: Device
    z_port: int
    interface_type: str
    vlan_type: str
    cable_id_a: str = ""
    cable_id_b: str = ""


@dataclass
class FrackMember:
    """One of the two uplinks: switch member ``letter``, its port, the ports to clear first, the cable ID."""

    letter: str
    switch: Device
    port_name: str
    stale_ports: list[Interface]  # unused interfaces of the same port number, deleted before the port is created
    cable_id: str

    @property
    def server_iface(self) -> str:
        return member_iface_name(self.letter)


@dataclass
class FrackPlan:
    """What ``check_frack_provision`` resolved: everything ``apply_frack_provision`` needs, nothing written yet."""

    request: FrackRequest
    device: Device
    vlan: VLAN
    prefix: Prefix
    address: str  # the first free address of the prefix, with its mask
    assign_mgmt: bool  # False when the mgmt interface and its IP already exist
    mgmt_prefix: Prefix | None
    members: list[FrackMember]
    warnings: list[str] = field(default_factory=list)

    @property
    def dns_name(self) -> str:
        return f"{self.device.name}.{dns_suffix(str(self.prefix.prefix), self.device.site.slug, frack=True)}"


def check_frack_provision(req: FrackRequest) -> FrackPlan:
    """Every check of docs/behaviour-reference.md §2.5 in the original's order, plus the ones the original left to a
    crash or a half-done run
    (the switches, the ports of the second switch, a full prefix). Raises AbortScript; reads only."""

    device = req.device
    if device is None:
        raise AbortScript("No server given, skipping.")
    name = device_name(device)
    # The form only offers such servers; the REST API and the script proxy do not filter.
    if device.role.slug != policy.SERVER_ROLE:
        raise AbortScript(f"{name}: role {device.role.slug}, only servers are supported, skipping.")
    if not device.tenant_id or device.tenant.slug != policy.FRTECH_TENANT:
        raise AbortScript(f"{name}: tenant {device.tenant}, expected {policy.FRTECH_TENANT}, skipping.")
    if device.status not in PROVISIONABLE_STATUSES:
        raise AbortScript(f"{name}: status {device.status}, expected Inventory or Planned, skipping.")
    if device.primary_ip4_id or device.primary_ip6_id:
        raise AbortScript(f"{name}: already has a primary IP, skipping.")
    if req.vlan_type not in FRACK_VLAN_TYPES:
        raise AbortScript(f"{name}: invalid VLAN type {req.vlan_type!r}, must be one of {list(FRACK_VLAN_TYPES)}.")
    if not MIN_PORT <= req.z_port <= MAX_PORT:
        raise AbortScript(f"{name}: invalid switch port {req.z_port}, must be between {MIN_PORT} and {MAX_PORT}.")

    if not device.rack_id:
        raise AbortScript(f"{name}: missing rack information, aborting.")

    warnings: list[str] = []
    assign_mgmt = mgmt_to_assign(device, name, warnings)

    vlan = _frack_vlan(device, req.vlan_type)
    prefix = _single_prefix(device, vlan)
    address = prefix.get_first_available_ip()
    if address is None:
        raise AbortScript(f"{name}: unable to find an available IP in prefix {prefix}")
    mgmt_prefix = _frack_mgmt_prefix(device) if assign_mgmt else None

    members = []
    for switch in _frack_switches(device):
        letter = member_letter(switch.name)
        port_name = switch_port_name(switch, req.z_port, req.interface_type)
        members.append(
            FrackMember(
                letter=letter,
                switch=switch,
                port_name=port_name,
                stale_ports=_stale_ports(switch, port_name),
                cable_id=req.cable_id_a if letter == "a" else req.cable_id_b,
            )
        )
    _check_cable_ids(device, members)
    return FrackPlan(
        request=req,
        device=device,
        vlan=vlan,
        prefix=prefix,
        address=address,
        assign_mgmt=assign_mgmt,
        mgmt_prefix=mgmt_prefix,
        members=members,
        warnings=warnings,
    )


def _frack_vlan(device: Device, vlan_type: str) -> VLAN:
    """The single VLAN of the fr-tech tenant at the device's site whose name starts ``frack-{vlan_type}``."""
    from ipam.models import VLAN

    name = device_name(device)
    start = vlan_name_prefix(vlan_type)
    vlans = list(
        VLAN.objects.filter(tenant__slug=policy.FRTECH_TENANT, site_id=device.site_id, name__startswith=start)
        .select_related("site", "tenant")
        .order_by("name")
    )
    if not vlans:
        raise AbortScript(f"{name}: no {policy.FRTECH_TENANT} VLAN named {start}… at site {device.site}, aborting.")
    if len(vlans) > 1:
        raise AbortScript(
            f"{name}: several {policy.FRTECH_TENANT} VLANs named {start}… at site {device.site}: "
            f"{[v.name for v in vlans]}, aborting."
        )
    return vlans[0]


def _single_prefix(device: Device, vlan: VLAN) -> Prefix:
    from ipam.models import Prefix

    name = device_name(device)
    prefixes = list(Prefix.objects.filter(vlan=vlan).select_related("vrf").order_by("prefix"))
    if len(prefixes) > 1:
        raise AbortScript(f"{name}: Vlan {vlan} has more than one IP prefix attached.")
    if not prefixes:
        raise AbortScript(f"{name}: Vlan {vlan} has no IP prefix attached.")
    if prefixes[0].family != 4:
        raise AbortScript(f"{name}: Vlan {vlan} has no IPv4 prefix attached.")
    return prefixes[0]


def _frack_mgmt_prefix(device: Device) -> Prefix:
    """The active prefix of the fr-tech management VLAN at the device's site (VLAN role ``management``); a free
    address is checked here, before anything is written."""
    from ipam.models import Prefix

    name = device_name(device)
    prefixes = list(
        Prefix.objects.filter(
            status="active",
            vlan__tenant__slug=policy.FRTECH_TENANT,
            vlan__site_id=device.site_id,
            vlan__role__slug=MGMT_PREFIX_ROLE,
        )
        .select_related("vrf")
        .order_by("prefix")
    )
    if not prefixes:
        raise AbortScript(f"{name}: can't find management prefix for site {device.site}.")
    if len(prefixes) > 1:
        found = [str(p.prefix) for p in prefixes]
        raise AbortScript(f"{name}: several management prefixes for site {device.site}: {found}, skipping.")
    prefix = prefixes[0]
    if prefix.get_first_available_ip() is None:
        raise AbortScript(f"{name}: unable to find an available IP in prefix {prefix}")
    return prefix


def _frack_switches(device: Device) -> list[Device]:
    """The rack's two active fr-tech switches, member a first."""
    from dcim.models import Device

    switches = list(
        Device.objects.filter(
            rack_id=device.rack_id,
            site_id=device.site_id,
            role__slug=FRACK_SWITCH_ROLE,
            tenant__slug=policy.FRTECH_TENANT,
            status="active",
        )
        .select_related("device_type__manufacturer", "rack")
        .order_by("name")
    )
    found = [(s.name, member_letter(s.name)) for s in switches]
    problem = switches_problem(device_name(device), str(device.rack), found)
    if problem:
        raise AbortScript(problem)
    return sorted(switches, key=lambda s: member_letter(s.name))


def _stale_ports(switch: Device, port_name: str) -> list[Interface]:
    """The switch's interfaces for that port number (any speed) that may be deleted: disabled, no cable, no IP.
    Any other one means the port is taken, and the run is refused."""
    from dcim.models import Interface

    existing = {i.name: i for i in Interface.objects.filter(device=switch).prefetch_related("ip_addresses")}
    stale = []
    for port in sorted(same_port_names(existing, port_name)):
        iface = existing[port]
        if iface.enabled or iface.cable_id or iface.ip_addresses.all():
            raise AbortScript(
                f"{device_name(switch)}: interface {iface.name} already exists and is enabled or has cable attached."
            )
        stale.append(iface)
    return stale


def _check_cable_ids(device: Device, members: list[FrackMember]) -> None:
    ids = [m.cable_id for m in members if m.cable_id]
    if len(ids) != len(set(ids)):
        raise AbortScript(f"{device_name(device)}: the two cable IDs must differ ({ids[0]}).")
    for cable_id in ids:
        if duplicate_cable_id(cable_id, device.site):
            raise AbortScript(f"Cable ID {cable_id} already assigned in {device.site}.")


# --------------------------------------------------------------------------------------------------------------------
# NetBox: changes
# --------------------------------------------------------------------------------------------------------------------


def apply_frack_provision(plan: FrackPlan, log: Log) -> None:
    """Make the checked plan's changes (docs/behaviour-reference.md §2.5 steps 4 to 7). Raises AbortScript on a
    validator refusal; the
    script's transaction rolls everything back then."""
    from ipam.models import IPAddress

    device, vlan = plan.device, plan.vlan
    name = device_name(device)
    bond = _add_iface(device, BOND_IFACE, "lag", log)
    ip = IPAddress.objects.create(
        address=plan.address,
        status="active",
        dns_name=plan.dns_name,
        vrf=plan.prefix.vrf,
        tenant=device.tenant,
        assigned_object=bond,
    )
    log("success", f"{name}: assigned {ip} to interface {BOND_IFACE} with DNS name '{plan.dns_name}'.", ip)
    device.snapshot()
    device.primary_ip4 = ip
    device.save()
    log("success", f"{name}: set primary IP to {ip}", device)

    if plan.assign_mgmt:
        _assign_mgmt(plan, log)

    for member in plan.members:
        switch = member.switch
        switch_name = device_name(switch)
        for stale in member.stale_ports:
            log("info", f"{switch_name}: deleting unused existing interface {stale.name}", switch)
            stale.snapshot()
            stale.delete()
        port = _add_iface(
            switch,
            member.port_name,
            plan.request.interface_type,
            log,
            enabled=True,
            mtu=SWITCH_PORT_MTU,
            mode="access",
            untagged_vlan=vlan,
        )
        message = f"{name}: Set access vlan on {switch_name} {port.name} to {vlan} and MTU to {SWITCH_PORT_MTU}."
        log("success", message, port)
        server_iface = _add_iface(
            device, member.server_iface, plan.request.interface_type, log, description=MEMBER_DESCRIPTION, lag=bond
        )
        create_cable(server_iface, port, log, label=member.cable_id)


def _add_iface(device: Device, name: str, iface_type: str, log: Log, mgmt_only: bool = False, **extra) -> Interface:
    """Create an interface through the validators (``full_clean``), docs/behaviour-reference.md §2.5 ``_add_iface``."""
    from dcim.models import Interface
    from django.core.exceptions import ValidationError

    iface = Interface(device=device, name=name, type=iface_type, mgmt_only=mgmt_only, **extra)
    try:
        iface.full_clean()
    except ValidationError as exc:
        first = (getattr(exc, "messages", None) or [str(exc)])[0]
        raise AbortScript(f"{device_name(device)}: new interface {name} fails validation checks - {first}.") from None
    iface.save()
    log("success", f"{device_name(device)}: created interface {name} (mgmt={mgmt_only})", iface)
    return iface


def _assign_mgmt(plan: FrackPlan, log: Log) -> IPAddress:
    from ipam.models import IPAddress

    device, prefix = plan.device, plan.mgmt_prefix
    name = device_name(device)
    iface = _add_iface(device, MGMT_IFACE, "1000base-t", log, mgmt_only=True)
    address = prefix.get_first_available_ip()
    dns_name = mgmt_dns_name(device.name, device.site.slug, frack=True)
    ip = IPAddress.objects.create(
        address=address, status="active", dns_name=dns_name, vrf=prefix.vrf, tenant=device.tenant, assigned_object=iface
    )
    log("success", f"{name}: assigned {ip} to interface {MGMT_IFACE} with DNS name '{dns_name}'.", ip)
    device.snapshot()
    device.oob_ip = ip
    device.save()
    log("success", f"{name}: set {ip} as out-of-band IP for host.", device)
    return ip


def provision_frack_server(req: FrackRequest, log: Log) -> FrackPlan:
    """Check, then apply."""
    plan = check_frack_provision(req)
    for warning in plan.warnings:
        log("warning", warning, plan.device)
    apply_frack_provision(plan, log)
    return plan
