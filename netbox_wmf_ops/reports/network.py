from netbox_wmf_ops.checks import network as rules
from netbox_wmf_ops.loaders import network as loader
from netbox_wmf_ops.reporting import WmfReport


class Network(WmfReport):
    """Report on various network-related errors."""

    class Meta:
        name = "Network"
        owner = "netops"
        description = (
            "Switch port naming and speed blocks, unconnected enabled ports, server uplink VLANs, VIP masks, "
            "management DNS names and server primary IPs."
        )

    def test_duplicate_interface(self):
        findings = rules.check_switch_port_names(loader.load_switch_ports())
        self.emit(loader.resolve_objects(findings, loader.interfaces()))

    def test_duplicate_ip_netmask(self):
        self.emit(rules.check_vip_masks(loader.load_shared_ips()))

    def test_enabled_not_connected(self):
        findings = rules.check_enabled_ports_connected(loader.load_network_ports())
        self.emit(loader.resolve_objects(findings, loader.interfaces()))

    def test_matching_vlan(self):
        self.emit(rules.check_uplink_vlans(loader.load_server_uplinks()))

    def test_mgmt_dns_hostname(self):
        """The management interface's IP is named <device>.mgmt[.frack].<site>.wmnet."""
        self.emit(rules.check_mgmt_dns_names(loader.load_mgmt_addresses()))

    def test_port_block_consistency(self):
        self.emit(rules.check_port_blocks(loader.load_block_switches()))

    def test_primary_ip_dns_match(self):
        self.emit(rules.check_primary_dns_match(loader.load_server_primary_ips()))

    def test_primary_ipv6(self):
        self.emit(rules.check_primary_ipv6(loader.load_server_primary_ips()))
