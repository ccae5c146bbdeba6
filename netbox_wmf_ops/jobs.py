"""Background jobs run by `netbox rqworker`."""

import logging

from core.choices import JobIntervalChoices
from netbox.jobs import JobLogHandler, system_job

from .dns.jobs import DnsSnippetsJob  # noqa: F401  (a recurring job the reconciler schedules)
from .exports.jobs import HourlyDumpJob  # noqa: F401  (a @system_job: the CSV dump)
from .scheduling import RECONCILER_TIMEOUT, RecurringJob

logger = logging.getLogger("netbox_wmf_ops.scheduling")


@system_job(interval=JobIntervalChoices.INTERVAL_HOURLY)  # the interval actually used is `reconcile_interval`
class ReportSchedulesJob(RecurringJob):
    """The schedule reconciler: every `reconcile_interval` minutes, and at every worker start, it makes the job queue
    hold one live run of every recurring job the configuration asks for (`report_schedules`, the dump,
    `dns_check_interval`, `dns_publish_interval`, `ganeti_sync_interval`): see `netbox_wmf_ops.scheduling`."""

    class Meta:
        name = "WMF Ops: apply schedules"

    @classmethod
    def run_timeout(cls) -> int:
        return RECONCILER_TIMEOUT

    @classmethod
    def enqueue_once(cls, instance=None, schedule_at=None, interval=None, *args, **kwargs):
        # `netbox rqworker` calls this at start-up (for every system job): the start-up pass, then the watchdog
        # that keeps this job's own chain alive in this worker process.
        from .scheduling import reconcile_all, start_watchdog

        try:
            for name, done in reconcile_all().items():
                if done not in ("none", "kept"):
                    logger.info(f"worker start-up: {done}: {name}")
        except Exception as exc:  # the worker must start anyway; the watchdog retries
            logger.error(f"worker start-up reconcile failed: {type(exc).__name__}: {exc}")
        start_watchdog()

    def run(self, *args, **kwargs):
        from .scheduling import reconcile_all

        handler = JobLogHandler(self.job)  # stale rows marked errored are logged on this job too
        logger.addHandler(handler)
        try:
            for name, done in reconcile_all().items():
                if done != "none":
                    self.logger.info(f"{done}: {name}")
        finally:
            logger.removeHandler(handler)


from .quality.jobs import PruneFindingsJob, RunCheckJob  # noqa: E402, F401  (the reports' own job; retention)
