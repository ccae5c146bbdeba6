from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from netbox_wmf_ops.ops.sanitize import SanitizeError, Server, sanitize_database, sanitize_to_file


class Command(BaseCommand):
    help = (
        "Make a sanitised copy of NetBox's database for a test environment: a new database (--database) or a "
        "pg_dump -Fc file (--output). Serials, MACs, circuit IDs and every credential are replaced or removed. "
        "The source database is never modified."
    )

    def add_arguments(self, parser):
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--database", help="name of the new database to create")
        target.add_argument("--output", help="path of the pg_dump -Fc file to write")
        parser.add_argument("--source", help="database to copy (default: NetBox's own)")
        parser.add_argument(
            "--replace", action="store_true", help="drop --database first if it is a sanitised copy made earlier"
        )

    def handle(self, *args, **options):
        db = settings.DATABASES["default"]
        server = Server.from_django(db)
        source = options["source"] or db["NAME"]
        try:
            if options["database"]:
                result = sanitize_database(source, options["database"], server, replace=options["replace"])
            else:
                result = sanitize_to_file(source, Path(options["output"]), server)
        except SanitizeError as exc:
            raise CommandError(str(exc)) from exc
        for what, count in result.changed.items():
            if count:
                self.stdout.write(f"sanitised {what}: {count}")
        self.stdout.write(self.style.SUCCESS(result.summary()))
