"""Capirca host definitions (docs/behaviour-reference.md §2.9): every server, VM, VIP and anycast address as a Capirca
``NETWORKS.net`` file.

``load_host_addresses`` reads IPAM in three queries whatever the number of addresses; the rendering is pure
(``lifecycle.planning.capirca``)."""

from __future__ import annotations

from dcim.models import Interface
from django.contrib.contenttypes.models import ContentType
from ipam.models import IPAddress
from virtualization.models import VMInterface

from .planning.capirca import AddressRecord, collect_hosts, group_hosts, render_definitions


def load_host_addresses() -> list[AddressRecord]:
    """Every active IP address with its assignment, in three queries (addresses, device interfaces, VM interfaces)."""
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
