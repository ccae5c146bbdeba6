"""The CSV dump as a NetBox system job (`netbox rqworker` schedules it; every `dump_interval` minutes, hourly by
default, on slots anchored at minute `dump_minute`; the reconciler of `netbox_wmf_ops.scheduling` keeps it alive).

Import this module from ``PluginConfig.ready()`` (``@system_job`` registers on import).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from core.choices import JobIntervalChoices
from django.utils import timezone
from netbox.jobs import system_job

from netbox_wmf_ops import settings
from netbox_wmf_ops.ops.config import dump_keep
from netbox_wmf_ops.recurring import next_slot
from netbox_wmf_ops.scheduling import RecurringJob


def next_run_at(minute: int, now: datetime | None = None, interval: int = 60) -> datetime:
    """The next dump slot strictly after ``now``: every ``interval`` minutes from minute ``minute`` of the day's first
    hour (hourly: ``hh:<minute>:00``), aware, in the current time zone."""
    now = timezone.localtime(now or timezone.now())
    anchor = now.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(minutes=minute)
    return next_slot(anchor, interval, now)


def dump_interval() -> int:
    """Minutes between dumps; 0 when the dump is disabled."""
    return settings.get("dump_interval") if settings.get("dump_enabled") else 0


@system_job(interval=JobIntervalChoices.INTERVAL_HOURLY)  # the interval actually used is `dump_interval`
class HourlyDumpJob(RecurringJob):
    class Meta:
        name = "WMF Ops hourly CSV dump"

    @classmethod
    def resume_at(cls, anchor: datetime | None, interval: int, now: datetime) -> datetime:
        # Always on a slot (minute `dump_minute` of the hour when hourly), whatever time the chain had.
        return next_run_at(settings.get("dump_minute"), now, interval)

    @classmethod
    def enqueue_once(cls, instance=None, schedule_at=None, interval=None, *args, **kwargs):
        # The worker's start-up call: one live schedule on the configured slots, through the reconciler (it keeps a
        # live schedule, repairs a dead one, never deletes a running dump); none when the dump is disabled.
        from ..scheduling import PRESENT, ensure_recurring

        minutes = dump_interval()
        ensure_recurring(cls, cls.name, minutes)
        return cls.get_jobs().filter(status__in=PRESENT, interval=minutes or None).order_by("scheduled").first()

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
