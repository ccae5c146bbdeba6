"""Data for the PuppetDB report: NetBox servers and VMs (one query each) and the hosts' facts from PuppetDB (one
request with the v4 API, one per fact with the /v1/facts microservice)."""

from __future__ import annotations

from typing import Any

from dcim.models import Device
from virtualization.models import VirtualMachine

from .. import policy
from ..checks.puppetdb import FACTS, Server, Vm
from ..puppetdb.client import PuppetDBError, config_from_settings, make_client
from ..sources import SourceError
from . import device_status_labels


def load_puppetdb_facts(get: Any = None) -> dict[str, dict[str, Any]]:
    """``{fact: {short_name: value}}`` for the report's facts. Any PuppetDB problem is one SourceError line."""
    try:
        client = make_client(config_from_settings(get))
    except (PuppetDBError, ValueError) as exc:
        raise SourceError(str(exc)) from None
    try:
        return client.facts_by_host(FACTS)
    except PuppetDBError as exc:
        raise SourceError(str(exc)) from None
    finally:
        client.close()


def load_servers() -> list[Server]:
    """Tenant-less devices with the server role, any status."""
    devices = (
        Device.objects.filter(role__slug=policy.SERVER_ROLE, tenant__isnull=True)
        .exclude(name__isnull=True)
        .select_related("device_type__manufacturer", "virtual_chassis")
        .order_by("name", "pk")
    )
    labels = device_status_labels()
    return [Server(d, d.name, d.status, labels.get(d.status, d.status), d.device_type.model, d.serial) for d in devices]


def load_vms() -> list[Vm]:
    vms = VirtualMachine.objects.order_by("name", "pk")
    return [Vm(vm, vm.name, vm.status, vm.tenant_id is not None) for vm in vms]
