import datetime
from functools import cached_property

from django.utils import timezone

from netbox_wmf_ops.checks import coherence as rules
from netbox_wmf_ops.loaders import coherence as loader
from netbox_wmf_ops.reporting import WmfReport


class Coherence(WmfReport):
    """Several integrity/coherence checks against the data."""

    class Meta:
        name = "Coherence"
        owner = "DC-ops"
        alerts = False
        description = (
            "Device names, asset tags, serials, purchase dates, procurement tickets and Juniper inventory "
            "descriptions: the device validator's rules, checked on the existing data."
        )

    @cached_property
    def _devices(self) -> list[rules.DeviceRecord]:
        return loader.load_devices()  # shared by the device tests of one run

    def test_device_name(self):
        self.emit(rules.check_device_names(self._devices))

    def test_duplicate_serials(self):
        self.emit(rules.check_duplicate_serials(self._devices))

    def test_juniper_inventory_descs(self):
        self.emit(rules.check_juniper_inventory_descriptions(loader.load_juniper_inventory_items()))

    def test_malformed_asset_tags(self):
        self.emit(rules.check_asset_tags(self._devices))

    def test_purchase_date(self):
        self.emit(rules.check_purchase_dates(self._devices, today=today()))

    def test_serials(self):
        self.emit(rules.check_serials(self._devices))

    def test_ticket(self):
        self.emit(rules.check_tickets(self._devices))


class Rack(WmfReport):
    """Several integrity/coherence checks against the rack related data."""

    class Meta:
        name = "Rack"
        owner = "DC-ops"
        description = "Devices and racks: rack and position set where the status needs them, console cabling."

    @cached_property
    def _devices(self) -> list[rules.DeviceRecord]:
        return loader.load_devices()

    def test_connected_unracked(self):
        self.emit(rules.check_connected_unracked(self._devices, loader.load_cabled_console_ports()))

    def test_offline_rack(self):
        self.emit(rules.check_offline_racked(self._devices))

    def test_online_rack(self):
        self.emit(rules.check_online_racked(self._devices))

    def test_rack_noposition(self):
        self.emit(rules.check_rack_positions(self._devices))


def today() -> datetime.date:
    return timezone.localdate()
