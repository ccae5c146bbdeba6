"""When a run opens new failures: one NetBox notification (bell menu) per subscribed user and run, and an event that
NetBox's Event Rules can act on (docs/data-quality.md, "Notifications"). Called by the recording service once a run
is recorded, whichever door ran it. Reports whose Meta says they do not alert notify nobody and emit no event."""

from __future__ import annotations

import logging

from core.models import ObjectType
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from extras.events import EventContext, process_event_rules
from extras.models import EventRule, Notification
from netbox.events import EVENT_TYPE_KIND_WARNING, EventType
from netbox.registry import registry

from ..models import CheckRun, Finding, ReportSubscription
from ..models.checkrun import CheckRunStatusChoices
from . import catalog

logger = logging.getLogger("netbox_wmf_ops.quality")

NEW_FAILURES = "netbox_wmf_ops.new_failures"
EVENT_FINDINGS_MAX = 50  # findings listed in the event's payload (the counts are always complete)


def register_event_types() -> None:
    """Register the plugin's event type (AppConfig.ready): selectable in Event Rules, shown in notifications."""
    if NEW_FAILURES not in registry["event_types"]:
        EventType(NEW_FAILURES, "Data quality: new failures", kind=EVENT_TYPE_KIND_WARNING).register()


def notification_text(title: str, new: int, open_failures: int, owner: str) -> str:
    """What the bell menu shows for a run (at most 200 characters, NetBox's limit)."""
    text = f"{title}: {new} new failure{'s' if new != 1 else ''}, {open_failures} open"
    if owner:
        text += f" (owner: {owner})"
    return text[:200]


def _new_failures(run: CheckRun):
    return Finding.objects.filter(first_run=run, level="failure", resolved__isnull=True)


def notify_run(run: CheckRun) -> tuple[int, bool]:
    """Notify the report's subscribers and emit the event when `run` opened failures; returns (notifications
    created, event emitted). Each user is told only about failures on objects they may view (no notification when
    none of the new failures is visible to them); a user gets at most one notification per run."""
    if run.status != CheckRunStatusChoices.COMPLETED or not run.new_findings:
        return 0, False
    declared = catalog.owner_of(run.report)
    if not declared.alerts:
        return 0, False
    new_failures = _new_failures(run)
    total_new = new_failures.count()
    if not total_new:
        return 0, False
    cls = catalog.report_class(run.report)
    title = catalog.report_title(cls) if cls is not None else run.report
    created = _notify_subscribers(run, new_failures, title, declared.owner)
    emitted = _emit_event(run, new_failures, total_new, title, declared.owner)
    return created, emitted


def _notify_subscribers(run: CheckRun, new_failures, title: str, owner: str) -> int:
    run_type = ContentType.objects.get_for_model(CheckRun)
    notifications = []
    for subscription in ReportSubscription.objects.filter(report=run.report).select_related("user"):
        user = subscription.user
        if not user.is_active or not user.has_perm("netbox_wmf_ops.view_checkrun"):
            continue
        if not CheckRun.objects.restrict(user, "view").filter(pk=run.pk).exists():
            continue
        visible = Finding.objects.restrict(user, "view").visible_to(user).filter(pk__in=new_failures.values("pk"))
        seen = visible.count()
        if not seen:
            continue
        open_failures = (
            Finding.objects.restrict(user, "view")
            .visible_to(user)
            .open()
            .unacknowledged()
            .filter(report=run.report, level="failure")
            .count()
        )
        notifications.append(
            Notification(
                user=user,
                object_type=run_type,
                object_id=run.pk,
                object_repr=notification_text(title, seen, open_failures, owner),
                event_type=NEW_FAILURES,
            )
        )
    # bulk_create keeps the text above (Notification.save() would replace it with str(run)); the unique constraint
    # (object, user) makes a repeated call for the same run a no-op.
    Notification.objects.bulk_create(notifications, ignore_conflicts=True)
    return len(notifications)


def _emit_event(run: CheckRun, new_failures, total_new: int, title: str, owner: str) -> bool:
    object_type = ObjectType.objects.get_for_model(CheckRun)
    rules = list(EventRule.objects.filter(event_types__contains=[NEW_FAILURES], object_types=object_type, enabled=True))
    if not rules:
        return False
    findings = [
        {"id": pk, "rule": rule, "object": display, "message": message}
        for pk, rule, display, message in new_failures.order_by("pk").values_list("pk", "rule", "display", "message")[
            :EVENT_FINDINGS_MAX
        ]
    ]
    data = {
        "id": run.pk,
        "display": notification_text(title, total_new, run.failures, owner),
        "url": run.get_absolute_url(),
        "report": run.report,
        "title": title,
        "owner": owner,
        "new_failures": total_new,
        "failures": run.failures,
        "warnings": run.warnings,
        "new_findings": run.new_findings,
        "resolved_findings": run.resolved_findings,
        "findings": findings,
    }
    event = EventContext(
        object_type=object_type,
        object_id=run.pk,
        object=run,
        event_type=NEW_FAILURES,
        data=data,
        snapshots=None,
        user=run.user,
        username=run.user.username if run.user else "",
    )
    process_event_rules(rules, object_type, event)
    return True


def notify_run_safely(run: CheckRun) -> None:
    """notify_run for the recording service: a failure to notify is logged, never turns a recorded run into an error."""
    try:
        with transaction.atomic():  # a savepoint: a failed query here leaves the caller's transaction usable
            notify_run(run)
    except Exception:
        logger.exception("could not notify about run %s", run.pk)
