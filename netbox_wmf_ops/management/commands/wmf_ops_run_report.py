import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from users.models import User

from netbox_wmf_ops.alerting import judge
from netbox_wmf_ops.loaders.report_status import latest_result
from netbox_wmf_ops.models import CheckRun, Finding
from netbox_wmf_ops.models.checkrun import CheckRunDoorChoices
from netbox_wmf_ops.quality.catalog import owner_of, report_class
from netbox_wmf_ops.quality.jobs import RunCheckJob


class Command(BaseCommand):
    help = (
        "Run a report now, in this process (no rqworker needed), record its findings, print them and the alerting "
        "verdict, and exit like `wmf_ops_check_report` (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN). The run is the "
        "plugin's job, visible under Data quality → Runs and in the job list."
    )

    def add_arguments(self, parser):
        parser.add_argument("report", nargs="?", help="module.ClassName, e.g. wmf_ops_management.ManagementConsole")
        parser.add_argument(
            "--all", action="store_true", help="run every shipped report (one verdict line each; exit 0)"
        )
        parser.add_argument(
            "--if-never-run", action="store_true", help="with --all: only the reports that have no run yet"
        )
        parser.add_argument("--user", help="run as this user (default: the first superuser)")
        parser.add_argument("--warning-only", "-w", action="store_true", help="report failures as WARNING")
        parser.add_argument("--quiet", "-q", action="store_true", help="print only the verdict line")

    def handle(self, *args, report, user, warning_only, quiet, **options):
        if options["all"]:
            self.run_all(user, options["if_never_run"])
            return
        if not report:
            raise CommandError("name a report (module.ClassName) or give --all")
        if report_class(report) is None:
            raise CommandError(
                f"no shipped report {report!r} (expected module.ClassName, e.g. wmf_ops_network.Network)"
            )
        runner = self.runner(user)
        job = RunCheckJob.enqueue(user=runner, immediate=True, report=report, door=CheckRunDoorChoices.COMMAND)
        job.refresh_from_db()
        run = CheckRun.objects.filter(job=job).first()
        if not quiet and run is not None:
            for finding in Finding.objects.filter(last_run=run).order_by("test", "pk"):
                subject = f"{finding.display}: " if finding.display else ""
                self.stdout.write(f"[{finding.level}] {finding.test}: {subject}{finding.message}")
        verdict = judge(
            report, latest_result(report), timezone.now(), warning_only=warning_only, alerts=owner_of(report).alerts
        )
        self.stdout.write(verdict.line)
        sys.exit(verdict.exit_code)

    def runner(self, user: str | None):
        found = User.objects.filter(username=user).first() if user else None
        if user and found is None:
            raise CommandError(f"no user {user!r}")
        return found or User.objects.filter(is_superuser=True).order_by("pk").first()

    def run_all(self, user: str | None, if_never_run: bool) -> None:
        from netbox_wmf_ops.quality.catalog import shipped_reports

        runner = self.runner(user)
        done = set(CheckRun.objects.values_list("report", flat=True).distinct()) if if_never_run else set()
        for report in shipped_reports():
            if report in done:
                continue
            RunCheckJob.enqueue(user=runner, immediate=True, report=report, door=CheckRunDoorChoices.COMMAND)
            verdict = judge(report, latest_result(report), timezone.now(), alerts=owner_of(report).alerts)
            self.stdout.write(verdict.line)
