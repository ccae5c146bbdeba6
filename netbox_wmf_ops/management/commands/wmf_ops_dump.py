from django.core.management.base import BaseCommand, CommandError

from netbox_wmf_ops import settings
from netbox_wmf_ops.exports.dump import DumpError, run_dump
from netbox_wmf_ops.exports.tables import TABLES, TABLES_BY_NAME
from netbox_wmf_ops.ops.config import dump_keep


class Command(BaseCommand):
    help = (
        "Dump the exportable tables as CSV into a new timestamped directory under the dump root and rotate old dumps "
        "(what the hourly job does). --name gives a descriptive name; such dumps are never rotated away."
    )

    def add_arguments(self, parser):
        parser.add_argument("--root", help="dump root (default: the dump_root setting)")
        parser.add_argument("--name", help="directory name instead of the YYYY-MM-DD-HH:MM timestamp")
        parser.add_argument("--tables", help="comma-separated table names (default: all)")
        parser.add_argument("--no-rotate", action="store_true", help="write the dump only, delete nothing")

    def handle(self, *args, **options):
        tables = TABLES
        if options["tables"]:
            names = [n.strip() for n in options["tables"].split(",") if n.strip()]
            unknown = [n for n in names if n not in TABLES_BY_NAME]
            if unknown:
                raise CommandError(f"unknown tables: {', '.join(unknown)} (known: {', '.join(TABLES_BY_NAME)})")
            tables = [TABLES_BY_NAME[n] for n in names]
        try:
            result = run_dump(
                options["root"] or settings.get("dump_root"),
                keep=dump_keep(),
                name=options["name"],
                tables=tables,
                rotate=not options["no_rotate"],
            )
        except DumpError as exc:
            raise CommandError(str(exc)) from exc
        for name in result.rotation.deletions:
            self.stdout.write(f"deleted old dump {name}")
        self.stdout.write(self.style.SUCCESS(result.summary()))
