"""Network report rules (docs/behaviour-reference.md §1.8): switch port naming and speed blocks, uplinks, VIP masks,
primary IPs and DNS."""

from __future__ import annotations

import ipaddress
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .. import policy
from . import Finding, failure, judge_each, judge_each_graded, summary, warning

EXCLUDED_DEVICE_STATUSES = ("decommissioning", "inventory", "offline", "planned")
SWITCH_ROLES = ("asw", "msw", "cloudsw")
ACCESS_PORT_PREFIXES = ("et-", "xe-", "ge-")
UPLINK_SWITCH_ROLES = ("asw", "cloudsw")  # switches whose ports carry a server's VLAN
PORT_BLOCK_DEVICE_TYPES = ("qfx5120-48y-8c", "qfx5120-48y-afi", "qfx5120-48y-afi2")
PORT_BLOCK_LAST_PORT = 47  # ports 48+ are the uplink ports, outside the blocks of 4


# --------------------------------------------------------------------------------------- test_duplicate_interface


@dataclass(frozen=True)
class SwitchPort:
    obj: Any  # the Interface
    name: str
    device: str  # device name
    vc_position: int | None


def check_switch_port_names(ports: Iterable[SwitchPort]) -> list[Finding]:
    """Access port names carry the switch's VC member number (0 when standalone) and are unique modulo the speed
    prefix (``xe-0/0/1`` and ``ge-0/0/1`` are the same port). One failure per port: the first rule it breaks."""
    seen: dict[str, set[str]] = defaultdict(set)  # device → the well-named ports so far, without speed prefix

    def problem(port: SwitchPort) -> str | None:
        if port.vc_position:
            if f"-{port.vc_position}/" not in port.name:
                return f"Interface doesn't match its switch member: {port.vc_position} on {port.device}"
        elif "-0/" not in port.name:
            return f"Interface on a non-VC should start with -0/ on {port.device}"
        suffix = port.name.split("-", 1)[1]
        if suffix in seen[port.device]:
            return f"Duplicated interface with different prefix (eg. xe- & ge-) on {port.device}"
        seen[port.device].add(suffix)
        return None

    return judge_each(ports, problem, "switch ports named after their switch member", rule="network.switch_port_names")


# --------------------------------------------------------------------------------------- test_duplicate_ip_netmask


@dataclass(frozen=True)
class SharedIp:
    obj: Any  # the IPAddress
    address: str  # with prefix length, e.g. "10.2.0.1/22"


def check_vip_masks(addresses: Iterable[SharedIp]) -> list[Finding]:
    """All the IP objects of one shared address (VIP, anycast, ...) use the same prefix length."""
    lengths: dict[ipaddress._BaseAddress, set[int]] = defaultdict(set)  # the prefix lengths seen so far

    def problem(address: SharedIp) -> str | None:
        interface = ipaddress.ip_interface(address.address)
        seen = lengths[interface.ip]
        seen.add(interface.network.prefixlen)
        return "Multiple VIPs with different prefix length" if len(seen) > 1 else None

    return judge_each(addresses, problem, "correctly masked VIPs", rule="network.vip_masks")


# --------------------------------------------------------------------------------------- test_enabled_not_connected


@dataclass(frozen=True)
class NetworkPort:
    obj: Any  # the Interface: enabled, cabling possible, not mgmt-only, on a network device
    device: str
    description: str
    connected: bool  # has a cable, or is marked connected


def unconnected_port(port: NetworkPort) -> Finding | None:
    if port.connected:
        return None
    if policy.NO_MONITORING_MARK in (port.description or ""):
        message = f"Interface enabled but not connected on {port.device} (description: {port.description})"
        return warning(port.obj, message)
    return failure(port.obj, f"Interface enabled but not connected on {port.device}")


def check_enabled_ports_connected(ports: Iterable[NetworkPort]) -> list[Finding]:
    return judge_each_graded(
        ports, unconnected_port, "enabled interfaces connected", rule="network.enabled_ports_connected"
    )


# --------------------------------------------------------------------------------------------- test_matching_vlan


@dataclass(frozen=True)
class Vlan:
    obj: Any
    name: str
    prefixes: Sequence[str]  # the VLAN's prefixes, e.g. "10.64.0.0/22", in a stable order


@dataclass(frozen=True)
class ServerUplink:
    device: Any  # the server
    addresses: Sequence[str]  # IPs of the server interface, with prefix length
    switch: str  # name of the switch at the far end of the cable path
    switch_port: str
    vlan: Vlan | None  # the switch port's untagged VLAN


def check_uplink_vlans(uplinks: Iterable[ServerUplink]) -> list[Finding]:
    """A server's IPs must belong to the prefix of the untagged VLAN of the switch port it is cabled to."""
    failures: list[Finding] = []
    vlan_failures: dict[tuple[int, Any], Finding] = {}  # reported once per VLAN and family
    vlan_warnings: dict[tuple[int, Any], Finding] = {}
    matched = 0
    for uplink in uplinks:
        vlan = uplink.vlan
        if vlan is None:
            message = f"connected switch port has no untagged VLAN: {uplink.switch} {uplink.switch_port}"
            failures.append(failure(uplink.device, message, rule="network.uplink_vlans"))
            continue
        for family in (4, 6):
            prefixes = [ipaddress.ip_network(p) for p in vlan.prefixes if ipaddress.ip_network(p).version == family]
            if not prefixes:
                message = f"Vlan has no IPv{family} prefix assigned."
                vlan_warnings.setdefault((family, vlan.obj), warning(vlan.obj, message, rule="network.uplink_vlans"))
                continue
            if len(prefixes) > 1:
                listed = ", ".join(str(p) for p in prefixes)
                message = f"Vlan has more than one IPv{family} prefix assigned: {listed}"
                vlan_failures.setdefault((family, vlan.obj), failure(vlan.obj, message, rule="network.uplink_vlans"))
            prefix = prefixes[0]
            for address in uplink.addresses:
                interface = ipaddress.ip_interface(address)
                if interface.version != family:
                    continue
                if interface.network != prefix:
                    failures.append(
                        failure(
                            uplink.device,
                            f"{address} does not match connected Vlan {vlan.name}",
                            rule="network.uplink_vlans",
                        )
                    )
                else:
                    matched += 1
    return [
        *vlan_failures.values(),
        *failures,
        *vlan_warnings.values(),
        summary(matched, "server IP allocations matched attached switch port Vlan."),
    ]


# ----------------------------------------------------------------------------------------- test_mgmt_dns_hostname


@dataclass(frozen=True)
class MgmtAddress:
    device: Any
    device_name: str
    site: str  # site slug
    tenant: str | None  # tenant slug
    dns_name: str


def mgmt_dns_problem(address: MgmtAddress) -> str | None:
    expected = policy.mgmt_dns_name(address.device_name, address.site, address.tenant)
    if address.dns_name == expected:
        return None
    return f"Invalid management interface DNS ({address.dns_name} != {expected})"


def check_mgmt_dns_names(addresses: Iterable[MgmtAddress]) -> list[Finding]:
    """The DNS name of a device's management IP is ``<device>.mgmt[.frack].<site>.wmnet``."""
    return judge_each(
        addresses,
        mgmt_dns_problem,
        "correct mgmt DNS names",
        obj=lambda address: address.device,
        rule="network.mgmt_dns_mismatch",
    )


# ------------------------------------------------------------------------------------ test_port_block_consistency


@dataclass(frozen=True)
class BlockPort:
    obj: Any  # the Interface
    name: str
    type: str  # interface type value, e.g. "10gbase-x-sfpp"


@dataclass(frozen=True)
class BlockSwitch:
    device: Any
    name: str
    site: str
    ports: Sequence[BlockPort] = field(default_factory=tuple)  # enabled, not virtual/LAG, not mgmt-only


def port_number(name: str) -> int:
    """``et-0/0/12:1`` → 12. Raises ValueError when the name has no numeric last component."""
    return int(name.split(":", 1)[0].rsplit("/", 1)[-1])


def check_port_blocks(switches: Iterable[BlockSwitch]) -> list[Finding]:
    """On QFX5120 switches, the ports of each block of 4 (0-3, 4-7, ... 44-47) must share one type (speed).

    The lowest-numbered port of a block sets the reference type; the ports that differ from it are reported."""
    findings: list[Finding] = []
    consistent = 0
    for switch in switches:
        numbered: list[tuple[int, str, BlockPort]] = []
        problems = 0
        for port in switch.ports:
            try:
                numbered.append((port_number(port.name), port.name, port))
            except ValueError:
                message = f"[{switch.site}] Invalid interface name on Juniper QFX5120 device '{switch.name}'"
                findings.append(failure(port.obj, message, rule="network.port_blocks"))
                problems += 1
        reference: dict[int, str] = {}
        for number, _, port in sorted(numbered, key=lambda item: item[:2]):
            if number > PORT_BLOCK_LAST_PORT:
                continue
            block = number - number % 4
            expected = reference.setdefault(block, port.type)
            if port.type != expected:
                members = f"{block}, {block + 1}, {block + 2} and {block + 3}"
                message = (
                    f"[{switch.site}] Interface type '{port.type}' does not match '{expected}' set on other(s) in "
                    f"same block on {switch.name}. Ports {members} need to be same type."
                )
                findings.append(failure(port.obj, message, rule="network.port_blocks"))
                problems += 1
        if not problems:
            consistent += 1
    findings.append(summary(consistent, "QFX5120 devices have no port speed inconsistencies within blocks of 4."))
    return findings


# ----------------------------------------------------------------------------- test_primary_ip_dns_match / _ipv6


@dataclass(frozen=True)
class ServerPrimaryIps:
    device: Any  # a tenant-less server in service
    name: str
    ipv4_dns: str | None  # DNS name of the primary IPv4; None when there is no primary IPv4
    ipv6_dns: str | None  # DNS name of the primary IPv6; None when there is no primary IPv6
    has_ipv4: bool
    has_ipv6: bool


def check_primary_dns_match(servers: Iterable[ServerPrimaryIps]) -> list[Finding]:
    """Primary IPv4 has a DNS name starting with the hostname, and primary IPv6 (when named) uses the same name.
    One failure per server: the first rule it breaks."""
    findings: list[Finding] = []
    matching = 0
    for server in servers:
        if not server.has_ipv4 or not server.ipv4_dns:
            findings.append(
                failure(server.device, "Device with no primary IPv4 or DNS name", rule="network.primary_ip_missing")
            )
        elif not server.ipv4_dns.startswith(f"{server.name}."):
            message = f"Primary IPv4 DNS ({server.ipv4_dns}) doesn't start with the hostname"
            findings.append(failure(server.device, message, rule="network.primary_dns_match"))
        elif server.has_ipv6 and server.ipv6_dns and server.ipv6_dns != server.ipv4_dns:
            message = f"Primary IPv4 and IPv6 DNS name mismatch ({server.ipv4_dns} vs. {server.ipv6_dns})"
            findings.append(failure(server.device, message, rule="network.primary_dns_match"))
        elif server.has_ipv6 and server.ipv6_dns:
            matching += 1
    findings.append(summary(matching, "devices with matching primary IPv4 & IPv6"))
    return findings


def check_primary_ipv6(
    servers: Iterable[ServerPrimaryIps], no_ipv6_prefixes: Sequence[str] | None = None
) -> list[Finding]:
    def ipv6_finding(server: ServerPrimaryIps) -> Finding | None:
        if not server.has_ipv6:
            return failure(server.device, "Missing primary IPv6", rule="network.primary_ipv6_missing")
        if policy.without_ipv6_dns(server.name, no_ipv6_prefixes):
            if server.ipv6_dns:
                message = "Primary IPv6 has DNS name on a cluster that is listed as not supporting IPv6"
                return warning(server.device, message, rule="network.primary_ipv6")
            return None
        if not server.ipv6_dns:
            return failure(server.device, "Primary IPv6 missing DNS name", rule="network.primary_ipv6_dns_missing")
        return None

    return judge_each_graded(
        servers, ipv6_finding, "devices with operational primary IPv6", rule="network.primary_ipv6"
    )
