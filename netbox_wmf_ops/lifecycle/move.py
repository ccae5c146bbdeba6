"""Move servers and their uplinks between top-of-rack switches (docs/behaviour-reference.md §2.6): MoveServer,
MoveServersUplinks, MoveSpecificUplinks.

``MoveServer`` checks everything first (``check_move_server``, reads only) and then moves (``apply_move_server``);
any refusal raises ``Refused`` and the script door rolls the run back. The uplink moves handle several servers: each
server is moved inside its own savepoint, so a server that cannot be moved is logged and left exactly as it was,
and the others still move (the spec's "skipping" semantics). The naming rules are pure, in
``lifecycle.planning.move``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from dcim.models import Device, Interface
from django.db import transaction

from .. import policy
from ..logs import Log
from .common import (
    clean_interface,
    configure_switch_port,
    create_cable,
    device_name,
    find_primary_interface,
    find_remote_interface,
    tagged_vlans_of,
)
from .planning.move import (
    NEW_SWITCH_STATUSES,
    move_server_unit,
    uplink_port_name,
    uplink_switch_problem,
    vc_port_problem,
)
from .planning.provision import NO_SERVER
from .planning.provision_frack import member_letter
from .planning.refusal import Refused, refuse_if
from .planning.switch_ports import SPINE_NAME_PREFIX, TOR_ROLES

# --------------------------------------------------------------------------------------------------------------------
# MoveServer
# --------------------------------------------------------------------------------------------------------------------


@dataclass
class MoveLeg:
    """One uplink to move: the server interface, its current switch port, and its new switch and port name."""

    primary: Interface
    old_port: Interface
    switch: Device
    z_iface: str


@dataclass
class MovePlan:
    device: Device
    switch: Device
    z_iface: str
    position: int
    cable_id: str
    primary: Interface
    old_port: Interface
    # A bonded host cabled to two switches (the dual-switch provisioning, docs/behaviour-reference.md §2.5) has one leg
    # per bond member; empty for the usual single uplink (primary → old_port).
    legs: list[MoveLeg] = field(default_factory=list)


def check_move_server(
    device: Device | None, switch: Device | None, z_iface: str, position: str | int | None, cable_id: str = ""
) -> MovePlan:
    """The checks of docs/behaviour-reference.md §2.6 MoveServer in the spec's order, then the ones the moves need
    (reads only)."""
    if device is None:
        raise Refused(NO_SERVER)
    name = device_name(device)
    unit = move_server_unit(
        name,
        switch=device_name(switch) if switch is not None else None,
        z_iface=z_iface,
        switch_status=switch.status if switch is not None else "",
        position=position,
        role=device.role.slug,
        switch_role=switch.role.slug if switch is not None else "",
        vc_position=switch.vc_position if switch is not None and switch.virtual_chassis_id else None,
    )

    members = bonded_uplinks(device)
    if members:
        legs = _bonded_legs(device, members, switch, z_iface)
        _check_rack_unit(device, switch, unit)
        first = next(leg for leg in legs if leg.switch.pk == switch.pk)
        return MovePlan(device, switch, z_iface, unit, cable_id or "", first.primary, first.old_port, legs)
    primary = find_primary_interface(device)
    old_port = _switch_port_of(name, primary, Refused)
    _check_rack_unit(device, switch, unit)
    return MovePlan(device, switch, z_iface, unit, cable_id or "", primary, old_port)


def bonded_uplinks(device: Device) -> list[Interface]:
    """The cabled members of the server's bond when every cabled non-mgmt interface belongs to the same LAG and
    there are at least two (a dual-switch host, docs/behaviour-reference.md §2.5); otherwise an empty list."""
    connected = list(
        Interface.objects.filter(device=device, mgmt_only=False, cable__isnull=False)
        .select_related("cable", "device", "lag")
        .order_by("name")
    )
    lags = {i.lag_id for i in connected}
    if len(connected) < 2 or len(lags) != 1 or None in lags:
        return []
    return connected


def _bonded_legs(device: Device, members: list[Interface], switch: Device, z_iface: str) -> list[MoveLeg]:
    """Each bond member moves to the switch of the new rack whose member letter is that of its current switch
    (``fasw2-c1a-eqiad`` → ``a``), on the same port name: the chosen switch and its partner in the new rack."""
    name = device_name(device)
    olds = [(member, _switch_port_of(name, member, Refused)) for member in members]
    partners = list(
        Device.objects.filter(rack_id=switch.rack_id, role__slug__in=TOR_ROLES, status__in=NEW_SWITCH_STATUSES)
        .filter(tenant_id=switch.tenant_id)
        .select_related("device_type__manufacturer", "rack", "role")
        .order_by("name")
    )
    by_letter: dict[str | None, list[Device]] = {}
    for candidate in partners:
        by_letter.setdefault(member_letter(candidate.name), []).append(candidate)
    legs = []
    for member, old_port in olds:
        letter = member_letter(old_port.device.name)
        targets = by_letter.get(letter, [])
        if len(targets) != 1:
            raise Refused(
                f"{name}: {member.name} is cabled to {device_name(old_port.device)} (member {letter}), but rack "
                f"{switch.rack} has {len(targets)} switches of member {letter}, skipping."
            )
        target = targets[0]
        vc_position = target.vc_position if target.virtual_chassis_id else None
        refuse_if(vc_port_problem(name, z_iface, device_name(target), vc_position))
        legs.append(MoveLeg(member, old_port, target, z_iface))
    if switch.pk not in {leg.switch.pk for leg in legs}:
        raise Refused(
            f"{name}: switch {device_name(switch)} is not the member of any of the bond's current switches, skipping."
        )
    return legs


def _switch_port_of(name: str, iface: Interface, refusal: type[Exception]) -> Interface:
    """The switch port at the other end of the server interface ``iface``; raises ``refusal`` (``Refused`` for
    MoveServer, ``Skip`` for the uplink moves) when there is none."""
    old_port = find_remote_interface(iface)
    if old_port is None:
        raise refusal(f"{name}: could not find connected switch port for {iface.name}")
    return old_port


def _check_rack_unit(device: Device, switch: Device, unit: int) -> None:
    """The new U must exist in the new switch's rack and be free (the original saved without checking, which fails
    on NetBox's unique rack/position/face constraint or silently overlaps two servers)."""
    name, switch_name = device_name(device), device_name(switch)
    rack = switch.rack
    if rack is None:
        raise Refused(f"{name}: switch {switch_name} is not in a rack, skipping.")
    u_height = device.device_type.u_height
    if not u_height:
        return
    face = device.face or "front"
    free = rack.get_available_units(
        u_height=u_height, rack_face=None if device.device_type.is_full_depth else face, exclude=[device.pk]
    )
    if unit not in free:
        raise Refused(f"{name}: U{unit} of rack {rack} is not free, skipping.")


def apply_move_server(plan: MovePlan, log: Log) -> None:
    """Move the uplink to the new switch port and the server to the new rack unit (docs/behaviour-reference.md §2.6
    MoveServer)."""
    device, old_port = plan.device, plan.old_port
    name = device_name(device)
    if plan.legs:
        _apply_bonded_move(plan, log)
        return
    new_port = configure_switch_port(
        plan.switch,
        plan.z_iface,
        old_port.untagged_vlan,
        log,
        iface_type=old_port.type,
        tagged_vlans=tagged_vlans_of(old_port),
    )
    clean_interface(old_port)
    log("success", f"{name}: reset old switch interface {device_name(old_port.device)}:{old_port.name}.", old_port)
    _delete_cable(plan.primary)
    log("success", f"{name}: deleted old cable.", device)
    create_cable(plan.primary, new_port, log, label=plan.cable_id)
    _rack_device(plan, log)


def _apply_bonded_move(plan: MovePlan, log: Log) -> None:
    """Every bond member's uplink moves (each new cable keeps its old cable's label, colour and type: one Cable ID
    input cannot name two cables), then the server moves to the new rack unit."""
    device = plan.device
    name = device_name(device)
    for leg in plan.legs:
        new_port = configure_switch_port(
            leg.switch,
            leg.z_iface,
            leg.old_port.untagged_vlan,
            log,
            iface_type=leg.old_port.type,
            tagged_vlans=tagged_vlans_of(leg.old_port),
        )
        clean_interface(leg.old_port)
        old_switch = device_name(leg.old_port.device)
        log("success", f"{name}: reset old switch interface {old_switch}:{leg.old_port.name}.", leg.old_port)
        label, color, cable_type = _delete_cable(leg.primary)
        log("success", f"{name}: deleted old cable of {leg.primary.name}.", device)
        create_cable(leg.primary, new_port, log, label=label, color=color, cable_type=cable_type)
    _rack_device(plan, log)


def _rack_device(plan: MovePlan, log: Log) -> None:
    device = plan.device
    device.refresh_from_db()
    device.snapshot()
    device.rack = plan.switch.rack
    device.location = plan.switch.rack.location
    device.position = plan.position
    device.face = device.face or "front"
    device.save()
    log("success", f"{device_name(device)}: moved to rack {device.rack}, U{plan.position}.", device)


def _delete_cable(iface: Interface) -> tuple[str, str, str]:
    """Delete the cable on ``iface``; returns its (label, color, type)."""
    cable = iface.cable
    kept = (cable.label or "", cable.color or "", cable.type or "")
    cable.snapshot()
    cable.delete()
    iface.refresh_from_db()
    return kept


# --------------------------------------------------------------------------------------------------------------------
# Uplink moves
# --------------------------------------------------------------------------------------------------------------------


class Skip(Exception):  # noqa: N818 - it is an outcome, not an error
    """A server the uplink move leaves alone; ``level`` is how it is reported (failure, or info when nothing to do)."""

    def __init__(self, message: str, level: str = "failure") -> None:
        super().__init__(message)
        self.level = level


def check_uplink_switch(switch: Device | None) -> Device:
    """MoveServersUplinks' new switch, refused unless it is a racked top-of-rack switch in a usable status."""
    if switch is None:
        refuse_if(uplink_switch_problem(None, "", "", racked=False))
    refuse_if(uplink_switch_problem(device_name(switch), switch.role.slug, switch.status, bool(switch.rack_id)))
    return switch


def servers_in_rack_of(switch: Device) -> list[Device]:
    """MoveServersUplinks' servers: active, without a tenant, in the new switch's rack."""
    return list(
        Device.objects.filter(
            rack_id=switch.rack_id, role__slug=policy.SERVER_ROLE, status="active", tenant__isnull=True
        )
        .select_related("role", "rack")
        .order_by("name")
    )


def other_switch_in_rack(server: Device, old_switch: Device) -> Device:
    """The single other active top-of-rack switch in the old switch's rack (spines excluded). Role by slug: the
    original hardcoded the role's primary key 4 (docs/behaviour-reference.md §6.4 item 10)."""
    others = list(
        Device.objects.filter(rack_id=old_switch.rack_id, role__slug__in=TOR_ROLES, status="active")
        .exclude(pk=old_switch.pk)
        .exclude(name__startswith=SPINE_NAME_PREFIX)
        .select_related("device_type__manufacturer", "rack")
    )
    if len(others) != 1:
        raise Skip(f"{device_name(server)}: rack {old_switch.rack} has {len(others)} other switches, skipping.")
    return others[0]


def move_server_uplink(server: Device, log: Log, new_switch: Device | None = None) -> str:
    """Move one server's uplink from its current switch port to the matching port of ``new_switch`` (or of the other
    switch in the old switch's rack). Raises :class:`Skip` or ``Refused``; the caller rolls the server back."""
    name = device_name(server)
    members = bonded_uplinks(server)
    if members:
        return _move_bonded_uplinks(server, members, log, new_switch)
    try:
        primary = find_primary_interface(server)
    except Refused as exc:
        log("info", str(exc), server)
        raise Skip(f"{name}: cannot find primary interface, skipping.") from None
    old_port = _switch_port_of(name, primary, Skip)
    old_switch = old_port.device
    if new_switch is None:
        new_switch = other_switch_in_rack(server, old_switch)
    elif new_switch.pk == old_switch.pk:
        raise Skip(f"{name} already connected to {device_name(new_switch)}, skipping.", level="info")
    return _move_leg(server, primary, old_port, new_switch, log)


def _move_bonded_uplinks(server: Device, members: list[Interface], log: Log, new_switch: Device | None) -> str:
    """A bonded dual-switch server (docs/behaviour-reference.md §2.5): each member's uplink is a uplink of its own. With
    ``new_switch``, only the member cabled to a switch of the same rack and member letter moves to it; without, each
    member whose switch's rack has another active top-of-rack switch with the same member letter (its replacement, none
    of the bond's current switches) moves to it, the others stay. Several candidates, or none for every member, refuse
    the server (nothing moved)."""
    name = device_name(server)
    legs = [(member, _switch_port_of(name, member, Skip)) for member in members]
    bond_switches = {old_port.device_id for _, old_port in legs}
    messages = []
    for member, old_port in legs:
        old_switch = old_port.device
        letter = member_letter(old_switch.name)
        if new_switch is not None:
            if new_switch.rack_id != old_switch.rack_id or member_letter(new_switch.name) != letter:
                continue
            if new_switch.pk == old_switch.pk:
                log("info", f"{name} already connected to {device_name(new_switch)}, skipping.", server)
                continue
            target = new_switch
        else:
            candidates = [
                d
                for d in Device.objects.filter(rack_id=old_switch.rack_id, role__slug__in=TOR_ROLES, status="active")
                .exclude(pk__in=bond_switches)
                .exclude(name__startswith=SPINE_NAME_PREFIX)
                .select_related("device_type__manufacturer", "rack")
                if member_letter(d.name) == letter
            ]
            if not candidates:
                continue  # this switch stays: its member keeps its uplink
            if len(candidates) > 1:
                raise Skip(
                    f"{name}: rack {old_switch.rack} has {len(candidates)} other switches of member {letter} for "
                    f"{member.name}, skipping."
                )
            target = candidates[0]
        messages.append(_move_leg(server, member, old_port, target, log))
    if not messages and new_switch is not None:
        raise Skip(f"{name}: no uplink to move to {device_name(new_switch)}, skipping.", level="info")
    if not messages:
        racks = sorted({str(old_port.device.rack) for _, old_port in legs})
        raise Skip(f"{name}: rack {', '.join(racks)} has no other switch of the bond's members, skipping.")
    return "\n".join(messages)


def _move_leg(server: Device, primary: Interface, old_port: Interface, new_switch: Device, log: Log) -> str:
    """Move one uplink (server interface ``primary``, now on ``old_port``) to the matching port of ``new_switch``."""
    name = device_name(server)
    old_switch = old_port.device
    old_switch_name, new_switch_name = device_name(old_switch), device_name(new_switch)
    try:
        new_name = uplink_port_name(
            old_port.name,
            old_port.type,
            old_switch.device_type.manufacturer.slug,
            new_switch.device_type.manufacturer.slug,
            new_switch.vc_position if new_switch.virtual_chassis_id else None,
        )
    except ValueError as exc:
        raise Skip(
            f"{name}: cannot move {old_switch_name} {old_port.name} to {new_switch_name}: {exc}, skipping."
        ) from None
    new_port = configure_switch_port(
        new_switch,
        new_name,
        old_port.untagged_vlan,
        log,
        iface_type=old_port.type,
        tagged_vlans=tagged_vlans_of(old_port),
    )
    clean_interface(old_port)
    label, color, cable_type = _delete_cable(primary)
    create_cable(primary, new_port, log, label=label, color=color, cable_type=cable_type)
    message = f"{name}: moved connection from {old_switch_name} {old_port.name} to {new_switch_name} {new_name}."
    log("success", message, server)
    return message


def move_uplinks(servers: Iterable[Device], log: Log, new_switch: Device | None = None) -> tuple[int, int]:
    """Move each server's uplink in its own savepoint: (moved, refused). A refused server keeps no change."""
    moved = refused = 0
    for server in servers:
        try:
            with transaction.atomic():
                move_server_uplink(server, log, new_switch)
            moved += 1
        except Skip as exc:
            log(exc.level, str(exc), server)
            refused += exc.level == "failure"
        except Refused as exc:  # a helper refused mid-way (cabled port, validator): this server is rolled back
            log("failure", f"{device_name(server)}: not moved: {exc}", server)
            refused += 1
    return moved, refused
