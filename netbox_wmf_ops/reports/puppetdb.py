"""Parity between PuppetDB and NetBox for virtual machines and physical servers (docs/behaviour-reference.md §1.6)."""

from netbox_wmf_ops.checks import puppetdb as rules
from netbox_wmf_ops.loaders import puppetdb as loader
from netbox_wmf_ops.sources.report_base import ExternalSourceReport


class VirtualMachines(ExternalSourceReport):
    """Report parity errors between PuppetDB and Netbox for Virtual Machines."""

    source_name = "PuppetDB"

    class Meta:
        name = "PuppetDB: virtual machines"
        owner = "whoever reimaged the host"
        description = "Report parity errors between PuppetDB and Netbox for Virtual Machines."

    def load_source(self):
        self.facts = loader.load_puppetdb_facts()
        self.vms = loader.load_vms()

    def test_netbox_vms_in_puppetdb(self):
        self.emit(rules.check_netbox_vms_in_puppetdb(self.vms, self.facts))

    def test_puppetdb_vms_in_netbox(self):
        self.emit(rules.check_puppetdb_vms_in_netbox((vm.name for vm in self.vms), self.facts))


class PhysicalHosts(ExternalSourceReport):
    """Report parity errors between PuppetDB and Netbox for physical devices."""

    source_name = "PuppetDB"

    class Meta:
        name = "PuppetDB: physical hosts"
        owner = "whoever reimaged the host"
        description = "Report parity errors between PuppetDB and Netbox for physical devices."

    def load_source(self):
        self.facts = loader.load_puppetdb_facts()
        self.servers = loader.load_servers()

    def test_netbox_in_puppetdb(self):
        self.emit(rules.check_netbox_in_puppetdb(self.servers, self.facts))

    def test_puppetdb_in_netbox(self):
        self.emit(rules.check_puppetdb_in_netbox(self.servers, self.facts))

    def test_puppetdb_models(self):
        self.emit(rules.check_models(self.servers, self.facts))

    def test_puppetdb_serials(self):
        self.emit(rules.check_serials(self.servers, self.facts))
