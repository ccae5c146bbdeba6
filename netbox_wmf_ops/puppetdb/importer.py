"""The NetBox side of interface automation: load a host's state in bulk, apply a plan, run the whole import.

``import_hosts`` is the service behind every door (the ImportPuppetDB script, ``netbox wmf_ops_import_facts``, the
Ganeti sync): for each host it fetches the facts, loads the host's state (a bounded number of queries whatever the
host has), plans (``plan.plan_host``, pure), logs the plan and applies it inside one transaction (a savepoint per
host). With ``commit=False`` the changes are applied and then rolled back, so a dry run shows exactly what a real run
does, validation errors included.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from dcim.models import Cable, CableTermination, Device, Interface
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Count, Q
from ipam.models import VLAN, IPAddress, Prefix
from virtualization.models import VirtualMachine, VMInterface

from .. import settings
from ..logs import Log
from .client import PuppetDBClient, PuppetDBError
from .facts import FactsError, HostFacts, parse_host_facts
from .plan import (
    CableRecord,
    Change,
    HostState,
    InterfaceRecord,
    IpRecord,
    LogLine,
    Plan,
    PortRef,
    PrefixRecord,
    SwitchRecord,
    VlanRecord,
    addresses_in_facts,
    dot1q_vids,
    host_refusal,
    lldp_neighbors,
    plan_host,
)

FACT_NAMES = ("networking", "net_driver", "lldp")


class ApplyError(Exception):
    """A planned change could not be made (e.g. a custom validator refused it); the host's changes are rolled back."""


class _DryRunRollbackError(Exception):
    """Raised at the end of a dry run to roll every change back."""


# --------------------------------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------------------------------


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
    from dcim.models import CablePath

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


def _load_prefixes(addresses: Sequence[str]) -> tuple[PrefixRecord, ...]:
    if not addresses:
        return ()
    condition = Q()
    for address in addresses:
        condition |= Q(prefix__net_contains_or_equals=address)
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
    condition = Q(name__in=neighbors)
    for name in neighbors:
        condition |= Q(virtual_chassis__domain__startswith=name)
    devices = list(
        Device.objects.filter(condition).values(
            "pk", "name", "device_type__manufacturer__slug", "virtual_chassis__domain", "vc_position"
        )
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


# --------------------------------------------------------------------------------------------------------------------
# Applying
# --------------------------------------------------------------------------------------------------------------------


class _Applier:
    def __init__(self, host: Device | VirtualMachine, owner_ids: dict[str, int] | None = None) -> None:
        self.host = host
        self.owner_ids = owner_ids or {}  # switch name → device pk, from the loaded state
        self.owners: dict[str, Device | VirtualMachine] = {host.name: host}
        self.ifaces: dict[PortRef, Interface | VMInterface] = {}
        self.loaded_owners: set[str] = set()
        self.ips: dict[str, IPAddress] = {}  # address → object created/updated in this run
        self.ip_objects: dict[int, IPAddress] = {}  # pk → IP the plan updates, loaded up front
        self.cable_objects: dict[int, Cable] = {}  # pk → cable the plan updates or deletes, loaded up front

    def preload(self, changes: Sequence[Change]) -> None:
        """Load the IPs and cables the plan changes in one query each, instead of one query per change."""
        ip_ids = [c.key for c in changes if c.model == "ipaddress" and c.action == "update"]
        cable_ids = [c.key for c in changes if c.model == "cable" and c.action in ("update", "delete")]
        self.ip_objects = IPAddress.objects.in_bulk(ip_ids) if ip_ids else {}
        self.cable_objects = Cable.objects.in_bulk(cable_ids) if cable_ids else {}

    def owner(self, name: str, kind: str | None = None, pk: int | None = None) -> Device | VirtualMachine:
        if name not in self.owners:
            model = VirtualMachine if kind == "vm" else Device
            pk = pk or self.owner_ids.get(name)
            self.owners[name] = model.objects.get(pk=pk) if pk else model.objects.get(name=name)
        return self.owners[name]

    def interface(self, ref: PortRef) -> Interface | VMInterface:
        if ref not in self.ifaces and ref.owner not in self.loaded_owners:
            owner = self.owner(ref.owner)
            for i in owner.interfaces.all():  # Interface for a device, VMInterface for a VM
                self.ifaces.setdefault(PortRef(ref.owner, i.name), i)
            self.loaded_owners.add(ref.owner)
        try:
            return self.ifaces[ref]
        except KeyError:
            raise ApplyError(f"interface {ref} does not exist") from None

    def apply(self, change: Change) -> None:
        getattr(self, f"_{change.action}_{change.model}")(change)

    # -- interfaces
    def _create_interface(self, change: Change) -> None:
        ref: PortRef = change.key
        fields = dict(change.fields)
        kind = fields.pop("owner_kind", "device")
        mac = fields.pop("mac_address", None)
        owner = self.owner(ref.owner, kind)
        if isinstance(owner, VirtualMachine):
            obj = VMInterface(virtual_machine=owner, name=ref.name)
        else:
            obj = Interface(device=owner, name=ref.name)
        self._set_fields(obj, ref.owner, fields)
        if ref.owner != self.host.name:
            # Switch ports go through the validators (docs/behaviour-reference.md §2.0 `_create_z_nbiface`).
            self._validate(obj, ref)
        obj.save()
        self._set_m2m(obj, fields)
        self.ifaces[ref] = obj
        if mac:
            obj.set_primary_mac_address_from_value(mac)

    def _update_interface(self, change: Change) -> None:
        ref: PortRef = change.key
        obj = self.interface(ref)
        fields = dict(change.fields)
        mac = fields.pop("mac_address", None)
        fields.pop("owner_kind", None)
        obj.snapshot()
        self._set_fields(obj, ref.owner, fields)
        if "type" in fields and ref.owner != self.host.name:
            self._validate(obj, ref)
        obj.save()
        self._set_m2m(obj, fields)
        if "name" in fields:
            del self.ifaces[ref]
            self.ifaces[PortRef(ref.owner, fields["name"])] = obj
        if mac:
            obj.set_primary_mac_address_from_value(mac)

    def _delete_interface(self, change: Change) -> None:
        ref: PortRef = change.key
        obj = self.interface(ref)
        obj.snapshot()
        obj.delete()
        del self.ifaces[ref]

    def _set_fields(self, obj, owner: str, fields: dict[str, Any]) -> None:
        for key, value in fields.items():
            if key in ("parent", "bridge", "lag"):
                setattr(obj, key, self.interface(PortRef(owner, value)) if value else None)
            elif key == "untagged_vlan":
                obj.untagged_vlan_id = value
            elif key != "tagged_vlans":
                setattr(obj, key, value)

    @staticmethod
    def _set_m2m(obj, fields: dict[str, Any]) -> None:
        if "tagged_vlans" in fields:
            obj.tagged_vlans.set(fields["tagged_vlans"])

    @staticmethod
    def _validate(obj, ref: PortRef) -> None:
        try:
            obj.full_clean()
        except ValidationError as exc:
            first = exc.messages[0] if exc.messages else str(exc)
            raise ApplyError(f"{ref.owner}: interface {ref.name} fails validation checks - {first}.") from None

    # -- IP addresses
    def _create_ipaddress(self, change: Change) -> None:
        fields = dict(change.fields)
        assigned = fields.pop("assigned", None)
        obj = IPAddress(
            address=fields["address"], vrf_id=fields.get("vrf"), role=fields["role"], status=fields["status"]
        )
        if assigned is not None:
            obj.assigned_object = self.interface(assigned)
        obj.save()
        self.ips[_norm(fields["address"])] = obj

    def _update_ipaddress(self, change: Change) -> None:
        obj = self.ip_objects.get(change.key) or IPAddress.objects.get(pk=change.key)
        obj.snapshot()
        for key, value in change.fields.items():
            if key == "assigned":
                obj.assigned_object = self.interface(value) if value is not None else None
                if value is None:
                    obj.assigned_object_type, obj.assigned_object_id = None, None
            else:
                setattr(obj, key, value)
        obj.save()
        self.ips[_norm(str(obj.address))] = obj

    # -- devices (primary IPs)
    def _update_device(self, change: Change) -> None:
        fields = dict(change.fields)
        owner = self.owner(change.key, fields.pop("owner_kind", None), fields.pop("owner_id", None))
        owner.snapshot()
        for key, address in fields.items():
            if address is None:
                setattr(owner, key, None)
                continue
            ip = self.ips.get(_norm(address))
            if ip is None:
                ip = IPAddress.objects.filter(address=address).order_by("vrf_id", "pk").first()
            setattr(owner, key, ip)
        owner.save()

    # -- cables
    def _create_cable(self, change: Change) -> None:
        f = change.fields
        cable = Cable(
            a_terminations=[self.interface(f["a"])],
            b_terminations=[self.interface(f["b"])],
            label=f["label"],
            color=f["color"],
            type=f["type"],
            status=f["status"],
        )
        try:
            cable.full_clean()
        except ValidationError as exc:
            first = exc.messages[0] if exc.messages else str(exc)
            raise ApplyError(f"cable {f['a']} ↔ {f['b']} fails validation checks - {first}.") from None
        cable.save()
        for ref in (f["a"], f["b"]):  # the cached objects now have a stale cable
            self.ifaces[ref].refresh_from_db()

    def _update_cable(self, change: Change) -> None:
        cable = self.cable_objects.get(change.key) or Cable.objects.get(pk=change.key)
        cable.snapshot()
        for key, value in change.fields.items():
            setattr(cable, key, value)
        cable.save()

    def _delete_cable(self, change: Change) -> None:
        cable = self.cable_objects.pop(change.key, None) or Cable.objects.get(pk=change.key)
        cable.snapshot()
        cable.delete()
        for obj in self.ifaces.values():
            if getattr(obj, "cable_id", None) == change.key:
                obj.refresh_from_db()


def _norm(address: str) -> str:
    return str(ipaddress.ip_interface(address))


def apply_plan(plan: Plan, host: Device | VirtualMachine, state: HostState | None = None) -> None:
    """Make the plan's changes, in order. Raises ApplyError (the caller's transaction rolls back)."""
    owner_ids = {s.name: s.id for s in state.switches if s.id} if state is not None else {}
    applier = _Applier(host, owner_ids)
    applier.preload(plan.changes)
    for change in plan.changes:
        applier.apply(change)


# --------------------------------------------------------------------------------------------------------------------
# The service
# --------------------------------------------------------------------------------------------------------------------


@dataclass
class ImportResult:
    plans: list[Plan] = field(default_factory=list)
    failed_hosts: list[str] = field(default_factory=list)
    not_found: list[str] = field(default_factory=list)

    def describe(self) -> str:
        """The full plan, one line per change, grouped by host (the script's output)."""
        lines = []
        for plan in self.plans:
            lines.append(f"# {plan.host}: {len(plan.changes)} changes")
            lines += plan.describe()
        return "\n".join(lines)


def find_hosts(names: Iterable[str]) -> tuple[list[Device], list[VirtualMachine], list[str]]:
    names = list(dict.fromkeys(n for n in names if n))
    related = ("tenant", "primary_ip4", "primary_ip6")
    # Saving a device's interface reads its site, location and rack (denormalised onto the interface): load them here.
    devices = list(
        Device.objects.filter(name__in=names).select_related(*related, "site", "location", "rack").order_by("name")
    )
    vms = list(VirtualMachine.objects.filter(name__in=names).select_related(*related).order_by("name"))
    found = {d.name for d in devices} | {v.name for v in vms}
    return devices, vms, [n for n in names if n not in found]


def import_hosts(
    names: Iterable[str],
    client: PuppetDBClient,
    log: Log,
    commit: bool = False,
) -> ImportResult:
    """Import the facts of every named device/VM. ``log(level, message)`` receives the run's lines in order.

    Each host is planned and applied in its own savepoint; a host that fails leaves no change behind and does not
    stop the others. With ``commit=False`` every change is rolled back at the end (the plan is still shown)."""
    devices, vms, missing = find_hosts(names)
    result = ImportResult(not_found=missing)
    if not devices and not vms:
        log("failure", "No Netbox devices found for specified list.")
        return result
    try:
        with transaction.atomic():
            for host in [*devices, *vms]:
                _import_one(host, client, log, result)
            if not commit:
                raise _DryRunRollbackError
    except _DryRunRollbackError:
        pass
    return result


def _import_one(host: Device | VirtualMachine, client: PuppetDBClient, log: Log, result: ImportResult) -> None:
    is_vm = isinstance(host, VirtualMachine)
    log("info", f"Processing {'virtual' if is_vm else 'baremetal'} device {host.name}")
    state = HostState(
        host.name,
        "vm" if is_vm else "device",
        host.status,
        _tenant(host),
        tenant_slug=host.tenant.slug if host.tenant_id else None,
    )
    refusal = host_refusal(state, settings.get("puppetdb_import_tenants"))
    if refusal:
        log("failure", refusal)
        result.failed_hosts.append(host.name)
        return
    try:
        raw = client.host_facts(host.name, FACT_NAMES)
        facts = parse_host_facts(host.name, raw)
    except PuppetDBError as exc:
        log("failure", f"Cannot retrieve PuppetDB facts about {host.name}: {exc}")
        result.failed_hosts.append(host.name)
        return
    except FactsError as exc:
        log("failure", str(exc))
        result.failed_hosts.append(host.name)
        return
    try:
        with transaction.atomic():
            state = load_host_state(host, facts)
            plan = plan_host(facts, state)
            for entry in plan.entries:
                log(entry.level, entry.message)
            apply_plan(plan, host, state)
    except ApplyError as exc:
        log("failure", f"{host.name}: nothing changed: {exc}")
        result.failed_hosts.append(host.name)
        return
    except (ValidationError, DatabaseError) as exc:
        # A custom validator or a constraint refused a change: this host keeps none of them.
        reason = "; ".join(exc.messages) if isinstance(exc, ValidationError) else one_line(str(exc))
        log("failure", f"{host.name}: nothing changed: {type(exc).__name__}: {reason}")
        result.failed_hosts.append(host.name)
        return
    result.plans.append(plan)
    if plan.failures:
        result.failed_hosts.append(host.name)
    log("info", f"{host.name} done.")


SCRIPT_MODULE_FILE = "wmf_ops_interface_automation.py"
SCRIPT_CLASS = "ImportPuppetDB"


def queue_import(names: Iterable[str], commit: bool = True, user=None):
    """Enqueue the ImportPuppetDB script for ``names`` (one job, visible in the script's job history), as the
    Ganeti sync does for VMs awaiting their first import. Returns the Job."""
    from extras.jobs import ScriptJob
    from extras.models import Script
    from users.models import User

    script = Script.objects.filter(module__file_path=SCRIPT_MODULE_FILE, name=SCRIPT_CLASS, is_executable=True).first()
    if script is None:
        raise RuntimeError(f"{SCRIPT_CLASS} is not registered: run `netbox wmf_ops_register_scripts`")
    user = user or User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    return ScriptJob.enqueue(
        instance=script, user=user, data={"device": " ".join(names)}, commit=commit, notifications="never"
    )


def one_line(text: str, limit: int = 300) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _tenant(host: Device | VirtualMachine) -> str | None:
    return host.tenant.name if host.tenant_id else None


__all__ = [
    "ApplyError",
    "Change",
    "ImportResult",
    "LogLine",
    "apply_plan",
    "find_hosts",
    "import_hosts",
    "load_host_state",
    "queue_import",
]
