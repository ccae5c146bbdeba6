from django.core.management.base import BaseCommand

from netbox_wmf_ops.management.changes import write_changes
from netbox_wmf_ops.registration import register_shipped_scripts


class Command(BaseCommand):
    help = "Register the plugin's shipped reports and scripts with NetBox (also done by every `netbox migrate`)."

    def handle(self, *args, **options):
        result = register_shipped_scripts()
        changes = (("written", result.written), ("retired", result.retired), ("removed", result.removed))
        write_changes(self, changes, result.summary())
