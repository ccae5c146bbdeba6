"""PuppetDB report rules (spec §1.6, HEAD behaviour): servers and VMs in NetBox versus the hosts PuppetDB knows.

Pure: NetBox objects arrive as ``Server``/``Vm`` records, PuppetDB as ``{fact: {short_name: value}}`` (what
``puppetdb.client`` returns for ``is_virtual``, ``serialnumber`` and ``productname``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from . import Finding, failure, summary

FACTS = ("is_virtual", "serialnumber", "productname")
SERVER_ROLE = "server"
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
    findings: list[Finding] = []
    found = 0
    for vm in vms:
        if vm.status == "offline" or vm.has_tenant:
            continue
        if vm.name not in is_virtual:
            findings.append(failure(vm.obj, "missing VM from PuppetDB"))
        elif not is_virtual[vm.name]:
            findings.append(failure(vm.obj, "expected VM marked as Physical in PuppetDB"))
        else:
            found += 1
    findings.append(summary(found, "VMs that are in Netbox are also in PuppetDB VMs"))
    return findings


def check_puppetdb_vms_in_netbox(vm_names: Iterable[str], facts: Facts) -> list[Finding]:
    """Every virtual host in PuppetDB is a NetBox VM (any status, any tenant)."""
    names = set(vm_names)
    findings: list[Finding] = []
    found = 0
    for host, virtual in sorted(_is_virtual(facts).items()):
        if not virtual:
            continue
        if host in names:
            found += 1
        else:
            findings.append(failure(None, f"missing VM from Netbox: {host}"))
    findings.append(summary(found, "VMs that are in PuppetDB are also in Netbox VMs"))
    return findings


def _should_be() -> str:
    # Fix: the original printed the Python tuple of status values here.
    return ", ".join(EXCLUDED_STATUSES[:-1]) + f" or {EXCLUDED_STATUSES[-1]}"


def check_netbox_in_puppetdb(servers: Iterable[Server], facts: Facts) -> list[Finding]:
    """Servers in service (not excluded, not failed) are physical hosts in PuppetDB."""
    is_virtual = _is_virtual(facts)
    findings: list[Finding] = []
    found = 0
    for server in servers:
        if server.status in EXCLUDED_AND_FAILED_STATUSES:
            continue
        if server.name not in is_virtual:
            findings.append(
                failure(
                    server.obj,
                    f"Device is {server.status_display} in Netbox but is missing from PuppetDB "
                    f"(should be {_should_be()})",
                )
            )
        elif is_virtual[server.name]:
            findings.append(failure(server.obj, "expected physical device marked as virtual in PuppetDB"))
        else:
            found += 1
    findings.append(summary(found, "physical devices that are in Netbox are also in PuppetDB"))
    return findings


def check_puppetdb_in_netbox(servers: Iterable[Server], facts: Facts) -> list[Finding]:
    """Physical hosts in PuppetDB are servers in service in NetBox."""
    by_name = {s.name: s for s in servers}
    findings: list[Finding] = []
    found = 0
    for host, virtual in sorted(_is_virtual(facts).items()):
        if virtual:
            continue
        server = by_name.get(host)
        if server is None:
            findings.append(failure(None, f"expected device missing from Netbox: {host}"))
        elif server.status in EXCLUDED_STATUSES:
            findings.append(
                failure(
                    server.obj,
                    f"Device is in PuppetDB but is {server.status_display} in Netbox (should be Active or Failed)",
                )
            )
        else:
            found += 1
    findings.append(summary(found, "physical devices that are in PuppetDB are also in Netbox"))
    return findings


def check_models(servers: Iterable[Server], facts: Facts) -> list[Finding]:
    """The device-type model (without WMF's " - " suffix) is PuppetDB's productname."""
    products = facts.get("productname", {})
    findings: list[Finding] = []
    matching = 0
    for server in servers:
        if server.name not in products:
            continue
        product = products[server.name]
        if server.model.split(MODEL_SUFFIX_SEPARATOR, 1)[0] == product:
            matching += 1
        else:
            findings.append(
                failure(server.obj, f"mismatched device models: {server.model} (netbox) != {product} (puppetdb)")
            )
    findings.append(summary(matching, "devices have matching model names"))
    return findings


def check_serials(servers: Iterable[Server], facts: Facts) -> list[Finding]:
    serials = facts.get("serialnumber", {})
    findings: list[Finding] = []
    matching = 0
    for server in servers:
        if server.name not in serials:
            continue
        if server.serial == serials[server.name]:
            matching += 1
        else:
            findings.append(
                failure(
                    server.obj,
                    f"mismatched serials: {server.serial} (netbox) != {serials[server.name]} (puppetdb)",
                )
            )
    findings.append(summary(matching, "physical devices have matching serial numbers"))
    return findings
