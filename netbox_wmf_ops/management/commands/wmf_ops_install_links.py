from django.core.management.base import BaseCommand

from netbox_wmf_ops.links import install_custom_links
from netbox_wmf_ops.management.changes import write_changes


class Command(BaseCommand):
    help = "Install or update the plugin's custom links (Grafana, Icinga, Debmonitor, procurement ticket, warranty)."

    def handle(self, *args, **options):
        result = install_custom_links()
        changes = (("created", result.created), ("updated", result.updated), ("deleted", result.deleted))
        write_changes(self, changes, result.summary())
