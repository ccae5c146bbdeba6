"""ReplaceDevice (docs/behaviour-reference.md §2.7): an RMA or in-place replacement. The new device takes the old one's
name, placement,
addresses and components (cables and IPs travel with the interfaces); the old one becomes ``{name}-old``,
decommissioning.

``plan_replacement`` is pure: two device records in, the refusals and every change out. ``load_sides`` reads both
devices and their components in a bounded number of queries; ``apply_replacement`` makes the planned changes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from netbox_wmf_ops.lifecycle.offline_device import InterfaceRecord, removal_order
from netbox_wmf_ops.logs import Log

# Moved to the new device and cleared on the old one (spec step 3); "position" only when not already racked.
# "oob_ip" (NetBox >= 3.6, after the original was written) follows the management interface that carries it.
MOVED_ATTRIBUTES = ("cluster", "virtual_chassis", "vc_position", "vc_priority", "primary_ip4", "primary_ip6", "oob_ip")
# Copied to the new device, kept on the old one (spec step 4); "rack" and "face" only when not already racked.
COPIED_ATTRIBUTES = ("tenant",)
RACKING_MOVED = ("position",)
RACKING_COPIED = ("rack", "face")
# Component kinds, by their Device accessor name as the messages show them (spec step 5).
ALWAYS_MOVED = ("interfaces", "consoleserverports", "poweroutlets")
RACKING_MOVED_KINDS = ("powerports", "consoleports")
INVENTORY = ("inventoryitems",)


class RefusedError(ValueError):
    """A replacement the script refuses; the message says why."""


@dataclass(frozen=True)
class Component:
    pk: int
    name: str
    parent_pk: int | None = None  # interfaces and inventory items: delete children first
    occupied_by: str = ""  # "a cable", "IP addresses": what deleting it on the new device would lose


@dataclass(frozen=True)
class DeviceSide:
    pk: int
    name: str
    asset_tag: str | None
    site: str
    attributes: dict[str, tuple[object, str]]  # attribute -> (raw value, as shown in messages)
    components: dict[str, tuple[Component, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class AttributeChange:
    attribute: str
    value: object
    shown: str
    clear_source: bool


@dataclass
class ReplacementPlan:
    source: DeviceSide
    destination: DeviceSide
    attributes: list[AttributeChange]
    deletions: list[tuple[str, Component]]  # on the new device, in a deletable order
    moves: list[tuple[str, Component]]  # from the old device

    @property
    def old_name(self) -> str:
        return f"{self.source.name}-old"


def component_kinds(already_racked: bool, move_inventory: bool) -> tuple[str, ...]:
    return ALWAYS_MOVED + (() if already_racked else RACKING_MOVED_KINDS) + (INVENTORY if move_inventory else ())


def plan_replacement(
    source: DeviceSide,
    destination: DeviceSide,
    *,
    already_racked: bool,
    move_inventory: bool,
    old_name_taken: bool = False,
) -> ReplacementPlan:
    """Everything the replacement changes, or RefusedError before anything is written."""
    if source.pk == destination.pk:
        # The original meant to log this through a log_error() that does not exist, and crashed instead.
        raise RefusedError("Source and destination devices are the same")
    if source.site != destination.site:
        raise RefusedError(
            f"{source.name} is at site {source.site} and {destination.name} at site {destination.site}: "
            "an in-place replacement needs both at the same site"
        )
    if old_name_taken:
        raise RefusedError(f"A device named {source.name}-old already exists at site {source.site}")
    kinds = component_kinds(already_racked, move_inventory)
    for kind in kinds:
        for component in destination.components.get(kind, ()):
            if component.occupied_by:
                raise RefusedError(
                    f"{destination.name}: {kind} {component.name} has {component.occupied_by}, which would be "
                    "deleted with it: remove it from the new device first"
                )

    changes = []
    moved = MOVED_ATTRIBUTES + (() if already_racked else RACKING_MOVED)
    copied = COPIED_ATTRIBUTES + (() if already_racked else RACKING_COPIED)
    for attributes, clear in ((moved, True), (copied, False)):
        for attribute in attributes:
            value, shown = source.attributes[attribute]
            if value != destination.attributes[attribute][0]:  # unchanged ones are not logged, as the original
                changes.append(AttributeChange(attribute, value, shown, clear))

    deletions, moves = [], []
    for kind in kinds:
        deletions += [(kind, c) for c in _children_first(destination.components.get(kind, ()))]
        moves += [(kind, c) for c in source.components.get(kind, ())]
    return ReplacementPlan(source, destination, changes, deletions, moves)


def _children_first(components: Sequence[Component]) -> list[Component]:
    by_pk = {c.pk: c for c in components}
    ordered = removal_order([InterfaceRecord(c.pk, c.name, parent_pk=c.parent_pk) for c in components])
    return [by_pk[r.pk] for r in ordered]


def plan_messages(plan: ReplacementPlan) -> list[tuple[str, str]]:
    """The attribute lines, in the original's wording (the component lines are logged as they happen)."""
    lines = []
    for change in plan.attributes:
        lines.append(("success", f"[dst] Setting {change.attribute} to {change.shown}"))
        if change.clear_source:
            lines.append(("info", f"[src] Removing {change.attribute}"))
    return lines


# --- NetBox side -----------------------------------------------------------------------------------------------------

# Component kind -> model name in dcim.
KIND_MODELS = {
    "interfaces": "Interface",
    "consoleserverports": "ConsoleServerPort",
    "poweroutlets": "PowerOutlet",
    "powerports": "PowerPort",
    "consoleports": "ConsolePort",
    "inventoryitems": "InventoryItem",
}
CABLED_KINDS = {"interfaces", "consoleserverports", "poweroutlets", "powerports", "consoleports"}
NESTED_KINDS = {"interfaces", "inventoryitems"}


def _shown(value) -> str:
    return "None" if value is None else str(value)


def load_sides(source, destination) -> tuple[DeviceSide, DeviceSide, object, object, bool]:
    """Both devices (fresh from the database), their records, and whether ``{source}-old`` is taken."""
    from dcim import models as dcim
    from dcim.models import Device
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Count
    from ipam.models import IPAddress

    related = ("site", "tenant", "rack", "cluster", "virtual_chassis", "primary_ip4", "primary_ip6", "oob_ip")
    devices = Device.objects.select_related(*related).in_bulk([source.pk, destination.pk])
    src, dst = devices[source.pk], devices[destination.pk]

    components: dict[int, dict[str, list[Component]]] = {src.pk: {}, dst.pk: {}}
    interface_ips = dict(
        IPAddress.objects.filter(
            assigned_object_type=ContentType.objects.get_for_model(dcim.Interface),
            assigned_object_id__in=dcim.Interface.objects.filter(device=dst).values("pk"),
        )
        .values("assigned_object_id")
        .annotate(n=Count("pk"))
        .values_list("assigned_object_id", "n")
    )
    for kind, model_name in KIND_MODELS.items():
        fields = ["pk", "device_id", "name"]
        fields += ["cable_id"] if kind in CABLED_KINDS else []
        fields += ["parent_id"] if kind in NESTED_KINDS else []
        for row in getattr(dcim, model_name).objects.filter(device__in=[src.pk, dst.pk]).values(*fields):
            occupied = "a cable" if row.get("cable_id") else ""
            if kind == "interfaces" and interface_ips.get(row["pk"]):
                occupied = "IP addresses" if not occupied else "a cable and IP addresses"
            components[row["device_id"]].setdefault(kind, []).append(
                Component(row["pk"], row["name"], row.get("parent_id"), occupied)
            )

    def side(device) -> DeviceSide:
        attributes = {}
        for attribute in MOVED_ATTRIBUTES + RACKING_MOVED + COPIED_ATTRIBUTES + RACKING_COPIED:
            field_obj = Device._meta.get_field(attribute)
            raw = getattr(device, field_obj.attname)
            attributes[attribute] = (raw, _shown(getattr(device, attribute)))
        kinds = {k: tuple(v) for k, v in components[device.pk].items()}
        return DeviceSide(device.pk, device.name, device.asset_tag, device.site.slug, attributes, kinds)

    old_name_taken = Device.objects.filter(site=src.site, name__iexact=f"{src.name}-old").exists()
    return side(src), side(dst), src, dst, old_name_taken


def apply_replacement(plan: ReplacementPlan, src, dst, log: Log) -> None:
    """Make the planned changes. Saves the old device before the new one (its name, position, VC slot and primary
    IPs must be free first) and re-points the cached device of the moved cable ends."""
    from dcim import models as dcim
    from dcim.models import CableTermination, Device
    from django.contrib.contenttypes.models import ContentType

    src.snapshot()
    dst.snapshot()
    dst.name, src.name = src.name, plan.old_name
    src.status, dst.status = "decommissioning", "active"
    dst.comments = f"{dst.comments} - Replaced {src.asset_tag}"

    for level, message in plan_messages(plan):
        log(level, message)
    for change in plan.attributes:
        attname = Device._meta.get_field(change.attribute).attname
        setattr(dst, attname, change.value)
        if change.clear_source:
            setattr(src, attname, None)

    models = {kind: getattr(dcim, name) for kind, name in KIND_MODELS.items()}
    to_delete = {kind: [c.pk for k, c in plan.deletions if k == kind] for kind in models}
    to_move = {kind: [c.pk for k, c in plan.moves if k == kind] for kind in models}
    objects = {kind: models[kind].objects.in_bulk(to_delete[kind] + to_move[kind]) for kind in models}
    for kind in component_kinds_of(plan):
        for k, component in plan.deletions:
            if k == kind:
                log("info", f"[dst] Deleting {kind} {component.name}.")
                objects[kind][component.pk].delete()
        for k, component in plan.moves:
            if k == kind:
                obj = objects[kind][component.pk]
                obj.snapshot()
                obj.device = dst
                obj.module = None  # a module belongs to the old device's bays
                obj.save()
                log("success", f"Moved {kind} {component.name}", obj)

    src.save()
    dst.save()
    vc = dst.virtual_chassis
    if vc is not None and vc.master_id == src.pk:  # the old device was the master: the new one takes over
        vc.snapshot()
        vc.master = dst
        vc.save()
        log("success", f"[dst] Setting virtual chassis {vc} master to {dst.name}")
    for kind in CABLED_KINDS:
        if to_move[kind]:
            CableTermination.objects.filter(
                termination_type=ContentType.objects.get_for_model(models[kind]), termination_id__in=to_move[kind]
            ).update(_device=dst, _rack=dst.rack, _location=dst.location, _site=dst.site)
    log("success", f"All done! {dst.asset_tag} replaced {src.asset_tag}", dst)


def component_kinds_of(plan: ReplacementPlan) -> list[str]:
    """The kinds the plan touches, in the original's order."""
    seen = [k for k, _ in plan.deletions] + [k for k, _ in plan.moves]
    return [k for k in KIND_MODELS if k in seen]
