import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from extras.jobs import ScriptJob
from users.models import User

from netbox_wmf_ops.alerting import judge
from netbox_wmf_ops.loaders.report_status import find_script, latest_result


class Command(BaseCommand):
    help = (
        "Run a report now, in this process (no rqworker needed), print its findings and the alerting verdict, and "
        "exit like `wmf_ops_check_report` (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN). The result is stored as a "
        "normal NetBox job, visible in the UI."
    )

    def add_arguments(self, parser):
        parser.add_argument("report", help="module.ClassName, e.g. wmf_ops_management.ManagementConsole")
        parser.add_argument("--user", help="run as this user (default: the first superuser)")
        parser.add_argument("--warning-only", "-w", action="store_true", help="report failures as WARNING")
        parser.add_argument("--quiet", "-q", action="store_true", help="print only the verdict line")

    def handle(self, *args, report, user, warning_only, quiet, **options):
        script = find_script(report)
        if script is None or not script.is_executable:
            raise CommandError(f"no executable report {report!r}; see `netbox wmf_ops_register_scripts`")
        runner = User.objects.filter(username=user).first() if user else None
        if user and runner is None:
            raise CommandError(f"no user {user!r}")
        runner = runner or User.objects.filter(is_superuser=True).order_by("pk").first()
        job = ScriptJob.enqueue(
            instance=script,
            user=runner,
            immediate=True,
            data={},
            commit=False,
            request=None,
            notifications="never",
            job_timeout=script.python_class.job_timeout,
        )
        job.refresh_from_db()
        if not quiet:
            for test, result in (job.data or {}).get("tests", {}).items():
                for _time, level, obj, _url, message in result.get("log", []):
                    self.stdout.write(f"[{level}] {test}: {obj + ': ' if obj else ''}{message}")
        verdict = judge(report, latest_result(script), timezone.now(), warning_only=warning_only)
        self.stdout.write(verdict.line)
        sys.exit(verdict.exit_code)
