"""Background jobs run by `netbox rqworker`."""

from core.choices import JobIntervalChoices
from netbox.jobs import JobRunner, system_job

from . import settings


@system_job(interval=JobIntervalChoices.INTERVAL_HOURLY)
class ReportSchedulesJob(JobRunner):
    """Applies `report_schedules` from the configuration (at every worker start, then hourly)."""

    class Meta:
        name = "WMF Ops: apply report schedules"

    def run(self, *args, **kwargs):
        from .scheduling import reconcile_report_schedules

        changes = reconcile_report_schedules(settings.get("report_schedules"))
        for label in ("scheduled", "removed", "kept", "unknown"):
            for report in getattr(changes, label):
                self.logger.info(f"{label}: {report}")
