"""Ganeti → NetBox sync, the pure part: parse RAPI answers, compare with NetBox, plan the changes
(docs/behaviour-reference.md §4.4).

Plain data in, plain data out; no Django. ``sync.py`` loads NetBox into :class:`NetboxState` and applies the
:class:`Plan`.

Mapping (HEAD tool, with the docs/behaviour-reference.md §6.4 item 18 fixes):

* one NetBox cluster group per profile; one NetBox cluster (type ``Ganeti``) per Ganeti node group, same name;
* the node devices of a node group are assigned to its cluster; devices of the profile's clusters that are no longer
  nodes of that group are unassigned;
* one VM per instance, keyed by the short name (text before the first ``.``), placed in the cluster of its primary
  node's group: ``vcpus`` = ``beparams.vcpus``, ``memory`` = ``beparams.memory`` (MiB), ``disk`` = sum of
  ``disk.sizes`` in **MB** (NetBox ≥ 4.1 units; the HEAD tool wrote GB), ``status`` = ``active`` when ``admin_state``
  is ``up`` else ``offline``;
* VMs of the profile's clusters that Ganeti no longer has are deleted, within the mass-deletion guard.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..logs import LogLine

VM_FIELDS = ("vcpus", "memory", "disk", "status")
DEFAULT_MAX_DELETE_SHARE = 0.1
PRIMARY_PLACEHOLDER = "##PRIMARY##"  # interface name of a VM created for, and waiting for, the PuppetDB import

# Summary counter keys, as the HEAD tool's ``Counter`` (plus the moves it counted as additions).
CLUSTER_GROUPS_CREATED = "Cluster groups created"
CLUSTERS_CREATED, CLUSTERS_UPDATED, CLUSTERS_DELETED = "Clusters created", "Clusters updated", "Clusters deleted"
NODES_ADDED, NODES_REMOVED, NODES_FAILED = "Nodes added", "Nodes removed", "Nodes failed"
VMS_ADDED, VMS_UPDATED, VMS_MOVED, VMS_DELETED = "VMs added", "VMs updated", "VMs moved", "VMs deleted"


class GanetiDataError(Exception):
    """The RAPI answer as a whole cannot be trusted (empty, partial or inconsistent): nothing may be written."""


def short_name(fqdn: str) -> str:
    return fqdn.split(".", 1)[0]


# ------------------------------------------------------------------------------------------------------ Ganeti side


@dataclass(frozen=True)
class GanetiInstance:
    name: str  # short name
    vcpus: int
    memory: int  # MB
    disk: int  # MB
    status: str  # NetBox VM status
    primary_node: str  # short name
    group: str  # node group of the primary node

    def fields(self) -> dict[str, Any]:
        return {"vcpus": self.vcpus, "memory": self.memory, "disk": self.disk, "status": self.status}


@dataclass(frozen=True)
class GanetiState:
    groups: dict[str, tuple[str, ...]]  # node group name → node short names
    instances: dict[str, GanetiInstance]  # short name → instance
    errors: tuple[tuple[str | None, str], ...] = ()  # (instance name, failure message) for records we could not use
    protected: frozenset[str] = frozenset()  # instance names with bad records: their VMs are left untouched


def instance_status(admin_state: Any) -> str:
    """``up`` (or ``true`` from Ganeti < 2.7) → active; ``down``/``offline`` → offline."""
    if admin_state is True or admin_state == "up":
        return "active"
    if admin_state in (False, "down", "offline"):
        return "offline"
    raise ValueError(f"unknown admin_state {admin_state!r}")


def _whole(value: Any, what: str) -> int:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)  # JSON decoding accepts Infinity and NaN
        or value < 0
        or int(value) != value
    ):
        raise ValueError(f"{what} must be a whole number >= 0, got {value!r}")
    return int(value)


def parse_instance(record: Mapping[str, Any], node_groups: Mapping[str, str]) -> GanetiInstance:
    """One ``/2/instances?bulk=1`` record → GanetiInstance. Raises ValueError/KeyError/TypeError on bad data."""
    beparams = record["beparams"]
    sizes = record["disk.sizes"]
    if not isinstance(sizes, list):
        raise ValueError(f"disk.sizes must be a list, got {sizes!r}")
    pnode = short_name(str(record["pnode"]))
    if pnode not in node_groups:
        raise ValueError(f"primary node {pnode} is in no node group")
    return GanetiInstance(
        name=short_name(record["name"]),
        vcpus=_whole(beparams["vcpus"], "beparams.vcpus"),
        memory=_whole(beparams["memory"], "beparams.memory"),
        disk=sum(_whole(s, "disk.sizes") for s in sizes),
        status=instance_status(record["admin_state"]),
        primary_node=pnode,
        group=node_groups[pnode],
    )


def parse_ganeti(groups: Sequence[Mapping], nodes: Sequence[Mapping], instances: Sequence[Mapping]) -> GanetiState:
    """The three bulk listings → GanetiState.

    Raises GanetiDataError when the answer as a whole is unusable: no node group or no node (a real cluster always has
    its master), a record without a name, or groups and nodes that disagree (a partial answer). A bad instance record
    is only an error for that instance, whose VM is then protected from any change."""
    if not groups:
        raise GanetiDataError("RAPI returned no node groups")
    if not nodes:
        raise GanetiDataError("RAPI returned no nodes")
    group_nodes: dict[str, tuple[str, ...]] = {}
    node_groups: dict[str, str] = {}
    uuids: dict[str, str] = {}
    for record in groups:
        name = record.get("name")
        if not isinstance(name, str) or not name or not isinstance(record.get("node_list"), list):
            raise GanetiDataError(f"node group record without a name or node_list: {_brief(record)}")
        if name in group_nodes:
            raise GanetiDataError(f"node group {name} listed twice")
        members = tuple(sorted(short_name(str(n)) for n in record["node_list"]))
        group_nodes[name] = members
        uuids[str(record.get("uuid"))] = name
        for node in members:
            if node in node_groups:
                raise GanetiDataError(f"node {node} is listed in node groups {node_groups[node]} and {name}")
            node_groups[node] = name

    listed_nodes = set()
    for record in nodes:
        name = record.get("name")
        if not isinstance(name, str) or not name:
            raise GanetiDataError(f"node record without a name: {_brief(record)}")
        node = short_name(name)
        listed_nodes.add(node)
        group_uuid = record.get("group.uuid")
        group_uuid = None if group_uuid is None else str(group_uuid)  # as the groups' uuids (any JSON value)
        if group_uuid is not None and uuids.get(group_uuid, node_groups.get(node)) != node_groups.get(node):
            raise GanetiDataError(f"node {node} is in group {uuids[group_uuid]} but listed by {node_groups.get(node)}")
    if listed_nodes != set(node_groups):
        missing = sorted(listed_nodes ^ set(node_groups))
        raise GanetiDataError(f"nodes and node groups disagree (partial answer?) on: {', '.join(missing[:10])}")

    parsed: dict[str, GanetiInstance] = {}
    errors: list[tuple[str | None, str]] = []
    protected: set[str] = set()
    for record in instances:
        name = record.get("name")
        if not isinstance(name, str) or not name:
            raise GanetiDataError(f"instance record without a name: {_brief(record)}")
        short = short_name(name)
        try:
            instance = parse_instance(record, node_groups)
        except (KeyError, TypeError, ValueError, AttributeError) as e:
            detail = f"missing field {e}" if isinstance(e, KeyError) else str(e)
            errors.append((short, f"Failed to get data for Ganeti instance {short}: {detail}"))
            protected.add(short)
            continue
        if short in parsed or short in protected:
            errors.append((short, f"Failed to get data for Ganeti instance {short}: the short name is not unique"))
            protected.add(short)
            parsed.pop(short, None)
            continue
        parsed[short] = instance
    return GanetiState(group_nodes, parsed, tuple(errors), frozenset(protected))


def _brief(record: Mapping) -> str:
    text = repr(dict(record))
    return text if len(text) <= 120 else text[:117] + "..."


# ------------------------------------------------------------------------------------------------------ NetBox side


@dataclass(frozen=True)
class NetboxCluster:
    id: int
    name: str
    in_group: bool  # in the profile's cluster group (False: a same-named cluster at the site)
    other_group: str | None = None  # the cluster group it belongs to when that is not the profile's


@dataclass(frozen=True)
class NetboxVM:
    id: int
    name: str
    cluster: str | None  # cluster name, None when the VM has no cluster
    in_group: bool  # its cluster is one of the profile's clusters
    vcpus: Decimal | int | float | None
    memory: int | None
    disk: int | None
    status: str
    ip_count: int = 0  # IP addresses on its interfaces: such a VM is never deleted by the sync
    has_virtual_disks: bool = False  # NetBox then keeps disk = sum of the virtual disks; the sync leaves disk alone
    awaiting_import: bool = False  # has a ##PRIMARY## interface and no tenant


@dataclass(frozen=True)
class NetboxDevice:
    id: int
    name: str
    cluster: str | None  # cluster name
    cluster_in_group: bool  # that cluster is one of the profile's clusters
    at_site: bool  # the device is at the profile's site


@dataclass(frozen=True)
class NetboxState:
    group_exists: bool
    clusters: dict[str, NetboxCluster]  # the profile's clusters plus same-named clusters at the site, by name
    vms: tuple[NetboxVM, ...]  # VMs of the profile's clusters and VMs elsewhere named like a Ganeti instance
    devices: tuple[NetboxDevice, ...]  # devices named like a Ganeti node and devices in the profile's clusters


# ------------------------------------------------------------------------------------------------------------- plan


@dataclass(frozen=True)
class ClusterChange:
    name: str
    id: int | None = None  # None for a creation


@dataclass(frozen=True)
class DeviceChange:
    id: int
    name: str
    old_cluster: str | None
    new_cluster: str | None


@dataclass(frozen=True)
class VMCreate:
    name: str
    cluster: str
    fields: dict[str, Any]


@dataclass(frozen=True)
class VMUpdate:
    id: int
    name: str
    cluster: str  # the (new) cluster
    changes: dict[str, tuple[Any, Any]]  # field → (old, new); "cluster" present for a move

    @property
    def is_move(self) -> bool:
        return "cluster" in self.changes


@dataclass(frozen=True)
class VMDelete:
    id: int
    name: str
    cluster: str


@dataclass
class Plan:
    profile: str
    create_cluster_group: bool = False
    clusters_create: list[ClusterChange] = field(default_factory=list)
    clusters_adopt: list[ClusterChange] = field(default_factory=list)
    clusters_delete: list[ClusterChange] = field(default_factory=list)
    devices: list[DeviceChange] = field(default_factory=list)
    vms_create: list[VMCreate] = field(default_factory=list)
    vms_update: list[VMUpdate] = field(default_factory=list)
    vms_delete: list[VMDelete] = field(default_factory=list)
    failures: list[tuple[str | None, str]] = field(default_factory=list)  # (object name, message)
    warnings: list[tuple[str | None, str]] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)  # mass-deletion guard trips; the plan must not be applied
    import_candidates: list[str] = field(default_factory=list)  # VM names to hand to the interface automation

    @property
    def blocked(self) -> bool:
        return bool(self.refusals)

    def counts(self) -> Counter:
        counts: Counter = Counter()
        counts[CLUSTER_GROUPS_CREATED] = int(self.create_cluster_group)
        counts[CLUSTERS_CREATED] = len(self.clusters_create)
        counts[CLUSTERS_UPDATED] = len(self.clusters_adopt)
        counts[CLUSTERS_DELETED] = len(self.clusters_delete)
        counts[NODES_ADDED] = sum(1 for d in self.devices if d.new_cluster is not None)
        counts[NODES_REMOVED] = sum(1 for d in self.devices if d.new_cluster is None)
        counts[VMS_ADDED] = len(self.vms_create)
        counts[VMS_MOVED] = sum(1 for u in self.vms_update if u.is_move)
        counts[VMS_UPDATED] = sum(1 for u in self.vms_update if not u.is_move)
        counts[VMS_DELETED] = len(self.vms_delete)
        return +counts  # drop zeros

    @property
    def change_count(self) -> int:
        return sum(self.counts().values())

    def summary(self) -> str:
        counts = self.counts()
        body = ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) if counts else "no changes"
        return f"Summary of performed actions: {body}"

    def log_lines(self) -> list[LogLine]:
        """The full diff, in the order it is applied: one line per change, failures, then grouped warnings."""
        lines: list[LogLine] = []
        if self.create_cluster_group:
            lines.append(LogLine("info", f"Creating cluster group {self.profile}", self.profile))
        for c in self.clusters_create:
            lines.append(LogLine("info", f"Creating Cluster {c.name} with data: {{'group': '{self.profile}'}}", c.name))
        for c in self.clusters_adopt:
            lines.append(LogLine("info", f"Adding Cluster {c.name} to cluster group {self.profile}", c.name))
        for d in self.devices:
            if d.new_cluster is None:
                lines.append(LogLine("info", f"Removing device {d.name} from cluster {d.old_cluster}", d.name))
            else:
                lines.append(LogLine("info", f"Setting cluster {d.new_cluster} for device {d.name}", d.name))
        for v in self.vms_create:
            data = {"cluster": v.cluster, **v.fields}
            lines.append(LogLine("info", f"Creating VM {v.name} with data: {data}", v.name))
        for u in self.vms_update:
            if u.is_move:
                old, new = u.changes["cluster"]
                lines.append(LogLine("info", f"Moving VM {u.name} from cluster {old} to cluster {new}", u.name))
            details = ", ".join(f"{k} {_show(a)} -> {_show(b)}" for k, (a, b) in u.changes.items() if k != "cluster")
            if details:
                lines.append(LogLine("info", f"Updating VM {u.name} in Netbox: {details}", u.name))
        for v in self.vms_delete:
            lines.append(LogLine("info", f"Deleting VM {v.name} from netbox", v.name))
        for c in self.clusters_delete:
            lines.append(LogLine("info", f"Deleting Cluster {c.name} from netbox", c.name))
        lines += [LogLine("failure", message, name) for name, message in self.failures]
        lines += [LogLine("failure", message) for message in self.refusals]
        lines += [LogLine("warning", message, name) for name, message in self.warnings]
        return lines


def _show(value: Any) -> str:
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return str(int(value))
    return str(value)


def _same(old: Any, new: Any) -> bool:
    if old is None or new is None:
        return old is new
    if isinstance(new, int | float | Decimal) and not isinstance(new, bool):
        try:
            return Decimal(str(old)) == Decimal(str(new))
        except ArithmeticError:
            return False
    return old == new


def vm_changes(vm: NetboxVM, instance: GanetiInstance) -> dict[str, tuple[Any, Any]]:
    """Field → (NetBox value, Ganeti value) for every field that differs."""
    changes = {}
    wanted = instance.fields()
    for name in VM_FIELDS:
        if name == "disk" and vm.has_virtual_disks:
            continue
        old = getattr(vm, name)
        if not _same(old, wanted[name]):
            changes[name] = (old, wanted[name])
    return changes


def plan_sync(
    profile: str,
    ganeti: GanetiState,
    netbox: NetboxState,
    *,
    max_delete_share: float = DEFAULT_MAX_DELETE_SHARE,
    force: bool = False,
) -> Plan:
    """Compare Ganeti with NetBox and list every change needed, with the mass-deletion guard applied."""
    plan = Plan(profile=profile, create_cluster_group=not netbox.group_exists)
    for name, message in ganeti.errors:
        plan.failures.append((name, message))

    # Clusters: one per node group. A same-named cluster at the site without a group is adopted (the HEAD tool did
    # that); one in another profile's group is not taken over: that node group is skipped with one failure.
    ours = {name: c for name, c in netbox.clusters.items() if c.in_group}
    blocked: set[str] = set()
    for group in sorted(ganeti.groups):
        if group in ours:
            continue
        existing = netbox.clusters.get(group)
        if existing is None:
            plan.clusters_create.append(ClusterChange(group))
        elif existing.other_group is None:
            plan.clusters_adopt.append(ClusterChange(group, existing.id))
        else:
            blocked.add(group)
            plan.failures.append(
                (
                    group,
                    f"Not syncing node group {group}: cluster {group} at the site is in group {existing.other_group}",
                )
            )
    vanished = sorted(name for name in ours if name not in ganeti.groups)
    if blocked:  # leave everything of a skipped node group alone, as if Ganeti had not answered for it
        ganeti = GanetiState(
            {g: nodes for g, nodes in ganeti.groups.items() if g not in blocked},
            {n: i for n, i in ganeti.instances.items() if i.group not in blocked},
            ganeti.errors,
            ganeti.protected | {n for n, i in ganeti.instances.items() if i.group in blocked},
        )

    _plan_devices(plan, ganeti, netbox)
    _plan_vms(plan, ganeti, netbox, ours)

    # A cluster whose node group is gone is deleted once nothing stays in it.
    leaving = {d.id for d in plan.vms_delete} | {u.id for u in plan.vms_update if u.is_move}  # once, not per VM
    staying = Counter(vm.cluster for vm in netbox.vms if vm.in_group and vm.id not in leaving)
    for name in vanished:
        if staying[name]:
            plan.warnings.append((name, f"Keeping Cluster {name}: {staying[name]} VMs remain in it"))
        else:
            plan.clusters_delete.append(ClusterChange(name, ours[name].id))

    _guard_deletions(plan, netbox, max_delete_share, force)
    return plan


def _plan_devices(plan: Plan, ganeti: GanetiState, netbox: NetboxState) -> None:
    by_name: dict[str, list[NetboxDevice]] = {}
    for device in netbox.devices:
        by_name.setdefault(device.name, []).append(device)
    assigned_ids: set[int] = set()
    for group, nodes in sorted(ganeti.groups.items()):
        for node in nodes:
            candidates = by_name.get(node, [])
            if len(candidates) > 1:
                candidates = [d for d in candidates if d.at_site] or candidates
            if not candidates:
                plan.failures.append((node, f"Ganeti node {node} of node group {group} is not a device in NetBox"))
                continue
            if len(candidates) > 1:
                plan.failures.append((node, f"Ganeti node {node} matches {len(candidates)} devices in NetBox"))
                continue
            device = candidates[0]
            assigned_ids.add(device.id)
            if device.cluster != group or not device.cluster_in_group:
                plan.devices.append(DeviceChange(device.id, device.name, device.cluster, group))
    for device in sorted(netbox.devices, key=lambda d: d.name):
        if device.cluster_in_group and device.id not in assigned_ids:
            plan.devices.append(DeviceChange(device.id, device.name, device.cluster, None))


def _plan_vms(plan: Plan, ganeti: GanetiState, netbox: NetboxState, ours: Mapping[str, NetboxCluster]) -> None:
    inside: dict[str, list[NetboxVM]] = {}
    outside: dict[str, list[NetboxVM]] = {}
    for vm in netbox.vms:
        (inside if vm.in_group else outside).setdefault(vm.name, []).append(vm)

    for name in sorted(ganeti.instances):
        instance = ganeti.instances[name]
        matches = inside.get(name) or outside.get(name) or []
        if len(matches) > 1:
            where = ", ".join(sorted(str(vm.cluster) for vm in matches))
            plan.failures.append((name, f"VM {name} exists {len(matches)} times in NetBox (clusters {where})"))
            continue
        if not matches:
            plan.vms_create.append(VMCreate(name, instance.group, instance.fields()))
            continue
        vm = matches[0]
        changes = vm_changes(vm, instance)
        if vm.cluster != instance.group or not vm.in_group:
            changes = {"cluster": (vm.cluster, instance.group), **changes}
        if changes:
            plan.vms_update.append(VMUpdate(vm.id, name, instance.group, changes))

    ip_kept: list[NetboxVM] = []
    for name in sorted(inside):
        if name in ganeti.instances or name in ganeti.protected:
            continue
        for vm in inside[name]:
            if vm.ip_count:
                ip_kept.append(vm)
            else:
                plan.vms_delete.append(VMDelete(vm.id, vm.name, vm.cluster or ""))
    for vm in ip_kept:
        plan.failures.append(
            (vm.name, f"Not deleting VM {vm.name}: gone from Ganeti but still has {vm.ip_count} IP addresses")
        )

    deleted = {v.id for v in plan.vms_delete}
    plan.import_candidates = sorted(
        vm.name
        for vms in inside.values()
        for vm in vms
        if vm.awaiting_import and vm.id not in deleted and vm.name in ganeti.instances
    )


def _guard_deletions(plan: Plan, netbox: NetboxState, max_delete_share: float, force: bool) -> None:
    """Refuse to delete more than ``max_delete_share`` of any cluster's VMs: a partial RAPI answer must not wipe
    NetBox. Moves out of a cluster are not deletions."""
    in_cluster = Counter(vm.cluster for vm in netbox.vms if vm.in_group)
    deleting = Counter(v.cluster for v in plan.vms_delete)
    for cluster in sorted(deleting):
        total, count = in_cluster[cluster], deleting[cluster]
        if count > max_delete_share * total:
            message = (
                f"Refusing to delete {count} of {total} VMs in cluster {cluster} "
                f"(more than {max_delete_share:.0%}); run with force to delete them"
            )
            if force:
                plan.warnings.append((cluster, f"Forced: deleting {count} of {total} VMs in cluster {cluster}"))
            else:
                plan.refusals.append(message)
