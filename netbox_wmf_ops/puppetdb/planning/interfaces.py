"""The host's own interfaces (docs/behaviour-reference.md §2.1 Steps B and C): which fact interfaces become NetBox
interfaces, in which order, and the creates and updates (type, MTU, MAC, parent/bridge/LAG) that make them match."""

from __future__ import annotations

import re
from typing import Any

from ..facts import InterfaceFacts
from .changes import Change
from .draft import Draft, WorkingInterface
from .records import PortRef

# The names provisioning gives interfaces before the first import: the primary NIC, and the bond members of a
# dual-switch host (docs/behaviour-reference.md §2.5: PRIMARY_A, PRIMARY_B). ``placeholders`` renames them.
PRIMARY_PLACEHOLDER = "##PRIMARY##"
BOND_MEMBER_PLACEHOLDER = re.compile(r"^PRIMARY_[A-Z]$")
NAME_BLOCKLIST = tuple(re.compile(p) for p in (r"^lo.*$", r"^docker\d+$", r"^idrac$"))
KIND_BLOCKLIST = frozenset({"openvswitch", "vxlan", "ipip", "ip6tnl", "veth", "tun"})
# Decision: the type of a new physical interface comes from the negotiated speed (the spec only knew 1G and 10G).
SPEED_TYPES = {
    1000: "1000base-t",
    10000: "10gbase-x-sfpp",
    25000: "25gbase-x-sfp28",
    40000: "40gbase-x-qsfpp",
    50000: "50gbase-x-sfp56",
    100000: "100gbase-x-qsfp28",
}
DEFAULT_TYPE = "1000base-t"
# Drivers of software interfaces that Facter reports without a WMF `kind`.
VIRTUAL_DRIVERS = frozenset({"virtio_net", "vmxnet3", "veth", "bridge", "8021q", "bonding", "tun", "vxlan"})


def is_name_blocklisted(name: str) -> bool:
    return any(p.match(name) for p in NAME_BLOCKLIST)


def is_vdev(name: str) -> bool:
    return ":" in name or "." in name or name == "lo"


def interface_type(facts: InterfaceFacts) -> str:
    """The NetBox type of a new physical-device interface."""
    if facts.kind == "bridge":
        return "bridge"
    if facts.kind == "bond":
        return "lag"
    if facts.kind == "vlan" or is_vdev(facts.name) or (facts.driver or "") in VIRTUAL_DRIVERS:
        return "virtual"
    return SPEED_TYPES.get(facts.speed or 0, DEFAULT_TYPE)


def wanted_mtu(facts: InterfaceFacts) -> int | None:
    """None means "the default, 1500"."""
    if facts.mtu in (None, 1500) or facts.name == "lo":
        return None
    return facts.mtu


def wanted_mac(facts: InterfaceFacts) -> str | None:
    # A VLAN sub-interface repeats its parent's MAC: recording it again adds nothing.
    if facts.kind == "vlan" or facts.name == "lo":
        return None
    return facts.mac


def ordered_names(draft: Draft) -> list[str]:
    """Interfaces to process, related ones first (bridges, bonds, VLAN parents). Kind-blocklisted interfaces are left
    out entirely (fix of docs/behaviour-reference.md §6.4 item 1: they were logged as skipped and imported anyway)."""
    interfaces = draft.facts.interfaces
    names = []
    for name, f in interfaces.items():
        if f.kind in KIND_BLOCKLIST:
            draft.log("info", f"Skipping {name} as we do not import {f.kind} interfaces.")
            continue
        names.append(name)
    kept = set(names)

    def depth(name: str, seen: tuple[str, ...] = ()) -> int:
        f = interfaces[name]
        refs = [r for r in (f.parent_link, f.parent_bridge, f.parent_bond) if r in kept and r not in seen]
        return 1 + max((depth(r, (*seen, name)) for r in refs), default=-1)

    position = {name: i for i, name in enumerate(names)}
    return sorted(names, key=lambda n: (depth(n), interfaces[n].kind != "bridge", position[n]))


def plan_interface(draft: Draft, f: InterfaceFacts) -> WorkingInterface | None:
    """Create or update the NetBox interface of ``f``; None when its name is blocklisted (it is not imported, but its
    service addresses still are)."""
    if is_name_blocklisted(f.name):
        return None
    iface = draft.ifaces.get(f.name)
    if iface is None:
        iface = _create_interface(draft, f)
    else:
        _update_interface(draft, iface, f)
    draft.imported.append(f.name)
    return iface


def _create_interface(draft: Draft, f: InterfaceFacts) -> WorkingInterface:
    fields: dict[str, Any] = {"owner_kind": draft.state.kind}
    iface = WorkingInterface(f.name, None)
    if not draft.is_vm:
        iface.type = fields["type"] = interface_type(f)
        fields["mgmt_only"] = False
    if (mtu := wanted_mtu(f)) is not None:
        fields["mtu"] = mtu  # fix of docs/behaviour-reference.md §6.4 item 2: the MTU was never set
    if mac := wanted_mac(f):
        fields["mac_address"] = mac
    for key, value in _relations(draft, f).items():
        if value is not None:
            fields[key] = value
    draft.ifaces[f.name] = iface
    draft.change(
        Change(
            "create",
            "interface",
            PortRef(draft.host, f.name),
            fields,
            f"Creating interface {f.name} for device {draft.host}",
        )
    )
    for key in ("parent", "bridge"):
        if key in fields:
            draft.log("info", f"Attach interface {f.name} to {_relation_fact(key)} {fields[key]}")
    return iface


def _update_interface(draft: Draft, iface: WorkingInterface, f: InterfaceFacts) -> None:
    record = iface.record
    assert record is not None
    fields: dict[str, Any] = {}
    before: dict[str, Any] = {}
    messages: list[str] = []
    mtu = wanted_mtu(f)
    if mtu != record.mtu and not (mtu is None and record.mtu == 1500):
        fields["mtu"], before["mtu"] = mtu, record.mtu
    mac = wanted_mac(f)
    if mac and mac != record.mac:
        fields["mac_address"], before["mac_address"] = mac, record.mac
    for key, value in _relations(draft, f).items():
        current = getattr(record, key)
        if value != current:
            fields[key], before[key] = value, current
            messages.append(f"Attach interface {f.name} to {_relation_fact(key)} {value}")
    if not draft.is_vm:
        wanted_type = {"bridge": "bridge", "bond": "lag", "vlan": "virtual"}.get(f.kind)
        if wanted_type and iface.type != wanted_type:
            fields["type"], before["type"] = wanted_type, iface.type
            iface.type = wanted_type
            if wanted_type == "bridge":
                messages.append(f"Set interface '{f.name}' to type bridge.")
    if fields:
        message = "; ".join(messages) or f"{draft.host}: update interface {f.name}"
        draft.update_interface(f.name, fields, message, before)


def _relations(draft: Draft, f: InterfaceFacts) -> dict[str, str | None]:
    """parent/bridge/lag wanted by the facts, checked against the host's interfaces (existing or planned)."""
    wanted = {"parent": f.parent_link, "bridge": f.parent_bridge}
    if not draft.is_vm:
        wanted["lag"] = f.parent_bond
    result: dict[str, str | None] = {}
    for key, target in wanted.items():
        if target is None or target in draft.ifaces:
            result[key] = target
            continue
        # Fix of docs/behaviour-reference.md §6.4 item 4 (the braces were printed literally) and decision: the
        # relation is left unset and the rest of the host is still imported, instead of aborting the whole run.
        draft.log(
            "failure",
            f"PuppetDB reports {f.name} has {_relation_fact(key)} called {target} but no matching int in Netbox",
        )
        result[key] = None
    return result


def _relation_fact(key: str) -> str:
    return {"parent": "parent_link", "bridge": "parent_bridge", "lag": "parent_bond"}[key]
