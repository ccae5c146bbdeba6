from django.core.management.base import BaseCommand

from netbox_wmf_ops.links import install_custom_links


class Command(BaseCommand):
    help = "Install or update the plugin's custom links (Grafana, Icinga, Debmonitor, procurement ticket, warranty)."

    def handle(self, *args, **options):
        result = install_custom_links()
        for label, names in (("created", result.created), ("updated", result.updated), ("deleted", result.deleted)):
            for name in names:
                self.stdout.write(f"{label}: {name}")
        self.stdout.write(self.style.SUCCESS(result.summary()))
