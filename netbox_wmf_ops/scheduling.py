"""Keep the recurring report runs in line with PLUGINS_CONFIG['netbox_wmf_ops']['report_schedules'].

Each configured report gets one recurring job of the plugin's ``RunCheckJob`` named
``wmf-ops schedule: <module.Class>`` (so the rqworker reschedules it after every run, the NetBox way); schedules for
reports no longer configured, or with another interval, are replaced or removed. Jobs users scheduled themselves from
the UI are never touched (they have other names).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field

from core.choices import JobStatusChoices
from core.models import Job, ObjectType
from django.db import transaction
from django.utils import timezone
from extras.models import Script

logger = logging.getLogger("netbox_wmf_ops.scheduling")
JOB_NAME_PREFIX = "wmf-ops schedule: "
WAITING = (JobStatusChoices.STATUS_PENDING, JobStatusChoices.STATUS_SCHEDULED)
# A running recurring job counts as present: NetBox enqueues its successor when it ends, so scheduling another one
# meanwhile would leave two schedules. Running jobs are never deleted either.
PRESENT = (*WAITING, JobStatusChoices.STATUS_RUNNING)


@dataclass
class ScheduleChanges:
    kept: list[str] = field(default_factory=list)
    scheduled: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # configured names that match no report


def ensure_recurring(runner, name: str, interval: int, **kwargs) -> str:
    """One recurring job of `runner` named `name` every `interval` minutes (0: none). Returns what it did:
    'kept', 'scheduled', 'replaced', 'removed' or 'none'."""
    present = list(Job.objects.filter(name=name, status__in=PRESENT))
    stale = [job for job in present if job.status in WAITING and job.interval != interval]
    for job in stale:
        job.delete()
    if not interval:
        return "removed" if stale else "none"
    if any(job.interval == interval for job in present):
        return "kept"
    runner.enqueue(name=name, schedule_at=timezone.now(), interval=interval, **kwargs)
    return "replaced" if stale else "scheduled"


def reconcile_report_schedules(schedules: Mapping[str, int]) -> ScheduleChanges:
    from .quality.catalog import report_class
    from .quality.jobs import RunCheckJob

    changes = ScheduleChanges()
    with transaction.atomic():
        # Earlier versions scheduled core's ScriptJob under the same names: those give way to the plugin's job.
        legacy = Job.objects.filter(
            object_type=ObjectType.objects.get_for_model(Script), name__startswith=JOB_NAME_PREFIX, status__in=WAITING
        )
        legacy_names = set(legacy.values_list("name", flat=True))
        legacy.delete()
        scheduled_names = legacy_names | set(
            Job.objects.filter(name__startswith=JOB_NAME_PREFIX, status__in=PRESENT).values_list("name", flat=True)
        )
        for name in sorted(scheduled_names):
            report = name.removeprefix(JOB_NAME_PREFIX)
            if report in schedules:
                continue
            if ensure_recurring(RunCheckJob, name, 0) == "removed" or name in legacy_names:
                changes.removed.append(report)
        for report, minutes in sorted(schedules.items()):
            if report_class(report) is None:
                changes.unknown.append(report)
                logger.warning("report_schedules names %r, which is not a shipped report", report)
                continue
            name = f"{JOB_NAME_PREFIX}{report}"
            done = ensure_recurring(RunCheckJob, name, minutes, report=report, door="schedule", schedule=name)
            if done == "replaced" or (name in legacy_names and done == "scheduled"):
                changes.removed.append(report)
            if done in ("scheduled", "replaced"):
                changes.scheduled.append(report)
            else:
                changes.kept.append(report)
    return changes
