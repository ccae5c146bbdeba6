"""The interfaces provisioning names before the first import (docs/behaviour-reference.md §2.1 Step A): they take
the names the facts give them, so their cable and IPs are kept."""

from __future__ import annotations

from typing import Any

from .cabling import find_switch
from .draft import Draft
from .interfaces import BOND_MEMBER_PLACEHOLDER, PRIMARY_PLACEHOLDER, SPEED_TYPES
from .records import PortRef


def resolve_primary_placeholder(draft: Draft) -> None:
    """``##PRIMARY##`` takes the name of the facts' primary interface (for a bridge, of its uplink member)."""
    if PRIMARY_PLACEHOLDER not in draft.ifaces or not draft.facts.primary:
        return
    target = draft.facts.primary
    target_facts = draft.facts.interfaces.get(target)
    if target_facts is not None and target_facts.kind == "bridge":
        members = [f for f in draft.facts.interfaces.values() if f.parent_bridge == target]
        # The uplink is the member whose LLDP neighbour is a router (spec); else the member with an LLDP
        # neighbour (decision: the spec crashed when there was none).
        uplinks = [f for f in members if f.lldp and f.lldp.router] or [f for f in members if f.lldp]
        if uplinks:
            target = uplinks[0].name
    if target in draft.ifaces:
        draft.log(
            "failure",
            f"{draft.host}: cannot rename {PRIMARY_PLACEHOLDER} to {target}: an interface with that name exists; "
            "merge them by hand",
        )
        return
    if target not in draft.facts.interfaces:
        draft.log("failure", f"{draft.host}: the primary interface {target} is not in the facts")
        return
    _rename(draft, PRIMARY_PLACEHOLDER, target)


def resolve_member_placeholders(draft: Draft) -> None:
    """Bond members named by the dual-switch provisioning (``PRIMARY_A``, ``PRIMARY_B``: docs/behaviour-reference.md
    §2.5) take the name of the fact interface whose LLDP neighbour is the switch port at the other end of their cable,
    so their cable (and its ID) is kept. One without a cable, or that no LLDP entry matches, is left to the removal
    guard."""
    if draft.is_vm:
        return
    by_port: dict[PortRef, str] = {}
    for f in draft.facts.interfaces.values():
        if f.lldp is None:
            continue
        switch = find_switch(draft.state.switches, f.lldp.neighbor, f.lldp.port)
        if switch is not None:
            by_port[PortRef(switch.name, f.lldp.port)] = f.name
    for old in sorted(n for n in draft.ifaces if BOND_MEMBER_PLACEHOLDER.match(n)):
        iface = draft.ifaces[old]
        target = by_port.get(iface.connected) if iface.connected else None
        if target is None or target in draft.ifaces:
            continue
        _rename(draft, old, target)


def _rename(draft: Draft, old: str, target: str) -> None:
    """Rename host interface ``old`` to the fact interface ``target``; a physical one also takes the type of
    ``target``'s speed."""
    iface = draft.ifaces.pop(old)
    fields: dict[str, Any] = {"name": target}
    before: dict[str, Any] = {"name": old}
    if not draft.is_vm:
        new_type = SPEED_TYPES.get(draft.facts.interfaces[target].speed or 0)
        if new_type and new_type != iface.type:
            fields["type"], before["type"] = new_type, iface.type
            iface.type = new_type
    iface.name = target
    draft.ifaces[target] = iface
    draft.renamed[old] = target
    draft.update_interface(old, fields, f"{draft.host}: renamed {old} interface to {target}", before, "success")
