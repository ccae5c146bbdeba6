from netbox_wmf_ops.checks import validation_audit as rules
from netbox_wmf_ops.loaders import validation_audit as loader
from netbox_wmf_ops.reporting import WmfReport
from netbox_wmf_ops.validation.rules import dcim as dcim_rules
from netbox_wmf_ops.validation.rules import interface as interface_rules
from netbox_wmf_ops.validation.rules import ipam as ipam_rules
from netbox_wmf_ops.validation.rules import vpn as vpn_rules
from netbox_wmf_ops.validation.rules.device import check_device

from .coherence import today


class ValidationAudit(WmfReport):
    """Every save-time validator rule applied to the objects already stored."""

    class Meta:
        name = "Validation audit"
        description = (
            "Every save-time validator rule (docs/validators.md) checked on the existing data, one finding per "
            "violated rule, so a rule's cost is known before it is enforced. Rules a report test already checks "
            "are left to that report."
        )
        owner = "DC-ops"
        alerts = False

    def test_devices(self):
        devices = loader.load_devices()
        findings = rules.audit(devices, lambda r: check_device(r, today()), "devices break no audited rule")
        self.emit(loader.resolve_objects(findings, loader.devices()))

    def test_device_types(self):
        types = loader.load_device_types()
        self.emit(rules.audit(types, lambda r: dcim_rules.check_device_type(*r), "device types break no rule"))

    def test_interfaces(self):
        findings = rules.audit(
            loader.load_interfaces(), interface_rules.check_interface, "network device interfaces break no audited rule"
        )
        self.emit(loader.resolve_objects(findings, loader.interfaces()))

    def test_cables(self):
        findings = rules.audit(loader.load_cables(), dcim_rules.check_cable, "cables break no audited rule")
        self.emit(loader.resolve_objects(findings, loader.cables()))

    def test_console_ports(self):
        ports = loader.load_components("consoleport")
        findings = rules.audit(
            ports,
            lambda r: dcim_rules.check_console_port(r.name, r.manufacturer),
            "console ports break no audited rule",
        )
        self.emit(loader.resolve_objects(findings, loader.components("consoleport")))

    def test_power_ports(self):
        ports = loader.load_components("powerport")
        findings = rules.audit(
            ports, lambda r: dcim_rules.check_power_port(r.name), "power ports break no audited rule"
        )
        self.emit(loader.resolve_objects(findings, loader.components("powerport")))

    def test_sites(self):
        self.emit(rules.audit(loader.load_sites(), dcim_rules.check_site, "sites break no rule"))

    def test_ip_addresses(self):
        findings = rules.audit(loader.load_ip_addresses(), ipam_rules.check_ip_address, "IP addresses break no rule")
        self.emit(loader.resolve_objects(findings, loader.ip_addresses()))

    def test_prefixes(self):
        self.emit(rules.audit(loader.load_prefixes(), ipam_rules.check_prefix, "prefixes break no rule"))

    def test_vpn(self):
        checks = {
            "ikepolicy": vpn_rules.check_ike_policy,
            "ikeproposal": vpn_rules.check_ike_proposal,
            "ipsecpolicy": vpn_rules.check_ipsec_policy,
            "ipsecproposal": vpn_rules.check_ipsec_proposal,
        }
        # One test for the four models: each row carries its model's rule function and that function's arguments.
        rows = [(obj, (checks[model], args)) for model, objects in loader.load_vpn().items() for obj, args in objects]
        clean = "IKE/IPSec policies and proposals break no rule"
        self.emit(rules.audit(rows, lambda row: row[0](*row[1]), clean))
