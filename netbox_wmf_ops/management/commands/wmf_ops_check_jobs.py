import json as json_module
import sys

from django.core.management.base import BaseCommand

from netbox_wmf_ops.alerting import EXIT_CODES, UNKNOWN
from netbox_wmf_ops.health import summary_line, worst


class Command(BaseCommand):
    help = (
        "Nagios/Icinga check of the plugin's recurring work (the dump, DNS check/publish, Ganeti syncs, report "
        "schedules, the schedule reconciler): the first line is the overall state, then one line per job; exits "
        "0/1/2/3. A job is WARNING past health_warning_intervals intervals since its last success, CRITICAL past "
        "health_critical_intervals."
    )

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="print the verdicts as JSON instead")

    def handle(self, *args, json: bool = False, **options):
        try:
            from netbox_wmf_ops.loaders.job_health import recurring_verdicts

            verdicts = recurring_verdicts()
        except Exception as exc:  # a monitoring check must answer UNKNOWN, never a traceback
            line = f"WMF Ops recurring jobs {UNKNOWN} - Netbox exception reading job data: {type(exc).__name__}: {exc}"
            self.stdout.write(line)
            sys.exit(EXIT_CODES[UNKNOWN])
        state = worst(verdicts)
        if json:
            body = {"state": state, "exit_code": EXIT_CODES[state], "jobs": [v.as_dict() for v in verdicts]}
            self.stdout.write(json_module.dumps(body, indent=2))
        else:
            self.stdout.write(summary_line(verdicts))
            for verdict in verdicts:
                self.stdout.write(verdict.line)
        sys.exit(EXIT_CODES[state])
