"""LLDP neighbours and cables (docs/behaviour-reference.md §2.1 Step C): the switch port LLDP sees at the other end
of a host interface is the one its cable must end on; a wrong cable is replaced in the same run, an empty label is
filled from the switch's port description."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..facts import HostFacts, InterfaceFacts, Lldp
from .changes import Change
from .draft import Draft, WorkingInterface
from .records import PortRef, SwitchRecord
from .switch_ports import SWITCH_PORT_PREFIXES, ensure_switch_port

CABLE_LABEL_RE = re.compile(r"{#(?P<cable_id>[^}]+)}")
FAST_TYPES = frozenset({"10gbase-x-sfpp", "25gbase-x-sfp28"})
CABLE_COLORS = {"2196f3": "Blue", "111111": "Black"}


def cable_label(descr: str) -> str | None:
    match = CABLE_LABEL_RE.search(descr or "")
    return match.group("cable_id") if match else None


def find_switch(switches: Iterable[SwitchRecord], neighbor: str, port: str) -> SwitchRecord | None:
    """The device named by an LLDP neighbour: by exact name, else the member of the virtual chassis whose domain
    starts with that name and whose position is the FPC number of the port (``xe-2/0/18`` → 2)."""
    switches = list(switches)
    name = neighbor.split(".", 1)[0]
    for switch in switches:
        if switch.name == name:
            return switch
    match = re.match(r"^[a-z]+-(\d+)/", port)
    if not match:
        return None
    position = int(match.group(1))
    members = [s for s in switches if s.vc_domain and s.vc_domain.startswith(name) and s.vc_position == position]
    return members[0] if len(members) == 1 else None


def lldp_neighbors(facts: HostFacts) -> list[str]:
    """Short names of the LLDP neighbours (for the loader's switch query)."""
    return sorted({f.lldp.neighbor.split(".", 1)[0] for f in facts.interfaces.values() if f.lldp})


def plan_lldp(draft: Draft, name: str, f: InterfaceFacts) -> None:
    """The switch port and cable of host interface ``name`` (physical hosts only)."""
    lldp = f.lldp
    if lldp is None or not lldp.port.startswith(SWITCH_PORT_PREFIXES):
        return
    switch = find_switch(draft.state.switches, lldp.neighbor, lldp.port)
    if switch is None:
        draft.log("failure", f"{draft.host}: LLDP neighbor {lldp.neighbor} of {name} is not in Netbox")
        return
    port = PortRef(switch.name, lldp.port)
    if not ensure_switch_port(draft, switch, lldp):
        return
    iface = draft.ifaces[name]
    if iface.connected == port and iface.cable_id is not None:
        _fill_label(draft, iface, lldp)
        return
    record = iface.record
    if iface.cable_id is not None and record is not None and not record.link_peer_is_interface:
        draft.log(
            "failure",
            f"{draft.host}: {name} is cabled through a patch panel to {iface.connected or 'nowhere'}, but LLDP "
            f"sees {port}; fix the cabling in Netbox by hand",
        )
        return
    server_cable = iface.cable_id
    switch_record = switch.interfaces.get(lldp.port)
    switch_cable = switch_record.cable_id if switch_record and port not in draft.created_switch_ports else None
    old = draft.state.cables.get(server_cable) if server_cable else None
    if server_cable != switch_cable:
        if server_cable is not None:
            _delete_cable(draft, server_cable, f"{draft.host}: Remove cable from {name}")
        if switch_cable is not None and switch_cable not in draft.deleted_cables:
            _delete_cable(draft, switch_cable, f"{switch.name}: remove cable from {lldp.port}")
    elif server_cable is not None:
        return  # the same cable on both ends (a path NetBox could not trace): leave it
    # Fix of docs/behaviour-reference.md §6.4 item 3: the new cable is created in the same run.
    label = cable_label(lldp.descr) or (old.label if old else "")
    if old is not None and (old.color or old.type):
        color, cable_type = old.color, old.type  # the same physical cable, re-plugged: keep what we knew
    else:
        fast = iface.type in FAST_TYPES
        color, cable_type = ("111111", "dac-passive") if fast else ("2196f3", "cat5e")
        # Fix of docs/behaviour-reference.md §6.4 item 9: the colour follows the interface speed and the warning
        # names the real type.
        draft.log("warning", f"{draft.host}: assuming {CABLE_COLORS[color]} {cable_type} because {iface.type}")
    fields = {
        "a": PortRef(draft.host, name),
        "b": port,
        "label": label,
        "color": color,
        "type": cable_type,
        "status": "connected",
    }
    draft.change(Change("create", "cable", None, fields, f"{draft.host}: created cable {label or port}", "success"))
    iface.cable_id, iface.connected = -1, port


def _fill_label(draft: Draft, iface: WorkingInterface, lldp: Lldp) -> None:
    """Labels are kept: the switch's `{#id}` fills an empty label, it never overwrites one."""
    label = cable_label(lldp.descr)
    cable = draft.state.cables.get(iface.cable_id) if iface.cable_id else None
    if label and cable is not None and not cable.label:
        draft.change(
            Change(
                "update",
                "cable",
                cable.id,
                {"label": label},
                f"{draft.host}: update label for {cable.id}: {label}",
                "success",
                {"label": cable.label},
            )
        )


def _delete_cable(draft: Draft, cable_id: int, message: str) -> None:
    draft.deleted_cables.add(cable_id)
    for other in draft.ifaces.values():
        if other.cable_id == cable_id:
            other.cable_id, other.connected = None, None
    draft.change(Change("delete", "cable", cable_id, {}, message, "success"))
