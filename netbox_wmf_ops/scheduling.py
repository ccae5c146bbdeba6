"""Keep every recurring job the configuration asks for alive: one reconciler, serialised across workers.

A recurring job is a chain of NetBox ``Job`` rows: each run schedules its successor when it ends. The chain breaks
when a run never ends the NetBox way: PostgreSQL refused the connection inside ``job.start()``, the work horse was
killed, Redis lost the queues. :func:`ensure_recurring` is the one place that repairs a chain: under PostgreSQL
advisory lock ``job-schedules`` (the lock NetBox's ``enqueue_once`` and system-job rescheduling take) it checks each
row that claims to be waiting or running against its RQ job in Redis (``recurring.stale_reason``), marks the dead
ones errored with the reason, removes waiting rows of another interval and duplicates, and enqueues the missing
successor. A running job is never deleted.

Who calls it:

* the system job "WMF Ops: apply schedules" (``jobs.ReportSchedulesJob``) every ``reconcile_interval`` minutes, for
  every recurring job of the configuration (:func:`reconcile_all`), and once at every ``netbox rqworker`` start;
* a watchdog thread in each ``netbox rqworker`` process, every third of ``reconcile_interval``, for that system job
  itself (its own chain can break like any other, and after Redis is emptied nothing queued is left to run it); it
  also queues the recurring runs that are due but were not moved to their queue because no RQ scheduler runs;
* :class:`RecurringJob` runs, to schedule their successor (on its slot, only when no live successor exists).

Each configured report gets one recurring job of the plugin's ``RunCheckJob`` named
``wmf-ops schedule: <module.Class>``; schedules for
reports no longer configured, or with another interval, are replaced or removed. Jobs users scheduled themselves from
the UI are never touched (they have other names).
"""

from __future__ import annotations

import logging
import threading
import time
import traceback
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from core.choices import JobStatusChoices
from core.exceptions import JobFailed
from core.models import Job, ObjectType
from django.conf import settings as django_settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django_pg_utils import advisory_lock
from extras.models import Script
from netbox.constants import ADVISORY_LOCK_KEYS
from netbox.jobs import JobRunner

from . import settings
from .recurring import FRESH_ROW_GRACE, OVERDUE_GRACE, RowFacts, next_slot, stale_reason, stalled

logger = logging.getLogger("netbox_wmf_ops.scheduling")
JOB_NAME_PREFIX = "wmf-ops schedule: "
WAITING = (JobStatusChoices.STATUS_PENDING, JobStatusChoices.STATUS_SCHEDULED)
# A running recurring job counts as present: its successor is scheduled when it ends, so scheduling another one
# meanwhile would leave two schedules. Running jobs are never deleted either.
PRESENT = (*WAITING, JobStatusChoices.STATUS_RUNNING)
TERMINAL = JobStatusChoices.TERMINAL_STATE_CHOICES
SCHEDULES_LOCK = ADVISORY_LOCK_KEYS["job-schedules"]
STALE_ERROR_PREFIX = "wmf-ops reconciler: "  # the error text of rows the reconciler marked errored
RECONCILER_TIMEOUT = 300  # seconds: a reconcile pass is short; a dead one must not hold the chain for long


@dataclass
class ScheduleChanges:
    kept: list[str] = field(default_factory=list)
    scheduled: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # configured names that match no report


@dataclass(frozen=True)
class Recurring:
    """One recurring job the configuration asks for (interval 0: it must not be scheduled)."""

    runner: type[JobRunner]
    name: str
    interval: int
    kwargs: dict[str, Any] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------------- the reconciler


def ensure_recurring(runner: type[JobRunner], name: str, interval: int, **kwargs: Any) -> str:
    """One live recurring job of `runner` named `name` every `interval` minutes (0: none). Returns what it did:
    'kept', 'scheduled', 'replaced', 'removed' or 'none'.

    Rows whose RQ job is dead are marked errored first (the reason is logged and stored in ``Job.error``), so a
    chain broken by a fault gets a successor ('scheduled'). `kwargs` go to ``runner.enqueue()``; ``schedule_at``
    sets when a new chain starts (default: the next slot of the old chain, or at once; see ``RecurringJob.resume_at``).
    """
    schedule_at = kwargs.pop("schedule_at", None)
    with advisory_lock(SCHEDULES_LOCK), transaction.atomic():
        return _ensure(runner, name, interval or 0, schedule_at, None, kwargs)


def _ensure(
    runner: type[JobRunner],
    name: str,
    interval: int,
    schedule_at: datetime | None,
    successor_of: Job | None,
    kwargs: dict[str, Any],
) -> str:
    now = timezone.now()
    rows = Job.objects.filter(name=name, status__in=PRESENT).order_by(F("scheduled").asc(nulls_first=True), "pk")
    if successor_of is not None:
        rows = rows.exclude(pk=successor_of.pk)
    timeout = _timeout_of(runner, kwargs)
    alive = []
    for row in rows:
        facts = _facts(row)
        reason = stale_reason(facts, now, timeout)
        if reason:
            _mark_stale(row, reason)
            continue
        alive.append(row)
        if stalled(facts, now):
            _enqueue_stalled(row)
    removed = [row for row in alive if row.status in WAITING and row.interval != interval]
    for row in removed:
        row.delete()
    alive = [row for row in alive if row not in removed]
    if not interval:
        return "removed" if removed else "none"
    same = [row for row in alive if row.interval == interval]
    for duplicate in [row for row in same if row.status in WAITING][1:]:
        logger.warning(f"{name}: removed duplicate schedule (job {duplicate.pk}, {duplicate.status})")
        duplicate.delete()
    if same:
        return "kept"
    if successor_of is None and _successor_pending(name, interval, now):
        return "kept"
    if schedule_at is None:
        schedule_at = _resume_at(runner, _anchor(name, interval), interval, now)
    if schedule_at <= now:  # straight into the queue: a run due now must not wait for an RQ scheduler
        runner.enqueue(name=name, interval=interval, **kwargs)
    else:
        runner.enqueue(name=name, schedule_at=schedule_at, interval=interval, **kwargs)
    return "replaced" if removed else "scheduled"


def _facts(row: Job) -> RowFacts:
    """The row and its RQ job as Redis has it now."""
    import django_rq
    from rq.exceptions import InvalidJobOperation

    rq_status = rq_started = rq_timeout = None
    rq_error = ""
    rq_job = django_rq.get_queue(row.queue_name or "default").fetch_job(str(row.job_id))
    if rq_job is not None:
        try:
            status = rq_job.get_status(refresh=False)
        except InvalidJobOperation:
            status = None
        rq_status = getattr(status, "value", status)
        rq_started, rq_timeout = rq_job.started_at, rq_job.timeout
        if rq_started is not None and timezone.is_naive(rq_started):
            rq_started = rq_started.replace(tzinfo=UTC)
        if rq_status == "failed":
            rq_error = _last_error_line(rq_job)
    return RowFacts(
        pk=row.pk,
        status=row.status,
        created=row.created,
        scheduled=row.scheduled,
        started=row.started,
        interval=row.interval,
        rq_status=rq_status,
        rq_started=rq_started,
        rq_timeout=float(rq_timeout) if rq_timeout else None,
        rq_error=rq_error,
    )


def _enqueue_stalled(row: Job) -> bool:
    """Do what the RQ scheduler would have done: move the due job from the scheduled registry to its queue (only
    if this process is the one that takes it out of the registry, so it is never queued twice)."""
    import django_rq
    from rq.registry import ScheduledJobRegistry

    queue = django_rq.get_queue(row.queue_name or "default")
    rq_job = queue.fetch_job(str(row.job_id))
    if rq_job is None or not queue.connection.zrem(ScheduledJobRegistry(queue=queue).key, rq_job.id):
        return False
    queue.enqueue_job(rq_job)
    logger.warning(f"{row.name}: job {row.pk} due at {row.scheduled} was still waiting for an RQ scheduler: queued")
    return True


def enqueue_stalled_runs() -> int:
    """Queue the configured recurring jobs' runs that are due but still wait for an RQ scheduler; how many."""
    names = [item.name for item in configured_recurring() if item.interval] + list(configured_report_schedules())
    now = timezone.now()
    due = Job.objects.filter(
        name__in=names, status=JobStatusChoices.STATUS_SCHEDULED, scheduled__lt=now - OVERDUE_GRACE
    )
    moved = 0
    for row in due:
        if stalled(_facts(row), now):
            moved += _enqueue_stalled(row)
    return moved


def _last_error_line(rq_job) -> str:
    try:
        result = rq_job.latest_result()
    except Exception:  # an unreadable result must not stop the reconciler
        return ""
    text = (getattr(result, "exc_string", "") or "").strip()
    return text.splitlines()[-1][:300] if text else ""


def _mark_stale(row: Job, reason: str) -> None:
    """Errored, with the reason, the NetBox way (``terminate``: notification, ``job_end`` signal, event rules)."""
    current = Job.objects.select_for_update().filter(pk=row.pk, status=row.status).first()
    if current is None:  # it moved on meanwhile: not stale after all
        return
    current.terminate(status=JobStatusChoices.STATUS_ERRORED, error=STALE_ERROR_PREFIX + reason)
    logger.warning(f"{row.name}: job {row.pk} ({row.status}) marked errored: {reason}")


def _successor_pending(name: str, interval: int, now: datetime) -> bool:
    """A run of this chain ended an instant ago: the worker is scheduling its successor (NetBox's ``handle``)."""
    return (
        Job.objects.filter(name=name, interval=interval, status__in=TERMINAL, completed__gte=now - FRESH_ROW_GRACE)
        .exclude(error__startswith=STALE_ERROR_PREFIX)
        .exists()
    )


def _anchor(name: str, interval: int) -> datetime | None:
    """The newest slot of the chain, so a repaired chain keeps its times."""
    return (
        Job.objects.filter(name=name, interval=interval, scheduled__isnull=False)
        .order_by("-scheduled")
        .values_list("scheduled", flat=True)
        .first()
    )


def _resume_at(runner: type[JobRunner], anchor: datetime | None, interval: int, now: datetime) -> datetime:
    resume = getattr(runner, "resume_at", None)
    if resume is not None:
        return resume(anchor, interval, now)
    return next_slot(anchor, interval, now) if anchor else now


def _timeout_of(runner: type[JobRunner], kwargs: Mapping[str, Any]) -> float:
    """Seconds a run may last: the RQ job's own timeout is used when Redis still has it; this is the fallback."""
    timeout = kwargs.get("job_timeout")
    if not timeout and hasattr(runner, "run_timeout"):
        timeout = runner.run_timeout()
    return float(timeout or getattr(django_settings, "RQ_DEFAULT_TIMEOUT", 300))


# ------------------------------------------------------------------------------------------- the plugin's own runs


class RecurringJob(JobRunner):
    """A ``JobRunner`` whose successor is scheduled the reconciler's way: on its slot, under the schedules lock, and
    only when no live successor exists (NetBox's ``handle`` does so for system jobs only, and without looking at
    Redis). The run itself is NetBox's ``JobRunner.handle`` (netbox/jobs.py): start, run, terminate, with the same
    statuses; a failure to even record the start (database down) is left to the reconciler."""

    class Meta:
        pass

    @classmethod
    def run_timeout(cls) -> int:
        """Seconds a run may take (RQ's ``job_timeout``); the reconciler judges a longer run dead."""
        return settings.get("recurring_job_timeout")

    @classmethod
    def resume_at(cls, anchor: datetime | None, interval: int, now: datetime) -> datetime:
        """When the next run of a chain is due: its next slot after ``now``, or at once for a new chain."""
        return next_slot(anchor, interval, now) if anchor else now

    @classmethod
    def enqueue(cls, *args, **kwargs):
        if not kwargs.get("immediate"):  # RQ's timeout; a run in the calling process has none
            kwargs.setdefault("job_timeout", cls.run_timeout())
        return super().enqueue(*args, **kwargs)

    @classmethod
    def handle(cls, job, *args, **kwargs):
        from netbox.jobs import _INSTALL_ROOT
        from rq.timeouts import JobTimeoutException

        netbox_logger = logging.getLogger("netbox.jobs")
        try:
            job.start()
            cls(job).run(*args, **kwargs)
            job.terminate()
        except JobFailed:
            netbox_logger.warning(f"Job {job} failed")
            job.terminate(status=JobStatusChoices.STATUS_FAILED)
        except Exception as e:
            tb_record = logging.makeLogRecord(
                {
                    "levelno": logging.ERROR,
                    "levelname": "ERROR",
                    "msg": traceback.format_exc().replace(_INSTALL_ROOT, ""),
                }
            )
            job.log(tb_record)
            job.terminate(status=JobStatusChoices.STATUS_ERRORED, error=repr(e))
            if type(e) is JobTimeoutException:
                netbox_logger.error(e)
        finally:
            if job.interval:
                cls.schedule_successor(job, kwargs)

    @classmethod
    def schedule_successor(cls, job: Job, kwargs: dict[str, Any]) -> None:
        # Strictly after this run's own slot: RQ stores schedule times in whole seconds and may start a run up to a
        # second early, when "the next slot after now" would still be this one (the soak test caught a double run).
        now = max(timezone.now(), job.scheduled) if job.scheduled else timezone.now()
        run_kwargs = {key: value for key, value in kwargs.items() if key not in ("job_id", "job_timeout")}
        enqueue_kwargs = {"instance": job.object, "user": job.user, "notifications": job.notifications, **run_kwargs}
        with advisory_lock(SCHEDULES_LOCK), transaction.atomic():
            _ensure(
                cls,
                job.name,
                job.interval,
                cls.resume_at(job.scheduled or job.started, job.interval, now),
                job,
                enqueue_kwargs,
            )


# ------------------------------------------------------------------------------------------ what the config asks for


def configured_recurring() -> list[Recurring]:
    """Every recurring job of the plugin with the interval the configuration gives it (0: not scheduled). The
    report schedules are separate (:func:`reconcile_report_schedules`, :func:`configured_report_schedules`)."""
    from .dns.jobs import DnsSnippetsJob
    from .exports.jobs import HourlyDumpJob
    from .ganeti.jobs import GanetiSyncJob, job_name
    from .ganeti.service import configured_profiles
    from .jobs import ReportSchedulesJob

    items = [
        Recurring(ReportSchedulesJob, ReportSchedulesJob.name, settings.get("reconcile_interval")),
        Recurring(
            HourlyDumpJob, HourlyDumpJob.name, settings.get("dump_interval") if settings.get("dump_enabled") else 0
        ),
    ]
    for mode, publish in (("check", False), ("publish", True)):
        items.append(
            Recurring(DnsSnippetsJob, dns_job_name(mode), settings.get(f"dns_{mode}_interval"), {"publish": publish})
        )
    interval = settings.get("ganeti_sync_interval")
    for profile in sorted(configured_profiles()):
        items.append(Recurring(GanetiSyncJob, job_name(profile), interval, {"profile": profile, "commit": True}))
    return items


def dns_job_name(mode: str) -> str:
    from .dns.jobs import DnsSnippetsJob

    return f"{DnsSnippetsJob.Meta.name} ({mode})"


def configured_report_schedules() -> dict[str, int]:
    """{job name: interval} of the configured report schedules."""
    return {f"{JOB_NAME_PREFIX}{report}": minutes for report, minutes in settings.get("report_schedules").items()}


def reconcile_all() -> dict[str, str]:
    """One reconcile pass over everything the configuration asks for: {job name or report: what was done}. A
    failure on one job (logged) does not stop the others."""
    done: dict[str, str] = {}
    for item in configured_recurring():
        try:
            done[item.name] = ensure_recurring(item.runner, item.name, item.interval, **item.kwargs)
        except Exception as exc:
            logger.error(f"{item.name}: not reconciled: {type(exc).__name__}: {exc}")
            done[item.name] = "error"
    changes = reconcile_report_schedules(settings.get("report_schedules"))
    for label in ("scheduled", "removed", "kept", "unknown"):
        for report in getattr(changes, label):
            done.setdefault(f"{JOB_NAME_PREFIX}{report}", label)
    return done


def reconcile_report_schedules(schedules: Mapping[str, int]) -> ScheduleChanges:
    from .quality.catalog import report_class
    from .quality.jobs import RunCheckJob

    changes = ScheduleChanges()
    # The lock is held until the transaction has committed: another worker's pass must see the rows this one made
    # (two workers starting together each scheduled, and ran, the same report when the lock was released earlier).
    with advisory_lock(SCHEDULES_LOCK), transaction.atomic():
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


# ---------------------------------------------------------------------------------------- the rqworker's watchdog

_watchdog_lock = threading.Lock()
_watchdog: threading.Thread | None = None


def start_watchdog() -> bool:
    """Start, once per process, the thread that keeps the reconciler's own chain alive (called by ``netbox
    rqworker`` at start-up, through ``ReportSchedulesJob.enqueue_once``). Returns whether it started now."""
    global _watchdog
    with _watchdog_lock:
        if _watchdog is not None and _watchdog.is_alive():
            return False
        _watchdog = threading.Thread(target=_watch, name="wmf-ops-schedules-watchdog", daemon=True)
        _watchdog.start()
        return True


def _watch() -> None:
    while True:
        time.sleep(settings.get("reconcile_interval") * 20)  # a third of an interval: a lost chain is back within one
        check_reconciler()


def check_reconciler() -> str:
    """Make sure the reconciler has a live run queued; a new one runs at once. Never raises (the database or Redis
    may be down: the next check retries), and leaves no database connection open."""
    from .jobs import ReportSchedulesJob

    try:
        done = ensure_recurring(
            ReportSchedulesJob, ReportSchedulesJob.name, settings.get("reconcile_interval"), schedule_at=timezone.now()
        )
        if done != "kept":
            logger.warning(f"watchdog: {ReportSchedulesJob.name}: {done}")
        enqueue_stalled_runs()
        return done
    except Exception as exc:
        logger.warning(f"watchdog: could not check {ReportSchedulesJob.name}: {type(exc).__name__}: {exc}")
        return "error"
    finally:
        connection.close()
