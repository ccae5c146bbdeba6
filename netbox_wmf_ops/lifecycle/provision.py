"""Provision a server's network attributes (docs/behaviour-reference.md §2.4): primary interface and IPs, switch port,
cable, mgmt. The rules are pure, in ``lifecycle.planning.provision``; this module loads and writes.

Two phases, so that a refused input never leaves a partial write:

* ``check_provision`` runs every check of the spec, in the spec's order, and resolves what the writes need (switch,
  switch-port name, VLAN, prefixes). It only reads; every refusal raises ``Refused`` with the spec's message.
* ``apply_provision`` makes the changes (interfaces, IPs, switch port, cable, mgmt IP). A problem only visible at
  that point (a validator refusing a change, a management prefix with no free address) also raises ``Refused``,
  and the script door rolls the whole run back.

The CSV variant (``check_csv`` + ``apply_provision`` per row) checks every row before the first write: on any refused
row nothing is written.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from dcim.models import Device, Interface, Location, MACAddress, Site
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Q
from ipam.models import VLAN, IPAddress, Prefix

from .. import policy
from ..logs import Log
from .common import (
    add_ip,
    configure_switch_port,
    create_cable,
    device_name,
    duplicate_cable_id,
    find_tor,
    log_warnings,
    set_device_ip,
    set_oob_ip,
    switch_port_name,
)
from .planning import provision as rules
from .planning.provision import MGMT_IFACE, MGMT_PREFIX_ROLE
from .planning.refusal import Refused, refuse_if
from .planning.switch_ports import PRIMARY_IFACE_NAME

# --------------------------------------------------------------------------------------------------------------------
# NetBox: checks
# --------------------------------------------------------------------------------------------------------------------


@dataclass
class ProvisionRequest:
    """The script's inputs (the form's cleaned data, or one CSV row resolved to objects)."""

    device: Device
    z_port: int
    interface_type: str
    cable_id: str = ""
    switch: Device | None = None
    vlan_type: str = ""
    vlan: VLAN | None = None
    mgmt_mac: str = ""

    @classmethod
    def from_form(cls, data: Mapping[str, Any]) -> ProvisionRequest:
        """The request of the script's form (``ProvisionServerNetwork``); a form without a server is refused."""
        return cls(
            device=rules.required_server(data),
            z_port=int(data["z_port"]),
            interface_type=data["interface_type"],
            cable_id=data.get("cable_id") or "",
            switch=data.get("z_nbdevice"),
            vlan_type=data.get("vlan_type") or "",
            vlan=data.get("vlan"),
            mgmt_mac=data.get("mgmt_mac") or "",
        )


@dataclass
class ProvisionPlan:
    """What ``check_provision`` resolved: everything ``apply_provision`` needs, nothing written yet."""

    request: ProvisionRequest
    device: Device
    switch: Device
    switch_port: str
    vlan: VLAN
    assign_primary: bool  # False for fr-tech (their primary IPs are allocated by hand)
    assign_mgmt: bool  # False when the mgmt interface and its IP already exist
    mgmt_prefix: Prefix | None
    warnings: list[str] = field(default_factory=list)

    @property
    def frack(self) -> bool:
        return policy.is_frack(_tenant_slug(self.device))


def check_provision(req: ProvisionRequest) -> ProvisionPlan:
    """Every check of docs/behaviour-reference.md §2.4 in the spec's order; raises Refused with the first refusal.
    Reads only."""
    device = req.device
    name = device_name(device)
    refuse_if(rules.vlan_choice_problem(name, req.vlan_type, req.vlan is not None))
    has_primary_ip = bool(device.primary_ip4_id or device.primary_ip6_id)
    refuse_if(rules.server_problem(name, device.status, bool(device.rack_id), device.role.slug, has_primary_ip))
    if req.cable_id and duplicate_cable_id(req.cable_id, device.site):
        raise Refused(f"Cable ID {req.cable_id} already assigned in {device.site}.")

    switch = req.switch
    if switch is None:
        switch = find_tor(device)
        if switch is None:
            raise Refused(rules.no_tor_message(name, str(device.rack)))
    else:
        same_rack = switch.rack_id == device.rack_id
        refuse_if(rules.chosen_switch_problem(name, device_name(switch), same_rack, switch.role.slug))
    refuse_if(rules.mgmt_mac_problem(name, device.device_type.manufacturer.slug, req.mgmt_mac))

    warnings: list[str] = []
    assign_mgmt = mgmt_to_assign(device, name, warnings)

    if req.vlan_type:
        vlan = _get_vlan(device, req.vlan_type)
    else:
        vlan = req.vlan
        warnings += _check_vlan(device, vlan)

    switch_port = switch_port_name(switch, req.z_port, req.interface_type)
    cabled = Interface.objects.filter(device=switch, name=switch_port, cable__isnull=False).exists()
    if cabled:
        raise Refused(
            f"There is already a cable on {device_name(switch)}:{switch_port} (typo?), please fix it manually and "
            "re-run the script."
        )

    mgmt_prefix = _mgmt_prefix(device) if assign_mgmt else None
    if req.mgmt_mac and assign_mgmt:
        _check_mac_unused(device, req.mgmt_mac)
    return ProvisionPlan(
        request=req,
        device=device,
        switch=switch,
        switch_port=switch_port,
        vlan=vlan,
        assign_primary=not policy.is_frack(_tenant_slug(device)),
        assign_mgmt=assign_mgmt,
        mgmt_prefix=mgmt_prefix,
        warnings=warnings,
    )


def mgmt_to_assign(device: Device, name: str, warnings: list[str]) -> bool:
    """Whether provisioning creates the mgmt interface: a device without interfaces gets one; a device whose only
    interface is an allocated mgmt (with its named IP) keeps it, with a warning; any other interface refuses."""
    interfaces = Interface.objects.filter(device=device).prefetch_related("ip_addresses").order_by("name")
    assign, warning = rules.mgmt_assignment(
        name, [(i.name, [ip.dns_name for ip in i.ip_addresses.all()]) for i in interfaces]
    )
    warnings += [warning] if warning else []
    return assign


def _get_vlan(device: Device, vlan_type: str) -> VLAN:
    name = device_name(device)
    rack = device.rack
    location_slug = rack.location.slug if rack.location_id else None
    new, old = rules.vlan_names(name, vlan_type, device.site.slug, rack.name, location_slug)
    # Decision: both names must be active VLANs (a deprecated legacy VLAN is not offered either).
    for vlan_name in (new, old):
        vlan = (
            VLAN.objects.filter(name=vlan_name, status="active").select_related("site", "tenant").order_by("pk").first()
        )
        if vlan is not None:
            return vlan
    raise Refused(f"{name}: unable to find VLAN with name {old} or {new}, skipping.")


def _check_vlan(device: Device, vlan: VLAN) -> list[str]:
    """The explicit VLAN must be the device's site and tenant, and already present in the device's row."""
    name = device_name(device)
    if vlan.site_id != device.site_id:
        raise Refused(f"{name}: mismatch site for VLAN {vlan}: {device.site} (device) != {vlan.site} (VLAN), skipping.")
    if vlan.tenant_id != device.tenant_id:
        raise Refused(
            f"{name}: mismatch tenant for VLAN {vlan}: {device.tenant} (device) != {vlan.tenant} (VLAN), skipping."
        )
    members = list(
        Interface.objects.filter(Q(untagged_vlan=vlan) | Q(tagged_vlans=vlan), device__rack__isnull=False)
        .values_list("device__rack_id", "device__rack__location_id", "device__rack__location__name")
        .distinct()
    )
    if not members:
        return []
    rack = device.rack
    return rules.vlan_row_warnings(name, str(vlan), str(rack), rack.pk, str(rack.location), rack.location_id, members)


def _mgmt_prefix(device: Device) -> Prefix:
    """The active management prefix of the device's tenant covering the device: scoped to its location (or an
    enclosing one) first, else to its site. NetBox ≥ 4.2 scopes prefixes; the original looked up ``site=``."""
    name = device_name(device)
    candidates = list(
        Prefix.objects.filter(
            status="active", role__slug=MGMT_PREFIX_ROLE, tenant_id=device.tenant_id, _site_id=device.site_id
        ).select_related("vrf")
    )
    location_ct = ContentType.objects.get_for_model(Location)
    site_ct = ContentType.objects.get_for_model(Site)
    location = device.location or (device.rack.location if device.rack_id else None)
    levels: list[list[Prefix]] = []
    if location is not None:
        for ancestor in location.get_ancestors(ascending=True, include_self=True):
            levels.append([p for p in candidates if p.scope_type_id == location_ct.pk and p.scope_id == ancestor.pk])
    levels.append([p for p in candidates if p.scope_type_id == site_ct.pk])
    level = rules.mgmt_prefix_level(name, str(device.site), [[str(p.prefix) for p in found] for found in levels])
    return levels[level][0]


def _check_mac_unused(device: Device, mac: str) -> None:
    other = MACAddress.objects.filter(mac_address=mac).first()
    if other is not None:
        owner = other.assigned_object
        where = f"{device_name(owner.parent_object)}:{owner}" if owner is not None else "no interface"
        raise Refused(f"{device_name(device)}: mgmt MAC address {mac} already exists in Netbox ({where}), skipping.")


def _tenant_slug(device: Device) -> str | None:
    return device.tenant.slug if device.tenant_id else None


# --------------------------------------------------------------------------------------------------------------------
# NetBox: changes
# --------------------------------------------------------------------------------------------------------------------


def apply_provision(plan: ProvisionPlan, log: Log) -> None:
    """Make the checked plan's changes (docs/behaviour-reference.md §2.4 steps 8 to 10). Raises Refused; the caller's
    transaction (the script's) rolls everything back then."""
    device = plan.device
    if plan.assign_primary:
        primary = _assign_primary(plan, log)
        switch_iface = configure_switch_port(
            plan.switch, plan.switch_port, plan.vlan, log, iface_type=plan.request.interface_type
        )
        create_cable(primary, switch_iface, log, label=plan.request.cable_id or "")
    else:
        log(
            "warning",
            f"{device_name(device)}: Skipping Primary IP allocation with tenant {device.tenant}. Primary IP "
            "allocation for Fundraising Tech is done manually in the DNS repository.",
            device,
        )
    if plan.assign_mgmt:
        _assign_mgmt(plan, log)


def _assign_primary(plan: ProvisionPlan, log: Log) -> Interface:
    device, vlan = plan.device, plan.vlan
    name = device_name(device)
    iface = Interface.objects.create(
        device=device, name=PRIMARY_IFACE_NAME, type=plan.request.interface_type, mgmt_only=False
    )
    log("success", f"{name}: created interface {PRIMARY_IFACE_NAME} (mgmt=False)", iface)

    prefixes = list(Prefix.objects.filter(vlan=vlan, status="active").select_related("vrf").order_by("prefix"))
    v4 = [p for p in prefixes if p.family == 4]
    v6 = [p for p in prefixes if p.family == 6]
    if len(v4) != 1 or len(v6) > 1:
        log(
            "warning",
            f"{name}: unsupported case, found {len(v4)} v4 prefixes and {len(v6)} v6 prefixes, expected 1 and 0 or 1 "
            "respectively, skipping IP allocation.",
            device,
        )
        return iface
    prefix4 = v4[0]
    address4 = prefix4.get_first_available_ip()
    if address4 is None:
        log("warning", f"{name}: unable to find an available IP in prefix {prefix4}, skipping IP allocation.", device)
        return iface
    dns4 = f"{device.name}.{rules.dns_suffix(str(prefix4.prefix), device.site.slug, plan.frack)}"
    ip4 = _add_ip(device, iface, address4, dns4, prefix4, log)
    set_device_ip(device, "primary_ip4", ip4)
    log("success", f"{name}: marked IPv4 address {ip4} as primary IPv4 for device.", device)

    if not v6:
        log("warning", f"{name}: no IPv6 prefix found for VLAN {vlan}, skipping IPv6 allocation.", device)
        return iface
    prefix6 = v6[0]
    address6 = rules.mapped_ipv6(address4, str(prefix6.prefix))
    if address6 is None:
        log("warning", f"{name}: IPv6 prefix {prefix6} is longer than /64, skipping IPv6 allocation.", device)
        return iface
    _refuse_existing_ip(device, address6, prefix6)
    dns6 = dns4
    if rules.skip_ipv6_dns(device.name):
        log("info", f"{name}: Not assigning DNS name to the IPv6 address as requested.", device)
        dns6 = ""
    ip6 = _add_ip(device, iface, address6, dns6, prefix6, log)
    set_device_ip(device, "primary_ip6", ip6)
    log("success", f"{name}: marked IPv6 address {ip6} as primary IPv6.", device)
    return iface


def _assign_mgmt(plan: ProvisionPlan, log: Log) -> None:
    device, prefix = plan.device, plan.mgmt_prefix
    name = device_name(device)
    iface = Interface.objects.create(device=device, name=MGMT_IFACE, type="1000base-t", mgmt_only=True)
    if plan.request.mgmt_mac:
        # NetBox ≥ 4.2: a MACAddress object made the interface's primary MAC (the original set Interface.mac_address).
        try:
            iface.set_primary_mac_address_from_value(plan.request.mgmt_mac)
        except ValidationError as exc:
            mac = plan.request.mgmt_mac
            raise Refused(f"{name}: mgmt MAC address {mac} refused: {exc.messages[0]}") from None
    log("success", f"{name}: created interface {MGMT_IFACE} (mgmt=True)", iface)
    address = prefix.get_first_available_ip()
    if address is None:
        raise Refused(f"{name}: unable to find an available IP in prefix {prefix}")
    ip = _add_ip(device, iface, address, rules.mgmt_dns_name(device.name, device.site.slug, plan.frack), prefix, log)
    set_oob_ip(device, ip, log)


def _add_ip(device: Device, iface: Interface, address: str, dns_name: str, prefix: Prefix, log: Log) -> IPAddress:
    ip = add_ip(device, iface, address, dns_name, prefix)
    family = ipaddress.ip_interface(address).version
    log(
        "success",
        f"{device_name(device)}: assigned IPv{family} {ip} to interface {iface.name} with DNS name '{dns_name}'.",
        ip,
    )
    return ip


def _refuse_existing_ip(device: Device, address: str, prefix: Prefix) -> None:
    host = address.split("/", 1)[0]
    if IPAddress.objects.filter(address__net_host=host, vrf=prefix.vrf).exists():
        raise Refused(f"{device_name(device)}: IPv6 address {address} already exists in Netbox, skipping.")


def provision_server(req: ProvisionRequest, log: Log) -> ProvisionPlan:
    """Check, then apply: the single-server service."""
    plan = check_provision(req)
    log_warnings(plan, log)
    apply_provision(plan, log)
    return plan


# --------------------------------------------------------------------------------------------------------------------
# The CSV variant
# --------------------------------------------------------------------------------------------------------------------


def check_csv(text: str) -> tuple[list[ProvisionPlan], list[tuple[Any, str]]]:
    """Check every row of the CSV: (plans of the good rows, [(object or None, problem)] of the refused ones).

    Loads the named devices, switches and VLANs in bulk, then runs ``check_provision`` on each row and finally looks
    for rows that would provision the same device, switch port or cable ID twice."""
    rows, problems = rules.parse_csv(text)
    failures: list[tuple[Any, str]] = [(None, message) for _, message in problems]
    related = ("site", "rack__location", "role", "tenant", "device_type__manufacturer", "location")
    devices: dict[str, list[Device]] = {}
    for dev in Device.objects.filter(name__in={r.device for r in rows}).select_related(*related):
        devices.setdefault(dev.name, []).append(dev)
    switches: dict[str, list[Device]] = {}
    for dev in Device.objects.filter(name__in={r.switch for r in rows if r.switch}).select_related(*related):
        switches.setdefault(dev.name, []).append(dev)
    vlans: dict[tuple[str, int], VLAN] = {}
    for vlan in VLAN.objects.filter(name__in={r.vlan for r in rows if r.vlan}).select_related("site", "tenant"):
        vlans.setdefault((vlan.name, vlan.site_id), vlan)

    plans: list[ProvisionPlan] = []
    lines: list[int] = []
    for row in rows:
        found = devices.get(row.device, [])
        if len(found) != 1:
            message = "device not found" if not found else f"{len(found)} devices with this name"
            failures.append((None, f"{row.device}: {message}, skipping."))
            continue
        device = found[0]
        name = device_name(device)
        switch = None
        if row.switch:
            candidates = switches.get(row.switch, [])
            same_site = [s for s in candidates if s.site_id == device.site_id]
            if len(same_site) != 1:
                failures.append((device, f"{name}: switch {row.switch} not found, skipping."))
                continue
            switch = same_site[0]
        vlan = None
        if row.vlan:
            vlan = vlans.get((row.vlan, device.site_id))
            if vlan is None:
                failures.append((device, f"{name}: vlan {row.vlan} not found, skipping."))
                continue
        request = ProvisionRequest(
            device=device,
            z_port=row.z_port,
            interface_type=row.interface_type,
            cable_id=row.cable_id,
            switch=switch,
            vlan_type=row.vlan_type,
            vlan=vlan,
            mgmt_mac=row.mgmt_mac,
        )
        try:
            plans.append(check_provision(request))
            lines.append(row.line)
        except Refused as exc:
            failures.append((device, str(exc)))

    keys = [
        (line, p.device.name, f"{device_name(p.switch)}:{p.switch_port}", p.device.site.slug, p.request.cable_id)
        for line, p in zip(lines, plans, strict=True)
    ]
    by_name = {p.device.name: p.device for p in plans}
    failures += [(by_name[name], message) for name, message in rules.csv_conflicts(keys)]
    return plans, failures
