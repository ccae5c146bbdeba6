"""Acknowledging findings: the one service behind the finding page, the Findings list's bulk action and the REST API
(docs/data-quality.md, "Acknowledgements"). Each finding is saved on its own, so NetBox's change logging records who
acknowledged it, when, why and until when."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.utils import timezone

from ..models import Finding

REASON_MAX = 2000


class AcknowledgementError(ValueError):
    """Bad input for an acknowledgement (a blank reason, an expiry date in the past)."""


def check_acknowledgement(reason: str, until: date | None, today: date | None = None) -> str:
    """The cleaned reason; raises AcknowledgementError for a blank reason or an expiry date before today."""
    reason = (reason or "").strip()
    if not reason:
        raise AcknowledgementError("a reason is required to acknowledge a finding")
    if len(reason) > REASON_MAX:
        raise AcknowledgementError(f"the reason is longer than {REASON_MAX} characters")
    if until is not None and until < (today or timezone.localdate()):
        raise AcknowledgementError(f"the expiry date {until.isoformat()} is in the past")
    return reason


def acknowledge(findings: Iterable[Finding], user, reason: str, until: date | None = None) -> list[Finding]:
    """Acknowledge `findings` (already restricted to what `user` may acknowledge) in one transaction. Resolved
    findings are left alone. Returns the findings acknowledged."""
    reason = check_acknowledgement(reason, until)
    now = timezone.now()
    done = []
    with transaction.atomic():
        for finding in findings:
            if finding.resolved is not None:
                continue
            finding.snapshot()
            finding.acknowledged = now
            finding.acknowledged_by = user if getattr(user, "pk", None) else None
            finding.acknowledged_reason = reason
            finding.acknowledged_until = until
            finding.save()
            done.append(finding)
    return done


def unacknowledge(findings: Iterable[Finding]) -> list[Finding]:
    """Clear the acknowledgement of `findings`; returns those that had one."""
    done = []
    with transaction.atomic():
        for finding in findings:
            if finding.acknowledged is None:
                continue
            finding.snapshot()
            finding.acknowledged = None
            finding.acknowledged_by = None
            finding.acknowledged_reason = ""
            finding.acknowledged_until = None
            finding.save()
            done.append(finding)
    return done
