"""802.1Q: VLAN modes and VLANs. A VLAN sub-interface is an access port of its VLAN and its parent carries it tagged;
the switch port a host interface is cabled to copies that interface's mode and VLANs."""

from __future__ import annotations

from typing import Any

from ..facts import HostFacts, InterfaceFacts
from .addresses import binding_interface, parent_prefix
from .changes import Change
from .draft import Draft, WorkingInterface


def dot1q_vids(facts: HostFacts) -> list[int]:
    """The VLAN ids of the facts' VLAN sub-interfaces (for the loader's VLAN query)."""
    return sorted({f.dot1q for f in facts.interfaces.values() if f.kind == "vlan" and f.dot1q is not None})


def plan_dot1q(draft: Draft, iface: WorkingInterface, f: InterfaceFacts) -> None:
    """Physical hosts: a VLAN sub-interface is an access port of its VLAN, and its parent carries it tagged."""
    if draft.is_vm or f.kind != "vlan" or f.dot1q is None or not f.parent_link or f.parent_link not in draft.ifaces:
        return
    vlan = next((v for v in draft.state.vlans if v.vid == f.dot1q), None)
    if vlan is None:
        draft.log("warning", f"Configured Vlan ID {f.dot1q} on {f.name} not found in Netbox")
        return
    parent = draft.ifaces[f.parent_link]
    parent_fields: dict[str, Any] = {}
    parent_before: dict[str, Any] = {}
    if parent.mode != "tagged":
        parent_fields["mode"], parent_before["mode"] = "tagged", parent.mode
        parent.mode = "tagged"
        native = _native_vlan(draft, f.parent_link)
        if native is not None and native != parent.untagged_vlan:
            parent_fields["untagged_vlan"], parent_before["untagged_vlan"] = native, parent.untagged_vlan
            parent.untagged_vlan = native
    message = None
    if vlan.id not in parent.tagged_vlans:
        parent_before["tagged_vlans"] = parent.tagged_vlans
        parent.tagged_vlans = parent.tagged_vlans | {vlan.id}
        parent_fields["tagged_vlans"] = parent.tagged_vlans
        message = f"Added vlan {f.dot1q} to {f.parent_link} tagged vlans"
    if parent_fields:
        message = message or f"{draft.host}: set {f.parent_link} to tagged mode"
        draft.update_interface(f.parent_link, parent_fields, message, parent_before)
    if iface.mode != "access" or iface.untagged_vlan != vlan.id:
        fields = {"mode": "access", "untagged_vlan": vlan.id}
        before = {"mode": iface.mode, "untagged_vlan": iface.untagged_vlan}
        iface.mode, iface.untagged_vlan = "access", vlan.id
        draft.update_interface(f.name, fields, f"Set vlan {f.dot1q} as untagged vlan on {f.name}", before)


def _native_vlan(draft: Draft, parent_name: str) -> int | None:
    """The VLAN of the prefix holding the parent's first IPv4 (or its bridge's, when it is a bridge member)."""
    parent_facts = draft.facts.interfaces.get(parent_name)
    if parent_facts is None:
        return None
    source = parent_facts
    if parent_facts.parent_bridge and parent_facts.parent_bridge in draft.facts.interfaces:
        source = draft.facts.interfaces[parent_facts.parent_bridge]
    for binding in source.bindings:
        try:
            address = binding_interface(binding.address, binding.netmask, v6=False)
        except ValueError:
            continue
        prefix = parent_prefix(address.ip, [p for p in draft.state.prefixes if p.vlan_id], address.network.prefixlen)
        if prefix is not None:
            return prefix.vlan_id
    return None


def plan_switch_vlans(draft: Draft) -> None:
    """Copy each host interface's 802.1Q mode and VLANs to the switch port it is connected to."""
    switches = {s.name: s for s in draft.state.switches}
    for iface in draft.ifaces.values():
        if not iface.mode or iface.connected is None or iface.connected.owner not in switches:
            continue
        z = iface.connected
        record = switches[z.owner].interfaces.get(z.name)
        z_mode = record.mode if record else None
        z_untagged = record.untagged_vlan if record else None
        z_tagged = record.tagged_vlans if record else frozenset()
        fields: dict[str, Any] = {}
        before: dict[str, Any] = {}
        messages = []
        if not z_mode:
            fields["mode"], before["mode"] = iface.mode, z_mode
            messages.append(f"Set {z.owner} {z.name} mode to {iface.mode} matching {iface.name}")
        if z_untagged != iface.untagged_vlan:
            fields["untagged_vlan"], before["untagged_vlan"] = iface.untagged_vlan, z_untagged
            messages.append(
                f"Set {z.owner} {z.name} untagged vlan to {_vlan_name(draft, iface.untagged_vlan)} matching "
                f"{iface.name}"
            )
        # Fix: compared as sets (the original compared ordered lists, so a mere reordering looked like a change).
        if set(z_tagged) != set(iface.tagged_vlans):
            fields["tagged_vlans"], before["tagged_vlans"] = iface.tagged_vlans, z_tagged
            names = [_vlan_name(draft, v) for v in sorted(iface.tagged_vlans)]
            messages.append(f"Set {z.owner} {z.name} tagged vlans to {names} matching {iface.name}")
        if fields:
            draft.change(Change("update", "interface", z, fields, "; ".join(messages), before=before))


def _vlan_name(draft: Draft, vlan_id: int | None) -> str:
    if vlan_id is None:
        return "None"
    return next((v.name for v in draft.state.vlans if v.id == vlan_id), str(vlan_id))
