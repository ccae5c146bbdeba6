"""Data for the Network report: each loader issues a fixed number of queries whatever the fleet size."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable

from dcim.constants import NONCONNECTABLE_IFACE_TYPES, VIRTUAL_IFACE_TYPES
from dcim.models import Device, Interface
from dcim.utils import decompile_path_node
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from ipam.models import VLAN, IPAddress, Prefix

from .. import policy
from ..checks import Finding
from ..checks import network as rules
from . import DEVICE_DISPLAY

JUNIPER = "juniper"
MGMT_INTERFACE = "mgmt"


def _devices(pks) -> dict[int, Device]:
    return Device.objects.filter(pk__in=pks).select_related(*DEVICE_DISPLAY).in_bulk()


def resolve_objects(findings: Iterable[Finding], queryset: QuerySet) -> list[Finding]:
    """Swap the primary keys the rules reported on for the objects, in one query.

    Loaders of large tables (interfaces, cables) read plain values and pass primary keys to the rules: building a
    model instance per row costs more than the whole check, and only the reported rows need one."""
    findings = list(findings)
    objects = queryset.in_bulk({f.obj for f in findings if isinstance(f.obj, int)})
    return [dataclasses.replace(f, obj=objects.get(f.obj)) if isinstance(f.obj, int) else f for f in findings]


def interfaces() -> QuerySet:
    """Interfaces as the report lines show them (the name; the link is the interface's)."""
    return Interface.objects.all()


def load_switch_ports() -> list[rules.SwitchPort]:
    """Access ports (et-/xe-/ge-) of Juniper switches in service."""
    name_filter = Q()
    for prefix in rules.ACCESS_PORT_PREFIXES:
        name_filter |= Q(name__startswith=prefix)
    rows = (
        Interface.objects.filter(name_filter, device__role__slug__in=rules.SWITCH_ROLES)
        .filter(device__device_type__manufacturer__slug=JUNIPER)
        .exclude(device__status__in=rules.EXCLUDED_DEVICE_STATUSES)
        .order_by("device__name", "device_id", "pk")  # oldest first: of two clashing ports, the newer is reported
        .values_list("pk", "name", "device__name", "device_id", "device__vc_position")
    )
    return [rules.SwitchPort(pk, name, device or str(device_id), vc) for pk, name, device, device_id, vc in rows]


def load_shared_ips() -> list[rules.SharedIp]:
    """IP addresses with a role that is shared by several hosts (VIP, anycast, ...), oldest first."""
    addresses = IPAddress.objects.filter(role__in=policy.SHARED_IP_ROLES).order_by("pk")
    return [rules.SharedIp(address, str(address.address)) for address in addresses]


def load_network_ports() -> list[rules.NetworkPort]:
    """Enabled, cable-capable, non-management interfaces of network devices in service."""
    rows = (
        Interface.objects.filter(device__role__slug__in=policy.NETWORK_ROLES, enabled=True, mgmt_only=False)
        .exclude(type__in=NONCONNECTABLE_IFACE_TYPES)
        .exclude(device__status__in=rules.EXCLUDED_DEVICE_STATUSES)
        .order_by("device__name", "device_id", "_name")
        .values_list("pk", "device__name", "device_id", "description", "cable_id", "mark_connected")
    )
    return [
        rules.NetworkPort(pk, device or str(device_id), description, bool(cable_id or marked))
        for pk, device, device_id, description, cable_id, marked in rows
    ]


def load_server_uplinks() -> list[rules.ServerUplink]:
    """Cabled server interfaces that have IPs and whose cable path ends on an access switch port."""
    interface_type = ContentType.objects.get_for_model(Interface)
    server_interfaces = Interface.objects.filter(
        device__role__slug=policy.SERVER_ROLE, cable__isnull=False, _path__is_complete=True
    )
    addresses: dict[int, list[str]] = defaultdict(list)
    rows = IPAddress.objects.filter(
        assigned_object_type=interface_type, assigned_object_id__in=server_interfaces.values("pk")
    ).order_by("address", "pk")
    for interface_id, address in rows.values_list("assigned_object_id", "address"):
        addresses[interface_id].append(str(address))

    far_end: dict[int, int] = {}  # server interface pk -> pk of the interface at the end of its path
    paths = server_interfaces.filter(pk__in=list(addresses)).order_by("device__name", "device_id", "_name")
    origins = list(paths.values_list("pk", "device_id", "_path__path"))
    for pk, _, path in origins:
        type_id, object_id = decompile_path_node(path[-1][0])
        if type_id == interface_type.pk:
            far_end[pk] = object_id
    switch_ports = {
        row[0]: row[1:]
        for row in Interface.objects.filter(
            pk__in=set(far_end.values()), device__role__slug__in=rules.UPLINK_SWITCH_ROLES
        ).values_list("pk", "name", "device__name", "untagged_vlan_id")
    }
    vlan_ids = {vlan_id for *_, vlan_id in switch_ports.values() if vlan_id}
    prefixes: dict[int, list[str]] = defaultdict(list)
    for vlan_id, prefix in (
        Prefix.objects.filter(vlan_id__in=vlan_ids).order_by("prefix", "pk").values_list("vlan_id", "prefix")
    ):
        prefixes[vlan_id].append(str(prefix))
    vlans = {v.pk: rules.Vlan(v, v.name, prefixes[v.pk]) for v in VLAN.objects.filter(pk__in=vlan_ids)}
    devices = _devices({device_id for pk, device_id, _ in origins if far_end.get(pk) in switch_ports})

    uplinks = []
    for pk, device_id, _ in origins:
        port = switch_ports.get(far_end.get(pk))
        if port is None:
            continue
        name, switch, vlan_id = port
        uplinks.append(rules.ServerUplink(devices[device_id], addresses[pk], switch or "", name, vlans.get(vlan_id)))
    return uplinks


def load_mgmt_addresses() -> list[rules.MgmtAddress]:
    """IPs with a DNS name on interfaces named ``mgmt``."""
    rows = (
        IPAddress.objects.filter(interface__name=MGMT_INTERFACE)
        .exclude(dns_name="")
        .order_by("interface__device__name", "pk")
        .values_list(
            "interface__device_id",
            "interface__device__name",
            "interface__device__site__slug",
            "interface__device__tenant__slug",
            "dns_name",
        )
    )
    rows = list(rows)
    devices = _devices({row[0] for row in rows})
    return [rules.MgmtAddress(devices[pk], name or "", site, tenant, dns) for pk, name, site, tenant, dns in rows]


def load_block_switches(device_types=rules.PORT_BLOCK_DEVICE_TYPES) -> list[rules.BlockSwitch]:
    """QFX5120 switches with their enabled, physical, non-management ports in natural name order."""
    ports: dict[int, list[rules.BlockPort]] = defaultdict(list)
    interfaces = (
        Interface.objects.filter(device__device_type__slug__in=device_types, enabled=True, mgmt_only=False)
        .exclude(type__in=VIRTUAL_IFACE_TYPES)
        .order_by("device_id", "_name")
    )
    for interface in interfaces:
        ports[interface.device_id].append(rules.BlockPort(interface, interface.name, interface.type))
    switches = (
        Device.objects.filter(device_type__slug__in=device_types)
        .select_related(*DEVICE_DISPLAY, "site")
        .order_by("name", "pk")
    )
    return [rules.BlockSwitch(d, d.name or str(d.pk), d.site.slug, tuple(ports[d.pk])) for d in switches]


def load_server_primary_ips() -> list[rules.ServerPrimaryIps]:
    """Tenant-less servers in service with their primary IPs."""
    servers = (
        Device.objects.filter(role__slug=policy.SERVER_ROLE, tenant__isnull=True)
        .exclude(status__in=rules.EXCLUDED_DEVICE_STATUSES)
        .select_related(*DEVICE_DISPLAY, "primary_ip4", "primary_ip6")
        .order_by("name", "pk")
    )
    return [
        rules.ServerPrimaryIps(
            device,
            device.name or "",
            ipv4_dns=device.primary_ip4.dns_name if device.primary_ip4 else None,
            ipv6_dns=device.primary_ip6.dns_name if device.primary_ip6 else None,
            has_ipv4=device.primary_ip4 is not None,
            has_ipv6=device.primary_ip6 is not None,
        )
        for device in servers
    ]
