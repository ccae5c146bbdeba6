"""Which IP addresses become DNS records, and how they are named (docs/behaviour-reference.md §3.2-§3.3). Pure: plain
records in and out.

The loader turns NetBox objects into ``Host``/``Address``/``Prefix`` records; ``generate_records`` applies the spec's
inclusion rules and returns forward and reverse records plus the messages the run should log. Where the original
crashed (docs/behaviour-reference.md §6.4 item 17 and the notes in §3.3), a warning is logged and the run goes on; see
docs/dns.md.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from .. import policy

MessageLevel = Literal["debug", "info", "warning", "error"]

ASSIGNED_INTERFACE = "dcim.interface"
ASSIGNED_VMINTERFACE = "virtualization.vminterface"
ASSIGNED_FHRPGROUP = "ipam.fhrpgroup"

# HEAD's inclusion rules (docs/behaviour-reference.md §3.2 step 4 and §3.3).
DEFAULT_DEVICE_STATUSES = ("active", "planned", "failed", "inventory")
DEFAULT_MGMT_ONLY_STATUSES = ("inventory",)
MISSING_PTR_COMMENT = "wmf-zone-validator-ignore=MISSING_PTR_FOR_NAME_AND_IP"
ZONE_EXTRA_LABELS = ("frack", "mgmt", "svc")  # each one present lengthens the zone by one label
UNASSIGNED_NAME = "UNASSIGNED_ADDRESSES"


@dataclass(frozen=True, slots=True)
class Host:
    """A device or a virtual machine."""

    kind: Literal["device", "vm"]
    id: int
    name: str
    status: str
    role: str | None = None  # device role slug; VMs have none that matters
    asset_tag: str | None = None
    primary_ip4_id: int | None = None
    primary_ip6_id: int | None = None


@dataclass(frozen=True, slots=True)
class Address:
    """An IP address with what the generator needs to know about its assignment."""

    id: int
    address: str  # with its own mask, e.g. "10.64.0.5/22"
    status: str
    dns_name: str
    assigned_type: str | None = None  # "dcim.interface", "virtualization.vminterface", "ipam.fhrpgroup" or None
    host_id: int | None = None  # the device or VM of the assigned (VM) interface
    host_name: str | None = None
    host_site: str | None = None  # site slug of that device or VM
    mgmt_only: bool = False  # the assigned interface is management-only


@dataclass(frozen=True, slots=True)
class Prefix:
    id: int
    prefix: str  # e.g. "10.64.0.0/22"
    site: str | None = None  # slug of the site the prefix is scoped to (directly or through a location)


@dataclass(frozen=True, slots=True)
class Message:
    level: MessageLevel
    text: str
    ref: tuple[str, int] | None = None  # (model label, pk) of the object it is about, for links in the doors


@dataclass(frozen=True, slots=True)
class ForwardRecord:
    zone_file: str
    zone: str
    hostname: str
    ip: str  # compressed text, no mask
    comment: str = ""

    @property
    def fqdn(self) -> str:
        return f"{self.hostname}.{self.zone}"


@dataclass(frozen=True, slots=True)
class ReverseRecord:
    zone_file: str  # the reverse zone, e.g. "0.64.10.in-addr.arpa" or "64-27.0.64.10.in-addr.arpa"
    pointer: str  # e.g. "5", or 16 nibbles for IPv6
    target: str  # the forward FQDN, without the trailing dot


@dataclass
class Generation:
    forward: list[ForwardRecord] = field(default_factory=list)  # deduplicated per zone file
    reverse: list[ReverseRecord] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)
    owners: int = 0  # devices and VMs gathered, plus the pseudo-device of unassigned addresses

    def log(self, level: MessageLevel, text: str, ref: tuple[str, int] | None = None) -> None:
        self.messages.append(Message(level, text, ref))


# ------------------------------------------------------------------------------------------------------------ naming


def split_dns_name(dns_name: str) -> tuple[str, str]:
    """(hostname, zone): the zone is the last two labels, one more for each of frack/mgmt/svc present."""
    parts = dns_name.split(".")
    max_len = 2 + sum(1 for label in ZONE_EXTRA_LABELS if label in parts)
    k = min(len(parts) - 1, max_len)
    return ".".join(parts[: len(parts) - k]), ".".join(parts[len(parts) - k :])


def normalize_dns_name(dns_name: str) -> tuple[str | None, str | None]:
    """(name, problem): the stripped name without a trailing root dot, or the reason it cannot be used."""
    name = dns_name.strip()
    if name.endswith("."):
        name = name[:-1]
    if not name.isascii():
        return None, "is not ASCII"
    if "." not in name or any(not label for label in name.split(".")):
        return None, "has no zone or an empty label"
    return name, None


class PrefixIndex:
    """The NetBox prefixes containing an IP, found by one dict lookup per prefix length present (not a scan)."""

    def __init__(self, prefixes: Iterable[Prefix]):
        self._by_length: dict[tuple[int, int], dict[int, list[Prefix]]] = {}
        for prefix in prefixes:
            network = ipaddress.ip_network(prefix.prefix, strict=False)
            bucket = self._by_length.setdefault((network.version, network.prefixlen), {})
            bucket.setdefault(int(network.network_address), []).append(prefix)
        # Longest first, so matches come out most specific first.
        self._lengths = sorted(self._by_length, key=lambda key: -key[1])

    def matching(self, ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> list[tuple[int, Prefix]]:
        """(length, prefix) of every prefix containing ``ip``, longest first; equal networks by pk, last first."""
        bits = ip.max_prefixlen
        value = int(ip)
        found: list[tuple[int, Prefix]] = []
        for version, length in self._lengths:
            if version != ip.version:
                continue
            mask = ((1 << length) - 1) << (bits - length) if length else 0
            for prefix in sorted(self._by_length[(version, length)].get(value & mask, ()), key=lambda p: -p.id):
                found.append((length, prefix))
        return found


def zone_file_name(
    zone: str, ip: ipaddress.IPv4Interface | ipaddress.IPv6Interface, address: Address, prefixes: PrefixIndex
) -> tuple[str, Message | None]:
    """``zone`` for *.wmnet zones, else ``{zone}-{site}`` with the site from the prefixes or the assigned host."""
    if zone.endswith(".wmnet"):
        return zone, None
    matches = prefixes.matching(ip.ip)
    if matches:
        sited = [prefix.site for _, prefix in matches if prefix.site]
        if sited:
            return f"{zone}-{sited[0]}", None
        # HEAD: max() of an empty sequence crashed the run; the intended fallback is global.
        return f"{zone}-global", Message(
            "warning",
            f"Failed to find DC for address {ip} from prefix (no matching prefix has a site), using global",
            ("ipam.ipaddress", address.id),
        )
    if address.assigned_type in (ASSIGNED_INTERFACE, ASSIGNED_VMINTERFACE) and address.host_site:
        # HEAD crashed here for VM interfaces; a VM's own site is the natural answer.
        return f"{zone}-{address.host_site}", None
    return f"{zone}-global", Message(
        "warning",
        f"Failed to find DC for address {ip} from prefix or device, using global",
        ("ipam.ipaddress", address.id),
    )


def reverse_zone(
    ip: ipaddress.IPv4Interface | ipaddress.IPv6Interface, prefixes: PrefixIndex
) -> tuple[str | None, str | None, Message | None]:
    """(reverse zone, pointer, message): no zone when no prefix contains the IP (the forward record then carries
    the MISSING_PTR comment). IPv6 always splits at /64; IPv4 uses the /24 unless the address's own mask is longer
    than /24, in which case the longest prefix that is /29 or shorter gives an RFC 2317 classless zone."""
    matches = prefixes.matching(ip.ip)
    if not matches:
        return None, None, None
    labels = ip.ip.reverse_pointer.split(".")
    if ip.version == 6:
        return ".".join(labels[16:]), ".".join(labels[:16]), None
    pointer, slash24 = labels[0], ".".join(labels[1:])
    if ip.network.prefixlen <= 24:
        return slash24, pointer, None
    lengths = [length for length, _ in matches]  # longest first
    if lengths[0] > 29:
        shorter = [length for length in lengths if length <= 29]
        if not shorter:  # HEAD: StopIteration crash
            return (
                slash24,
                pointer,
                Message("warning", f"No prefix of /29 or shorter contains address {ip}, using the /24 reverse zone"),
            )
        chosen = shorter[0]
    else:
        chosen = lengths[0]
    if chosen > 24:
        network = ipaddress.ip_network(f"{ip.ip}/{chosen}", strict=False)
        return network.reverse_pointer.replace("/", "-"), pointer, None
    return slash24, pointer, None


# -------------------------------------------------------------------------------------------------------- generation


@dataclass
class _Owner:
    host: Host | None  # None for the pseudo-device of unassigned and FHRP addresses
    addresses: dict[int, Address] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.host.name if self.host else UNASSIGNED_NAME


def _gather_owners(
    hosts: Sequence[Host], addresses: Sequence[Address], device_statuses: Sequence[str], result: Generation
) -> list[_Owner]:
    """docs/behaviour-reference.md §3.2 steps 4-7: the devices and VMs in scope and the active addresses with a DNS name
    of each."""
    by_id = {address.id: address for address in addresses}
    active = {address.id: address for address in addresses if address.status == "active"}
    # Keyed by (kind, id), not by name as in the original, where a VM named like a device replaced the device.
    owners: dict[tuple[str, int] | None, _Owner] = {}
    for host in hosts:
        if host.kind == "device" and host.status not in device_statuses:
            continue
        owner = owners[(host.kind, host.id)] = _Owner(host)
        for primary_id in (host.primary_ip4_id, host.primary_ip6_id):
            if primary_id is None:
                continue
            primary = active.get(primary_id)
            if primary is None:  # HEAD: KeyError, the run aborted
                shown = by_id[primary_id].address if primary_id in by_id else f"#{primary_id}"
                result.log(
                    "warning",
                    f"Primary address {shown} for {_kind_word(host)} {host.name} is not active, skipping",
                    ("ipam.ipaddress", primary_id),
                )
            elif primary.dns_name:
                owner.addresses[primary.id] = primary
            else:
                result.log("debug", f"Primary address {primary.address} for device {host.name} is missing a DNS name")
    unassigned = owners[None] = _Owner(None)

    for address in active.values():
        if address.assigned_type is None or address.assigned_type == ASSIGNED_FHRPGROUP:
            owner = unassigned
        elif address.assigned_type == ASSIGNED_INTERFACE:
            owner = owners.get(("device", address.host_id))
        elif address.assigned_type == ASSIGNED_VMINTERFACE:
            owner = owners.get(("vm", address.host_id))
        else:
            result.log("error", f"Unsupported assigned object type: {address.assigned_type}")
            continue
        if owner is None:
            if address.dns_name:
                result.log(
                    "warning",
                    f"Device {address.host_name} of IP {address.address} with DNS name {address.dns_name} "
                    "not in devices, skipping.",
                    ("ipam.ipaddress", address.id),
                )
            continue
        if not address.dns_name:
            result.log("debug", f"Address {address.address} of {owner.name} has no DNS name, skipping")
            continue
        owner.addresses[address.id] = address
    result.owners = len(owners)
    result.log("info", f"Gathered {len(owners)} devices from Netbox")
    return list(owners.values())


def _kind_word(host: Host) -> str:
    return "device" if host.kind == "device" else "virtual machine"


def _forward_names(owner: _Owner, address: Address, hostname: str, result: Generation) -> list[str]:
    """The hostnames one address gets: its own, and the asset-tag name for a server's management interface."""
    host = owner.host
    if host is None or host.kind != "device" or host.role != policy.SERVER_ROLE:
        return [hostname]
    names = []
    mgmt_only_status = host.status in DEFAULT_MGMT_ONLY_STATUSES
    if not mgmt_only_status:
        names.append(hostname)
    if address.mgmt_only:
        if not host.asset_tag:  # HEAD: None.lower() crashed the run
            result.log(
                "warning",
                f"Missing asset tag on device {host.name}, no asset tag record for {address.address}",
                ("dcim.device", host.id),
            )
        elif host.name.lower() != host.asset_tag.lower() or mgmt_only_status:
            names.append(host.asset_tag.lower())
    return names


def generate_records(
    hosts: Sequence[Host],
    addresses: Sequence[Address],
    prefixes: Sequence[Prefix],
    *,
    device_statuses: Sequence[str] = DEFAULT_DEVICE_STATUSES,
) -> Generation:
    """Forward and reverse records for every address in scope (docs/behaviour-reference.md §3.2-§3.3), deduplicated per
    zone file."""
    result = Generation()
    index = PrefixIndex(prefixes)
    owners = _gather_owners(hosts, addresses, device_statuses, result)

    forward: dict[tuple[str, str, str], ForwardRecord] = {}
    reverse: dict[tuple[str, str, str], ReverseRecord] = {}
    skipped_names: dict[int, str] = {}
    for owner in owners:
        for address in owner.addresses.values():
            name, problem = normalize_dns_name(address.dns_name)
            if problem:
                skipped_names[address.id] = f"DNS name {address.dns_name!r} of IP {address.address} {problem}, skipping"
                continue
            ip = ipaddress.ip_interface(address.address)
            hostname, zone = split_dns_name(name)
            zone_file, message = zone_file_name(zone, ip, address, index)
            if message:
                result.messages.append(message)
            rev_zone, pointer, rev_message = reverse_zone(ip, index)
            if rev_message:
                result.messages.append(rev_message)
            comment = "" if rev_zone else MISSING_PTR_COMMENT
            for record_hostname in _forward_names(owner, address, hostname, result):
                record = ForwardRecord(zone_file, zone, record_hostname, str(ip.ip), comment)
                key = (zone_file, record_hostname, record.ip)
                if key in forward:
                    continue
                forward[key] = record
                if rev_zone and pointer:
                    reverse.setdefault((rev_zone, pointer, record.fqdn), ReverseRecord(rev_zone, pointer, record.fqdn))
    for address_id, text in skipped_names.items():
        result.log("warning", text, ("ipam.ipaddress", address_id))

    result.forward = list(forward.values())
    result.reverse = list(reverse.values())
    n = len(result.forward)
    forward_zones = len({r.zone_file for r in result.forward})
    reverse_zones = len({r.zone_file for r in result.reverse})
    result.log(
        "info",
        f"Generated {2 * n} direct and reverse records ({n} each) in {forward_zones} direct zones "
        f"and {reverse_zones} reverse zones",
    )
    return result
