"""Keep the recurring report runs in line with PLUGINS_CONFIG['netbox_wmf_ops']['report_schedules'].

Each configured report gets one recurring NetBox script job named ``wmf-ops schedule: <module.Class>`` (so the rqworker
reschedules it after every run, the NetBox way); schedules for reports no longer configured, or with another interval,
are replaced or removed. Jobs users scheduled themselves from the UI are never touched (they have other names).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field

from core.choices import JobStatusChoices
from core.models import Job, ObjectType
from django.db import transaction
from django.utils import timezone
from extras.jobs import ScriptJob
from extras.models import Script

from .loaders.report_status import find_script

logger = logging.getLogger("netbox_wmf_ops.scheduling")
JOB_NAME_PREFIX = "wmf-ops schedule: "
WAITING = (JobStatusChoices.STATUS_PENDING, JobStatusChoices.STATUS_SCHEDULED)


@dataclass
class ScheduleChanges:
    kept: list[str] = field(default_factory=list)
    scheduled: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # configured names that match no report


def reconcile_report_schedules(schedules: Mapping[str, int]) -> ScheduleChanges:
    changes = ScheduleChanges()
    ours = Job.objects.filter(
        object_type=ObjectType.objects.get_for_model(Script), name__startswith=JOB_NAME_PREFIX, status__in=WAITING
    )
    with transaction.atomic():
        existing = {job.name.removeprefix(JOB_NAME_PREFIX): job for job in ours}
        for report, job in existing.items():
            if schedules.get(report) != job.interval:
                job.delete()
                changes.removed.append(report)
        for report, minutes in sorted(schedules.items()):
            job = existing.get(report)
            if job is not None and job.interval == minutes:
                changes.kept.append(report)
                continue
            script = find_script(report)
            if script is None or not script.is_executable:
                changes.unknown.append(report)
                logger.warning("report_schedules names %r, which is not an executable report", report)
                continue
            ScriptJob.enqueue(
                instance=script,
                name=f"{JOB_NAME_PREFIX}{report}",
                schedule_at=timezone.now(),
                interval=minutes,
                data={},
                commit=False,  # reports only read; nothing to commit
                notifications="never",
                job_timeout=script.python_class.job_timeout,
            )
            changes.scheduled.append(report)
    return changes


def ensure_recurring(runner, name: str, interval: int, **kwargs) -> str:
    """One waiting recurring job of `runner` named `name` every `interval` minutes (0: none). Returns what it did:
    'kept', 'scheduled', 'replaced', 'removed' or 'none'."""
    waiting = list(Job.objects.filter(name=name, status__in=WAITING))
    if interval and len(waiting) == 1 and waiting[0].interval == interval:
        return "kept"
    for job in waiting:
        job.delete()
    if not interval:
        return "removed" if waiting else "none"
    runner.enqueue(name=name, schedule_at=timezone.now(), interval=interval, **kwargs)
    return "replaced" if waiting else "scheduled"
