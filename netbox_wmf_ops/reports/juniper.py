from extras.scripts import FileVar

from netbox_wmf_ops.checks.juniper import check_consistency, check_missing_devices, check_missing_inventory
from netbox_wmf_ops.loaders.juniper import load_installed_base, load_juniper_devices, load_juniper_items
from netbox_wmf_ops.sources.report_base import ExternalSourceReport


class Juniper(ExternalSourceReport):
    """Compare NetBox's Juniper devices and inventory with an export of the Juniper installed base."""

    source_name = "Juniper"

    class Meta:
        name = "Juniper installed base"
        owner = "DC-ops/procurement"
        alerts = False
        description = (
            "Compare NetBox's Juniper devices and inventory items with a CSV/XLSX export of the Juniper installed base "
            "(serials, install city, support contract)."
        )

    installed_base = FileVar(
        required=False,
        label="Installed base export",
        description="CSV or XLSX export of the Juniper installed base (columns Serial #, Product Name, Install City, "
        "Status, Contract End Date). Without it, the configured juniper_installed_base_file is read.",
    )

    def load_source(self):
        self.base = load_installed_base(self.uploaded("installed_base"))
        self._devices = self._items = None

    def juniper_devices(self):
        if self._devices is None:  # shared by two tests: one query
            self._devices = load_juniper_devices()
        return self._devices

    def juniper_items(self):
        if self._items is None:
            self._items = load_juniper_items()
        return self._items

    def test_consistency(self):
        devices = {d.serial: d for d in self.juniper_devices() if d.serial}
        items = {i.serial for i in self.juniper_items() if i.serial}
        self.emit(check_consistency(self.base, devices, items))

    def test_missing_device_from_installed_base(self):
        self.emit(check_missing_devices(self.base, self.juniper_devices()))

    def test_missing_inventory_from_installed_base(self):
        self.emit(check_missing_inventory(self.base, self.juniper_items()))
