"""IP addresses (docs/behaviour-reference.md §2.1 Step C, `_process_binding_address`): the facts' bindings become
IPs on the host's interfaces, service addresses become VIPs and anycast IPs, and the primary IPs follow the facts'
primary interface. Also the address arithmetic this needs (netmasks, parent prefixes, WMF's IPv6 convention)."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from typing import Any

from ...policy import SHARED_IP_ROLES
from ..facts import HostFacts, InterfaceFacts
from .changes import Change
from .draft import Draft, WorkingInterface
from .interfaces import is_vdev
from .records import IpRecord, PortRef, PrefixRecord, canonical_address

NO_VIP_RE = re.compile(r"^(aqs|restbase|sessionstore)")
NON_ROUTED = ipaddress.ip_network("192.168.0.0/16")
VM_PREFIX_ROLE = "virtual-machines"
RESERVED_DESCRIPTION = "reserved for infra"

Address = ipaddress.IPv4Interface | ipaddress.IPv6Interface


# --------------------------------------------------------------------------------------------------------------------
# Address arithmetic
# --------------------------------------------------------------------------------------------------------------------


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


def binding_interface(address: str, netmask: str, v6: bool) -> Address:
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
    docs/behaviour-reference.md §6.4 item 8: the original required a strictly larger prefix). The global table wins
    over VRFs at the same length."""
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


# --------------------------------------------------------------------------------------------------------------------
# Planning
# --------------------------------------------------------------------------------------------------------------------


def plan_addresses(draft: Draft, f: InterfaceFacts, iface: WorkingInterface | None) -> None:
    """The bindings of ``f``; ``iface`` is its NetBox interface, None when ``f`` is not imported."""
    vip_exempt = bool(NO_VIP_RE.match(draft.host)) and not is_vdev(f.name)
    is_anycast = f.name.startswith("lo:anycast")
    for v6, bindings in ((False, f.bindings), (True, f.bindings6)):
        for binding in bindings:
            try:
                address = binding_interface(binding.address, binding.netmask, v6)
            except ValueError as exc:
                draft.log("failure", f"{draft.host}: cannot read {binding.address} on {f.name}: {exc}")
                continue
            if iface is None and address.network.prefixlen != address.max_prefixlen and not is_anycast:
                # Fix of docs/behaviour-reference.md §6.4 item 5 (crash): on an interface we do not import (lo,
                # docker0, ...) only service addresses (/32, /128: VIPs and anycast) mean something to NetBox.
                continue
            kept = _convert_binding(draft, address, is_anycast, vip_exempt)
            if kept is None:
                continue
            if iface is None:
                # Fix of docs/behaviour-reference.md §6.4 item 5 (crash): an address on an interface we do not
                # import.
                draft.log("warning", f"{kept}: skipping, {f.name} is not imported")
                continue
            if v6:
                is_primary = f.name == draft.facts.primary and is_mapped_v4(kept.ip, draft.facts.ip)
            else:
                is_primary = f.name == draft.facts.primary and str(kept.ip) == draft.facts.ip
            _assign_ip(draft, kept, f.name, is_primary)


def _convert_binding(draft: Draft, address: Address, is_anycast: bool, vip_exempt: bool) -> Address | None:
    """Spec `_process_binding_address`: the address to assign, or None (skipped, or handled as a VIP)."""
    ip = address.ip
    if ip.is_link_local or ip.is_loopback:
        return None
    if ip.version == 6 and is_slaac(ip):
        draft.log("warning", f"{address}: skipping SLAAC IP")
        return None
    if ip.version == 4 and ip in NON_ROUTED:
        return None
    parent = parent_prefix(ip, draft.state.prefixes, address.network.prefixlen)
    if parent is None:
        draft.log("failure", f"Can't find parent prefix for {address}.")
        return None
    host_length = address.max_prefixlen
    if address.network.prefixlen == host_length and vip_exempt:
        new_length = ipaddress.ip_network(parent.prefix).prefixlen
        address = ipaddress.ip_interface(f"{ip}/{new_length}")
        draft.log("info", "VIP exempt: Overriding provided netmask")
    if is_anycast or (address.network.prefixlen == host_length and parent.role != VM_PREFIX_ROLE):
        _handle_vip(draft, address, "anycast" if is_anycast else "vip", parent)
        return None
    return address


def _find_ip(draft: Draft, address: Address, vrf_id: int | None) -> IpRecord | None:
    matches = draft.ips_by_address.get(canonical_address(str(address)), [])
    if not matches:
        return None
    matches = sorted(matches, key=lambda ip: (ip.vrf_id != vrf_id, ip.id))
    if len(matches) > 1:
        draft.log("debug", f"{address} has multiple results, taking the 0th one")
    return matches[0]


def _handle_vip(draft: Draft, address: Address, role: str, parent: PrefixRecord) -> None:
    existing = _find_ip(draft, address, parent.vrf_id)
    if existing is None:
        draft.change(
            Change(
                "create",
                "ipaddress",
                None,
                {"address": str(address), "vrf": parent.vrf_id, "role": role, "status": "active"},
                f"{address}: created, {role}, no interface and active",
                "success",
            )
        )
        draft.ips_by_address.setdefault(canonical_address(str(address)), []).append(
            IpRecord(-1, str(address), role, "active", vrf_id=parent.vrf_id)
        )
        return
    if existing.role != role or existing.assigned is not None or existing.status != "active":
        fields = {"role": role, "assigned": None, "status": "active"}
        before = {"address": existing.address, "role": existing.role, "assigned": existing.assigned}
        before["status"] = existing.status
        if existing.assigned is not None:
            draft.moved_ips.add(existing.id)
        draft.change(
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


def _assign_ip(draft: Draft, address: Address, iface_name: str, is_primary: bool) -> None:
    target = PortRef(draft.host, iface_name)
    role = "anycast" if iface_name.startswith("lo:anycast") else ""
    parent = parent_prefix(address.ip, draft.state.prefixes, address.network.prefixlen)
    vrf_id = parent.vrf_id if parent else None
    existing = _find_ip(draft, address, vrf_id)
    if existing is None:
        others = [ip for ip in draft.ips_by_host.get(str(address.ip), []) if ip.vrf_id == vrf_id]
        if others:
            # Decision: never create a second IP for the same host address; a mask mismatch is for a human.
            draft.log(
                "failure",
                f"{draft.host}: {address} on {iface_name} is recorded in Netbox as {others[0].address}; "
                "fix the mask in Netbox",
            )
            return
        fields = {"address": str(address), "vrf": vrf_id, "role": role, "status": "active", "assigned": target}
        draft.change(
            Change(
                "create",
                "ipaddress",
                None,
                fields,
                f"Creating {address} and assigning to interface '{iface_name}'",
            )
        )
        existing = IpRecord(-1, str(address), role, "active", vrf_id=vrf_id, assigned=target)
        draft.ips_by_address.setdefault(canonical_address(str(address)), []).append(existing)
    else:
        if existing.role in SHARED_IP_ROLES:
            # Fix of docs/behaviour-reference.md §6.4 item 6: the warning now really skips the address.
            draft.log(
                "warning",
                f"Skipping assigning existing IP {address} with role {existing.role} to {iface_name}. The IP "
                "might have the wrong netmask (expected /32 or /128 for VIP-like IPs)",
            )
            return
        _reassign_ip(draft, existing, target, role)
    if is_primary:
        _check_primary(draft, address, existing)


def _reassign_ip(draft: Draft, ip: IpRecord, target: PortRef, role: str) -> None:
    fields: dict[str, Any] = {}
    before: dict[str, Any] = {"address": ip.address}
    messages = []
    if draft.current_ref(ip.assigned) != target:
        if ip.assigned is not None and ip.assigned.owner != draft.host:
            messages.append(f"Taking IP address {ip.address} from {ip.assigned.owner}:{ip.assigned.name}")
            if ip.primary_of and ip.primary_of != draft.host:
                family = "primary_ip6" if ":" in ip.address else "primary_ip4"
                draft.change(
                    Change(
                        "update",
                        "device",
                        ip.primary_of,
                        {family: None, "owner_kind": ip.assigned_kind, "owner_id": ip.primary_of_id},
                        f"{ip.primary_of}: unset primary IP {ip.address}",
                        before={family: ip.address},
                    )
                )
        messages.append(f"Assigning {ip.address} to {draft.host}:{target.name}")
        fields["assigned"], before["assigned"] = target, ip.assigned
        if ip.assigned is not None:
            draft.moved_ips.add(ip.id)
    # Fix of docs/behaviour-reference.md §6.4 item 7: only the provisioning marker is cleared, other descriptions are
    # kept.
    if ip.description == RESERVED_DESCRIPTION:
        fields["description"], before["description"] = "", ip.description
    if ip.role != role:
        fields["role"], before["role"] = role, ip.role
    if ip.status != "active":
        fields["status"], before["status"] = "active", ip.status
    if fields:
        draft.change(
            Change(
                "update",
                "ipaddress",
                ip.id,
                fields,
                "; ".join(messages) or f"{ip.address}: set active on {target}",
                before=before,
            )
        )


def _check_primary(draft: Draft, address: Address, ip: IpRecord) -> None:
    fqdn = draft.facts.fqdn
    if ip.dns_name and ip.dns_name == fqdn:
        draft.log("info", f"{fqdn} assign_name: {address} already has correct DNS name.")
    elif ip.dns_name:
        draft.log("failure", f"{fqdn} assign_name: {address} has a different DNS name than expected: {ip.dns_name}")
    draft.primary_seen[address.version] = str(address)


def plan_primary_ips(draft: Draft) -> None:
    """The host's primary IPv4/IPv6 become the addresses of the facts' primary interface seen by ``plan_addresses``."""
    for version, address in sorted(draft.primary_seen.items()):
        key = f"primary_ip{version}"
        current = getattr(draft.state, key)
        if current is not None and canonical_address(current) == canonical_address(address):
            draft.log("info", f"{address} is already primary for {draft.host}")
            continue
        draft.change(
            Change(
                "update",
                "device",
                draft.host,
                {key: address, "owner_kind": draft.state.kind},
                f"Setting {address} as primary for {draft.host}",
                before={key: current},
            )
        )
