"""The hourly CSV dump as a NetBox system job (`netbox rqworker` schedules it; it reschedules itself hourly).

Import this module from ``PluginConfig.ready()`` (``@system_job`` registers on import).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from core.choices import JobIntervalChoices, JobStatusChoices
from django.utils import timezone
from netbox.jobs import JobRunner, system_job

from netbox_wmf_ops import settings
from netbox_wmf_ops.ops.config import dump_keep


def next_run_at(minute: int, now: datetime | None = None) -> datetime:
    """The next ``hh:<minute>:00`` strictly after ``now`` (aware, in the current time zone)."""
    now = timezone.localtime(now or timezone.now())
    candidate = now.replace(minute=minute, second=0, microsecond=0)
    return candidate if candidate > now else candidate + timedelta(hours=1)


@system_job(interval=JobIntervalChoices.INTERVAL_HOURLY)
class HourlyDumpJob(JobRunner):
    class Meta:
        name = "WMF Ops hourly CSV dump"

    @classmethod
    def enqueue_once(cls, instance=None, schedule_at=None, interval=None, *args, **kwargs):
        # The worker's start-up call passes no schedule_at (so the first run would be immediate and the schedule would
        # follow the worker's start time): anchor it to minute `dump_minute` of the hour instead. Idempotent, since
        # enqueue_once keeps a job already scheduled at that time.
        if not settings.get("dump_enabled"):
            cls.get_jobs().filter(status=JobStatusChoices.STATUS_SCHEDULED).delete()
            return None
        if schedule_at is None:
            schedule_at = next_run_at(settings.get("dump_minute"))
        return super().enqueue_once(instance, schedule_at, interval, *args, **kwargs)

    def run(self, *args, **kwargs):
        from .dump import run_dump

        result = run_dump(settings.get("dump_root"), keep=dump_keep())
        self.logger.info(result.summary())
        if result.rotation.deletions:
            self.logger.info(f"rotated away {len(result.rotation.deletions)} old dumps")
        self.job.data = {
            "path": str(result.path),
            "rows": {name: entry["rows"] for name, entry in result.manifest["tables"].items()},
            "deleted": result.rotation.deletions,
        }
