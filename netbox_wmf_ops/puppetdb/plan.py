"""Facts + the current NetBox state of one host → the changes that make NetBox match ("interface automation").

Pure: plain records in (``facts.HostFacts`` and :class:`HostState`, built by ``importer.load_host_state``), a
:class:`Plan` out. The importer applies the plan's changes in order inside one transaction; a dry run shows them.

The algorithm follows docs/behaviour-reference.md §2.1 (Steps A to D) with the spec's messages, and fixes the bugs
listed in docs/behaviour-reference.md §6.4 items
1 to 9 on purpose (each fix is listed in docs/scripts.md, "Fixed on purpose"). Decisions the spec leaves open are
marked "Decision:" below and documented there too.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from ..logs import LogLine
from ..policy import SHARED_IP_ROLES
from .facts import HostFacts, InterfaceFacts

PRIMARY_PLACEHOLDER = "##PRIMARY##"
# The bond members the dual-switch provisioning creates, before the first import (docs/behaviour-reference.md §2.5:
# PRIMARY_A, PRIMARY_B).
BOND_MEMBER_PLACEHOLDER = re.compile(r"^PRIMARY_[A-Z]$")
IMPORT_STATUSES = ("active", "failed", "planned")
NAME_BLOCKLIST = tuple(re.compile(p) for p in (r"^lo.*$", r"^docker\d+$", r"^idrac$"))
KIND_BLOCKLIST = frozenset({"openvswitch", "vxlan", "ipip", "ip6tnl", "veth", "tun"})
SWITCH_PORT_PREFIXES = ("et-", "xe-", "ge-", "ethernet-")
NO_VIP_RE = re.compile(r"^(aqs|restbase|sessionstore)")
NON_ROUTED = ipaddress.ip_network("192.168.0.0/16")
SWITCH_PORT_MTU = 9192
LLDP_DEFAULT_MTU = 1514  # what a switch advertises when jumbo frames are off: not worth copying
VM_PREFIX_ROLE = "virtual-machines"
RESERVED_DESCRIPTION = "reserved for infra"
REMOVAL_GUARD_DOC = "docs/scripts.md#removal-guard"
CABLE_LABEL_RE = re.compile(r"{#(?P<cable_id>[^}]+)}")

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
FAST_TYPES = frozenset({"10gbase-x-sfpp", "25gbase-x-sfp28"})
SWITCH_PREFIX_TYPES = {"xe-": "10gbase-x-sfpp", "et-": "25gbase-x-sfp28"}
CABLE_COLORS = {"2196f3": "Blue", "111111": "Black"}

Level = Literal["success", "info", "warning", "failure", "debug"]


# --------------------------------------------------------------------------------------------------------------------
# NetBox state, as plain records
# --------------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PortRef:
    """An interface on a device or VM, by owner name and interface name."""

    owner: str
    name: str

    def __str__(self) -> str:
        return f"{self.owner}:{self.name}"


@dataclass(frozen=True)
class InterfaceRecord:
    id: int
    name: str
    type: str | None = None  # None for VM interfaces
    mtu: int | None = None
    mac: str | None = None  # the primary MAC address, lower case
    parent: str | None = None  # names of the related interfaces on the same owner
    bridge: str | None = None
    lag: str | None = None
    mode: str | None = None
    untagged_vlan: int | None = None  # VLAN pk
    tagged_vlans: frozenset[int] = frozenset()
    mgmt_only: bool = False
    description: str = ""
    cable_id: int | None = None
    link_peer: PortRef | None = None  # the interface at the other end of the cable, when it is an interface
    link_peer_is_interface: bool = True  # False when the cable ends on a front/rear port (patch panel)
    connected: PortRef | None = None  # the end of the complete cable path, when it is an interface
    ip_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class IpRecord:
    id: int
    address: str  # "10.64.16.20/22", as NetBox prints it
    role: str = ""
    status: str = "active"
    dns_name: str = ""
    description: str = ""
    vrf_id: int | None = None
    assigned: PortRef | None = None  # owner/interface it is assigned to
    assigned_kind: str | None = None  # "device" or "vm"
    primary_of: str | None = None  # name of the device/VM that uses it as primary_ip4/6
    primary_of_id: int | None = None  # and its pk (names are not unique across sites)


@dataclass(frozen=True)
class PrefixRecord:
    prefix: str
    vrf_id: int | None = None
    role: str = ""  # role slug
    vlan_id: int | None = None


@dataclass(frozen=True)
class VlanRecord:
    id: int
    vid: int
    name: str


@dataclass(frozen=True)
class CableRecord:
    id: int
    label: str = ""
    color: str = ""
    type: str = ""


@dataclass(frozen=True)
class SwitchRecord:
    name: str
    id: int | None = None  # the device's pk (names are only unique per site)
    manufacturer: str = ""  # slug
    vc_domain: str | None = None
    vc_position: int | None = None
    interfaces: Mapping[str, InterfaceRecord] = field(default_factory=dict)
    interface_ip_counts: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class HostState:
    name: str
    kind: Literal["device", "vm"]
    status: str
    tenant: str | None = None
    primary_ip4: str | None = None  # addresses
    primary_ip6: str | None = None
    interfaces: Mapping[str, InterfaceRecord] = field(default_factory=dict)
    # Every IP whose host part appears in the facts or that sits on this host, NetBox-wide.
    ips: tuple[IpRecord, ...] = ()
    # Prefixes containing any address of the facts (the loader may pass more).
    prefixes: tuple[PrefixRecord, ...] = ()
    # VLANs usable at the host's site, for dot1q sub-interfaces.
    vlans: tuple[VlanRecord, ...] = ()
    # Switches named by the LLDP neighbours (by name or virtual-chassis domain).
    switches: tuple[SwitchRecord, ...] = ()
    cables: Mapping[int, CableRecord] = field(default_factory=dict)
    tenant_slug: str | None = None  # the tenant's slug (``tenant`` is its name, as the messages show it)


# --------------------------------------------------------------------------------------------------------------------
# The plan
# --------------------------------------------------------------------------------------------------------------------


# Bookkeeping the applier reads (whose interface or primary IP a change is about), not a field the operator changes.
UNSHOWN_FIELDS = ("owner_kind", "owner_id")


@dataclass(frozen=True)
class Change:
    """One write. ``model`` is interface | ipaddress | cable | device; ``key`` identifies the object:

    * interface: ``PortRef`` (owner = the host or a switch); for a rename, the old name; ``owner_kind`` in fields
      of a create;
    * ipaddress: the IP's pk (update) or None (create; ``fields['address']``);
    * cable: the cable's pk (update/delete) or None (create);
    * device: the device/VM name (``fields`` has ``primary_ip4``/``primary_ip6`` as an address or None).

    Interface relations (parent, bridge, lag) are interface names on the same owner; VLANs are VLAN pks;
    ``assigned`` and cable ends are ``PortRef``.
    """

    action: Literal["create", "update", "delete"]
    model: Literal["interface", "ipaddress", "cable", "device"]
    key: Any
    fields: Mapping[str, Any]
    message: str
    level: Level = "info"
    before: Mapping[str, Any] = field(default_factory=dict)

    def describe(self) -> str:
        """One line for the dry-run plan: ``update interface db1001:eno1: mtu None → 9000``."""
        target = self.fields.get("address") if self.model == "ipaddress" and self.key is None else self.key
        if self.model == "ipaddress" and self.key is not None:
            target = self.before.get("address", self.key)
        if self.model == "cable" and self.action == "create":
            target = f"{self.fields['a']} ↔ {self.fields['b']}"
        if self.action == "delete":
            return f"delete {self.model} {target}"
        shown = {k: v for k, v in self.fields.items() if k not in UNSHOWN_FIELDS}
        if self.action == "create":
            details = ", ".join(f"{k}={_show(v)}" for k, v in shown.items() if k not in ("a", "b", "address"))
            return f"create {self.model} {target}" + (f": {details}" if details else "")
        details = ", ".join(f"{k} {_show(self.before.get(k))} → {_show(v)}" for k, v in shown.items())
        return f"update {self.model} {target}: {details}"


@dataclass
class Plan:
    host: str
    kind: Literal["device", "vm"]
    entries: list[Change | LogLine] = field(default_factory=list)

    @property
    def changes(self) -> list[Change]:
        return [e for e in self.entries if isinstance(e, Change)]

    @property
    def failures(self) -> list[str]:
        return [e.message for e in self.entries if isinstance(e, LogLine) and e.level == "failure"]

    def lines(self, level: Level) -> list[str]:
        return [e.message for e in self.entries if e.level == level]

    def describe(self) -> list[str]:
        return [c.describe() for c in self.changes]


def _show(value: Any) -> str:
    if isinstance(value, frozenset | set | tuple | list):
        return "[" + ", ".join(str(v) for v in sorted(value, key=str)) + "]"
    return str(value)


# --------------------------------------------------------------------------------------------------------------------
# Pure helpers
# --------------------------------------------------------------------------------------------------------------------


def host_refusal(state: HostState, import_tenants: Iterable[str] = ()) -> str | None:
    """Why the import refuses this host (docs/behaviour-reference.md §2.1 run step 2), or None. ``import_tenants``
    are the tenant slugs whose hosts are imported all the same (setting ``puppetdb_import_tenants``; the original
    refuses every tenant)."""
    if state.tenant and state.tenant_slug not in set(import_tenants):
        return f"{state.name} has non-null tenant {state.tenant} skipping."
    if state.status not in IMPORT_STATUSES:
        return f"{state.name} has an inappropriate status (must be one of {IMPORT_STATUSES}): {state.status}"
    return None


def is_name_blocklisted(name: str) -> bool:
    return any(p.match(name) for p in NAME_BLOCKLIST)


def is_vdev(name: str) -> bool:
    return ":" in name or "." in name or name == "lo"


def ipv6_mask_length(netmask: str) -> int:
    """``ffff:ffff:ffff:ffff::`` → 64. Raises ValueError for a non-contiguous mask."""
    try:
        mask = int(ipaddress.IPv6Address(netmask))
    except ValueError:
        raise ValueError(f"invalid IPv6 netmask {netmask!r}") from None
    length = bin(mask).count("1")
    if mask != ((1 << 128) - 1) ^ ((1 << (128 - length)) - 1):
        raise ValueError(f"non-contiguous IPv6 netmask {netmask!r}")
    return length


def binding_interface(address: str, netmask: str, v6: bool) -> ipaddress.IPv4Interface | ipaddress.IPv6Interface:
    if v6:
        return ipaddress.IPv6Interface(f"{address}/{ipv6_mask_length(netmask)}")
    return ipaddress.IPv4Interface(f"{address}/{netmask}")


def is_slaac(address: ipaddress.IPv6Address) -> bool:
    """EUI-64 interface identifier (``…:xxff:fexx:…``), i.e. an address the host made up for itself."""
    return address.exploded[27:32] == "ff:fe"


def is_mapped_v4(address: ipaddress.IPv6Address, ipv4: str | None) -> bool:
    """WMF's primary IPv6 convention: the last 64 bits spell the IPv4 address, ``10.64.0.5`` → ``…:10:64:0:5``.

    Fix: the original compared text suffixes, which misses compressed forms (``…:10::5`` for 10.0.0.5) and matches
    ``…:110:64:0:5`` for 10.64.0.5."""
    if not ipv4:
        return False
    try:
        octets = [int(o, 16) for o in ipv4.split(".")]
    except ValueError:
        return False
    groups = [int(g, 16) for g in address.exploded.split(":")[4:]]
    return len(octets) == 4 and groups == octets


def parent_prefix(address: ipaddress._BaseAddress, prefixes: Iterable[PrefixRecord], length: int):
    """The most specific prefix that contains ``address/length``, including an equal one (fix of
    docs/behaviour-reference.md §6.4 item 8:
    the original required a strictly larger prefix). The global table wins over VRFs at the same length."""
    best = None
    best_key = None
    for record in prefixes:
        network = ipaddress.ip_network(record.prefix, strict=False)
        if network.version != address.version or address not in network or network.prefixlen > length:
            continue
        key = (network.prefixlen, record.vrf_id is None)
        if best_key is None or key > best_key:
            best, best_key = record, key
    return best


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


def cable_label(descr: str) -> str | None:
    match = CABLE_LABEL_RE.search(descr or "")
    return match.group("cable_id") if match else None


def switch_port_type(name: str) -> str:
    return SWITCH_PREFIX_TYPES.get(name[:3], DEFAULT_TYPE)


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


def orphan_ports(switch: SwitchRecord, port: str) -> list[InterfaceRecord]:
    """Other-speed names of the same port (``ge-0/0/5`` when creating ``xe-0/0/5``), left by a speed change."""
    port_num = port.split("-", 1)[1] if "-" in port else port
    pattern = re.compile(rf"^(et-|xe-|ge-|ethernet-){re.escape(port_num)}$", re.IGNORECASE)
    return [i for n, i in switch.interfaces.items() if n != port and pattern.match(n)]


# --------------------------------------------------------------------------------------------------------------------
# The planner
# --------------------------------------------------------------------------------------------------------------------


@dataclass
class _Iface:
    """The planner's working view of one host interface: what NetBox has after the changes planned so far."""

    name: str
    record: InterfaceRecord | None  # None: created by this plan
    type: str | None = None
    mode: str | None = None
    untagged_vlan: int | None = None
    tagged_vlans: frozenset[int] = frozenset()
    cable_id: int | None = None
    connected: PortRef | None = None


def plan_host(facts: HostFacts, state: HostState) -> Plan:
    """Everything that must change for NetBox to match ``facts``. Never raises for data problems: refusals and
    inconsistencies become failure lines of the plan (and the affected object is left alone)."""
    return _Planner(facts, state).run()


class _Planner:
    def __init__(self, facts: HostFacts, state: HostState) -> None:
        self.facts = facts
        self.state = state
        self.host = state.name
        self.is_vm = state.kind == "vm"
        self.plan = Plan(state.name, state.kind)
        self.ifaces: dict[str, _Iface] = {
            name: _Iface(
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
            self.ips_by_address.setdefault(_norm(ip.address), []).append(ip)
            self.ips_by_host.setdefault(ip.address.split("/")[0], []).append(ip)
        self.ips_by_id = {ip.id: ip for ip in state.ips}
        self.moved_ips: set[int] = set()  # IPs that leave their current interface in this plan
        self.deleted_cables: set[int] = set()
        self.created_switch_ports: dict[PortRef, str] = {}  # ref → type
        self.switch_mtu: dict[PortRef, int] = {}
        self.imported: list[str] = []  # fact interfaces that are NetBox interfaces (not name/kind-blocklisted)
        self.primary_seen: dict[int, str] = {}
        self.renamed: dict[str, str] = {}  # old name → new name of host interfaces renamed by this plan

    # -- output helpers ---------------------------------------------------------------------------------------------
    def log(self, level: Level, message: str) -> None:
        self.plan.entries.append(LogLine(level, message))

    def change(self, change: Change) -> None:
        self.plan.entries.append(change)

    # -- main -------------------------------------------------------------------------------------------------------
    def run(self) -> Plan:
        for warning in self.facts.warnings:
            self.log("warning", warning)
        self.resolve_placeholder()
        self.resolve_member_placeholders()
        for name in self.ordered_names():
            self.plan_interface(self.facts.interfaces[name])
        self.plan_primary_ips()
        if not self.is_vm:
            for name in self.imported:
                self.plan_lldp(name, self.facts.interfaces[name])
            self.plan_switch_vlans()
        self.plan_removals()
        return self.plan

    # -- Step A -----------------------------------------------------------------------------------------------------
    def resolve_placeholder(self) -> None:
        if PRIMARY_PLACEHOLDER not in self.ifaces or not self.facts.primary:
            return
        target = self.facts.primary
        target_facts = self.facts.interfaces.get(target)
        if target_facts is not None and target_facts.kind == "bridge":
            members = [f for f in self.facts.interfaces.values() if f.parent_bridge == target]
            # The uplink is the member whose LLDP neighbour is a router (spec); else the member with an LLDP
            # neighbour (decision: the spec crashed when there was none).
            uplinks = [f for f in members if f.lldp and f.lldp.router] or [f for f in members if f.lldp]
            if uplinks:
                target = uplinks[0].name
        if target in self.ifaces:
            self.log(
                "failure",
                f"{self.host}: cannot rename {PRIMARY_PLACEHOLDER} to {target}: an interface with that name exists; "
                "merge them by hand",
            )
            return
        if target not in self.facts.interfaces:
            self.log("failure", f"{self.host}: the primary interface {target} is not in the facts")
            return
        placeholder = self.ifaces.pop(PRIMARY_PLACEHOLDER)
        fields: dict[str, Any] = {"name": target}
        before: dict[str, Any] = {"name": PRIMARY_PLACEHOLDER}
        if not self.is_vm:
            speed = self.facts.interfaces[target].speed
            new_type = SPEED_TYPES.get(speed or 0)
            if new_type and new_type != placeholder.type:
                fields["type"], before["type"] = new_type, placeholder.type
                placeholder.type = new_type
        placeholder.name = target
        self.ifaces[target] = placeholder
        self.renamed[PRIMARY_PLACEHOLDER] = target
        self.change(
            Change(
                "update",
                "interface",
                PortRef(self.host, PRIMARY_PLACEHOLDER),
                fields,
                f"{self.host}: renamed {PRIMARY_PLACEHOLDER} interface to {target}",
                "success",
                before,
            )
        )

    def resolve_member_placeholders(self) -> None:
        """Bond members named by the dual-switch provisioning (``PRIMARY_A``, ``PRIMARY_B``:
        docs/behaviour-reference.md §2.5) take the name
        of the fact interface whose LLDP neighbour is the switch port at the other end of their cable, so their cable
        (and its ID) is kept. One without a cable, or that no LLDP entry matches, is left to the removal guard."""
        if self.is_vm:
            return
        by_port: dict[PortRef, str] = {}
        for f in self.facts.interfaces.values():
            if f.lldp is None:
                continue
            switch = find_switch(self.state.switches, f.lldp.neighbor, f.lldp.port)
            if switch is not None:
                by_port[PortRef(switch.name, f.lldp.port)] = f.name
        for old in sorted(n for n in self.ifaces if BOND_MEMBER_PLACEHOLDER.match(n)):
            iface = self.ifaces[old]
            target = by_port.get(iface.connected) if iface.connected else None
            if target is None or target in self.ifaces:
                continue
            fields: dict[str, Any] = {"name": target}
            before: dict[str, Any] = {"name": old}
            new_type = SPEED_TYPES.get(self.facts.interfaces[target].speed or 0)
            if new_type and new_type != iface.type:
                fields["type"], before["type"] = new_type, iface.type
                iface.type = new_type
            del self.ifaces[old]
            iface.name = target
            self.ifaces[target] = iface
            self.renamed[old] = target
            self.change(
                Change(
                    "update",
                    "interface",
                    PortRef(self.host, old),
                    fields,
                    f"{self.host}: renamed {old} interface to {target}",
                    "success",
                    before,
                )
            )

    # -- Step B -----------------------------------------------------------------------------------------------------
    def ordered_names(self) -> list[str]:
        """Interfaces to process, related ones first (bridges, bonds, VLAN parents). Kind-blocklisted interfaces are
        left out entirely (fix of docs/behaviour-reference.md §6.4 item 1: they were logged as skipped and imported
        anyway)."""
        interfaces = self.facts.interfaces
        names = []
        for name, f in interfaces.items():
            if f.kind in KIND_BLOCKLIST:
                self.log("info", f"Skipping {name} as we do not import {f.kind} interfaces.")
                continue
            names.append(name)
        kept = set(names)

        def depth(name: str, seen: tuple[str, ...] = ()) -> int:
            f = interfaces[name]
            refs = [r for r in (f.parent_link, f.parent_bridge, f.parent_bond) if r in kept and r not in seen]
            return 1 + max((depth(r, (*seen, name)) for r in refs), default=-1)

        position = {name: i for i, name in enumerate(names)}
        return sorted(names, key=lambda n: (depth(n), interfaces[n].kind != "bridge", position[n]))

    # -- Step C -----------------------------------------------------------------------------------------------------
    def plan_interface(self, f: InterfaceFacts) -> None:
        name = f.name
        iface: _Iface | None = None
        if not is_name_blocklisted(name):
            iface = self.ifaces.get(name)
            if iface is None:
                iface = self.create_interface(f)
            else:
                self.update_interface(iface, f)
            self.imported.append(name)
        self.plan_addresses(f, iface)

    def create_interface(self, f: InterfaceFacts) -> _Iface:
        fields: dict[str, Any] = {"owner_kind": self.state.kind}
        iface = _Iface(f.name, None)
        if not self.is_vm:
            iface.type = fields["type"] = interface_type(f)
            fields["mgmt_only"] = False
        if (mtu := wanted_mtu(f)) is not None:
            fields["mtu"] = mtu  # fix of docs/behaviour-reference.md §6.4 item 2: the MTU was never set
        if mac := wanted_mac(f):
            fields["mac_address"] = mac
        for key, value in self.relations(f).items():
            if value is not None:
                fields[key] = value
        self.ifaces[f.name] = iface
        self.change(
            Change(
                "create",
                "interface",
                PortRef(self.host, f.name),
                fields,
                f"Creating interface {f.name} for device {self.host}",
            )
        )
        for key in ("parent", "bridge"):
            if key in fields:
                self.log("info", f"Attach interface {f.name} to {_relation_fact(key)} {fields[key]}")
        self.plan_dot1q(iface, f)
        return iface

    def update_interface(self, iface: _Iface, f: InterfaceFacts) -> None:
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
        for key, value in self.relations(f).items():
            current = getattr(record, key)
            if value != current:
                fields[key], before[key] = value, current
                messages.append(f"Attach interface {f.name} to {_relation_fact(key)} {value}")
        if not self.is_vm:
            wanted_type = {"bridge": "bridge", "bond": "lag", "vlan": "virtual"}.get(f.kind)
            if wanted_type and iface.type != wanted_type:
                fields["type"], before["type"] = wanted_type, iface.type
                iface.type = wanted_type
                if wanted_type == "bridge":
                    messages.append(f"Set interface '{f.name}' to type bridge.")
        if fields:
            self.change(
                Change(
                    "update",
                    "interface",
                    PortRef(self.host, f.name),
                    fields,
                    "; ".join(messages) or f"{self.host}: update interface {f.name}",
                    before=before,
                )
            )
        self.plan_dot1q(iface, f)

    def relations(self, f: InterfaceFacts) -> dict[str, str | None]:
        """parent/bridge/lag wanted by the facts, checked against the host's interfaces (existing or planned)."""
        wanted = {"parent": f.parent_link, "bridge": f.parent_bridge}
        if not self.is_vm:
            wanted["lag"] = f.parent_bond
        result: dict[str, str | None] = {}
        for key, target in wanted.items():
            if target is None or target in self.ifaces:
                result[key] = target
                continue
            # Fix of docs/behaviour-reference.md §6.4 item 4 (the braces were printed literally) and decision: the
            # relation is left
            # unset and the rest of the host is still imported, instead of aborting the whole run.
            self.log(
                "failure",
                f"PuppetDB reports {f.name} has {_relation_fact(key)} called {target} but no matching int in Netbox",
            )
            result[key] = None
        return result

    def plan_dot1q(self, iface: _Iface, f: InterfaceFacts) -> None:
        """Physical hosts: a VLAN sub-interface is an access port of its VLAN, and its parent carries it tagged."""
        if self.is_vm or f.kind != "vlan" or f.dot1q is None or not f.parent_link or f.parent_link not in self.ifaces:
            return
        vlan = next((v for v in self.state.vlans if v.vid == f.dot1q), None)
        if vlan is None:
            self.log("warning", f"Configured Vlan ID {f.dot1q} on {f.name} not found in Netbox")
            return
        parent = self.ifaces[f.parent_link]
        parent_fields: dict[str, Any] = {}
        parent_before: dict[str, Any] = {}
        if parent.mode != "tagged":
            parent_fields["mode"], parent_before["mode"] = "tagged", parent.mode
            parent.mode = "tagged"
            native = self.native_vlan(f.parent_link)
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
            self.change(
                Change(
                    "update",
                    "interface",
                    PortRef(self.host, f.parent_link),
                    parent_fields,
                    message or f"{self.host}: set {f.parent_link} to tagged mode",
                    before=parent_before,
                )
            )
        if iface.mode != "access" or iface.untagged_vlan != vlan.id:
            fields = {"mode": "access", "untagged_vlan": vlan.id}
            before = {"mode": iface.mode, "untagged_vlan": iface.untagged_vlan}
            iface.mode, iface.untagged_vlan = "access", vlan.id
            self.change(
                Change(
                    "update",
                    "interface",
                    PortRef(self.host, f.name),
                    fields,
                    f"Set vlan {f.dot1q} as untagged vlan on {f.name}",
                    before=before,
                )
            )

    def native_vlan(self, parent_name: str) -> int | None:
        """The VLAN of the prefix holding the parent's first IPv4 (or its bridge's, when it is a bridge member)."""
        parent_facts = self.facts.interfaces.get(parent_name)
        if parent_facts is None:
            return None
        source = parent_facts
        if parent_facts.parent_bridge and parent_facts.parent_bridge in self.facts.interfaces:
            source = self.facts.interfaces[parent_facts.parent_bridge]
        for binding in source.bindings:
            try:
                address = binding_interface(binding.address, binding.netmask, v6=False)
            except ValueError:
                continue
            prefix = parent_prefix(address.ip, [p for p in self.state.prefixes if p.vlan_id], address.network.prefixlen)
            if prefix is not None:
                return prefix.vlan_id
        return None

    # -- IP addresses -----------------------------------------------------------------------------------------------
    def plan_addresses(self, f: InterfaceFacts, iface: _Iface | None) -> None:
        vip_exempt = bool(NO_VIP_RE.match(self.host)) and not is_vdev(f.name)
        is_anycast = f.name.startswith("lo:anycast")
        for v6, bindings in ((False, f.bindings), (True, f.bindings6)):
            for binding in bindings:
                try:
                    address = binding_interface(binding.address, binding.netmask, v6)
                except ValueError as exc:
                    self.log("failure", f"{self.host}: cannot read {binding.address} on {f.name}: {exc}")
                    continue
                if iface is None and address.network.prefixlen != address.max_prefixlen and not is_anycast:
                    # Fix of docs/behaviour-reference.md §6.4 item 5 (crash): on an interface we do not import (lo,
                    # docker0, ...) only
                    # service addresses (/32, /128: VIPs and anycast) mean something to NetBox.
                    continue
                kept = self.convert_binding(address, is_anycast, vip_exempt)
                if kept is None:
                    continue
                if iface is None:
                    # Fix of docs/behaviour-reference.md §6.4 item 5 (crash): an address on an interface we do not
                    # import.
                    self.log("warning", f"{kept}: skipping, {f.name} is not imported")
                    continue
                if v6:
                    is_primary = f.name == self.facts.primary and is_mapped_v4(kept.ip, self.facts.ip)
                else:
                    is_primary = f.name == self.facts.primary and str(kept.ip) == self.facts.ip
                self.assign_ip(kept, f.name, is_primary)

    def convert_binding(self, address, is_anycast: bool, vip_exempt: bool):
        """Spec `_process_binding_address`: the address to assign, or None (skipped, or handled as a VIP)."""
        ip = address.ip
        if ip.is_link_local or ip.is_loopback:
            return None
        if ip.version == 6 and is_slaac(ip):
            self.log("warning", f"{address}: skipping SLAAC IP")
            return None
        if ip.version == 4 and ip in NON_ROUTED:
            return None
        parent = parent_prefix(ip, self.state.prefixes, address.network.prefixlen)
        if parent is None:
            self.log("failure", f"Can't find parent prefix for {address}.")
            return None
        host_length = address.max_prefixlen
        if address.network.prefixlen == host_length and vip_exempt:
            new_length = ipaddress.ip_network(parent.prefix).prefixlen
            address = ipaddress.ip_interface(f"{ip}/{new_length}")
            self.log("info", "VIP exempt: Overriding provided netmask")
        if is_anycast or (address.network.prefixlen == host_length and parent.role != VM_PREFIX_ROLE):
            self.handle_vip(address, "anycast" if is_anycast else "vip", parent)
            return None
        return address

    def find_ip(self, address, vrf_id: int | None) -> IpRecord | None:
        matches = self.ips_by_address.get(_norm(str(address)), [])
        if not matches:
            return None
        matches = sorted(matches, key=lambda ip: (ip.vrf_id != vrf_id, ip.id))
        if len(matches) > 1:
            self.log("debug", f"{address} has multiple results, taking the 0th one")
        return matches[0]

    def handle_vip(self, address, role: str, parent: PrefixRecord) -> None:
        existing = self.find_ip(address, parent.vrf_id)
        if existing is None:
            self.change(
                Change(
                    "create",
                    "ipaddress",
                    None,
                    {"address": str(address), "vrf": parent.vrf_id, "role": role, "status": "active"},
                    f"{address}: created, {role}, no interface and active",
                    "success",
                )
            )
            self.ips_by_address.setdefault(_norm(str(address)), []).append(
                IpRecord(-1, str(address), role, "active", vrf_id=parent.vrf_id)
            )
            return
        if existing.role != role or existing.assigned is not None or existing.status != "active":
            fields = {"role": role, "assigned": None, "status": "active"}
            before = {"address": existing.address, "role": existing.role, "assigned": existing.assigned}
            before["status"] = existing.status
            if existing.assigned is not None:
                self.moved_ips.add(existing.id)
            self.change(
                Change(
                    "update",
                    "ipaddress",
                    existing.id,
                    fields,
                    f"{address}: {role}, set to no interface and active",
                    "success",
                    before,
                )
            )

    def assign_ip(self, address, iface_name: str, is_primary: bool) -> None:
        target = PortRef(self.host, iface_name)
        role = "anycast" if iface_name.startswith("lo:anycast") else ""
        parent = parent_prefix(address.ip, self.state.prefixes, address.network.prefixlen)
        vrf_id = parent.vrf_id if parent else None
        existing = self.find_ip(address, vrf_id)
        if existing is None:
            others = [ip for ip in self.ips_by_host.get(str(address.ip), []) if ip.vrf_id == vrf_id]
            if others:
                # Decision: never create a second IP for the same host address; a mask mismatch is for a human.
                self.log(
                    "failure",
                    f"{self.host}: {address} on {iface_name} is recorded in Netbox as {others[0].address}; "
                    "fix the mask in Netbox",
                )
                return
            fields = {"address": str(address), "vrf": vrf_id, "role": role, "status": "active", "assigned": target}
            self.change(
                Change(
                    "create",
                    "ipaddress",
                    None,
                    fields,
                    f"Creating {address} and assigning to interface '{iface_name}'",
                )
            )
            existing = IpRecord(-1, str(address), role, "active", vrf_id=vrf_id, assigned=target)
            self.ips_by_address.setdefault(_norm(str(address)), []).append(existing)
        else:
            if existing.role in SHARED_IP_ROLES:
                # Fix of docs/behaviour-reference.md §6.4 item 6: the warning now really skips the address.
                self.log(
                    "warning",
                    f"Skipping assigning existing IP {address} with role {existing.role} to {iface_name}. The IP "
                    "might have the wrong netmask (expected /32 or /128 for VIP-like IPs)",
                )
                return
            self.reassign_ip(existing, target, role)
        if is_primary:
            self.check_primary(address, existing)

    def current_ref(self, ref: PortRef | None) -> PortRef | None:
        """Where ``ref`` points once this plan's renames are applied."""
        if ref is not None and ref.owner == self.host and ref.name in self.renamed:
            return PortRef(self.host, self.renamed[ref.name])
        return ref

    def reassign_ip(self, ip: IpRecord, target: PortRef, role: str) -> None:
        fields: dict[str, Any] = {}
        before: dict[str, Any] = {"address": ip.address}
        messages = []
        if self.current_ref(ip.assigned) != target:
            if ip.assigned is not None and ip.assigned.owner != self.host:
                messages.append(f"Taking IP address {ip.address} from {ip.assigned.owner}:{ip.assigned.name}")
                if ip.primary_of and ip.primary_of != self.host:
                    family = "primary_ip6" if ":" in ip.address else "primary_ip4"
                    self.change(
                        Change(
                            "update",
                            "device",
                            ip.primary_of,
                            {family: None, "owner_kind": ip.assigned_kind, "owner_id": ip.primary_of_id},
                            f"{ip.primary_of}: unset primary IP {ip.address}",
                            before={family: ip.address},
                        )
                    )
            messages.append(f"Assigning {ip.address} to {self.host}:{target.name}")
            fields["assigned"], before["assigned"] = target, ip.assigned
            if ip.assigned is not None:
                self.moved_ips.add(ip.id)
        # Fix of docs/behaviour-reference.md §6.4 item 7: only the provisioning marker is cleared, other descriptions
        # are kept.
        if ip.description == RESERVED_DESCRIPTION:
            fields["description"], before["description"] = "", ip.description
        if ip.role != role:
            fields["role"], before["role"] = role, ip.role
        if ip.status != "active":
            fields["status"], before["status"] = "active", ip.status
        if fields:
            self.change(
                Change(
                    "update",
                    "ipaddress",
                    ip.id,
                    fields,
                    "; ".join(messages) or f"{ip.address}: set active on {target}",
                    before=before,
                )
            )

    def check_primary(self, address, ip: IpRecord) -> None:
        fqdn = self.facts.fqdn
        if ip.dns_name and ip.dns_name == fqdn:
            self.log("info", f"{fqdn} assign_name: {address} already has correct DNS name.")
        elif ip.dns_name:
            self.log("failure", f"{fqdn} assign_name: {address} has a different DNS name than expected: {ip.dns_name}")
        self.primary_seen[address.version] = str(address)

    def plan_primary_ips(self) -> None:
        for version, address in sorted(self.primary_seen.items()):
            key = f"primary_ip{version}"
            current = getattr(self.state, key)
            if current is not None and _norm(current) == _norm(address):
                self.log("info", f"{address} is already primary for {self.host}")
                continue
            self.change(
                Change(
                    "update",
                    "device",
                    self.host,
                    {key: address, "owner_kind": self.state.kind},
                    f"Setting {address} as primary for {self.host}",
                    before={key: current},
                )
            )

    # -- LLDP: switch port and cable --------------------------------------------------------------------------------
    def plan_lldp(self, name: str, f: InterfaceFacts) -> None:
        lldp = f.lldp
        if lldp is None or not lldp.port.startswith(SWITCH_PORT_PREFIXES):
            return
        switch = find_switch(self.state.switches, lldp.neighbor, lldp.port)
        if switch is None:
            self.log("failure", f"{self.host}: LLDP neighbor {lldp.neighbor} of {name} is not in Netbox")
            return
        port = PortRef(switch.name, lldp.port)
        if not self.ensure_switch_port(switch, lldp):
            return
        iface = self.ifaces[name]
        if iface.connected == port and iface.cable_id is not None:
            self.fill_label(iface, lldp)
            return
        record = iface.record
        if iface.cable_id is not None and record is not None and not record.link_peer_is_interface:
            self.log(
                "failure",
                f"{self.host}: {name} is cabled through a patch panel to {iface.connected or 'nowhere'}, but LLDP "
                f"sees {port}; fix the cabling in Netbox by hand",
            )
            return
        server_cable = iface.cable_id
        switch_record = switch.interfaces.get(lldp.port)
        switch_cable = switch_record.cable_id if switch_record and port not in self.created_switch_ports else None
        old = self.state.cables.get(server_cable) if server_cable else None
        if server_cable != switch_cable:
            if server_cable is not None:
                self.delete_cable(server_cable, f"{self.host}: Remove cable from {name}")
            if switch_cable is not None and switch_cable not in self.deleted_cables:
                self.delete_cable(switch_cable, f"{switch.name}: remove cable from {lldp.port}")
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
            self.log("warning", f"{self.host}: assuming {CABLE_COLORS[color]} {cable_type} because {iface.type}")
        fields = {
            "a": PortRef(self.host, name),
            "b": port,
            "label": label,
            "color": color,
            "type": cable_type,
            "status": "connected",
        }
        self.change(Change("create", "cable", None, fields, f"{self.host}: created cable {label or port}", "success"))
        iface.cable_id, iface.connected = -1, port

    def fill_label(self, iface: _Iface, lldp) -> None:
        """Labels are kept: the switch's `{#id}` fills an empty label, it never overwrites one."""
        label = cable_label(lldp.descr)
        cable = self.state.cables.get(iface.cable_id) if iface.cable_id else None
        if label and cable is not None and not cable.label:
            self.change(
                Change(
                    "update",
                    "cable",
                    cable.id,
                    {"label": label},
                    f"{self.host}: update label for {cable.id}: {label}",
                    "success",
                    {"label": cable.label},
                )
            )

    def delete_cable(self, cable_id: int, message: str) -> None:
        self.deleted_cables.add(cable_id)
        for other in self.ifaces.values():
            if other.cable_id == cable_id:
                other.cable_id, other.connected = None, None
        self.change(Change("delete", "cable", cable_id, {}, message, "success"))

    def ensure_switch_port(self, switch: SwitchRecord, lldp) -> bool:
        port = PortRef(switch.name, lldp.port)
        if port in self.created_switch_ports:
            return True
        existing = switch.interfaces.get(lldp.port)
        if existing is not None:
            if existing.mtu is None and port not in self.switch_mtu:
                self.switch_mtu[port] = SWITCH_PORT_MTU
                self.change(
                    Change(
                        "update",
                        "interface",
                        port,
                        {"mtu": SWITCH_PORT_MTU},
                        f"Updated {switch.name} {lldp.port} MTU to {SWITCH_PORT_MTU}",
                        before={"mtu": None},
                    )
                )
            return True
        if switch.manufacturer == "juniper":
            for orphan in orphan_ports(switch, lldp.port):
                if orphan.cable_id is not None or switch.interface_ip_counts.get(orphan.name):
                    self.log(
                        "failure",
                        f"{switch.name}: We need to remove interface {orphan.name}, before creating {lldp.port}, "
                        f"however it still has a cable or IP address attached. See {REMOVAL_GUARD_DOC}",
                    )
                    return False
                self.change(
                    Change(
                        "delete",
                        "interface",
                        PortRef(switch.name, orphan.name),
                        {},
                        f"{switch.name}: deleted orphan interface {orphan.name}",
                        "success",
                    )
                )
        mtu = lldp.mtu if lldp.mtu and lldp.mtu != LLDP_DEFAULT_MTU else SWITCH_PORT_MTU
        port_type = switch_port_type(lldp.port)
        self.created_switch_ports[port] = port_type
        self.change(
            Change(
                "create",
                "interface",
                port,
                {"owner_kind": "device", "type": port_type, "mtu": mtu, "mgmt_only": False},
                f"{switch.name}: created interface {lldp.port}",
                "success",
            )
        )
        return True

    def plan_switch_vlans(self) -> None:
        """Copy each host interface's 802.1Q mode and VLANs to the switch port it is connected to."""
        switches = {s.name: s for s in self.state.switches}
        for iface in self.ifaces.values():
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
                    f"Set {z.owner} {z.name} untagged vlan to {self.vlan_name(iface.untagged_vlan)} matching "
                    f"{iface.name}"
                )
            # Fix: compared as sets (the original compared ordered lists, so a mere reordering looked like a change).
            if set(z_tagged) != set(iface.tagged_vlans):
                fields["tagged_vlans"], before["tagged_vlans"] = iface.tagged_vlans, z_tagged
                names = [self.vlan_name(v) for v in sorted(iface.tagged_vlans)]
                messages.append(f"Set {z.owner} {z.name} tagged vlans to {names} matching {iface.name}")
            if fields:
                self.change(Change("update", "interface", z, fields, "; ".join(messages), before=before))

    def vlan_name(self, vlan_id: int | None) -> str:
        if vlan_id is None:
            return "None"
        return next((v.name for v in self.state.vlans if v.id == vlan_id), str(vlan_id))

    # -- Step D: the removal guard ----------------------------------------------------------------------------------
    def plan_removals(self) -> None:
        """Interfaces absent from the facts go only when they carry no IP and no cable (also child interfaces: fix of
        docs/behaviour-reference.md §6.4 item 7, which deleted them with their IPs). Otherwise: one failure each, and
        they stay."""
        gone = [
            i
            for name, i in self.ifaces.items()
            if i.record is not None
            and name not in self.facts.interfaces
            and name not in ("mgmt", PRIMARY_PLACEHOLDER)
            and not i.record.mgmt_only
        ]
        # Children first: NetBox refuses to delete a parent that still has children.
        gone.sort(key=lambda i: (i.record.parent is None, i.name))
        for iface in gone:
            record = iface.record
            remaining_ips = [ip for ip in record.ip_ids if ip not in self.moved_ips]
            has_cable = not self.is_vm and iface.cable_id is not None
            if remaining_ips or has_cable:
                self.log(
                    "failure",
                    f"{self.host}: We want to remove interface {iface.name}, however it still has a cable or IP "
                    f"address associated with it. See {REMOVAL_GUARD_DOC}",
                )
                continue
            self.change(
                Change(
                    "delete",
                    "interface",
                    PortRef(self.host, iface.name),
                    {"owner_kind": self.state.kind},
                    f"{self.host}: removing interface no longer in puppet {iface.name}",
                )
            )


def _relation_fact(key: str) -> str:
    return {"parent": "parent_link", "bridge": "parent_bridge", "lag": "parent_bond"}[key]


def _norm(address: str) -> str:
    """Canonical text of an interface address (``2620:0:861::5/64`` and its exploded form compare equal)."""
    try:
        return str(ipaddress.ip_interface(address))
    except ValueError:
        return address


def addresses_in_facts(facts: HostFacts) -> list[str]:
    """Every host address the facts mention (for the loader's bulk IP and prefix queries)."""
    found = []
    for f in facts.interfaces.values():
        for v6, bindings in ((False, f.bindings), (True, f.bindings6)):
            for binding in bindings:
                try:
                    found.append(str(binding_interface(binding.address, binding.netmask, v6).ip))
                except ValueError:
                    continue
    return sorted(set(found))


def lldp_neighbors(facts: HostFacts) -> list[str]:
    """Short names of the LLDP neighbours (for the loader's switch query)."""
    return sorted({f.lldp.neighbor.split(".", 1)[0] for f in facts.interfaces.values() if f.lldp})


def dot1q_vids(facts: HostFacts) -> list[int]:
    return sorted({f.dot1q for f in facts.interfaces.values() if f.kind == "vlan" and f.dot1q is not None})
