"""The NetBox state of one host, as plain records: what ``loader.load_host_state`` reads and the planners compare with
the facts."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal


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


def canonical_address(address: str) -> str:
    """Canonical text of an interface address (``2620:0:861::5/64`` and its exploded form compare equal)."""
    try:
        return str(ipaddress.ip_interface(address))
    except ValueError:
        return address
