"""ReplaceDevice (docs/behaviour-reference.md §2.7): an RMA or in-place replacement. The new device takes the old one's
name, placement, addresses and components (cables and IPs travel with the interfaces); the old one becomes
``{name}-old``, decommissioning.

``load_sides`` reads both devices and their components in a bounded number of queries for the pure planner
(``lifecycle.planning.replace_device.plan_replacement``); ``apply_replacement`` makes the planned changes."""

from __future__ import annotations

from dcim import models as dcim
from dcim.models import CableTermination, Device
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count
from ipam.models import IPAddress

from netbox_wmf_ops.logs import Log

from .planning.replace_device import (
    COPIED_ATTRIBUTES,
    MOVED_ATTRIBUTES,
    RACKING_COPIED,
    RACKING_MOVED,
    Component,
    DeviceSide,
    ReplacementPlan,
    plan_messages,
)

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
