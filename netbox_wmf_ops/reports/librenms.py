"""Check parity between NetBox network devices/inventory and LibreNMS, matched by serial number."""

from netbox_wmf_ops.checks.librenms import (
    check_inventory_in_librenms,
    check_librenms_in_netbox,
    check_netbox_in_librenms,
    check_vendor_model,
)
from netbox_wmf_ops.loaders.librenms import load_inventory_items, load_librenms, load_network_devices
from netbox_wmf_ops.sources.report_base import ExternalSourceReport


class LibreNMS(ExternalSourceReport):
    """Check parity between NetBox network devices/inventory and LibreNMS, matched by serial number."""

    source_name = "LibreNMS"

    class Meta:
        name = "LibreNMS"
        owner = "DC-ops or netops"
        description = "Check parity between NetBox network devices/inventory and LibreNMS, matched by serial number."

    def load_source(self):
        self.librenms = load_librenms()
        self._devices = None

    def network_devices(self):
        if self._devices is None:  # three tests share one query
            self._devices = load_network_devices()
        return self._devices

    def test_librenms_in_nb(self):
        self.emit(check_librenms_in_netbox(self.librenms, self.network_devices()))

    def test_librenms_vendor_model(self):
        self.emit(check_vendor_model(self.librenms, self.network_devices()))

    def test_nb_inventory_in_librenms(self):
        self.emit(check_inventory_in_librenms(self.librenms, load_inventory_items()))

    def test_nb_net_in_librenms(self):
        self.emit(check_netbox_in_librenms(self.librenms, self.network_devices()))
