import datetime

from django.utils import timezone

from netbox_wmf_ops.checks import vlan_migration as rules
from netbox_wmf_ops.loaders import vlan_migration as loader
from netbox_wmf_ops.reporting import WmfReport


class VlanMigration(WmfReport):
    """Report to keep track on migration away from row wide vlans."""

    class Meta:
        name = "Legacy vlans migration"
        owner = "SRE service owners"
        alerts = False
        description = "Report to keep track on migration away from row wide vlans."

    def test_summary(self):
        servers = loader.load_active_servers(rules.SITE)
        legacy_prefixes = loader.load_legacy_prefixes(rules.LEGACY_VLANS)
        self.emit(rules.check_legacy_vlans(servers, legacy_prefixes, today=today()))


def today() -> datetime.date:
    """The day the 5-year purchase window ends (a function, so tests can pin it)."""
    return timezone.localdate()
