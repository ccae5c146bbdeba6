"""Interface automation, the service: run the whole import of the named hosts.

``import_hosts`` is the service behind every door (the ImportPuppetDB script, ``netbox wmf_ops_import_facts``, the
Ganeti sync): for each host it fetches the facts, loads the host's state (``loader.load_host_state``: a bounded
number of queries whatever the host has), plans (``planning.host.plan_host``, pure), logs the plan and applies it
(``applier.apply_plan``) inside one transaction (a savepoint per host). With ``commit=False`` the changes are
applied and then rolled back, so a dry run shows exactly what a real run does, validation errors included.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from dcim.models import Device
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from virtualization.models import VirtualMachine

from .. import settings
from ..logs import Log
from .applier import ApplyError, apply_plan
from .client import PuppetDBClient, PuppetDBError
from .facts import FactsError, parse_host_facts
from .loader import load_host_state
from .planning.changes import Plan
from .planning.host import host_refusal, plan_host
from .planning.records import HostState

FACT_NAMES = ("networking", "net_driver", "lldp")


class _DryRunRollbackError(Exception):
    """Raised at the end of a dry run to roll every change back."""


@dataclass
class ImportResult:
    plans: list[Plan] = field(default_factory=list)
    failed_hosts: list[str] = field(default_factory=list)
    not_found: list[str] = field(default_factory=list)

    def describe(self) -> str:
        """The full plan, one line per change, grouped by host (the script's output)."""
        lines = []
        for plan in self.plans:
            lines.append(f"# {plan.host}: {len(plan.changes)} changes")
            lines += plan.describe()
        return "\n".join(lines)


def find_hosts(names: Iterable[str]) -> tuple[list[Device], list[VirtualMachine], list[str]]:
    names = list(dict.fromkeys(n for n in names if n))
    related = ("tenant", "primary_ip4", "primary_ip6")
    # Saving a device's interface reads its site, location and rack (denormalised onto the interface): load them here.
    devices = list(
        Device.objects.filter(name__in=names).select_related(*related, "site", "location", "rack").order_by("name")
    )
    vms = list(VirtualMachine.objects.filter(name__in=names).select_related(*related).order_by("name"))
    found = {d.name for d in devices} | {v.name for v in vms}
    return devices, vms, [n for n in names if n not in found]


def import_hosts(
    names: Iterable[str],
    client: PuppetDBClient,
    log: Log,
    commit: bool = False,
) -> ImportResult:
    """Import the facts of every named device/VM. ``log(level, message)`` receives the run's lines in order.

    Each host is planned and applied in its own savepoint; a host that fails leaves no change behind and does not
    stop the others. With ``commit=False`` every change is rolled back at the end (the plan is still shown)."""
    devices, vms, missing = find_hosts(names)
    result = ImportResult(not_found=missing)
    if not devices and not vms:
        log("failure", "No Netbox devices found for specified list.")
        return result
    try:
        with transaction.atomic():
            for host in [*devices, *vms]:
                _import_one(host, client, log, result)
            if not commit:
                raise _DryRunRollbackError
    except _DryRunRollbackError:
        pass
    return result


def _import_one(host: Device | VirtualMachine, client: PuppetDBClient, log: Log, result: ImportResult) -> None:
    is_vm = isinstance(host, VirtualMachine)
    log("info", f"Processing {'virtual' if is_vm else 'baremetal'} device {host.name}")
    state = HostState(
        host.name,
        "vm" if is_vm else "device",
        host.status,
        _tenant(host),
        tenant_slug=host.tenant.slug if host.tenant_id else None,
    )
    refusal = host_refusal(state, settings.get("puppetdb_import_tenants"))
    if refusal:
        log("failure", refusal)
        result.failed_hosts.append(host.name)
        return
    try:
        raw = client.host_facts(host.name, FACT_NAMES)
        facts = parse_host_facts(host.name, raw)
    except PuppetDBError as exc:
        log("failure", f"Cannot retrieve PuppetDB facts about {host.name}: {exc}")
        result.failed_hosts.append(host.name)
        return
    except FactsError as exc:
        log("failure", str(exc))
        result.failed_hosts.append(host.name)
        return
    try:
        with transaction.atomic():
            state = load_host_state(host, facts)
            plan = plan_host(facts, state)
            for entry in plan.entries:
                log(entry.level, entry.message)
            apply_plan(plan, host, state)
    except ApplyError as exc:
        log("failure", f"{host.name}: nothing changed: {exc}")
        result.failed_hosts.append(host.name)
        return
    except (ValidationError, DatabaseError) as exc:
        # A custom validator or a constraint refused a change: this host keeps none of them.
        reason = "; ".join(exc.messages) if isinstance(exc, ValidationError) else one_line(str(exc))
        log("failure", f"{host.name}: nothing changed: {type(exc).__name__}: {reason}")
        result.failed_hosts.append(host.name)
        return
    result.plans.append(plan)
    if plan.failures:
        result.failed_hosts.append(host.name)
    log("info", f"{host.name} done.")


SCRIPT_MODULE_FILE = "wmf_ops_interface_automation.py"
SCRIPT_CLASS = "ImportPuppetDB"


def queue_import(names: Iterable[str], commit: bool = True, user=None):
    """Enqueue the ImportPuppetDB script for ``names`` (one job, visible in the script's job history), as the
    Ganeti sync does for VMs awaiting their first import. Returns the Job."""
    from extras.jobs import ScriptJob
    from extras.models import Script
    from users.models import User

    script = Script.objects.filter(module__file_path=SCRIPT_MODULE_FILE, name=SCRIPT_CLASS, is_executable=True).first()
    if script is None:
        raise RuntimeError(f"{SCRIPT_CLASS} is not registered: run `netbox wmf_ops_register_scripts`")
    user = user or User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    return ScriptJob.enqueue(
        instance=script, user=user, data={"device": " ".join(names)}, commit=commit, notifications="never"
    )


def one_line(text: str, limit: int = 300) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _tenant(host: Device | VirtualMachine) -> str | None:
    return host.tenant.name if host.tenant_id else None


__all__ = ["ImportResult", "find_hosts", "import_hosts", "queue_import"]
