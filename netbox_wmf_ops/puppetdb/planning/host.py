"""One host's import, planned (docs/behaviour-reference.md §2.1 Steps A to D): whether the host is imported at all,
and the order of the steps, each in its own module of this package."""

from __future__ import annotations

from collections.abc import Iterable

from ..facts import HostFacts
from .addresses import plan_addresses, plan_primary_ips
from .cabling import plan_lldp
from .changes import Plan
from .dot1q import plan_dot1q, plan_switch_vlans
from .draft import Draft
from .interfaces import ordered_names, plan_interface
from .placeholders import resolve_member_placeholders, resolve_primary_placeholder
from .records import HostState
from .removals import plan_removals

IMPORT_STATUSES = ("active", "failed", "planned")


def host_refusal(state: HostState, import_tenants: Iterable[str] = ()) -> str | None:
    """Why the import refuses this host (docs/behaviour-reference.md §2.1 run step 2), or None. ``import_tenants``
    are the tenant slugs whose hosts are imported all the same (setting ``puppetdb_import_tenants``; the original
    refuses every tenant)."""
    if state.tenant and state.tenant_slug not in set(import_tenants):
        return f"{state.name} has non-null tenant {state.tenant} skipping."
    if state.status not in IMPORT_STATUSES:
        return f"{state.name} has an inappropriate status (must be one of {IMPORT_STATUSES}): {state.status}"
    return None


def plan_host(facts: HostFacts, state: HostState) -> Plan:
    """Everything that must change for NetBox to match ``facts``. Never raises for data problems: refusals and
    inconsistencies become failure lines of the plan (and the affected object is left alone)."""
    draft = Draft(facts, state)
    for warning in facts.warnings:
        draft.log("warning", warning)
    resolve_primary_placeholder(draft)  # Step A
    resolve_member_placeholders(draft)
    for name in ordered_names(draft):  # Steps B and C
        f = facts.interfaces[name]
        iface = plan_interface(draft, f)
        if iface is not None:
            plan_dot1q(draft, iface, f)
        plan_addresses(draft, f, iface)
    plan_primary_ips(draft)
    if not draft.is_vm:
        for name in draft.imported:
            plan_lldp(draft, name, facts.interfaces[name])
        plan_switch_vlans(draft)
    plan_removals(draft)  # Step D
    return draft.plan
