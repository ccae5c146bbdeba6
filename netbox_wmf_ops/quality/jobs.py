"""The primary door of the reports (the plugin's own JobRunner) and the retention system job."""

from __future__ import annotations

from datetime import timedelta

from core.choices import JobIntervalChoices
from django.utils import timezone
from netbox.jobs import JobRunner, system_job

from .. import settings
from ..models import CheckRun, Finding
from ..models.checkrun import CheckRunDoorChoices, CheckRunStatusChoices


class RunCheckJob(JobRunner):
    """Runs one shipped report (``report="module.Class"``) and records its findings. Enqueued by the Checks page, the
    REST API, the management command (immediately, in-process) and the report schedules (recurring)."""

    class Meta:
        name = "WMF Ops: run check"

    def run(self, report: str, door: str = CheckRunDoorChoices.UI, schedule: str = "", **kwargs):
        from .runner import run_report

        self.logger.info(f"Running {report}")
        run, instance = run_report(report, door=door, user=self.job.user, schedule=schedule, job=self.job)
        # NetBox's usual per-test log, shown on the job's page.
        self.job.data = {"log": instance.messages, "output": "", "tests": instance.tests, "check_run": run.pk}
        self.logger.info(
            f"{run.get_status_display()}: {run.failures} failures, {run.warnings} warnings, "
            f"{run.new_findings} new, {run.resolved_findings} resolved"
        )
        if run.error:
            raise RuntimeError(run.error)


def prune(now=None, days: int | None = None) -> tuple[int, int]:
    """Delete resolved findings and finished runs older than `days` (default: `findings_retention_days`). Open
    findings are never deleted, nor the newest run of each report (alerting reads it). Returns (findings, runs)."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=days if days is not None else settings.get("findings_retention_days"))
    # A run still "running" a day after it started was interrupted (its worker died): it changed no finding.
    CheckRun.objects.filter(status=CheckRunStatusChoices.RUNNING, started__lt=now - timedelta(days=1)).update(
        status=CheckRunStatusChoices.ERRORED, error="interrupted: the run never finished"
    )
    findings, _ = Finding.objects.filter(resolved__isnull=False, resolved__lt=cutoff).delete()
    newest = CheckRun.objects.order_by("report", "-started", "-pk").distinct("report").values("pk")
    runs, _ = CheckRun.objects.filter(finished__isnull=False, finished__lt=cutoff).exclude(pk__in=newest).delete()
    return findings, runs


@system_job(interval=JobIntervalChoices.INTERVAL_DAILY)
class PruneFindingsJob(JobRunner):
    """Retention of the data-quality tables (`findings_retention_days`)."""

    class Meta:
        name = "WMF Ops: prune findings"

    def run(self, *args, **kwargs):
        findings, runs = prune()
        self.logger.info(f"Pruned {findings} resolved findings and {runs} check runs")
