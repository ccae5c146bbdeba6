"""Capirca host definitions (docs/behaviour-reference.md §2.9): every server, VM, VIP and anycast address as a Capirca
``NETWORKS.net`` file.

``render_definitions`` is pure (hostnames and addresses in, text out); ``load_host_addresses`` reads IPAM in three
queries whatever the number of addresses."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import netaddr

from .. import policy

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


def load_host_addresses() -> list[AddressRecord]:
    """Every active IP address with its assignment, in three queries (addresses, device interfaces, VM interfaces)."""
    # ORM imports here keep the rendering above importable without Django (unit tests).
    from dcim.models import Interface
    from django.contrib.contenttypes.models import ContentType
    from ipam.models import IPAddress
    from virtualization.models import VMInterface

    interface_type = ContentType.objects.get_for_model(Interface)
    vminterface_type = ContentType.objects.get_for_model(VMInterface)
    rows = list(
        IPAddress.objects.filter(status="active").values_list(
            "address", "role", "dns_name", "assigned_object_type_id", "assigned_object_id"
        )
    )
    interface_ids = {oid for _, _, _, otype, oid in rows if otype == interface_type.pk}
    vminterface_ids = {oid for _, _, _, otype, oid in rows if otype == vminterface_type.pk}
    interfaces = {
        pk: (device_name, role, mgmt_only)
        for pk, device_name, role, mgmt_only in Interface.objects.filter(pk__in=interface_ids).values_list(
            "pk", "device__name", "device__role__slug", "mgmt_only"
        )
    }
    vminterfaces = dict(VMInterface.objects.filter(pk__in=vminterface_ids).values_list("pk", "virtual_machine__name"))
    records = []
    for address, role, dns_name, otype, oid in rows:
        fields = {"address": str(address), "role": role or "", "dns_name": dns_name or ""}
        if otype == interface_type.pk and oid in interfaces:
            device_name, device_role, mgmt_only = interfaces[oid]
            # An unnamed device gives no hostname: "" keeps the record a device record that lists nothing.
            fields.update(device_name=device_name or "", device_role=device_role, mgmt_only=mgmt_only)
        elif otype == vminterface_type.pk and oid in vminterfaces:
            fields.update(vm_name=vminterfaces[oid])
        records.append(AddressRecord(**fields))
    return records


def capirca_definitions() -> tuple[str, int, int]:
    """The definitions text, the number of hosts and of groups."""
    hosts = collect_hosts(load_host_addresses())
    groups = group_hosts(hosts)
    return render_definitions(hosts, groups), len(hosts), len(groups)
