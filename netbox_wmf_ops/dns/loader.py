"""Read what the DNS generator needs from NetBox in five queries, whatever the fleet size (NetBox 4.7 models).

The original walked the REST API (every address, interface, prefix, device and VM, page by page); here each model
is one ``values()`` query, and the address's assignment (device or VM, its site, the interface's mgmt_only flag) is
joined in through the interfaces' generic relations, so no per-object query ever happens. Rows are read in chunks
(a server-side cursor), so only the records are held, not the query's rows as well.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dcim.models import Device
from django.db.models import F
from django.db.models.functions import Coalesce
from ipam.models import IPAddress, Prefix
from virtualization.models import VirtualMachine

from .records import DEFAULT_DEVICE_STATUSES, Address, Host
from .records import Prefix as PrefixRecord

CHUNK_SIZE = 2000


@dataclass(frozen=True)
class DnsInputs:
    hosts: list[Host]
    addresses: list[Address]
    prefixes: list[PrefixRecord]


def load_dns_inputs(device_statuses: Sequence[str] = DEFAULT_DEVICE_STATUSES) -> DnsInputs:
    return DnsInputs(load_hosts(device_statuses), load_addresses(), load_prefixes())


def load_hosts(device_statuses: Sequence[str] = DEFAULT_DEVICE_STATUSES) -> list[Host]:
    devices = (
        Device.objects.filter(status__in=device_statuses)
        .order_by("pk")
        .values_list("pk", "name", "status", "role__slug", "asset_tag", "primary_ip4_id", "primary_ip6_id")
    )
    hosts = [
        Host("device", pk, name or f"device-{pk}", status, role, asset_tag, ip4, ip6)
        for pk, name, status, role, asset_tag, ip4, ip6 in devices.iterator(chunk_size=CHUNK_SIZE)
    ]
    vms = VirtualMachine.objects.order_by("pk").values_list("pk", "name", "status", "primary_ip4_id", "primary_ip6_id")
    hosts += [
        Host("vm", pk, name, status, None, None, ip4, ip6)
        for pk, name, status, ip4, ip6 in vms.iterator(chunk_size=CHUNK_SIZE)
    ]
    return hosts


def load_addresses() -> list[Address]:
    rows = (
        IPAddress.objects.order_by("pk")
        .annotate(
            assigned_app=F("assigned_object_type__app_label"),
            assigned_model=F("assigned_object_type__model"),
            # The generic relations join with the content type in the ON clause, so at most one side matches.
            device_id=F("interface__device_id"),
            device_name=F("interface__device__name"),
            device_site=F("interface__device__site__slug"),
            mgmt_only=F("interface__mgmt_only"),
            vm_id=F("vminterface__virtual_machine_id"),
            vm_name=F("vminterface__virtual_machine__name"),
            vm_site=Coalesce(
                F("vminterface__virtual_machine__site__slug"), F("vminterface__virtual_machine__cluster___site__slug")
            ),
        )
        .values_list(
            "pk",
            "address",
            "status",
            "dns_name",
            "assigned_app",
            "assigned_model",
            "device_id",
            "device_name",
            "device_site",
            "mgmt_only",
            "vm_id",
            "vm_name",
            "vm_site",
        )
    )
    addresses = []
    for row in rows.iterator(chunk_size=CHUNK_SIZE):
        pk, address, status, dns_name, app, model, dev_id, dev_name, dev_site, mgmt, vm_id, vm_name, vm_site = row
        assigned = f"{app}.{model}" if app else None
        on_vm = vm_id is not None
        addresses.append(
            Address(
                id=pk,
                address=str(address),
                status=status,
                dns_name=dns_name or "",
                assigned_type=assigned,
                host_id=vm_id if on_vm else dev_id,
                host_name=vm_name if on_vm else dev_name,
                host_site=vm_site if on_vm else dev_site,
                mgmt_only=bool(mgmt) and not on_vm,
            )
        )
    return addresses


def load_prefixes() -> list[PrefixRecord]:
    # ``_site`` is NetBox's cached site of the prefix scope: set for a site or a location scope, None otherwise.
    rows = Prefix.objects.order_by("pk").values_list("pk", "prefix", "_site__slug")
    return [PrefixRecord(pk, str(prefix), site) for pk, prefix, site in rows.iterator(chunk_size=CHUNK_SIZE)]
