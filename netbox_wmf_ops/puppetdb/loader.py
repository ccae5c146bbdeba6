"""One host's NetBox state, as the plain records the planning reads (``planning.records.HostState``), in a bounded
number of queries whatever the host, its switches and the fleet hold (``test_import.py`` and
``test_import_queries.py`` count them)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from dcim.models import Cable, CablePath, CableTermination, Device, Interface
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q
from ipam.models import VLAN, IPAddress, Prefix
from virtualization.models import VirtualMachine, VMInterface

from .facts import HostFacts
from .planning.addresses import addresses_in_facts
from .planning.cabling import lldp_neighbors
from .planning.dot1q import dot1q_vids
from .planning.records import (
    CableRecord,
    HostState,
    InterfaceRecord,
    IpRecord,
    PortRef,
    PrefixRecord,
    SwitchRecord,
    VlanRecord,
)


def load_host_state(host: Device | VirtualMachine, facts: HostFacts) -> HostState:
    """The plain records ``plan_host`` needs, in a bounded number of queries."""
    is_vm = isinstance(host, VirtualMachine)
    iface_model = VMInterface if is_vm else Interface
    owner_field = "virtual_machine" if is_vm else "device"
    related = (
        ["primary_mac_address", "parent", "bridge"] if is_vm else ["primary_mac_address", "parent", "bridge", "lag"]
    )
    interfaces = list(
        iface_model.objects.filter(**{owner_field: host})
        .select_related(*related)
        .prefetch_related("tagged_vlans")
        .order_by("pk")
    )
    iface_ct = ContentType.objects.get_for_model(iface_model)
    ip_ids_by_iface: dict[int, list[int]] = {}
    for ip_id, iface_id in IPAddress.objects.filter(
        assigned_object_type=iface_ct, assigned_object_id__in=[i.pk for i in interfaces]
    ).values_list("pk", "assigned_object_id"):
        ip_ids_by_iface.setdefault(iface_id, []).append(ip_id)

    peers = {} if is_vm else _link_peers([i for i in interfaces if i.cable_id])
    connected = {} if is_vm else _path_ends(interfaces)
    records = {}
    for i in interfaces:
        peer = peers.get(i.pk)
        records[i.name] = InterfaceRecord(
            id=i.pk,
            name=i.name,
            type=None if is_vm else i.type,
            mtu=i.mtu,
            mac=str(i.primary_mac_address.mac_address).lower() if i.primary_mac_address_id else None,
            parent=i.parent.name if i.parent_id else None,
            bridge=i.bridge.name if i.bridge_id else None,
            lag=None if is_vm else (i.lag.name if i.lag_id else None),
            mode=i.mode or None,
            untagged_vlan=i.untagged_vlan_id,
            tagged_vlans=frozenset(v.pk for v in i.tagged_vlans.all()),
            mgmt_only=False if is_vm else i.mgmt_only,
            description=i.description,
            cable_id=None if is_vm else i.cable_id,
            link_peer=peer[0] if peer else None,
            link_peer_is_interface=peer[1] if peer else True,
            connected=connected.get(i.pk),
            ip_ids=tuple(ip_ids_by_iface.get(i.pk, ())),
        )

    addresses = addresses_in_facts(facts)
    own_ip_ids = [ip_id for ids in ip_ids_by_iface.values() for ip_id in ids]
    ips = _load_ips(addresses, own_ip_ids)
    switches = () if is_vm else _load_switches(lldp_neighbors(facts))
    cable_ids = {r.cable_id for r in records.values() if r.cable_id}
    cable_ids |= {i.cable_id for s in switches for i in s.interfaces.values() if i.cable_id}
    cables = {
        c["pk"]: CableRecord(c["pk"], c["label"] or "", c["color"] or "", c["type"] or "")
        for c in Cable.objects.filter(pk__in=cable_ids).values("pk", "label", "color", "type")
    }
    prefixes = _load_prefixes(addresses)
    return HostState(
        name=host.name,
        kind="vm" if is_vm else "device",
        status=host.status,
        tenant=host.tenant.name if host.tenant_id else None,
        primary_ip4=str(host.primary_ip4.address) if host.primary_ip4_id else None,
        primary_ip6=str(host.primary_ip6.address) if host.primary_ip6_id else None,
        interfaces=records,
        ips=ips,
        prefixes=prefixes,
        vlans=_load_vlans(host, dot1q_vids(facts), prefixes, records.values(), switches),
        switches=switches,
        cables=cables,
    )


def _link_peers(interfaces: Sequence[Interface]) -> dict[int, tuple[PortRef | None, bool]]:
    """interface pk → (the interface at the other end of its cable, whether that end is an interface at all)."""
    iface_ct = ContentType.objects.get_for_model(Interface)
    ends = {i.pk: (i.cable_id, i.cable_end) for i in interfaces}
    other_ends = CableTermination.objects.filter(cable_id__in={c for c, _ in ends.values()}).values(
        "cable_id", "cable_end", "termination_type_id", "termination_id"
    )
    by_cable: dict[int, list[dict]] = {}
    for row in other_ends:
        by_cable.setdefault(row["cable_id"], []).append(row)
    far_iface_ids = {
        row["termination_id"] for rows in by_cable.values() for row in rows if row["termination_type_id"] == iface_ct.pk
    }
    names = {r["pk"]: PortRef(r["device__name"] or "", r["name"]) for r in _iface_names(far_iface_ids)}
    result = {}
    for pk, (cable_id, cable_end) in ends.items():
        far = [r for r in by_cable.get(cable_id, []) if r["cable_end"] != cable_end]
        if not far:
            continue
        if far[0]["termination_type_id"] == iface_ct.pk:
            result[pk] = (names.get(far[0]["termination_id"]), True)
        else:
            result[pk] = (None, False)
    return result


def _iface_names(ids: Iterable[int]) -> Iterable[dict]:
    return Interface.objects.filter(pk__in=set(ids)).values("pk", "name", "device__name")


def _path_ends(interfaces: Sequence[Interface]) -> dict[int, PortRef]:
    """interface pk → the interface at the end of its complete cable path (through patch panels)."""
    iface_ct = ContentType.objects.get_for_model(Interface)
    path_ids = {i._path_id: i.pk for i in interfaces if i._path_id}
    ends: dict[int, int] = {}
    for path in CablePath.objects.filter(pk__in=path_ids, is_complete=True).values("pk", "path"):
        last = path["path"][-1] if path["path"] else []
        if len(last) == 1:
            ct_id, _, obj_id = str(last[0]).partition(":")
            if int(ct_id) == iface_ct.pk:
                ends[path_ids[path["pk"]]] = int(obj_id)
    names = {r["pk"]: PortRef(r["device__name"] or "", r["name"]) for r in _iface_names(ends.values())}
    return {pk: names[end] for pk, end in ends.items() if end in names}


def _load_ips(addresses: Sequence[str], own_ip_ids: Sequence[int]) -> tuple[IpRecord, ...]:
    condition = Q(pk__in=own_ip_ids)
    if addresses:
        condition |= Q(address__net_in=list(addresses))
    rows = list(
        IPAddress.objects.filter(condition).values(
            "pk",
            "address",
            "role",
            "status",
            "dns_name",
            "description",
            "vrf_id",
            "assigned_object_type_id",
            "assigned_object_id",
        )
    )
    iface_ct = ContentType.objects.get_for_model(Interface)
    vmiface_ct = ContentType.objects.get_for_model(VMInterface)
    dev_ifaces = {
        r["pk"]: (r["device__name"] or "", r["name"])
        for r in Interface.objects.filter(
            pk__in=[r["assigned_object_id"] for r in rows if r["assigned_object_type_id"] == iface_ct.pk]
        ).values("pk", "name", "device__name")
    }
    vm_ifaces = {
        r["pk"]: (r["virtual_machine__name"], r["name"])
        for r in VMInterface.objects.filter(
            pk__in=[r["assigned_object_id"] for r in rows if r["assigned_object_type_id"] == vmiface_ct.pk]
        ).values("pk", "name", "virtual_machine__name")
    }
    ids = [r["pk"] for r in rows]
    primary_of: dict[int, tuple[str, int]] = {}
    for model in (Device, VirtualMachine):
        for pk, name, ip4, ip6 in model.objects.filter(
            Q(primary_ip4_id__in=ids) | Q(primary_ip6_id__in=ids)
        ).values_list("pk", "name", "primary_ip4_id", "primary_ip6_id"):
            for ip_id in (ip4, ip6):
                if ip_id in ids:
                    primary_of[ip_id] = (name or "", pk)
    records = []
    for r in rows:
        assigned, kind = None, None
        if r["assigned_object_type_id"] == iface_ct.pk and r["assigned_object_id"] in dev_ifaces:
            assigned, kind = PortRef(*dev_ifaces[r["assigned_object_id"]]), "device"
        elif r["assigned_object_type_id"] == vmiface_ct.pk and r["assigned_object_id"] in vm_ifaces:
            assigned, kind = PortRef(*vm_ifaces[r["assigned_object_id"]]), "vm"
        elif r["assigned_object_id"] is not None:
            assigned, kind = PortRef("", f"object {r['assigned_object_id']}"), "other"  # e.g. an FHRP group
        records.append(
            IpRecord(
                id=r["pk"],
                address=str(r["address"]),
                role=r["role"] or "",
                status=r["status"],
                dns_name=r["dns_name"] or "",
                description=r["description"] or "",
                vrf_id=r["vrf_id"],
                assigned=assigned,
                assigned_kind=kind,
                primary_of=primary_of[r["pk"]][0] if r["pk"] in primary_of else None,
                primary_of_id=primary_of[r["pk"]][1] if r["pk"] in primary_of else None,
            )
        )
    return tuple(records)


def _any_of(lookup: str, values: Iterable[str]) -> Q:
    """``lookup`` matching any of ``values`` (ORed): for lookups ``__in`` cannot express (containment, prefixes)."""
    condition = Q()
    for value in values:
        condition |= Q(**{lookup: value})
    return condition


def _load_prefixes(addresses: Sequence[str]) -> tuple[PrefixRecord, ...]:
    if not addresses:
        return ()
    condition = _any_of("prefix__net_contains_or_equals", addresses)
    return tuple(
        PrefixRecord(str(r["prefix"]), r["vrf_id"], r["role__slug"] or "", r["vlan_id"])
        for r in Prefix.objects.filter(condition).values("prefix", "vrf_id", "role__slug", "vlan_id")
    )


def _load_vlans(host, vids, prefixes, interfaces, switches) -> tuple[VlanRecord, ...]:
    """VLANs with the facts' dot1q ids usable at the host's site (site-specific ones first), plus the VLANs the plan
    may name (native VLANs of prefixes, VLANs already on the interfaces)."""
    site_id = getattr(host, "site_id", None)
    referenced = {p.vlan_id for p in prefixes if p.vlan_id}
    for record in [*interfaces, *(i for s in switches for i in s.interfaces.values())]:
        referenced |= set(record.tagged_vlans) | ({record.untagged_vlan} if record.untagged_vlan else set())
    by_vid = Q(vid__in=vids) & (Q(site_id=site_id) | Q(site__isnull=True)) if vids else Q(pk__in=[])
    rows = VLAN.objects.filter(by_vid | Q(pk__in=referenced)).values("pk", "vid", "name", "site_id")
    ordered = sorted(rows, key=lambda r: (r["site_id"] != site_id, r["pk"]))
    return tuple(VlanRecord(r["pk"], r["vid"], r["name"]) for r in ordered)


def _load_switches(neighbors: Sequence[str]) -> tuple[SwitchRecord, ...]:
    if not neighbors:
        return ()
    in_chassis = _any_of("virtual_chassis__domain__startswith", neighbors)
    fields = ("pk", "name", "device_type__manufacturer__slug", "virtual_chassis__domain", "vc_position")
    # A UNION of the two lookups, not one filter ORing them: an OR across the device and virtual chassis tables
    # leaves PostgreSQL no index to use, so it read every device of the fleet; each half here is an index lookup.
    devices = list(
        Device.objects.filter(name__in=neighbors)
        .values(*fields)
        .union(Device.objects.filter(in_chassis).values(*fields))
        .order_by("name", "pk")
    )
    interfaces: dict[int, dict[str, InterfaceRecord]] = {d["pk"]: {} for d in devices}
    ip_counts: dict[int, dict[str, int]] = {d["pk"]: {} for d in devices}
    # Plain rows, not model instances: a virtual chassis has hundreds of ports, and building Interface objects for
    # them cost more than everything else in a typical import.
    rows = list(
        Interface.objects.filter(device_id__in=interfaces)
        .annotate(n_ips=Count("ip_addresses", distinct=True))
        .values("pk", "device_id", "name", "type", "mtu", "mode", "untagged_vlan_id", "cable_id", "n_ips")
    )
    tagged: dict[int, set[int]] = {}
    for iface_id, vlan_id in Interface.tagged_vlans.through.objects.filter(
        interface__device_id__in=interfaces
    ).values_list("interface_id", "vlan_id"):
        tagged.setdefault(iface_id, set()).add(vlan_id)
    for i in rows:
        interfaces[i["device_id"]][i["name"]] = InterfaceRecord(
            id=i["pk"],
            name=i["name"],
            type=i["type"],
            mtu=i["mtu"],
            mode=i["mode"] or None,
            untagged_vlan=i["untagged_vlan_id"],
            tagged_vlans=frozenset(tagged.get(i["pk"], ())),
            cable_id=i["cable_id"],
        )
        ip_counts[i["device_id"]][i["name"]] = i["n_ips"]
    return tuple(
        SwitchRecord(
            name=d["name"],
            id=d["pk"],
            manufacturer=d["device_type__manufacturer__slug"] or "",
            vc_domain=d["virtual_chassis__domain"] or None,
            vc_position=d["vc_position"],
            interfaces=interfaces[d["pk"]],
            interface_ip_counts=ip_counts[d["pk"]],
        )
        for d in devices
        if d["name"]
    )
