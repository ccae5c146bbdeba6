"""What the health check needs about each recurring job, in a bounded number of queries (five, whatever the number
of jobs and rows), plus the dump root's listing for the dump."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from core.choices import JobStatusChoices
from core.models import Job
from django.db.models import Min
from django.utils import timezone

from .. import settings
from ..exports.rotation import HOURLY, HOURLY_FORMAT, classify
from ..health import PROBLEM_WINDOW, FailedRun, Thresholds, WorkRecord, WorkVerdict, judge_work

PRESENT = (JobStatusChoices.STATUS_PENDING, JobStatusChoices.STATUS_SCHEDULED, JobStatusChoices.STATUS_RUNNING)
FINISHED = JobStatusChoices.TERMINAL_STATE_CHOICES
UNSUCCESSFUL = (JobStatusChoices.STATUS_ERRORED, JobStatusChoices.STATUS_FAILED)


def configured_intervals() -> dict[str, int]:
    """{job name: interval in minutes} of every recurring job the configuration asks for."""
    from ..scheduling import configured_recurring, configured_report_schedules

    wanted = {item.name: item.interval for item in configured_recurring() if item.interval}
    wanted.update(configured_report_schedules())
    return wanted


def newest_dump(root: Path) -> tuple[datetime | None, str]:
    """The time and name of the newest hourly dump directory in ``root`` (None when there is none)."""
    if not root.exists():
        return None, ""
    names = sorted(entry.name for entry in root.iterdir() if entry.is_dir() and classify(entry.name) == HOURLY)
    if not names:
        return None, ""
    return timezone.make_aware(datetime.strptime(names[-1], HOURLY_FORMAT)), names[-1]


def load_work_records(now: datetime | None = None, jobs=None) -> list[WorkRecord]:
    """One record per configured recurring job; ``jobs`` restricts the Job rows read (a user's view permission)."""
    from ..exports.jobs import HourlyDumpJob

    now = now or timezone.now()
    wanted = configured_intervals()
    jobs = (Job.objects.all() if jobs is None else jobs).filter(name__in=list(wanted))
    last_success = dict(
        jobs.filter(status=JobStatusChoices.STATUS_COMPLETED)
        .order_by("name", "-completed")
        .distinct("name")
        .values_list("name", "completed")
    )
    last_status = dict(
        jobs.filter(status__in=FINISHED, completed__isnull=False)
        .order_by("name", "-completed")
        .distinct("name")
        .values_list("name", "status")
    )
    failures: dict[str, list[FailedRun]] = {}
    for name, status, scheduled, started, created, error in (
        jobs.filter(status__in=UNSUCCESSFUL, completed__gte=now - PROBLEM_WINDOW)
        .order_by("-completed")
        .values_list("name", "status", "scheduled", "started", "created", "error")
    ):
        failures.setdefault(name, []).append(FailedRun(scheduled or started or created, status, _short(error)))
    waiting: dict[str, datetime | None] = {}
    running: dict[str, datetime | None] = {}
    for name, status, scheduled, started, created in jobs.filter(status__in=PRESENT).values_list(
        "name", "status", "scheduled", "started", "created"
    ):
        if status == JobStatusChoices.STATUS_RUNNING:
            running[name] = started or created
        else:
            waiting[name] = min(filter(None, (waiting.get(name), scheduled or created)))
    first_seen = dict(jobs.values("name").annotate(first=Min("created")).values_list("name", "first"))

    records = []
    for name, interval in sorted(wanted.items()):
        success, detail, error = last_success.get(name), "", ""
        if name == HourlyDumpJob.name:
            try:
                success, detail = newest_dump(Path(settings.get("dump_root")))
            except OSError as exc:
                error = f"cannot read the dump root {settings.get('dump_root')}: {exc}"
        records.append(
            WorkRecord(
                key=name,
                interval=interval,
                last_success=success,
                last_run_failed=last_status.get(name) in UNSUCCESSFUL,
                failures=tuple(failures.get(name, ())),
                next_run=waiting.get(name),
                running_since=running.get(name),
                first_seen=first_seen.get(name),
                detail=detail,
                error=error,
            )
        )
    return records


def thresholds() -> Thresholds:
    return Thresholds(settings.get("health_warning_intervals"), settings.get("health_critical_intervals"))


def recurring_verdicts(jobs=None, now: datetime | None = None) -> list[WorkVerdict]:
    now = now or timezone.now()
    limits = thresholds()
    return [judge_work(record, now, limits) for record in load_work_records(now, jobs)]


def _short(error: str) -> str:
    from ..scheduling import STALE_ERROR_PREFIX

    text = (error or "").removeprefix(STALE_ERROR_PREFIX).strip()
    return text.splitlines()[-1][:200] if text else ""
