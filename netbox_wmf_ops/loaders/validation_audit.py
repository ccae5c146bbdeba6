"""Data for the Validation audit: every validated object as the record its validator's pure rules read.

The save-time adapters (``validation.validators``) build one record from one instance, with a few queries each; these
loaders build the same records for every object of a model in a fixed number of queries, reading plain values. Large
tables yield ``(primary key, record)``; ``resolve_objects`` fetches the objects of the reported rows only.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from dcim.models import (
    Cable,
    CablePath,
    CableTermination,
    ConsolePort,
    Device,
    DeviceType,
    Interface,
    PowerPort,
    Site,
)
from dcim.utils import decompile_path_node
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, QuerySet
from extras.models import CustomField
from ipam.models import VLAN, IPAddress, Prefix
from netaddr import IPNetwork
from vpn.models import IKEPolicy, IKEProposal, IPSecPolicy, IPSecProposal

from ..checks.validation_audit import ComponentRecord
from ..validation.rules import dcim as dcim_rules
from ..validation.rules import interface as interface_rules
from ..validation.rules import ipam as ipam_rules
from ..validation.rules.device import DeviceRecord, serial_required
from ..validation.validators import site_of_cables
from . import DEVICE_DISPLAY
from .network import resolve_objects

__all__ = ["load_cables", "load_devices", "load_interfaces", "resolve_objects"]


def devices() -> QuerySet:
    return Device.objects.select_related(*DEVICE_DISPLAY)


def load_devices() -> list[tuple[int, DeviceRecord]]:
    """Every device as ``DeviceValidator`` reads it, in three queries (custom fields, devices, the devices named in
    duplicate-serial messages)."""
    custom_fields = {cf.name for cf in CustomField.objects.get_for_model(Device)}
    rows = list(
        Device.objects.order_by("name", "pk").values_list(
            "pk",
            "name",
            "status",
            "role__slug",
            "site__slug",
            "asset_tag",
            "serial",
            "custom_field_data",
            "rack_id",
            "position",
            "device_type__u_height",
        )
    )
    # The validator names the first other device with the same serial, by (name, pk): the query's own order.
    by_serial: dict[str, list[int]] = defaultdict(list)
    for pk, *_, serial, _data, _rack, _position, _height in rows:
        if serial:
            by_serial[serial].append(pk)
    duplicate_of: dict[int, int] = {}
    for pk, _name, status, role, _site, _tag, serial, *_ in rows:
        same = by_serial.get(serial, ())
        if (serial or "").strip() and serial_required(role, status) and len(same) > 1:
            duplicate_of[pk] = next(other for other in same if other != pk)
    names = {pk: str(device) for pk, device in devices().in_bulk(set(duplicate_of.values())).items()}
    records = []
    for pk, name, status, role, site, asset_tag, serial, data, rack_id, position, u_height in rows:
        data = data or {}
        record = DeviceRecord(
            name=name,
            status=status,
            role=role,
            site=site,
            asset_tag=asset_tag,
            serial=serial or "",
            purchase_date=data.get("purchase_date"),
            ticket=data.get("ticket"),
            has_purchase_date_field="purchase_date" in custom_fields,
            has_ticket_field="ticket" in custom_fields,
            duplicate_serial_of=names.get(duplicate_of[pk]) if pk in duplicate_of else None,
            has_rack=rack_id is not None,
            position=position,
            u_height=u_height if u_height is not None else 0,
        )
        records.append((pk, record))
    return records


def load_device_types() -> list[tuple[DeviceType, tuple[str | None, str, str]]]:
    """Every device type as ``(manufacturer slug, model, slug)``, the arguments of ``check_device_type``."""
    types = DeviceType.objects.select_related("manufacturer").order_by("manufacturer__name", "model")
    return [(t, (t.manufacturer.slug, t.model or "", t.slug or "")) for t in types]


def interfaces() -> QuerySet:
    return Interface.objects.all()


def load_interfaces() -> list[tuple[int, interface_rules.InterfaceRecord]]:
    """Interfaces of network devices (the only ones ``InterfaceValidator`` checks), in five queries: interfaces, IP
    counts, cable paths, site VLANs, content types."""
    rows = list(
        Interface.objects.filter(device__role__slug__in=interface_rules.NETWORK_ROLES)
        .order_by("device_id", "_name", "pk")
        .values_list(
            "pk",
            "name",
            "type",
            "enabled",
            "mgmt_only",
            "mtu",
            "mode",
            "description",
            "lag_id",
            "parent_id",
            "primary_mac_address_id",
            "_path_id",
            "device_id",
            "device__role__slug",
            "device__device_type__manufacturer__slug",
            "device__device_type__slug",
            "device__tenant__slug",
            "device__site_id",
        )
    )
    interface_type = ContentType.objects.get_for_model(Interface)
    ip_counts = dict(
        IPAddress.objects.filter(assigned_object_type=interface_type)
        .values_list("assigned_object_id")
        .annotate(count=Count("pk"))
        .values_list("assigned_object_id", "count")
    )
    # Whether each complete path ends on an interface (``connected_endpoints`` of the adapter).
    path_ids = Interface.objects.filter(device__role__slug__in=interface_rules.NETWORK_ROLES).values("_path_id")
    ends_on_interface = {
        pk: bool(path) and decompile_path_node(path[-1][0])[0] == interface_type.pk
        for pk, path in CablePath.objects.filter(pk__in=path_ids, is_complete=True).values_list("pk", "path")
        if path and path[-1]
    }
    site_vlans: dict[int, set[int]] = defaultdict(set)
    for site_id, vid in VLAN.objects.exclude(site_id=None).values_list("site_id", "vid"):
        site_vlans[site_id].add(vid)
    siblings: dict[int, list[tuple[int, interface_rules.Sibling]]] = defaultdict(list)
    for pk, name, kind, enabled, mgmt_only, *_, device_id, _r, _m, device_type, _t, _s in rows:
        if interface_rules.needs_siblings(device_type):
            siblings[device_id].append((pk, interface_rules.Sibling(name, kind, enabled, mgmt_only)))
    records = []
    for row in rows:
        (pk, name, kind, enabled, mgmt_only, mtu, mode, description, lag_id, parent_id, mac_id, path_id) = row[:12]
        device_id, role, manufacturer, device_type, tenant, site_id = row[12:]
        record = interface_rules.InterfaceRecord(
            name=name or "",
            type=kind or "",
            device_role=role,
            manufacturer=manufacturer,
            device_type=device_type,
            tenant=tenant,
            enabled=enabled,
            mgmt_only=mgmt_only,
            mtu=mtu,
            mode=mode,
            description=description or "",
            has_lag=lag_id is not None,
            has_parent=parent_id is not None,
            has_mac_address=mac_id is not None,
            ip_count=ip_counts.get(pk, 0),
            connected_to_interface=ends_on_interface.get(path_id, False),
            site_vlan_ids=frozenset(site_vlans[site_id])
            if interface_rules.needs_site_vlans(name or "")
            else frozenset(),
            siblings=[sibling for other, sibling in siblings.get(device_id, ()) if other != pk],
        )
        records.append((pk, record))
    return records


def cables() -> QuerySet:
    return Cable.objects.all()


def load_cables() -> list[tuple[int, dcim_rules.CableRecord]]:
    """Every cable as ``CableValidator`` reads it, in four queries: cables, terminations, content types, sites."""
    ends: dict[tuple[int, str], list[dcim_rules.CableEnd]] = defaultdict(list)
    terminations = CableTermination.objects.order_by("cable_id", "cable_end", "pk").values_list(
        "cable_id", "cable_end", "termination_type_id", "_site_id", "_site__slug", "_device_id", "_device__role__slug"
    )
    for cable_id, cable_end, type_id, site_id, site, device_id, role in terminations:
        kind = ContentType.objects.get_for_id(type_id).model
        if kind != "circuittermination" and device_id is None:
            site_id, site = None, None  # the validator reads a component's site from its device (power feeds: none)
        ends[(cable_id, cable_end)].append(dcim_rules.CableEnd(kind, site_id, site, role))
    rows = list(Cable.objects.order_by("pk").values_list("pk", "label", "status"))
    sites = site_of_cables(pk for pk, label, _ in rows if (label or "").strip())
    by_label: dict[str, list[int]] = defaultdict(list)
    for pk, label, _ in rows:
        if label:
            by_label[label].append(pk)
    records = []
    for pk, label, status in rows:
        same_label = []
        if (label or "").strip():
            same_label = [(label, sites[other]) for other in by_label[label] if other != pk]
        record = dcim_rules.CableRecord(
            label=label,
            status=status,
            a_ends=tuple(ends[(pk, "A")]),
            b_ends=tuple(ends[(pk, "B")]),
            same_label=same_label,
        )
        records.append((pk, record))
    return records


COMPONENTS = {"consoleport": ConsolePort, "powerport": PowerPort}


def load_components(model: str) -> list[tuple[int, ComponentRecord]]:
    """Every console port or power port (``model`` is its model name) with its device's status and manufacturer."""
    rows = (
        COMPONENTS[model]
        .objects.order_by("device_id", "name", "pk")
        .values_list("pk", "name", "device__status", "device__device_type__manufacturer__slug")
    )
    return [(pk, ComponentRecord(name or "", status, maker)) for pk, name, status, maker in rows]


def components(model: str) -> QuerySet:
    return COMPONENTS[model].objects.all()


def load_sites() -> list[tuple[Site, str]]:
    return [(site, site.slug or "") for site in Site.objects.order_by("name")]


def ip_addresses() -> QuerySet:
    return IPAddress.objects.all()


def load_ip_addresses() -> list[tuple[int, ipam_rules.IPAddressRecord]]:
    """Every IP address as ``IPAddressValidator`` reads it, in four queries: IPs, their interfaces, those
    interfaces' devices, content types."""
    interface_type = ContentType.objects.get_for_model(Interface)
    rows = list(
        IPAddress.objects.order_by("pk").values_list(
            "pk", "address", "dns_name", "role", "assigned_object_type_id", "assigned_object_id"
        )
    )
    assigned = Interface.objects.filter(
        pk__in=IPAddress.objects.filter(assigned_object_type=interface_type).values("assigned_object_id")
    )
    on_interface = {
        pk: (mgmt_only, device_id) for pk, mgmt_only, device_id in assigned.values_list("pk", "mgmt_only", "device_id")
    }
    device_rows = Device.objects.filter(pk__in=assigned.values("device_id")).values_list(
        "pk", "status", "role__slug", "name", "primary_ip4_id", "primary_ip6_id"
    )
    device_info = {pk: rest for pk, *rest in device_rows}
    records = []
    for pk, address, dns_name, role, type_id, object_id in rows:
        mgmt_only, device = False, None
        if type_id == interface_type.pk and object_id in on_interface:
            mgmt_only, device_id = on_interface[object_id]
            device = device_info.get(device_id)
        status, device_role, device_name, primary4, primary6 = device or (None, None, None, None, None)
        primary = primary4 if address is not None and IPNetwork(str(address)).version == 4 else primary6
        record = ipam_rules.IPAddressRecord(
            dns_name=dns_name or "",
            role=role or None,
            on_mgmt_interface=mgmt_only,
            device_status=status,
            device_role=device_role,
            device_name=device_name,
            is_device_primary=device is not None and primary == pk,
        )
        records.append((pk, record))
    return records


def load_prefixes() -> list[tuple[Prefix, ipam_rules.PrefixRecord]]:
    """Every prefix with its closest containing prefix of the same VRF (``Prefix.get_parents().last()``), computed
    in Python from one query of all prefixes (a few hundred in a large fleet)."""
    prefixes = list(Prefix.objects.select_related("role", "_site").order_by("vrf_id", "prefix", "pk"))
    networks = {prefix.pk: IPNetwork(str(prefix.prefix)) for prefix in prefixes}
    by_vrf: dict[int | None, list[Prefix]] = defaultdict(list)
    for prefix in prefixes:
        by_vrf[prefix.vrf_id].append(prefix)
    records = []
    for prefix in prefixes:
        network = networks[prefix.pk]
        # Strictly containing prefixes (net_contains), in the query's (vrf, prefix) order: the last is the closest.
        parents = [
            other
            for other in by_vrf[prefix.vrf_id]
            if (candidate := networks[other.pk]).version == network.version
            and candidate.prefixlen < network.prefixlen
            and network in candidate
        ]
        parent = parents[-1] if parents else None
        record = ipam_rules.PrefixRecord(
            role=prefix.role.slug if prefix.role else None,
            site_id=prefix._site_id,
            parent=str(parent) if parent is not None else None,
            parent_role=parent.role.slug if parent is not None and parent.role else None,
            parent_site_id=parent._site_id if parent is not None else None,
            parent_site=str(parent._site) if parent is not None and parent._site is not None else None,
        )
        records.append((prefix, record))
    return records


def load_vpn() -> dict[str, list[tuple[Any, tuple]]]:
    """IKE/IPSec policies and proposals with the arguments of their rule functions (proposal counts annotated)."""
    return {
        "ikepolicy": [
            (p, (p.version, p.proposal_count))
            for p in IKEPolicy.objects.annotate(proposal_count=Count("proposals")).order_by("name")
        ],
        "ikeproposal": [
            (p, (p.encryption_algorithm, p.authentication_algorithm, p.group))
            for p in IKEProposal.objects.order_by("name")
        ],
        "ipsecpolicy": [
            (p, (p.pfs_group, p.proposal_count))
            for p in IPSecPolicy.objects.annotate(proposal_count=Count("proposals")).order_by("name")
        ],
        "ipsecproposal": [
            (p, (p.encryption_algorithm, p.authentication_algorithm)) for p in IPSecProposal.objects.order_by("name")
        ],
    }
