"""The scheduled door: one background job per Ganeti profile (run by `netbox rqworker`)."""

from __future__ import annotations

from core.exceptions import JobFailed

from ..scheduling import RecurringJob
from .service import change_logging, configured_profiles, default_user, run_profile


class GanetiSyncJob(RecurringJob):
    """``GanetiSyncJob.enqueue(profile="eqiad", commit=True)``; jobs are named ``Ganeti sync <profile>``, so each
    profile keeps its own schedule (see :func:`schedule_profiles`)."""

    class Meta:
        name = "Ganeti sync"

    def run(self, profile: str, commit: bool = True, force: bool = False, **kwargs):
        user = self.job.user or default_user()
        with change_logging(user if commit else None):
            result = run_profile(profile, commit=commit, force=force)
        for line in result.lines:
            level = {"failure": "error", "success": "info"}.get(line.level, line.level)
            getattr(self.logger, level)(line.message)
        self.logger.info(result.summary())
        self.job.data = {
            "profile": profile,
            "commit": commit,
            "applied": result.applied,
            "counts": dict(result.plan.counts()) if result.plan else {},
            "log": [{"level": line.level, "message": line.message} for line in result.lines],
        }
        if result.failed:
            raise JobFailed()  # status "failed": what alerting keys on


def job_name(profile: str) -> str:
    return f"{GanetiSyncJob.name} {profile}"


def schedule_profiles(interval: int) -> dict[str, str]:
    """Schedule every configured profile every ``interval`` minutes (idempotent; called by the plugin's system job).
    Returns {job name: what was done} as :func:`netbox_wmf_ops.scheduling.ensure_recurring` reports it."""
    from ..scheduling import ensure_recurring

    return {
        job_name(name): ensure_recurring(GanetiSyncJob, job_name(name), interval, profile=name, commit=True)
        for name in sorted(configured_profiles())
    }
