from django.core.management.base import BaseCommand, CommandError

from netbox_wmf_ops.puppetdb.client import PuppetDBError, config_from_settings, make_client
from netbox_wmf_ops.puppetdb.importer import import_hosts


class Command(BaseCommand):
    help = (
        "Import interfaces, IP addresses, cables and switch ports from PuppetDB for the named devices/VMs "
        "(interface automation). Dry run unless --commit; exits 1 when a host failed."
    )

    def add_arguments(self, parser):
        parser.add_argument("hosts", nargs="+", help="device or virtual machine names")
        parser.add_argument("--commit", action="store_true", help="make the changes (default: show the plan only)")
        parser.add_argument("--quiet", action="store_true", help="print only failures and the plan")

    def handle(self, *args, **options):
        try:
            client = make_client(config_from_settings())
        except (PuppetDBError, ValueError) as exc:
            raise CommandError(f"PuppetDB is not usable: {exc}") from None

        def log(level: str, message: str) -> None:
            if options["quiet"] and level != "failure":
                return
            style = {"failure": self.style.ERROR, "warning": self.style.WARNING, "success": self.style.SUCCESS}
            self.stdout.write(style.get(level, str)(f"[{level}] {message}"))

        try:
            result = import_hosts(options["hosts"], client, log, commit=options["commit"])
        finally:
            client.close()
        for name in result.not_found:
            self.stderr.write(f"not in Netbox: {name}")
        plan = result.describe()
        if plan:
            self.stdout.write(plan)
        verb = "made" if options["commit"] else "planned (dry run: nothing changed)"
        self.stdout.write(f"{sum(len(p.changes) for p in result.plans)} changes {verb}")
        if result.failed_hosts or not (result.plans or result.failed_hosts):
            raise CommandError(f"failed hosts: {', '.join(result.failed_hosts) or 'none found'}")
