"""Background jobs run by `netbox rqworker`."""

from core.choices import JobIntervalChoices
from netbox.jobs import JobRunner, system_job

from . import settings
from .dns.jobs import DnsSnippetsJob  # noqa: F401  (registers the job class with NetBox)
from .exports.jobs import HourlyDumpJob  # noqa: F401  (a @system_job: the hourly CSV dump)


@system_job(interval=JobIntervalChoices.INTERVAL_HOURLY)
class ReportSchedulesJob(JobRunner):
    """Applies the schedules of the configuration (`report_schedules`, `ganeti_sync_interval`) at every worker start,
    then hourly."""

    class Meta:
        name = "WMF Ops: apply schedules"

    def run(self, *args, **kwargs):
        from .ganeti.jobs import schedule_profiles
        from .scheduling import reconcile_report_schedules

        changes = reconcile_report_schedules(settings.get("report_schedules"))
        for label in ("scheduled", "removed", "kept", "unknown"):
            for report in getattr(changes, label):
                self.logger.info(f"{label}: {report}")
        interval = settings.get("ganeti_sync_interval")
        if interval:
            for job in schedule_profiles(interval):
                self.logger.info(f"scheduled: {job.name} every {interval} min")
