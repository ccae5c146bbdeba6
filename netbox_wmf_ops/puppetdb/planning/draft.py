"""A plan being drafted: the facts, the loaded state, the entries so far, and what NetBox will look like once the
changes planned so far are applied. Every planning step reads and updates one ``Draft``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...logs import LogLine
from ..facts import HostFacts
from .changes import Change, Level, Plan
from .records import HostState, InterfaceRecord, IpRecord, PortRef, canonical_address


@dataclass
class WorkingInterface:
    """The planner's working view of one host interface: what NetBox has after the changes planned so far."""

    name: str
    record: InterfaceRecord | None  # None: created by this plan
    type: str | None = None
    mode: str | None = None
    untagged_vlan: int | None = None
    tagged_vlans: frozenset[int] = frozenset()
    cable_id: int | None = None
    connected: PortRef | None = None


class Draft:
    def __init__(self, facts: HostFacts, state: HostState) -> None:
        self.facts = facts
        self.state = state
        self.host = state.name
        self.is_vm = state.kind == "vm"
        self.plan = Plan(state.name, state.kind)
        self.ifaces: dict[str, WorkingInterface] = {
            name: WorkingInterface(
                name,
                rec,
                rec.type,
                rec.mode,
                rec.untagged_vlan,
                rec.tagged_vlans,
                rec.cable_id,
                rec.connected,
            )
            for name, rec in state.interfaces.items()
        }
        self.ips_by_address: dict[str, list[IpRecord]] = {}
        self.ips_by_host: dict[str, list[IpRecord]] = {}
        for ip in state.ips:
            self.ips_by_address.setdefault(canonical_address(ip.address), []).append(ip)
            self.ips_by_host.setdefault(ip.address.split("/")[0], []).append(ip)
        self.moved_ips: set[int] = set()  # IPs that leave their current interface in this plan
        self.deleted_cables: set[int] = set()
        self.created_switch_ports: dict[PortRef, str] = {}  # ref → type
        self.switch_mtu: dict[PortRef, int] = {}
        self.imported: list[str] = []  # fact interfaces that are NetBox interfaces (not name/kind-blocklisted)
        self.primary_seen: dict[int, str] = {}
        self.renamed: dict[str, str] = {}  # old name → new name of host interfaces renamed by this plan

    def log(self, level: Level, message: str) -> None:
        self.plan.entries.append(LogLine(level, message))

    def change(self, change: Change) -> None:
        self.plan.entries.append(change)

    def update_interface(
        self, name: str, fields: dict[str, Any], message: str, before: dict[str, Any], level: Level = "info"
    ) -> None:
        """Plan an update of the host's interface ``name`` (its name in NetBox before this plan's rename of it)."""
        self.change(Change("update", "interface", PortRef(self.host, name), fields, message, level, before))

    def current_ref(self, ref: PortRef | None) -> PortRef | None:
        """Where ``ref`` points once this plan's renames are applied."""
        if ref is not None and ref.owner == self.host and ref.name in self.renamed:
            return PortRef(self.host, self.renamed[ref.name])
        return ref
