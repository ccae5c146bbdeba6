from django.core.management.base import BaseCommand, CommandError

from netbox_wmf_ops.ganeti.service import UnknownProfileError, change_logging, default_user, run_profile

LEVEL_STYLES = {"failure": "ERROR", "warning": "WARNING", "info": "HTTP_INFO", "success": "SUCCESS"}


class Command(BaseCommand):
    help = (
        "Sync a Ganeti cluster (one configured profile) into NetBox. Dry-run unless --commit. "
        "Exits 1 when anything failed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--profile", required=True, help="profile name from PLUGINS_CONFIG ganeti_profiles")
        parser.add_argument("--commit", action="store_true", help="write the changes (default: only show them)")
        parser.add_argument("--force", action="store_true", help="apply even a mass deletion refused by the guard")
        parser.add_argument(
            "--user", help="record the changes in the change log as this user (default: first superuser)"
        )

    def handle(self, *args, **options):
        commit = options["commit"]
        prefix = "" if commit else "DRY-RUN "
        user = default_user(options["user"])
        try:
            with change_logging(user if commit else None):
                result = run_profile(options["profile"], commit=commit, force=options["force"])
        except UnknownProfileError as e:
            raise CommandError(str(e)) from None
        verbose = options["verbosity"] >= 2
        for line in result.lines:
            if line.level == "debug" and not verbose:
                continue
            style = getattr(self.style, LEVEL_STYLES.get(line.level, "NOTICE"), str)
            self.stdout.write(style(f"{prefix}[{line.level}] {line.message}"))
        self.stdout.write(self.style.SUCCESS(f"{prefix}{result.summary()}"))
        if result.failed:
            raise CommandError(f"Ganeti sync of profile {options['profile']} had failures")
