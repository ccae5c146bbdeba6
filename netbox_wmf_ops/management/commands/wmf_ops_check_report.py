import sys

from django.core.management.base import BaseCommand
from django.utils import timezone

from netbox_wmf_ops.alerting import UNKNOWN, Verdict, judge, parse_duration
from netbox_wmf_ops.loaders.report_status import find_script, latest_result
from netbox_wmf_ops.quality.catalog import owner_of


class Command(BaseCommand):
    help = (
        "Nagios/Icinga check of a report's newest result: prints 'Netbox report <module.Class> OK|WARNING|CRITICAL|"
        "UNKNOWN - <counts>' and exits 0/1/2/3. Any open failure of the report is CRITICAL (WARNING with "
        "--warning-only); warnings never alert. Reads the plugin's check runs and findings, whichever door ran it."
    )

    def add_arguments(self, parser):
        parser.add_argument("report", help="the report as module.ClassName, e.g. wmf_ops_management.ManagementConsole")
        parser.add_argument("--warning-only", "-w", action="store_true", help="report failures as WARNING")
        parser.add_argument("--max-age", help="UNKNOWN when the newest result is older than this (e.g. 26h, 90m)")

    def handle(self, *args, report, warning_only, max_age, **options):
        try:
            max_age_delta = parse_duration(max_age) if max_age else None
            script = find_script(report)
            if script is None:
                verdict = Verdict(UNKNOWN, report, "no such report (expected module.ClassName as listed by NetBox)")
            else:
                verdict = judge(
                    report,
                    latest_result(report),
                    timezone.now(),
                    max_age_delta,
                    warning_only,
                    alerts=owner_of(report).alerts,
                )
        except Exception as exc:  # a monitoring check must answer UNKNOWN, never a traceback
            verdict = Verdict(UNKNOWN, report, f"Netbox exception getting report data: {type(exc).__name__}: {exc}")
        self.stdout.write(verdict.line)
        sys.exit(verdict.exit_code)
