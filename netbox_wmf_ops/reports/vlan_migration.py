import datetime

from django.utils import timezone

from netbox_wmf_ops.checks import vlan_migration as rules
from netbox_wmf_ops.loaders import vlan_migration as loader
from netbox_wmf_ops.reporting import WmfReport


class VlanMigration(WmfReport):
    """Report to keep track on migration away from row wide vlans."""

    class Meta:
        name = "Legacy vlans migration"
        description = "Report to keep track on migration away from row wide vlans."

    def test_summary(self):
        findings = rules.check_legacy_vlans(
            loader.load_active_servers(rules.SITE),
            loader.load_legacy_prefixes(rules.LEGACY_VLANS),
            timezone.localdate(),
        )
        self.emit(findings)


def today() -> datetime.date:
    return timezone.localdate()
