"""Ganeti → NetBox sync, the NetBox side: bulk loader, applier, and the service every door calls.

``sync_profile()`` = read RAPI → parse (pure) → lock the profile → load NetBox in a fixed number of queries → plan
(pure) → apply in one transaction (only with ``commit=True`` and when the mass-deletion guard allows it). A failed
RAPI read or an unusable answer ends the run before NetBox is even read: no writes from a failed load.
"""

from __future__ import annotations

import hashlib
import importlib
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from dcim.models import Device, DeviceRole, Site
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, connection, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils.text import slugify
from virtualization.models import Cluster, ClusterGroup, ClusterType, VirtualMachine, VMInterface

from ..heap import heap_frozen
from .config import GanetiProfile
from .plan import (
    DEFAULT_MAX_DELETE_SHARE,
    PRIMARY_PLACEHOLDER,
    GanetiDataError,
    GanetiState,
    LogLine,
    NetboxCluster,
    NetboxDevice,
    NetboxState,
    NetboxVM,
    Plan,
    parse_ganeti,
    plan_sync,
)
from .rapi import RapiClient, RapiError

logger = logging.getLogger("netbox_wmf_ops.ganeti")

CLUSTER_TYPE = "Ganeti"
DEFAULT_VM_ROLE = "server"
IMPORTER_MODULE = "netbox_wmf_ops.puppetdb.importer"
REFUSALS = (ValidationError, IntegrityError, DataError)  # what refuses one object, not the whole run


@dataclass
class SyncResult:
    profile: str
    commit: bool
    plan: Plan | None = None
    lines: list[LogLine] = field(default_factory=list)
    applied: bool = False
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return any(line.level == "failure" for line in self.lines)

    @property
    def change_count(self) -> int:
        return self.plan.change_count if self.plan and (self.applied or not self.commit) else 0

    def summary(self) -> str:
        """The closing line, `<count> <condition> <noun>`."""
        if self.commit:
            return f"{self.change_count} changes applied to profile {self.profile}"
        return f"{self.change_count} changes planned for profile {self.profile}"

    def add(self, level: str, message: str, name: str | None = None) -> None:
        self.lines.append(LogLine(level, message, name))


def advisory_lock_key(profile: str) -> int:
    """A stable signed 64-bit key per profile (Python's hash() is salted per process, so unusable across workers)."""
    digest = hashlib.blake2b(f"netbox_wmf_ops.ganeti_sync:{profile}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def lock_profile(profile: str) -> None:
    """Serialise runs for one profile across processes and rq workers; released when the transaction ends."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [advisory_lock_key(profile)])


# ----------------------------------------------------------------------------------------------------------- read


def read_ganeti(client: RapiClient) -> GanetiState:
    """Raises RapiError or GanetiDataError; never returns a partial state."""
    return parse_ganeti(client.groups(), client.nodes(), client.instances())


def load_netbox_state(profile: str, site_slug: str, ganeti: GanetiState) -> NetboxState:
    """Everything the planner needs from NetBox in four queries, whatever the number of VMs."""
    group = ClusterGroup.objects.filter(name=profile).values("id").first()
    group_id = group["id"] if group else None
    in_group = Q(group_id=group_id) if group_id else Q(pk__in=[])
    on_group_clusters = Q(cluster__group_id=group_id) if group_id else Q(pk__in=[])

    clusters = {}
    for row in (
        Cluster.objects.filter(in_group | Q(_site__slug=site_slug, name__in=list(ganeti.groups)))
        .values("id", "name", "group_id", "group__name")
        .order_by("pk")
    ):
        in_group = group_id is not None and row["group_id"] == group_id
        cluster = NetboxCluster(row["id"], row["name"], in_group, None if in_group else row["group__name"])
        if cluster.in_group or row["name"] not in clusters:
            clusters[row["name"]] = cluster

    placeholder = VMInterface.objects.filter(virtual_machine=OuterRef("pk"), name=PRIMARY_PLACEHOLDER)
    vms = tuple(
        NetboxVM(
            id=row["id"],
            name=row["name"],
            cluster=row["cluster__name"],
            in_group=group_id is not None and row["cluster__group_id"] == group_id,
            vcpus=row["vcpus"],
            memory=row["memory"],
            disk=row["disk"],
            status=row["status"],
            ip_count=row["ip_count"],
            has_virtual_disks=bool(row["virtual_disk_count"]),
            awaiting_import=row["awaiting_import"] and row["tenant_id"] is None,
        )
        for row in VirtualMachine.objects.filter(on_group_clusters | Q(name__in=list(ganeti.instances)))
        .annotate(ip_count=Count("interfaces__ip_addresses"), awaiting_import=Exists(placeholder))
        .values(
            "id",
            "name",
            "cluster__name",
            "cluster__group_id",
            "vcpus",
            "memory",
            "disk",
            "status",
            "virtual_disk_count",
            "tenant_id",
            "ip_count",
            "awaiting_import",
        )
        .order_by("pk")
    )

    node_names = [node for nodes in ganeti.groups.values() for node in nodes]
    devices = tuple(
        NetboxDevice(
            id=row["id"],
            name=row["name"],
            cluster=row["cluster__name"],
            cluster_in_group=group_id is not None and row["cluster__group_id"] == group_id,
            at_site=row["site__slug"] == site_slug,
        )
        for row in Device.objects.filter(on_group_clusters | Q(name__in=node_names))
        .values("id", "name", "cluster__name", "cluster__group_id", "site__slug")
        .order_by("pk")
    )
    return NetboxState(group_exists=group_id is not None, clusters=clusters, vms=vms, devices=devices)


# ---------------------------------------------------------------------------------------------------------- apply


@dataclass
class _Write:
    """One object to save, named as the log names it."""

    obj: object
    name: str
    kind: str
    clean: bool = True


class _Applier:
    """Writes one plan. Every object goes through save()/delete() so change logging and validators see it.

    Each kind of write (new clusters, adopted clusters, devices, new VMs, updated VMs, deletions) runs in one
    savepoint. When the database refuses one object, that savepoint is rolled back and the same objects are written
    again one savepoint each, so the refused object is one failure line and the rest still applies. Not one savepoint
    per object from the start: NetBox's deferred search indexing keeps one commit callback per savepoint scope and
    looks its own up by scanning every callback of the transaction on each save, which made a large sync quadratic
    (docs/ganeti.md, "How a run works", step 6)."""

    def __init__(self, plan: Plan, site: Site, result: SyncResult, vm_role: str):
        self.plan, self.site, self.result, self.vm_role = plan, site, result, vm_role

    def apply(self) -> None:
        plan = self.plan
        group = self._cluster_group()
        cluster_type = ClusterType.objects.get_or_create(slug=slugify(CLUSTER_TYPE), defaults={"name": CLUSTER_TYPE})[0]
        clusters = {c.name: c for c in Cluster.objects.filter(group=group)}
        new_clusters = []
        for change in plan.clusters_create:
            cluster = Cluster(name=change.name, type=cluster_type, group=group, scope=self.site, status="active")
            new_clusters.append(_Write(cluster, change.name, "Cluster"))
        adopt = Cluster.objects.in_bulk([c.id for c in plan.clusters_adopt])
        adopted = []
        for change in plan.clusters_adopt:
            cluster = adopt[change.id]
            cluster.snapshot()
            cluster.group, cluster.type = group, cluster_type
            adopted.append(_Write(cluster, change.name, "Cluster"))
        for write in self._save_all(new_clusters) + self._save_all(adopted):
            clusters[write.name] = write.obj

        devices = Device.objects.in_bulk([d.id for d in plan.devices])
        device_writes = []
        for change in plan.devices:
            device = devices[change.id]
            if change.new_cluster is not None and change.new_cluster not in clusters:
                self.result.add("failure", f"Not assigning device {change.name}: no cluster {change.new_cluster}")
                continue
            device.snapshot()
            device.cluster = clusters.get(change.new_cluster) if change.new_cluster else None
            device_writes.append(_Write(device, change.name, "device", clean=False))
        self._save_all(device_writes)

        role = DeviceRole.objects.filter(slug=self.vm_role).first()
        if role is None and plan.vms_create:
            self.result.add("warning", f"No device role {self.vm_role}: new VMs are created without a role")
        new_vms = []
        for change in plan.vms_create:
            if change.cluster not in clusters:
                self.result.add("failure", f"Not creating VM {change.name}: no cluster {change.cluster}", change.name)
                continue
            vm = VirtualMachine(name=change.name, cluster=clusters[change.cluster], site=self.site, role=role)
            for name, value in change.fields.items():
                setattr(vm, name, value)
            new_vms.append(_Write(vm, change.name, "VM"))
        self._save_all(new_vms)

        vms = VirtualMachine.objects.select_related("cluster").in_bulk([u.id for u in plan.vms_update])
        updated_vms = []
        for change in plan.vms_update:
            vm = vms[change.id]
            vm.snapshot()
            for name, (_, new) in change.changes.items():
                if name == "cluster":
                    if new not in clusters:
                        self.result.add("failure", f"Not moving VM {change.name}: no cluster {new}", change.name)
                        break
                    vm.cluster, vm.site = clusters[new], self.site
                else:
                    setattr(vm, name, new)
            else:
                # Ganeti's values need no model validation (whole numbers, a known status, a cluster at the site), and
                # full_clean() would double the cost of the most frequent write (constraint and custom-field queries).
                updated_vms.append(_Write(vm, change.name, "VM", clean=False))
        self._save_all(updated_vms)

        self._delete_all(VirtualMachine, [v.id for v in plan.vms_delete], "VM")
        self._delete_all(Cluster, [c.id for c in plan.clusters_delete], "Cluster")

    def _cluster_group(self) -> ClusterGroup:
        name = self.plan.profile
        if not self.plan.create_cluster_group:
            return ClusterGroup.objects.get(name=name)
        group = ClusterGroup(name=name, slug=slugify(name))
        group.full_clean()
        group.save()
        return group

    def _save_all(self, writes: list[_Write]) -> list[_Write]:
        """Save ``writes`` in one savepoint, falling back to one savepoint each if the database refuses one; returns
        the writes that were saved. Model validation runs first, outside the savepoint: it only reads."""
        valid = [write for write in writes if not write.clean or self._validates(write)]
        if not valid:
            return []
        try:
            with transaction.atomic():
                for write in valid:
                    write.obj.save()
            return valid
        except REFUSALS:
            pass
        # Everything in the savepoint was undone. A new object keeps the primary key it was given, so its second save
        # inserts the same row (Django updates nothing, then inserts) and any event queued for it stays correct.
        return [write for write in valid if self._save(write)]

    def _validates(self, write: _Write) -> bool:
        try:
            write.obj.full_clean()
            return True
        except ValidationError as e:
            self._refused(write, e)
            return False

    def _save(self, write: _Write) -> bool:
        try:
            with transaction.atomic():
                if write.clean:
                    write.obj.full_clean()
                write.obj.save()
            return True
        except REFUSALS as e:
            self._refused(write, e)
            return False

    def _refused(self, write: _Write, error: Exception) -> None:
        detail = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error).splitlines()[0]
        self.result.add("failure", f"Failed to save {write.kind} {write.name}: {detail}", write.name)

    def _delete_all(self, model, ids: list[int], kind: str) -> None:
        if not ids:
            return
        try:
            with transaction.atomic():
                for obj in model.objects.filter(pk__in=ids).order_by("name"):
                    obj.delete()
            return
        except Exception:  # ProtectedError, RestrictedError and the like: find which one, delete the others
            pass
        for obj in model.objects.filter(pk__in=ids).order_by("name"):
            try:
                with transaction.atomic():
                    obj.delete()
            except Exception as e:
                self.result.add("failure", f"Failed to delete {kind} {obj.name}: {e.__class__.__name__}", obj.name)


# -------------------------------------------------------------------------------------------------------- service


def queue_interface_import(names: Iterable[str], result: SyncResult, *, commit: bool) -> None:
    """Hand VMs awaiting their first PuppetDB import to the interface automation
    (docs/behaviour-reference.md §4.4 step 5).

    Uses ``netbox_wmf_ops.puppetdb.importer.queue_import(names, commit=...)`` when the module provides it; otherwise
    only says what it would queue."""
    names = sorted(names)
    if not names:
        return
    queue = None
    try:
        queue = getattr(importlib.import_module(IMPORTER_MODULE), "queue_import", None)
    except ModuleNotFoundError as e:
        if e.name not in (IMPORTER_MODULE, IMPORTER_MODULE.rsplit(".", 1)[0]):
            raise
    listed = " ".join(names)
    if queue is None or not commit:
        result.add("info", f"Would queue the interface automation for {len(names)} VMs: {listed}")
        return
    queue(names, commit=True)
    result.add("info", f"Queued the interface automation for {len(names)} VMs: {listed}")


@heap_frozen()
def sync_profile(
    profile: GanetiProfile,
    *,
    commit: bool = False,
    force: bool = False,
    max_delete_share: float = DEFAULT_MAX_DELETE_SHARE,
    vm_role: str = DEFAULT_VM_ROLE,
    client: RapiClient | None = None,
) -> SyncResult:
    """Make NetBox match one Ganeti cluster. Dry-run unless ``commit``; the result carries every log line."""
    result = SyncResult(profile=profile.name, commit=commit)
    started = time.monotonic()
    try:
        ganeti = read_ganeti(client or RapiClient(profile.endpoint))
    except (RapiError, GanetiDataError) as e:
        result.add("failure", f"Ganeti profile {profile.name}: {e}")
        return result
    result.timings["rapi"] = time.monotonic() - started

    site = Site.objects.filter(slug=profile.site).first()
    if site is None:
        result.add("failure", f"Ganeti profile {profile.name}: no site with slug {profile.site}")
        return result

    with transaction.atomic():
        lock_profile(profile.name)
        mark = time.monotonic()
        netbox = load_netbox_state(profile.name, profile.site, ganeti)
        result.timings["netbox_load"] = time.monotonic() - mark
        mark = time.monotonic()
        plan = plan_sync(profile.name, ganeti, netbox, max_delete_share=max_delete_share, force=force)
        result.plan = plan
        result.timings["plan"] = time.monotonic() - mark
        result.lines.extend(line for line in plan.log_lines() if line.level != "warning")
        if commit and not plan.blocked and plan.change_count:
            mark = time.monotonic()
            _Applier(plan, site, result, vm_role).apply()
            result.timings["apply"] = time.monotonic() - mark
        result.applied = commit and not plan.blocked
        queue_interface_import(plan.import_candidates, result, commit=commit and result.applied)
        result.lines.extend(line for line in plan.log_lines() if line.level == "warning")  # grouped, after failures

    result.add("info", plan.summary())
    timings = ", ".join(f"{k} {v:.2f} s" for k, v in result.timings.items())
    result.add("debug", f"Timings for profile {profile.name}: {timings}")
    return result
