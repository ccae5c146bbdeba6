"""The removal guard (docs/behaviour-reference.md §2.1 Step D): host interfaces absent from the facts are deleted only
when nothing hangs on them any more."""

from __future__ import annotations

from .changes import Change
from .draft import Draft
from .interfaces import PRIMARY_PLACEHOLDER
from .records import PortRef

REMOVAL_GUARD_DOC = "docs/scripts.md#removal-guard"


def plan_removals(draft: Draft) -> None:
    """Interfaces absent from the facts go only when they carry no IP and no cable (also child interfaces: fix of
    docs/behaviour-reference.md §6.4 item 7, which deleted them with their IPs). Otherwise: one failure each, and they
    stay."""
    gone = [
        i
        for name, i in draft.ifaces.items()
        if i.record is not None
        and name not in draft.facts.interfaces
        and name not in ("mgmt", PRIMARY_PLACEHOLDER)
        and not i.record.mgmt_only
    ]
    # Children first: NetBox refuses to delete a parent that still has children.
    gone.sort(key=lambda i: (i.record.parent is None, i.name))
    for iface in gone:
        record = iface.record
        remaining_ips = [ip for ip in record.ip_ids if ip not in draft.moved_ips]
        has_cable = not draft.is_vm and iface.cable_id is not None
        if remaining_ips or has_cable:
            draft.log(
                "failure",
                f"{draft.host}: We want to remove interface {iface.name}, however it still has a cable or IP "
                f"address associated with it. See {REMOVAL_GUARD_DOC}",
            )
            continue
        draft.change(
            Change(
                "delete",
                "interface",
                PortRef(draft.host, iface.name),
                {"owner_kind": draft.state.kind},
                f"{draft.host}: removing interface no longer in puppet {iface.name}",
            )
        )
