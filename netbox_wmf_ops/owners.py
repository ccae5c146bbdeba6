"""Who acts on a report's findings, and whether its failures are alerted on (pure; no Django import).

Each shipped report class declares both in its ``Meta`` (``owner = "DC-ops"``; ``alerts = False`` for the reports that
do not alert, such as Coherence and Juniper). ``report_owner()`` is the one way to read them, for the Checks page,
metrics labels and notifications. The table is in docs/reports.md ("Owners").
"""

from __future__ import annotations

from dataclasses import dataclass

UNKNOWN_OWNER = ""


@dataclass(frozen=True)
class ReportOwner:
    owner: str  # who usually fixes the findings, e.g. "DC-ops"; "" when the report does not say
    alerts: bool  # False: the report's failures are for review, not for alerting


def report_owner(report_class: type) -> ReportOwner:
    """The owner and alerting flag a report class declares in its ``Meta`` (subclasses, such as the generated shims,
    inherit them). A report that declares nothing (e.g. a site's own) has no owner and alerts."""
    meta = getattr(report_class, "Meta", None)
    owner = getattr(meta, "owner", UNKNOWN_OWNER)
    alerts = getattr(meta, "alerts", True)
    return ReportOwner(owner=str(owner), alerts=bool(alerts))
