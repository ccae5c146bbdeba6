"""Background jobs run by `netbox rqworker`."""

from core.choices import JobIntervalChoices
from netbox.jobs import JobRunner, system_job

from . import settings
from .dns.jobs import DnsSnippetsJob
from .exports.jobs import HourlyDumpJob  # noqa: F401  (a @system_job: the hourly CSV dump)


@system_job(interval=JobIntervalChoices.INTERVAL_HOURLY)
class ReportSchedulesJob(JobRunner):
    """Applies the schedules of the configuration (`report_schedules`, `dns_check_interval`, `dns_publish_interval`,
    `ganeti_sync_interval`) at every worker start, then hourly."""

    class Meta:
        name = "WMF Ops: apply schedules"

    def run(self, *args, **kwargs):
        from .ganeti.jobs import schedule_profiles
        from .scheduling import ensure_recurring, reconcile_report_schedules

        changes = reconcile_report_schedules(settings.get("report_schedules"))
        for label in ("scheduled", "removed", "kept", "unknown"):
            for report in getattr(changes, label):
                self.logger.info(f"{label}: {report}")
        for mode, publish in (("check", False), ("publish", True)):
            name = f"{DnsSnippetsJob.Meta.name} ({mode})"
            done = ensure_recurring(DnsSnippetsJob, name, settings.get(f"dns_{mode}_interval"), publish=publish)
            if done != "none":
                self.logger.info(f"{done}: {name}")
        interval = settings.get("ganeti_sync_interval")
        for name, done in schedule_profiles(interval).items():
            if done != "none":
                self.logger.info(f"{done}: {name} every {interval} min")


from .quality.jobs import PruneFindingsJob, RunCheckJob  # noqa: E402, F401  (the reports' own job; retention)
