"""Applying a plan: its changes, in order, through NetBox's models (so change logging and custom validators see
them). The caller's transaction rolls every change back when one fails."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dcim.models import Cable, Device, Interface
from django.core.exceptions import ValidationError
from ipam.models import IPAddress
from virtualization.models import VirtualMachine, VMInterface

from .planning.changes import Change, Plan
from .planning.records import HostState, PortRef, canonical_address


class ApplyError(Exception):
    """A planned change could not be made (e.g. a custom validator refused it); the host's changes are rolled back."""


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
        self.ips[canonical_address(fields["address"])] = obj

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
        self.ips[canonical_address(str(obj.address))] = obj

    # -- devices (primary IPs)
    def _update_device(self, change: Change) -> None:
        fields = dict(change.fields)
        owner = self.owner(change.key, fields.pop("owner_kind", None), fields.pop("owner_id", None))
        owner.snapshot()
        for key, address in fields.items():
            if address is None:
                setattr(owner, key, None)
                continue
            ip = self.ips.get(canonical_address(address))
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


def apply_plan(plan: Plan, host: Device | VirtualMachine, state: HostState | None = None) -> None:
    """Make the plan's changes, in order. Raises ApplyError (the caller's transaction rolls back)."""
    owner_ids = {s.name: s.id for s in state.switches if s.id} if state is not None else {}
    applier = _Applier(host, owner_ids)
    applier.preload(plan.changes)
    for change in plan.changes:
        applier.apply(change)
