"""The catalogue of seeded defects and edge cases: id → which report finds it, how, and how many at scale 1.0.

Each id is a key of ``FleetPlan.defects``; its value lists the names of the affected objects, written as:
device → ``name``; interface / port / inventory item → ``device:name``; cable → ``<A device>:<A port>``;
IP address → ``address/len``; VLAN → ``name``; VM → ``name``; cluster → ``group/name``; external records
(PuppetDB hosts, LibreNMS rows, Accounting rows, Ganeti instances) → the host name or serial they carry.

``kind`` is "defect" (planted on purpose: the report must flag exactly these; ``at_scale_1`` of them at scale 1.0,
scaled linearly, at least one) or "edge" (a case the fleet has by nature or in a fixed number, listed so tests can
assert on it, e.g. DNS names the generator must skip).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DefectKind:
    report: str  # section of docs/behaviour-reference.md and the original's test
    level: str  # failure | warning | info | edge
    description: str
    at_scale_1: int  # planted count at scale 1.0 (at least 1 at any scale); 0 = all natural occurrences
    kind: str = "defect"


D = DefectKind
DEFECTS: dict[str, DefectKind] = {
    # docs/behaviour-reference.md §1.5 Management
    "management.missing_console_port": D(
        "§1.5 test_management_console", "failure", "network device without console port", 6
    ),
    "management.missing_connected_console_port": D(
        "§1.5 test_management_console", "failure", "network device whose console port has no cable", 8
    ),
    # docs/behaviour-reference.md §1.2 Cables
    "cables.console_port_name": D("§1.2 test_console_port_termination_names", "failure", "console port 'con0'", 3),
    "cables.console_server_port_name": D(
        "§1.2 test_console_server_port_termination_names", "failure", "console server port 'ttyS<n>'", 3
    ),
    "cables.power_port_name": D("§1.2 test_power_port_termination_names", "failure", "server power port 'psu2'", 5),
    "cables.unterminated_cable": D(
        "§1.2 test_unterminated_cable", "failure", "cable whose B end was deleted with its device", 3
    ),
    "cables.duplicate_label": D("§1.2 (2021) test_duplicate_cable_label", "failure", "two cables, one label", 3),
    "cables.blank_label": D("§1.2 (2021) test_blank_cable_label", "failure", "console cable without label", 4),
    "cables.vc_link_no_label": D(
        "§1.2 (2021) test_blank_cable_label", "warning", "virtual-chassis link (vcp-*) without label", 0, "edge"
    ),
    # docs/behaviour-reference.md §1.3 Coherence (Rack: HEAD; the others: 2021 rules, now validators)
    "coherence.connected_unracked": D(
        "§1.3 Rack.test_connected_unracked", "failure", "unracked device with a cabled console port", 2
    ),
    "coherence.online_unracked": D("§1.3 (2021) test_online_rack", "failure", "active device without rack", 2),
    "coherence.offline_racked": D("§1.3 (2021) test_offline_rack", "failure", "offline device still in a rack", 2),
    "coherence.racked_no_position": D("§1.3 (2021) test_rack_noposition", "failure", "racked server, no U", 3),
    "coherence.malformed_name_active": D("§1.3 (2021) test_device_name", "failure", "upper-case PDU name", 1),
    "coherence.malformed_name_inactive": D(
        "§1.3 (2021) test_device_name", "warning", "upper-case name of a planned server", 1
    ),
    "coherence.duplicate_serial": D("§1.3 (2021) test_duplicate_serials", "failure", "two servers, one serial", 2),
    "coherence.missing_asset_tag": D("§1.3 (2021) test_malformed_asset_tags", "failure", "no asset tag", 2),
    "coherence.malformed_asset_tag": D("§1.3 (2021) test_malformed_asset_tags", "failure", "asset tag 'WMF-1234'", 2),
    "coherence.missing_purchase_date": D("§1.3 (2021) test_purchase_date", "failure", "no purchase_date", 2),
    "coherence.future_purchase_date": D("§1.3 (2021) test_purchase_date", "failure", "purchase_date 2099-01-01", 1),
    "coherence.missing_serial": D("§1.3 (2021) test_serials", "failure", "empty serial", 2),
    "coherence.missing_ticket": D("§1.3 (2021) test_ticket", "failure", "no procurement ticket", 2),
    "coherence.malformed_ticket": D("§1.3 (2021) test_ticket", "failure", "ticket 'T12' / 'rt1234'", 2),
    "coherence.malformed_inventory_desc": D(
        "§1.3 (2021) test_juniper_inventory_descs", "failure", "Juniper inventory item without Purchase/Task", 2
    ),
    # docs/behaviour-reference.md §1.8 Network
    "network.vc_member_mismatch": D(
        "§1.8 test_duplicate_interface", "failure", "VC member port named after another member", 2
    ),
    "network.non_vc_prefix": D("§1.8 test_duplicate_interface", "failure", "standalone switch port not -0/", 2),
    "network.duplicate_prefix": D("§1.8 test_duplicate_interface", "failure", "ge- and xe- port, same number", 2),
    "network.vip_mask_mismatch": D("§1.8 test_duplicate_ip_netmask", "failure", "VIP /32 and /27 on one address", 1),
    "network.enabled_not_connected": D("§1.8 test_enabled_not_connected", "failure", "enabled uncabled port", 4),
    "network.enabled_not_connected_nomon": D(
        "§1.8 test_enabled_not_connected", "warning", "enabled uncabled port described no-mon", 2
    ),
    "network.vlan_no_ipv6_prefix": D("§1.8 test_matching_vlan", "warning", "VLAN whose /64 is not linked", 1),
    "network.vlan_multiple_prefixes": D("§1.8 test_matching_vlan", "failure", "VLAN with two IPv4 prefixes", 1),
    "network.ip_vlan_mismatch": D(
        "§1.8 test_matching_vlan", "failure", "server IPs not in its switch port's VLAN (device listed)", 2
    ),
    "network.mgmt_dns_mismatch": D("§1.8 test_mgmt_dns_hostname", "failure", "mgmt DNS in the wrong site", 2),
    "network.port_block_mismatch": D("§1.8 test_port_block_consistency", "failure", "25G port in a 10G block", 1),
    "network.port_invalid_name": D("§1.8 test_port_block_consistency", "failure", "QFX5120 port 'xe-0/0/4x'", 1),
    "network.primary_v4_missing": D("§1.8 test_primary_ip_dns_match", "failure", "server without primary IPv4", 2),
    "network.primary_v4_dns_hostname": D(
        "§1.8 test_primary_ip_dns_match", "failure", "primary DNS not starting with the hostname", 2
    ),
    "network.primary_dns_mismatch": D("§1.8 test_primary_ip_dns_match", "failure", "IPv4/IPv6 DNS names differ", 2),
    "network.primary_v6_missing": D("§1.8 test_primary_ipv6", "failure", "server without primary IPv6", 3),
    "network.primary_v6_no_dns": D("§1.8 test_primary_ipv6", "failure", "primary IPv6 without DNS name", 2),
    "network.no_ipv6_cluster_dns": D("§1.8 test_primary_ipv6", "warning", "db-type host whose IPv6 has a DNS name", 2),
    # docs/behaviour-reference.md §1.9 VLAN migration
    "vlan_migration.legacy_vlan_servers": D(
        "§1.9 test_summary",
        "warning",
        "active codfw servers bought since REFERENCE_DATE-5y on private1-[a-d]-codfw",
        0,
        "edge",
    ),
    # docs/behaviour-reference.md §1.6 PuppetDB (external data: FleetPlan.external['puppetdb'])
    "puppetdb.vm_missing_from_puppetdb": D("§1.6 test_netbox_vms_in_puppetdb", "failure", "VM absent", 2),
    "puppetdb.vm_marked_physical": D(
        "§1.6 test_netbox_vms_in_puppetdb",
        "failure",
        "VM reported is_virtual=false (also device_missing_from_netbox)",
        1,
    ),
    "puppetdb.vm_missing_from_netbox": D("§1.6 test_puppetdb_vms_in_netbox", "failure", "unknown virtual host", 2),
    "puppetdb.device_missing_from_puppetdb": D("§1.6 test_netbox_in_puppetdb", "failure", "active server absent", 3),
    "puppetdb.device_marked_virtual": D(
        "§1.6 test_netbox_in_puppetdb", "failure", "server reported virtual (also vm_missing_from_netbox)", 1
    ),
    "puppetdb.device_unexpected_state": D(
        "§1.6 test_puppetdb_in_netbox", "failure", "decommissioning server still in PuppetDB", 2
    ),
    "puppetdb.device_missing_from_netbox": D("§1.6 test_puppetdb_in_netbox", "failure", "unknown physical host", 2),
    "puppetdb.model_mismatch": D("§1.6 test_puppetdb_models", "failure", "productname differs", 2),
    "puppetdb.serial_mismatch": D("§1.6 test_puppetdb_serials", "failure", "serialnumber differs", 2),
    # docs/behaviour-reference.md §1.4 LibreNMS (external data: FleetPlan.external['librenms'])
    "librenms.device_missing_from_netbox": D("§1.4 test_librenms_in_nb", "failure", "unknown LibreNMS serial", 2),
    "librenms.device_model_mismatch": D(
        "§1.4 test_librenms_vendor_model", "failure", "LibreNMS hardware is another model", 2
    ),
    "librenms.inventory_model_mismatch": D(
        "§1.4 test_librenms_vendor_model", "failure", "VC member seen as another model in entPhysical", 1
    ),
    "librenms.netbox_device_missing": D("§1.4 test_nb_net_in_librenms", "failure", "network device absent", 3),
    "librenms.netbox_device_missing_no_ip": D(
        "§1.4 test_nb_net_in_librenms", "info", "network device absent and without primary IP (counted)", 2
    ),
    "librenms.inventory_missing": D("§1.4 test_nb_inventory_in_librenms", "failure", "inventory serial absent", 2),
    # docs/behaviour-reference.md §1.7 Juniper installed base (external data: FleetPlan.external['juniper'], the
    # export's rows)
    "juniper.city_mismatch": D("§1.7 test_consistency", "failure", "installed at another site's city", 2),
    "juniper.support_missing": D("§1.7 test_consistency", "failure", "support expired on an active device", 2),
    "juniper.city_and_support_mismatch": D(
        "§1.7 test_consistency", "failure", "both at once: one line, joined with '; '", 1
    ),
    "juniper.device_missing_from_netbox": D(
        "§1.7 test_consistency", "warning", "installed-base serial unknown to NetBox (serial)", 2
    ),
    "juniper.device_missing_from_installed_base": D(
        "§1.7 test_missing_device_from_installed_base", "failure", "Juniper device absent from the export", 3
    ),
    "juniper.inventory_missing_from_installed_base": D(
        "§1.7 test_missing_inventory_from_installed_base", "failure", "Juniper inventory item absent", 2
    ),
    "juniper.untracked_product": D(
        "§1.7 parse", "edge", "optic/PSU/licence rows NetBox does not track (serial): skipped", 3, "edge"
    ),
    # docs/behaviour-reference.md §2.4 ProvisionServerNetwork: servers the lifecycle scripts' demo-fleet tests provision
    "lifecycle.ready_to_provision": D(
        "§2.4 happy path", "edge", "planned racked server without interfaces, ToR with free ports", 6, "edge"
    ),
    "lifecycle.ready_to_provision_mgmt": D(
        "§2.4 step 6", "edge", "the same with its mgmt interface and IP already allocated", 2, "edge"
    ),
    # docs/behaviour-reference.md §2.5 ProvisionFundraisingServerNetwork: planned fr-tech servers in the rack with
    # the two fr-tech switches
    "lifecycle.ready_to_provision_frack": D(
        "§2.5 happy path",
        "edge",
        "planned fr-tech server, no interfaces, rack with fr-tech switches a and b",
        0,
        "edge",
    ),
    # docs/behaviour-reference.md §1.1 Accounting (external data: FleetPlan.external['accounting'])
    "accounting.asset_tag_mismatch": D("§1.1 test_field_match", "failure", "sheet has another asset tag", 2),
    "accounting.ticket_mismatch": D("§1.1 test_field_match", "warning", "sheet has another ticket", 2),
    "accounting.missing_in_netbox": D("§1.1 test_field_match", "failure", "sheet serial not in NetBox (serial)", 2),
    "accounting.duplicate_row": D(
        "§1.1 test_field_match", "failure", "serial listed twice: '<serial> (duplicate)' not present", 1
    ),
    "accounting.missing_in_accounting": D(
        "§1.1 test_missing_assets_from_accounting", "failure", "device bought in the window, not in the sheet", 3
    ),
    "accounting.invalid_row": D("§1.1 test_invalid_rows", "failure", "row with an unparsable date (serial)", 1),
    # docs/behaviour-reference.md §4.4 Ganeti sync (external data: FleetPlan.external['ganeti'])
    "ganeti.vm_missing_in_netbox": D("§4.4 sync_vms", "info", "instance to create (VMs added)", 3),
    "ganeti.vm_missing_in_ganeti": D("§4.4 sync_vms", "info", "NetBox VM to delete (VMs deleted)", 3),
    "ganeti.vm_drift": D("§4.4 sync_vms", "info", "vcpus/memory/disk/status differ (VMs updated)", 4),
    "ganeti.vm_wrong_cluster": D("§4.4 sync_vms", "info", "VM in another cluster than its primary node", 1),
    "ganeti.node_not_in_cluster": D("§4.4 sync_nodes", "info", "Ganeti node whose device has no cluster", 1),
    "ganeti.device_not_a_node": D("§4.4 sync_nodes", "info", "device in a cluster, not a node", 1),
    "ganeti.cluster_missing_in_netbox": D("§4.4 add_clusters", "info", "Ganeti group without cluster", 1),
    "ganeti.cluster_missing_in_ganeti": D("§4.4 remove_clusters", "info", "cluster without Ganeti group", 1),
    "ganeti.primary_placeholder": D(
        "§4.4 puppetdb_import", "info", "VM with a ##PRIMARY## interface (import triggered)", 2
    ),
    # docs/behaviour-reference.md §3 DNS snippet generator
    "dns.unassigned_ip": D("§3.2 step 6", "edge", "active unassigned IP with a DNS name", 2, "edge"),
    "dns.fhrp_vip": D("§3.2 step 6", "edge", "FHRP group VIP with a DNS name", 0, "edge"),
    "dns.no_prefix": D("§3.3 reverse", "edge", "VM IP in no prefix: no PTR, MISSING_PTR comment", 1, "edge"),
    "dns.classless_ptr": D("§3.3 reverse", "edge", "/32 loopbacks in a /27: RFC 2317 zone", 0, "edge"),
    "dns.global_prefix": D("§3.3 zone file", "edge", "public IP whose only prefix has no site", 1, "edge"),
    "dns.vm_public_no_prefix": D("§3.3 zone file", "edge", "VM with a public name in no prefix", 1, "edge"),
    "dns.vm_device_name_clash": D("§3.2 step 5", "edge", "VM named like a device (VM wins)", 1, "edge"),
    "dns.non_active_ip": D("§3.2 step 1", "edge", "reserved/deprecated IP with a DNS name (skipped)", 2, "edge"),
    "dns.inventory_asset_tag_only": D("§3.3 forward", "edge", "inventory server: asset-tag record only", 0, "edge"),
    "dns.owner_not_collected": D(
        "§3.2 step 6", "edge", "device in a status the generator skips, with named IPs", 0, "edge"
    ),
    "dns.mgmt_missing_asset_tag": D("§3.3 forward", "edge", "server with mgmt IP and no asset tag", 0, "edge"),
    "dns.frack": D("§3.3 split", "edge", "fr-tech hosts: .frack. zones", 0, "edge"),
}
del D
