"""PuppetDB report rules (docs/behaviour-reference.md §1.6, HEAD behaviour): servers and VMs in NetBox versus the hosts
PuppetDB knows.

Pure: NetBox objects arrive as ``Server``/``Vm`` records, PuppetDB as ``{fact: {short_name: value}}`` (what
``puppetdb.client`` returns for ``is_virtual``, ``serialnumber`` and ``productname``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from . import Finding, judge_each

FACTS = ("is_virtual", "serialnumber", "productname")
# Servers in these states are not expected to run Puppet (HEAD added staged).
EXCLUDED_STATUSES = ("inventory", "offline", "planned", "decommissioning", "staged")
EXCLUDED_AND_FAILED_STATUSES = (*EXCLUDED_STATUSES, "failed")
MODEL_SUFFIX_SEPARATOR = " - "  # "PowerEdge R440 - ConfigA 202107": WMF configuration suffix, not in the BIOS name

Facts = Mapping[str, Mapping[str, Any]]


@dataclass(frozen=True)
class Server:
    obj: Any
    name: str
    status: str
    status_display: str
    model: str
    serial: str


@dataclass(frozen=True)
class Vm:
    obj: Any
    name: str
    status: str
    has_tenant: bool


def _is_virtual(facts: Facts) -> Mapping[str, Any]:
    return facts.get("is_virtual", {})


def check_netbox_vms_in_puppetdb(vms: Iterable[Vm], facts: Facts) -> list[Finding]:
    """Every tenant-less VM that is not offline is a virtual host in PuppetDB."""
    is_virtual = _is_virtual(facts)

    def problem(vm: Vm) -> str | None:
        if vm.name not in is_virtual:
            return "missing VM from PuppetDB"
        return None if is_virtual[vm.name] else "expected VM marked as Physical in PuppetDB"

    in_scope = (vm for vm in vms if vm.status != "offline" and not vm.has_tenant)
    return judge_each(
        in_scope, problem, "VMs that are in Netbox are also in PuppetDB VMs", rule="puppetdb.netbox_vms_in_puppetdb"
    )


def check_puppetdb_vms_in_netbox(vm_names: Iterable[str], facts: Facts) -> list[Finding]:
    """Every virtual host in PuppetDB is a NetBox VM (any status, any tenant)."""
    names = set(vm_names)
    return judge_each(
        (host for host, virtual in sorted(_is_virtual(facts).items()) if virtual),
        lambda host: None if host in names else f"missing VM from Netbox: {host}",
        "VMs that are in PuppetDB are also in Netbox VMs",
        obj=None,
        rule="puppetdb.puppetdb_vms_in_netbox",
    )


def _should_be() -> str:
    # Fix: the original printed the Python tuple of status values here.
    return ", ".join(EXCLUDED_STATUSES[:-1]) + f" or {EXCLUDED_STATUSES[-1]}"


def check_netbox_in_puppetdb(servers: Iterable[Server], facts: Facts) -> list[Finding]:
    """Servers in service (not excluded, not failed) are physical hosts in PuppetDB."""
    is_virtual = _is_virtual(facts)

    def problem(server: Server) -> str | None:
        if server.name not in is_virtual:
            return (
                f"Device is {server.status_display} in Netbox but is missing from PuppetDB (should be {_should_be()})"
            )
        return "expected physical device marked as virtual in PuppetDB" if is_virtual[server.name] else None

    in_service = (server for server in servers if server.status not in EXCLUDED_AND_FAILED_STATUSES)
    return judge_each(
        in_service,
        problem,
        "physical devices that are in Netbox are also in PuppetDB",
        rule="puppetdb.netbox_in_puppetdb",
    )


def check_puppetdb_in_netbox(servers: Iterable[Server], facts: Facts) -> list[Finding]:
    """Physical hosts in PuppetDB are servers in service in NetBox."""
    by_name = {s.name: s for s in servers}

    def problem(host: str) -> str | None:
        server = by_name.get(host)
        if server is None:
            return f"expected device missing from Netbox: {host}"
        if server.status in EXCLUDED_STATUSES:
            return f"Device is in PuppetDB but is {server.status_display} in Netbox (should be Active or Failed)"
        return None

    physical = (host for host, virtual in sorted(_is_virtual(facts).items()) if not virtual)
    return judge_each(
        physical,
        problem,
        "physical devices that are in PuppetDB are also in Netbox",
        obj=lambda host: by_name[host].obj if host in by_name else None,
        rule="puppetdb.puppetdb_in_netbox",
    )


def check_models(servers: Iterable[Server], facts: Facts) -> list[Finding]:
    """The device-type model (without WMF's " - " suffix) is PuppetDB's productname."""
    products = facts.get("productname", {})

    def problem(server: Server) -> str | None:
        product = products[server.name]
        if server.model.split(MODEL_SUFFIX_SEPARATOR, 1)[0] == product:
            return None
        return f"mismatched device models: {server.model} (netbox) != {product} (puppetdb)"

    known = (server for server in servers if server.name in products)
    return judge_each(known, problem, "devices have matching model names", rule="puppetdb.models")


def check_serials(servers: Iterable[Server], facts: Facts) -> list[Finding]:
    serials = facts.get("serialnumber", {})

    def problem(server: Server) -> str | None:
        serial = serials[server.name]
        if server.serial == serial:
            return None
        return f"mismatched serials: {server.serial} (netbox) != {serial} (puppetdb)"

    known = (server for server in servers if server.name in serials)
    return judge_each(known, problem, "physical devices have matching serial numbers", rule="puppetdb.serials")
