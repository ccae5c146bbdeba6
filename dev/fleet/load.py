"""Apply a FleetPlan to a freshly migrated NetBox database, fast, leaving the state NetBox itself would produce.

Bulk inserts are used where NetBox's own save path adds nothing a bulk insert does not (components, MACs, IPs,
VMs: NetBox bulk-creates components itself when it instantiates device types). Denormalised fields of components,
cable terminations, prefixes and clusters are filled by PostgreSQL triggers in 4.7, so bulk inserts get them too.
Everything NetBox computes in Python is redone with NetBox's own utilities afterwards: counter caches
(``utilities.counters.update_counts``), prefix depth/children (``ipam.utils.rebuild_prefixes``) and the search cache
(NetBox's search indexers, see ``index_search``). Cables get the rows ``Cable.save()`` writes, and their paths the
rows NetBox's tracer (``CablePath.from_origin``) produces for them (see ``_store_paths``); devices removed after
cabling are deleted with ``Device.delete()``. The large tables are written with ``COPY`` (``insert_rows``) and
updated with one statement per column set (``update_rows``).
"""

from __future__ import annotations

import itertools
import time
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal

from core.models import ObjectType
from dcim.choices import LinkStatusChoices
from dcim.models import (
    Cable,
    CablePath,
    CableTermination,
    ConsolePort,
    ConsoleServerPort,
    Device,
    DeviceRole,
    DeviceType,
    Interface,
    InventoryItem,
    Location,
    MACAddress,
    Manufacturer,
    Platform,
    PowerOutlet,
    PowerPort,
    Rack,
    Site,
    VirtualChassis,
)
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Model
from django.db.models.fields import AutoFieldMixin
from django.utils.text import slugify
from extras.choices import CustomFieldTypeChoices
from extras.models import CachedValue, CustomField
from ipam.models import VLAN, FHRPGroup, FHRPGroupAssignment, IPAddress, Prefix, Role, VLANGroup
from ipam.utils import rebuild_prefixes
from netbox.context import query_cache
from netbox.registry import registry
from tenancy.models import Tenant
from utilities.counters import update_counts
from virtualization.models import Cluster, ClusterGroup, ClusterType, VirtualMachine, VMInterface

from .model import Endpoint, FleetPlan
from .plan import MAX_SCALE, plan_fleet

BATCH = 2000
PORT_MODELS = {
    "consoleport": ConsolePort,
    "consoleserverport": ConsoleServerPort,
    "powerport": PowerPort,
    "poweroutlet": PowerOutlet,
}
# The cabled models of the fleet, all path endpoints, in the order ``netbox trace_paths`` traces them.
PATH_ENDPOINT_MODELS = (Interface, *PORT_MODELS.values())


def insert_rows(model: type[Model], objs: list[Model]) -> list[Model]:
    """What ``model.objects.bulk_create(objs)`` inserts, through PostgreSQL's ``COPY``: the primary keys are drawn
    from the table's sequence first (the values bulk_create's INSERT would get), each row is the fields'
    ``get_db_prep_save(pre_save(obj, add=True))`` as bulk_create prepares them, and ``COPY`` writes them (row
    triggers fire as for an INSERT). bulk_create spends most of its time building and splitting statements of
    thousands of placeholders; ``COPY`` streams the values. Sends no signals, as bulk_create does not."""
    if not objs:
        return objs
    opts = model._meta
    fields = list(opts.concrete_fields)
    with connection.cursor() as cursor:
        if isinstance(opts.pk, AutoFieldMixin):  # otherwise (a UUID) the key was set when the object was made
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [opts.db_table, opts.pk.column, len(objs)],
            )
            for obj, (pk,) in zip(objs, cursor.fetchall(), strict=True):
                obj.pk = pk
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        table = connection.ops.quote_name(opts.db_table)
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for obj in objs:
                copy.write_row([f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields])
    for obj in objs:
        obj._state.adding, obj._state.db = False, connection.alias
    return objs


def update_rows(model: type[Model], objs: list[Model], field_names: list[str]) -> None:
    """What ``model.objects.bulk_update(objs, field_names)`` writes, as one ``UPDATE … FROM unnest(…)`` with a
    parameter array per column instead of a ``CASE`` of one branch per row and field. A column that is NULL on every
    row is set to NULL directly."""
    if not objs:
        return
    fields = [model._meta.get_field(name) for name in field_names]
    table = connection.ops.quote_name(model._meta.db_table)
    arrays = [[obj.pk for obj in objs]]
    casts = [f"%s::{model._meta.pk.db_type(connection)}[]"]
    assignments = []
    for field in fields:
        values = [field.get_db_prep_save(getattr(obj, field.attname), connection) for obj in objs]
        column = connection.ops.quote_name(field.column)
        if all(value is None for value in values):
            assignments.append(f"{column} = NULL")
            continue
        arrays.append(values)
        casts.append(f"%s::{field.db_type(connection)}[]")
        assignments.append(f"{column} = v.c{len(arrays) - 1}")
    names = ", ".join(f"c{i}" for i in range(len(arrays)))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {', '.join(assignments)} FROM unnest({', '.join(casts)}) AS v({names}) "
            f"WHERE {table}.{connection.ops.quote_name(model._meta.pk.column)} = v.c0",
            arrays,
        )


class FleetLoader:
    """Loads one plan. ``log`` receives one line per phase (``<phase>: <what> (<seconds> s)``)."""

    def __init__(self, plan: FleetPlan, log: Callable[[str], None] = print):
        self.plan = plan
        self.log = log
        self.started = time.monotonic()
        self.timings: dict[str, float] = {}

    def phase(self, name: str, func: Callable[[], str]) -> None:
        t0 = time.monotonic()
        detail = func()
        self.timings[name] = time.monotonic() - t0
        self.log(f"{name}: {detail} ({self.timings[name]:.1f} s)")

    def run(self) -> dict[str, float]:
        # NetBox's per-request query cache (ObjectType and custom-field lookups), as its request processors set it.
        token = query_cache.set(defaultdict(dict))
        try:
            return self._run()
        finally:
            query_cache.reset(token)

    def _run(self) -> dict[str, float]:
        with transaction.atomic():
            self.phase("organisation", self.load_organisation)
            self.phase("ipam", self.load_ipam)
            self.phase("devices", self.load_devices)
            self.phase("components", self.load_components)
            self.phase("virtualization", self.load_virtualization)
            self.phase("addresses", self.load_addresses)
            self.phase("cables", self.load_cables)
            self.phase("cleanup", self.remove_devices)
            self.phase("counters", self.fix_counters)
            self.phase("search", self.index_search)
        self.timings["total"] = time.monotonic() - self.started
        self.log(f"total: {self.timings['total']:.1f} s")
        return self.timings

    # ------------------------------------------------------------------------------------------------- phases

    def load_organisation(self) -> str:
        p = self.plan
        self.manufacturers = {
            name: Manufacturer.objects.get_or_create(slug=slugify(name), defaults={"name": name})[0]
            for name in p.manufacturers
        }
        self.device_types = {}
        for t in p.device_types:
            self.device_types[t.slug] = DeviceType.objects.get_or_create(
                manufacturer=self.manufacturers[t.manufacturer],
                slug=t.slug,
                defaults={"model": t.model, "u_height": t.u_height, "part_number": t.part_number},
            )[0]
        self.roles = {}
        for slug, name, color in p.device_roles:
            role = DeviceRole.objects.filter(slug=slug).first()
            if role is None:  # an ltree model: saved the normal way so its path is set
                role = DeviceRole(slug=slug, name=name, color=color)
                role.save()
            self.roles[slug] = role
        self.platforms = {
            slug: Platform.objects.get_or_create(slug=slug, defaults={"name": name})[0] for slug, name in p.platforms
        }
        self.tenants = {
            slug: Tenant.objects.get_or_create(slug=slug, defaults={"name": name})[0] for slug, name in p.tenants
        }
        device_ct = ContentType.objects.get_for_model(Device)
        for name, label, type_, regex in (
            ("purchase_date", "Purchase date", CustomFieldTypeChoices.TYPE_DATE, ""),
            ("ticket", "Procurement ticket", CustomFieldTypeChoices.TYPE_TEXT, ""),
        ):
            field, _ = CustomField.objects.get_or_create(
                name=name, defaults={"type": type_, "label": label, "validation_regex": regex}
            )
            field.object_types.add(device_ct)
        self.sites = {}
        for s in p.sites:
            site = Site(
                name=s.name,
                slug=s.slug,
                status="active",
                time_zone=s.time_zone,
                facility=s.facility,
                physical_address=s.physical_address,
            )
            site.full_clean()
            site.save()
            self.sites[s.slug] = site
        self.locations = {}
        for loc in p.locations:
            location = Location(site=self.sites[loc.site], name=loc.name, slug=loc.slug, status="active")
            location.save()
            self.locations[loc.slug] = location
        racks = Rack.objects.bulk_create(
            [
                Rack(
                    site=self.sites[r.site],
                    location=self.locations[r.location],
                    name=r.name,
                    status="active",
                    u_height=r.u_height,
                )
                for r in p.racks
            ]
        )
        self.racks = {(r.site.slug, r.name): r for r in racks}
        return f"{len(p.sites)} sites, {len(p.locations)} rows, {len(racks)} racks, {len(p.device_types)} device types"

    def load_ipam(self) -> str:
        p = self.plan
        groups = {
            name: VLANGroup.objects.get_or_create(slug=name, defaults={"name": name})[0]
            for name in dict.fromkeys(v.group for v in p.vlans)
        }
        self.prefix_roles = {
            slug: Role.objects.get_or_create(slug=slug, defaults={"name": name})[0] for slug, name in p.prefix_roles
        }
        self.vlans = {
            v.name: v
            for v in VLAN.objects.bulk_create(
                [
                    VLAN(
                        name=v.name,
                        vid=v.vid,
                        site=self.sites[v.site],
                        group=groups[v.group],
                        status=v.status,
                        tenant=self.tenants.get(v.tenant) if v.tenant else None,
                        role=self.prefix_roles.get(v.role) if v.role else None,
                    )
                    for v in p.vlans
                ]
            )
        }
        site_ct = ContentType.objects.get_for_model(Site)
        location_ct = ContentType.objects.get_for_model(Location)
        prefixes = []
        for px in p.prefixes:
            if px.location:
                scope_type, scope_id = location_ct, self.locations[px.location].pk
            elif px.site:
                scope_type, scope_id = site_ct, self.sites[px.site].pk
            else:
                scope_type = scope_id = None
            prefix = Prefix(
                prefix=px.prefix,
                scope_type=scope_type,
                scope_id=scope_id,
                vlan=self.vlans.get(px.vlan) if px.vlan else None,
                role=self.prefix_roles.get(px.role) if px.role else None,
                status=px.status,
                description=px.description,
                is_pool=px.is_pool,
                tenant=self.tenants.get(px.tenant) if px.tenant else None,
            )
            prefix.cache_related_objects()  # what Prefix.save() does: _site/_location/... from the scope
            prefixes.append(prefix)
        insert_rows(Prefix, prefixes)
        rebuild_prefixes(None)  # _depth / _children, as Prefix.save() would maintain them
        return f"{len(self.vlans)} VLANs, {len(prefixes)} prefixes"

    def load_devices(self) -> str:
        p = self.plan
        ganeti = ClusterType.objects.get_or_create(slug="ganeti", defaults={"name": "Ganeti"})[0]
        self.cluster_groups = {}
        for g in p.cluster_groups:
            self.cluster_groups[g.name] = ClusterGroup.objects.get_or_create(slug=g.slug, defaults={"name": g.name})[0]
        self.clusters = {}
        for c in p.clusters:
            cluster = Cluster(
                name=c.name, type=ganeti, group=self.cluster_groups[c.group], status=c.status, scope=self.sites[c.site]
            )
            cluster.full_clean()
            cluster.save()
            self.clusters[(c.group, c.name)] = cluster
        devices = []
        for d in p.devices:
            rack = self.racks[(d.site, d.rack)] if d.rack else None
            devices.append(
                Device(
                    name=d.name,
                    device_type=self.device_types[d.device_type],
                    role=self.roles[d.role],
                    tenant=self.tenants.get(d.tenant) if d.tenant else None,
                    platform=self.platforms.get(d.platform) if d.platform else None,
                    site=self.sites[d.site],
                    location=self.locations[d.location] if d.location else None,
                    rack=rack,
                    position=Decimal(d.position) if d.position else None,
                    face=d.face or "",
                    status=d.status,
                    serial=d.serial,
                    asset_tag=d.asset_tag,
                    cluster=self.clusters[d.cluster] if d.cluster else None,
                    custom_field_data={"purchase_date": d.purchase_date, "ticket": d.ticket},
                )
            )
        self.devices = {d.name: d for d in insert_rows(Device, devices)}
        # Virtual chassis: created with their master, then every member gets its chassis and position.
        vcs = {}
        for name, master, domain in p.virtual_chassis:
            vc = VirtualChassis(name=name, master=self.devices[master], domain=domain)
            vc.save()
            vcs[name] = vc
        members = []
        for d in p.devices:
            if d.virtual_chassis:
                dev = self.devices[d.name]
                dev.virtual_chassis, dev.vc_position = vcs[d.virtual_chassis], d.vc_position
                dev.vc_priority = d.vc_priority
                members.append(dev)
        update_rows(Device, members, ["virtual_chassis", "vc_position", "vc_priority"])
        return f"{len(self.devices)} devices, {len(vcs)} virtual chassis, {len(self.clusters)} clusters"

    def load_components(self) -> str:
        p = self.plan
        interfaces = insert_rows(
            Interface,
            [
                Interface(
                    device=self.devices[i.device],
                    name=i.name,
                    type=i.type,
                    enabled=i.enabled,
                    mgmt_only=i.mgmt_only,
                    description=i.description,
                    mode=i.mode or "",
                    untagged_vlan=self.vlans[i.untagged_vlan] if i.untagged_vlan else None,
                    mtu=i.mtu,
                    **self._component_cache(i.device),
                )
                for i in p.interfaces
            ],
        )
        self.interfaces = {(i.device.name, i.name): i for i in interfaces}
        # MAC addresses: MACAddress objects assigned to their interface, then made primary (NetBox 4.2+).
        self._macs(Interface, [(self.interfaces[(i.device, i.name)], i.mac) for i in p.interfaces if i.mac])
        self.ports = {}
        for kind, model in PORT_MODELS.items():
            created = insert_rows(
                model,
                [
                    model(device=self.devices[pt.device], name=pt.name, **self._component_cache(pt.device))
                    for pt in p.ports
                    if pt.kind == kind
                ],
            )
            self.ports.update({(kind, c.device.name, c.name): c for c in created})
        for item in p.inventory_items:  # few, and an ltree model: saved the normal way
            InventoryItem(
                device=self.devices[item.device],
                name=item.name,
                manufacturer=self.manufacturers[item.manufacturer],
                part_id=item.part_id,
                serial=item.serial,
                description=item.description,
            ).save()
        return (
            f"{len(interfaces)} interfaces, {len(self.ports)} console/power ports, "
            f"{len(p.inventory_items)} inventory items"
        )

    def _component_cache(self, device_name: str) -> dict:
        """The denormalised fields ``ComponentModel.save()`` copies from the device."""
        device = self.devices[device_name]
        return {"_site": device.site, "_location": device.location, "_rack": device.rack}

    def _macs(self, model, pairs) -> None:
        ct = ContentType.objects.get_for_model(model)
        macs = insert_rows(
            MACAddress,
            [MACAddress(mac_address=mac, assigned_object_type=ct, assigned_object_id=obj.pk) for obj, mac in pairs],
        )
        for (obj, _), mac in zip(pairs, macs, strict=True):
            obj.primary_mac_address = mac
        update_rows(model, [obj for obj, _ in pairs], ["primary_mac_address"])

    def load_virtualization(self) -> str:
        p = self.plan
        vms = insert_rows(
            VirtualMachine,
            [
                VirtualMachine(
                    name=vm.name,
                    site=self.sites[vm.site],
                    cluster=self.clusters[vm.cluster] if vm.cluster else None,
                    status=vm.status,
                    vcpus=vm.vcpus,
                    memory=vm.memory,
                    disk=vm.disk,
                    role=self.roles[vm.role],
                    tenant=self.tenants.get(vm.tenant) if vm.tenant else None,
                )
                for vm in p.virtual_machines
            ],
        )
        self.vms = {vm.name: obj for vm, obj in zip(p.virtual_machines, vms, strict=True)}
        vm_ifaces = insert_rows(
            VMInterface, [VMInterface(virtual_machine=self.vms[i.vm], name=i.name) for i in p.vm_interfaces]
        )
        self.vm_interfaces = {(i.virtual_machine.name, i.name): i for i in vm_ifaces}
        self._macs(VMInterface, [(self.vm_interfaces[(i.vm, i.name)], i.mac) for i in p.vm_interfaces if i.mac])
        return f"{len(vms)} VMs, {len(vm_ifaces)} VM interfaces"

    def load_addresses(self) -> str:
        p = self.plan
        iface_ct = ContentType.objects.get_for_model(Interface)
        vmiface_ct = ContentType.objects.get_for_model(VMInterface)
        fhrp_ct = ContentType.objects.get_for_model(FHRPGroup)
        groups = {}
        for g in p.fhrp_groups:
            group = FHRPGroup(name=g.name, protocol=g.protocol, group_id=g.group_id)
            group.save()
            groups[g.name] = group
        FHRPGroupAssignment.objects.bulk_create(
            [
                FHRPGroupAssignment(
                    group=groups[g.name],
                    interface_type=iface_ct,
                    interface_id=self.interfaces[(dev, ifname)].pk,
                    priority=priority,
                )
                for g in p.fhrp_groups
                for dev, ifname, priority in g.members
            ]
        )
        ips = []
        for ip in p.ip_addresses:
            obj_type = obj_id = None
            if ip.assigned:
                kind = ip.assigned[0]
                if kind == "interface":
                    obj_type, obj_id = iface_ct, self.interfaces[(ip.assigned[1], ip.assigned[2])].pk
                elif kind == "vminterface":
                    obj_type, obj_id = vmiface_ct, self.vm_interfaces[(ip.assigned[1], ip.assigned[2])].pk
                elif kind == "fhrpgroup":
                    obj_type, obj_id = fhrp_ct, groups[ip.assigned[1]].pk
            ips.append(
                IPAddress(
                    address=ip.address,
                    dns_name=ip.dns_name,
                    status=ip.status,
                    role=ip.role or "",
                    description=ip.description,
                    tenant=self.tenants.get(ip.tenant) if ip.tenant else None,
                    assigned_object_type=obj_type,
                    assigned_object_id=obj_id,
                )
            )
        created = insert_rows(IPAddress, ips)
        dirty_devices, dirty_vms = {}, {}
        for plan_ip, obj in zip(p.ip_addresses, created, strict=True):
            family = "primary_ip6" if ":" in plan_ip.address else "primary_ip4"
            if plan_ip.primary_of:
                kind, name = plan_ip.primary_of.split(":", 1)
                target = self.devices[name] if kind == "device" else self.vms[name]
                setattr(target, family, obj)
                (dirty_devices if kind == "device" else dirty_vms)[name] = target
            if plan_ip.oob_of:
                self.devices[plan_ip.oob_of].oob_ip = obj
                dirty_devices[plan_ip.oob_of] = self.devices[plan_ip.oob_of]
        update_rows(Device, list(dirty_devices.values()), ["primary_ip4", "primary_ip6", "oob_ip"])
        update_rows(VirtualMachine, list(dirty_vms.values()), ["primary_ip4", "primary_ip6"])
        return f"{len(created)} IP addresses, {len(groups)} FHRP groups"

    def _termination(self, end: Endpoint):
        if end.kind == "interface":
            return self.interfaces[(end.device, end.name)]
        return self.ports[(end.kind, end.device, end.name)]

    def load_cables(self) -> str:
        """Cables and their terminations as ``Cable.save()`` writes them, then their paths as NetBox traces them.

        ``Cable.save()`` costs ~50 queries per cable (each termination is re-read and re-saved, then both ends are
        traced); at 5,000 cables that alone would blow the load budget. So the rows ``Cable.save()`` would write
        are inserted in bulk: the cable, one ``CableTermination`` per end with the denormalised
        ``_device/_rack/_location/_site`` that ``CableTermination.cache_related_objects()`` sets, and the
        ``cable``/``cable_end`` fields ``set_cable_termination()`` sets on the terminating object. Then the paths
        (see ``_store_paths``).
        """
        p = self.plan
        cables = insert_rows(
            Cable, [Cable(label=c.label, type=c.type, color=c.color, status=c.status) for c in p.cables]
        )
        types = {model: ContentType.objects.get_for_model(model) for model in (Interface, *PORT_MODELS.values())}
        terminations, dirty, ends = [], defaultdict(list), []
        for plan_cable, cable in zip(p.cables, cables, strict=True):
            pair = (self._termination(plan_cable.a), self._termination(plan_cable.b))
            ends.append((cable, *pair))
            for obj, side in zip(pair, ("A", "B"), strict=True):
                device = obj.device
                terminations.append(
                    CableTermination(
                        cable=cable,
                        cable_end=side,
                        termination_type=types[type(obj)],
                        termination_id=obj.pk,
                        _device=device,
                        _rack=device.rack,
                        _location=device.location,
                        _site=device.site,
                    )
                )
                obj.cable, obj.cable_end, obj.cable_connector, obj.cable_positions = cable, side, None, None
                dirty[type(obj)].append(obj)
        insert_rows(CableTermination, terminations)
        for model, objs in dirty.items():
            update_rows(model, objs, ["cable", "cable_end", "cable_connector", "cable_positions"])
        paths = self._store_paths(ends)
        return f"{len(cables)} cables, {paths} cable paths"

    def _store_paths(self, ends: list[tuple[Cable, object, object]]) -> int:
        """Store the path of every cabled endpoint as ``Cable.save()`` (``create_cablepaths``) and ``netbox
        trace_paths`` leave it: traced from each origin, in model and primary-key order, saved with ``_nodes`` the
        flattened ``path``, the origin's ``_path`` pointing at it.

        Every cable of the fleet joins two path endpoints (interfaces, console and power ports) directly, one
        termination per end, with no profile, front/rear ports or circuits in between. For that shape NetBox's tracer
        (``CablePath.from_origin``) records the origin, the cable and the far end, complete, not split, active when
        the cable is connected, and stops: so the paths are written here without the 6 queries per path the tracer
        costs. A cable of any other shape is traced by ``from_origin`` itself.
        ``tests/integration/demo/test_demo_fleet.py::test_stored_paths_are_what_netbox_traces`` compares every
        stored path with a fresh trace by NetBox."""
        node_type = {model: ContentType.objects.get_for_model(model).pk for model in (Cable, *PATH_ENDPOINT_MODELS)}
        origins: dict[type, list[tuple[object, Cable, object]]] = defaultdict(list)
        for cable, a, b in ends:
            origins[type(a)].append((a, cable, b))
            origins[type(b)].append((b, cable, a))
        traced = []
        for model in PATH_ENDPOINT_MODELS:
            for origin, cable, far in sorted(origins[model], key=lambda item: item[0].pk):
                if type(far) in node_type and not cable.profile:
                    nodes = [f"{node_type[model]}:{origin.pk}", f"{node_type[Cable]}:{cable.pk}"]
                    nodes.append(f"{node_type[type(far)]}:{far.pk}")
                    path = CablePath(
                        path=[[node] for node in nodes],
                        is_active=cable.status == LinkStatusChoices.STATUS_CONNECTED,
                        is_complete=True,
                        is_split=False,
                        _nodes=nodes,
                    )
                else:  # not a shape this loader writes today: let NetBox's tracer follow it
                    path = CablePath.from_origin([origin])
                    if path is None:
                        continue
                    path._nodes = list(itertools.chain(*path.path))
                traced.append((origin, path))
        insert_rows(CablePath, [path for _, path in traced])
        by_model = defaultdict(list)
        for origin, path in traced:
            origin._path = path
            by_model[type(origin)].append(origin)
        for model, objs in by_model.items():
            update_rows(model, objs, ["_path"])
        return len(traced)

    def remove_devices(self) -> str:
        removed = [d.name for d in self.plan.devices if d.remove_after_load]
        for name in removed:  # the NetBox way: their cable terminations go, the cables stay unterminated
            Device.objects.get(pk=self.devices[name].pk).delete()
        return f"{len(removed)} devices removed after cabling"

    def fix_counters(self) -> str:
        # Recompute every counter cache the bulk inserts bypassed, with NetBox's own utility.
        fixed = 0
        for child, counters in registry["counter_fields"].items():
            for fk_name, counter_name in counters.items():
                field = child._meta.get_field(fk_name.removesuffix("_id"))
                parent = field.related_model
                update_counts(parent, counter_name, field.related_query_name())
                fixed += 1
        return f"{fixed} counter fields recomputed"

    def index_search(self) -> str:
        """Bulk inserts send no post_save, so nothing was indexed for them: index every searchable model the way
        NetBox's search backend (``CachedValueSearchBackend.cache``) does, with its indexers' ``to_cache`` and the
        custom fields of non-zero search weight, writing the entries with ``insert_rows``. Objects saved the normal
        way (cables, and what their terminations touched) are also queued for deferred re-indexing at commit, which
        replaces these entries with identical ones."""
        total = 0
        for indexer in registry["search"].values():
            custom_fields = [cf for cf in CustomField.objects.get_for_model(indexer.model) if cf.search_weight > 0]
            object_type = ObjectType.objects.get_for_model(indexer.model)
            instances = indexer.model.objects.all().iterator(chunk_size=BATCH)
            while chunk := list(itertools.islice(instances, BATCH)):
                entries = [
                    CachedValue(
                        object_type=object_type,
                        object_id=instance.pk,
                        field=value.name,
                        type=value.type,
                        weight=value.weight,
                        value=value.value,
                    )
                    for instance in chunk
                    for value in indexer.to_cache(instance, custom_fields=custom_fields)
                ]
                total += len(insert_rows(CachedValue, entries))
        return f"{total} search cache entries"


def load_fleet(plan: FleetPlan, log: Callable[[str], None] = print) -> dict[str, float]:
    """Load ``plan`` into the current database in one transaction; returns the timing of each phase."""
    return FleetLoader(plan, log).run()


class FleetLoadRefusedError(Exception):
    """The database is not one the fleet may be loaded into; the message says why and what to do."""


def load_demo_fleet(
    scale: float, seed: int, force: bool = False, log: Callable[[str], None] = print
) -> dict[str, float]:
    """Plan and load the fleet into the configured database (Django must be set up). Refuses a database that already
    holds devices unless ``force``."""
    if scale <= 0 or scale > MAX_SCALE:
        raise FleetLoadRefusedError(f"--scale must be > 0 and <= {MAX_SCALE} (got {scale})")
    existing = Device.objects.count()
    if existing and not force:
        raise FleetLoadRefusedError(
            f"this database already holds {existing} devices; the demo fleet is meant for an empty NetBox. "
            "Use a fresh database, or pass --force to load anyway (names that already exist will clash)."
        )
    log(f"planning the fleet: scale {scale}, seed {seed}")
    plan = plan_fleet(scale, seed)
    counts = plan.counts()
    log(
        f"plan: {counts['devices']} devices, {counts['interfaces']} interfaces, {counts['cables']} cables, "
        f"{counts['ip_addresses']} IP addresses, {counts['virtual_machines']} VMs, "
        f"{sum(len(v) for v in plan.defects.values())} seeded defect/edge objects"
    )
    return load_fleet(plan, log=log)
