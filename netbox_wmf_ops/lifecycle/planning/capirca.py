"""Capirca host definitions (docs/behaviour-reference.md §2.9), pure: address records in, the hostnames, their groups
and the ``NETWORKS.net`` text out.

``netbox_wmf_ops.lifecycle.capirca`` loads the address records."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import netaddr

from netbox_wmf_ops import policy

# A hostname with a run of 4 digits (cp1001, db2100) belongs to the group named by what is left of it (cp, db).
GROUP_DIGITS_RE = re.compile(r"\d{4}")
HOSTNAME_ROLES = ("vip", "anycast")  # unassigned addresses listed under their DNS name


@dataclass(frozen=True)
class AddressRecord:
    """One active IP address and what it is assigned to (plain values, as loaded)."""

    address: str  # with mask, as NetBox stores it: "10.64.0.1/22"
    role: str = ""
    dns_name: str = ""
    device_name: str | None = None  # set when assigned to a dcim interface
    device_role: str | None = None
    mgmt_only: bool = False
    vm_name: str | None = None  # set when assigned to a VM interface


def hostname_for(record: AddressRecord) -> str | None:
    """The name an address is listed under, or None when the address is not listed
    (docs/behaviour-reference.md §2.9)."""
    if record.device_name is not None:
        if record.mgmt_only or record.device_role != policy.SERVER_ROLE:
            return None
        return record.device_name
    if record.vm_name is not None:
        return record.vm_name
    if record.role in HOSTNAME_ROLES and record.dns_name:
        return record.dns_name
    return None


def collect_hosts(records: Iterable[AddressRecord]) -> dict[str, set[netaddr.IPAddress]]:
    """hostname -> its host addresses (no mask)."""
    hosts: dict[str, set[netaddr.IPAddress]] = defaultdict(set)
    for record in records:
        name = hostname_for(record)
        if name:
            hosts[name].add(netaddr.IPNetwork(record.address).ip)
    return dict(hosts)


def group_hosts(hostnames: Iterable[str]) -> dict[str, set[str]]:
    """Group key (the hostname without its runs of 4 digits) -> hostnames; names without such a run are in none."""
    groups: dict[str, set[str]] = defaultdict(set)
    for name in hostnames:
        key, removed = GROUP_DIGITS_RE.subn("", name)
        if removed:
            groups[key].add(name)
    return dict(groups)


def render_definitions(hosts: Mapping[str, Iterable[netaddr.IPAddress]], groups: Mapping[str, Iterable[str]]) -> str:
    """The Capirca definitions: one block per host (addresses aligned after ``{name} = ``, v4 before v6), three blank
    lines, then one ``{group}_group`` block per group. NetBox strips leading blanks on display; the job output keeps
    them."""
    lines: list[str] = []
    for name, addresses in sorted(hosts.items()):
        first, *others = sorted(addresses)  # netaddr orders by (version, value)
        lines.append(f"{name} = {first} # {name}")
        lines.extend(f"{str(ip).rjust(len(name) + len(str(ip)) + 3)} # {name}" for ip in others)
    text = "".join(line + "\n" for line in lines) + "\n\n\n"
    lines = []
    for group, members in sorted(groups.items()):
        first, *others = sorted(members)
        lines.append(f"{group}_group = {first}")
        lines.extend(member.rjust(len(group) + len(member) + 9) for member in others)
    return text + "".join(line + "\n" for line in lines)
