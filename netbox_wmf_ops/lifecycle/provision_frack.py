"""Provision a fundraising (fr-tech) server cabled to two top-of-rack switches (docs/behaviour-reference.md §2.5):
``bond0`` with the primary IPv4, the ``mgmt`` interface with the out-of-band IP, and per switch (member ``a`` and
``b``) the access port, the server's ``PRIMARY_A``/``PRIMARY_B`` member of ``bond0`` and the cable between them.

Same shape as ``provision.py``: ``check_frack_provision`` runs every check and resolves what the writes need (reads
only, every refusal a ``Refused``), then ``apply_frack_provision`` writes. So a refused run writes nothing, even when
the refusal is about the second switch. The naming rules are pure, in ``lifecycle.planning.provision_frack``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from dcim.models import Device, Interface
from ipam.models import VLAN, IPAddress, Prefix

from netbox_wmf_ops.puppetdb.planning.switch_ports import SWITCH_PORT_MTU

from .. import policy
from ..logs import Log
from .common import (
    add_interface,
    add_ip,
    create_cable,
    device_name,
    duplicate_cable_id,
    log_warnings,
    set_device_ip,
    set_oob_ip,
    switch_port_name,
)
from .planning.provision import (
    MGMT_IFACE,
    MGMT_PREFIX_ROLE,
    NO_SERVER,
    dns_suffix,
    mgmt_dns_name,
    required_server,
)
from .planning.provision_frack import (
    BOND_IFACE,
    FRACK_SWITCH_ROLE,
    MEMBER_DESCRIPTION,
    cable_ids_problem,
    member_iface_name,
    member_letter,
    mgmt_prefix_problem,
    prefix_problem,
    server_problem,
    stale_ports,
    switches_problem,
    vlan_name_prefix,
    vlan_problem,
)
from .planning.refusal import Refused, refuse_if
from .provision import mgmt_to_assign

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

    @classmethod
    def from_form(cls, data: Mapping[str, Any]) -> FrackRequest:
        """The request of the script's form (``ProvisionFundraisingServerNetwork``); a form without a server is
        refused."""
        return cls(
            device=required_server(data),
            z_port=int(data["z_port"]),
            interface_type=data["interface_type"],
            vlan_type=data["vlan_type"],
            cable_id_a=(data.get("cable_id_a") or "").strip(),
            cable_id_b=(data.get("cable_id_b") or "").strip(),
        )


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
    crash or a half-done run (the switches, the ports of the second switch, a full prefix). Raises Refused; reads
    only."""
    device = req.device
    if device is None:
        raise Refused(NO_SERVER)
    name = device_name(device)
    refuse_if(
        server_problem(
            name,
            role=device.role.slug,
            tenant_slug=device.tenant.slug if device.tenant_id else None,
            tenant=str(device.tenant),
            status=device.status,
            has_primary_ip=bool(device.primary_ip4_id or device.primary_ip6_id),
            vlan_type=req.vlan_type,
            z_port=req.z_port,
            racked=bool(device.rack_id),
        )
    )

    warnings: list[str] = []
    assign_mgmt = mgmt_to_assign(device, name, warnings)

    vlan = _frack_vlan(device, req.vlan_type)
    prefix = _single_prefix(device, vlan)
    address = prefix.get_first_available_ip()
    if address is None:
        raise Refused(f"{name}: unable to find an available IP in prefix {prefix}")
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
    name = device_name(device)
    start = vlan_name_prefix(vlan_type)
    vlans = list(
        VLAN.objects.filter(tenant__slug=policy.FRTECH_TENANT, site_id=device.site_id, name__startswith=start)
        .select_related("site", "tenant")
        .order_by("name")
    )
    refuse_if(vlan_problem(name, start, str(device.site), [v.name for v in vlans]))
    return vlans[0]


def _single_prefix(device: Device, vlan: VLAN) -> Prefix:
    name = device_name(device)
    prefixes = list(Prefix.objects.filter(vlan=vlan).select_related("vrf").order_by("prefix"))
    refuse_if(prefix_problem(name, str(vlan), [p.family for p in prefixes]))
    return prefixes[0]


def _frack_mgmt_prefix(device: Device) -> Prefix:
    """The active prefix of the fr-tech management VLAN at the device's site (VLAN role ``management``); a free
    address is checked here, before anything is written."""
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
    refuse_if(mgmt_prefix_problem(name, str(device.site), [str(p.prefix) for p in prefixes]))
    prefix = prefixes[0]
    if prefix.get_first_available_ip() is None:
        raise Refused(f"{name}: unable to find an available IP in prefix {prefix}")
    return prefix


def _frack_switches(device: Device) -> list[Device]:
    """The rack's two active fr-tech switches, member a first."""
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
    refuse_if(switches_problem(device_name(device), str(device.rack), found))
    return sorted(switches, key=lambda s: member_letter(s.name))


def _stale_ports(switch: Device, port_name: str) -> list[Interface]:
    """The switch's interfaces for that port number (any speed) that may be deleted: disabled, no cable, no IP.
    Any other one means the port is taken, and the run is refused."""
    existing = {i.name: i for i in Interface.objects.filter(device=switch).prefetch_related("ip_addresses")}
    in_use = {name: bool(i.enabled or i.cable_id or i.ip_addresses.all()) for name, i in existing.items()}
    return [existing[name] for name in stale_ports(device_name(switch), port_name, in_use)]


def _check_cable_ids(device: Device, members: list[FrackMember]) -> None:
    ids = [m.cable_id for m in members if m.cable_id]
    refuse_if(cable_ids_problem(device_name(device), ids))
    for cable_id in ids:
        if duplicate_cable_id(cable_id, device.site):
            raise Refused(f"Cable ID {cable_id} already assigned in {device.site}.")


# --------------------------------------------------------------------------------------------------------------------
# NetBox: changes
# --------------------------------------------------------------------------------------------------------------------


def apply_frack_provision(plan: FrackPlan, log: Log) -> None:
    """Make the checked plan's changes (docs/behaviour-reference.md §2.5 steps 4 to 7). Raises Refused on a validator
    refusal; the script's transaction rolls everything back then."""
    device, vlan = plan.device, plan.vlan
    name = device_name(device)
    bond = add_interface(device, BOND_IFACE, "lag", log)
    ip = add_ip(device, bond, plan.address, plan.dns_name, plan.prefix)
    log("success", f"{name}: assigned {ip} to interface {BOND_IFACE} with DNS name '{plan.dns_name}'.", ip)
    set_device_ip(device, "primary_ip4", ip)
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
        port = add_interface(
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
        server_iface = add_interface(
            device, member.server_iface, plan.request.interface_type, log, description=MEMBER_DESCRIPTION, lag=bond
        )
        create_cable(server_iface, port, log, label=member.cable_id)


def _assign_mgmt(plan: FrackPlan, log: Log) -> IPAddress:
    device, prefix = plan.device, plan.mgmt_prefix
    name = device_name(device)
    iface = add_interface(device, MGMT_IFACE, "1000base-t", log, mgmt_only=True)
    dns_name = mgmt_dns_name(device.name, device.site.slug, frack=True)
    ip = add_ip(device, iface, prefix.get_first_available_ip(), dns_name, prefix)
    log("success", f"{name}: assigned {ip} to interface {MGMT_IFACE} with DNS name '{dns_name}'.", ip)
    set_oob_ip(device, ip, log)
    return ip


def provision_frack_server(req: FrackRequest, log: Log) -> FrackPlan:
    """Check, then apply."""
    plan = check_frack_provision(req)
    log_warnings(plan, log)
    apply_frack_provision(plan, log)
    return plan
