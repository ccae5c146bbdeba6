"""ReplaceDevice rules (docs/behaviour-reference.md §2.7), pure: two device records in, the refusals and every change
out.

``netbox_wmf_ops.lifecycle.replace_device`` loads both devices and applies the plan."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from .offline_device import InterfaceRecord, removal_order
from .refusal import Refused

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
    """Everything the replacement changes, or Refused before anything is written."""
    if source.pk == destination.pk:
        # The original meant to log this through a log_error() that does not exist, and crashed instead.
        raise Refused("Source and destination devices are the same")
    if source.site != destination.site:
        raise Refused(
            f"{source.name} is at site {source.site} and {destination.name} at site {destination.site}: "
            "an in-place replacement needs both at the same site"
        )
    if old_name_taken:
        raise Refused(f"A device named {source.name}-old already exists at site {source.site}")
    kinds = component_kinds(already_racked, move_inventory)
    for kind in kinds:
        for component in destination.components.get(kind, ()):
            if component.occupied_by:
                raise Refused(
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
