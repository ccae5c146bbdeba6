"""Wikimedia's conventions the demo fleet follows, and its sizes at scale 1.0: sites and their address plan, rows,
device roles and types, server clusters and their placement, statuses, vendor MAC prefixes. Pure data and two
helpers (``scaled``, ``v6_from_v4``); no Django."""

from __future__ import annotations

import ipaddress
from datetime import date

from .model import DeviceTypePlan

# Dates are relative to this fixed day (not today), so a plan never changes with the calendar. Reports that use
# today's date (Accounting window, VLAN migration's 5 years) see the same results as long as today is within a few
# years after it; the docs say which lists depend on it.
REFERENCE_DATE = date(2025, 12, 1)
# Devices that no Accounting row can match (no asset tag or ticket, duplicated serial) are left out of the sheet and
# dated before the Accounting window (2017-07-01 ...), so the Accounting report does not flag them a second time.
UNMATCHABLE_PURCHASE = "2016-03-01"

# slug, dc number, core, time zone, facility, private /12 second octet, public /24, IPv6 /48
SITES = [
    ("eqiad", 1, True, "America/New_York", "Equinix Ashburn", 64, "208.80.154.0/24", "2620:0:861::/48"),
    ("codfw", 2, True, "America/Chicago", "CyrusOne Carrollton", 80, "208.80.153.0/24", "2620:0:860::/48"),
    ("esams", 3, False, "Europe/Amsterdam", "Digital Realty Amsterdam", 96, "185.15.59.0/24", "2a02:ec80:300::/48"),
    ("ulsfo", 4, False, "America/Los_Angeles", "United Layer San Francisco", 112, "198.35.26.0/24", "2620:0:863::/48"),
    ("eqsin", 5, False, "Asia/Singapore", "Equinix Singapore", 128, "103.102.166.0/24", "2001:df2:e500::/48"),
    ("drmrs", 6, False, "Europe/Paris", "Digital Realty Marseille", 144, "185.15.58.0/24", "2a02:ec80:600::/48"),
    ("magru", 7, False, "America/Sao_Paulo", "Ascenty Sao Paulo", 160, "195.200.68.0/24", "2a02:ec80:700::/48"),
]
# Street addresses (Site.physical_address); the Juniper installed base's "Install City" must be part of them.
SITE_ADDRESSES = {
    "eqiad": ("21715 Filigree Court\nAshburn, VA 20147\nUnited States", "Ashburn"),
    "codfw": ("1649 West Frankford Road\nCarrollton, TX 75007\nUnited States", "Carrollton"),
    "esams": ("Science Park 120\n1098 XG Amsterdam\nNetherlands", "Amsterdam"),
    "ulsfo": ("200 Paul Avenue\nSan Francisco, CA 94124\nUnited States", "San Francisco"),
    "eqsin": ("20 Ayer Rajah Crescent\nSingapore 139964", "Singapore"),
    "drmrs": ("2 Rue Henri Barbusse\n13001 Marseille\nFrance", "Marseille"),
    "magru": ("Avenida Marcos Penteado de Ulhoa Rodovalho 3000\nSantana de Parnaiba, Sao Paulo\nBrazil", "Sao Paulo"),
}
CORE_ROWS = ["A", "B", "C", "D", "E", "F"]  # A-D: legacy virtual-chassis rows, E-F: one leaf switch per rack
LEGACY_ROWS = ["A", "B", "C", "D"]
POP_ROWS = ["1", "2"]
RACKS_PER_CORE_ROW = 8  # at scale 1.0
RACKS_PER_POP_ROW = 2
SERVERS_PER_SITE = {"eqiad": 900, "codfw": 800}  # at scale 1.0; POPs: 60
SERVERS_PER_POP = 60
VMS_PER_SITE = {"eqiad": 420, "codfw": 420}  # POPs: 32
VMS_PER_POP = 32

DEVICE_ROLES = [
    ("server", "Server", "9e9e9e"),
    ("asw", "Access switch", "2196f3"),
    ("msw", "Management switch", "03a9f4"),
    ("cr", "Core router", "f44336"),
    ("mr", "Management router", "e91e63"),
    ("pfw", "Payments firewall", "9c27b0"),
    ("pdu", "PDU", "ffeb3b"),
    ("scs", "Serial console server", "795548"),
    ("cloudsw", "Cloud switch", "00bcd4"),
    ("cablemgmt", "Cable management", "607d8b"),
    ("storagebin", "Storage bin", "607d8b"),
    ("optical-device", "Optical device", "607d8b"),
    ("patch-panel", "Patch panel", "607d8b"),
]
PREFIX_ROLES = [("management", "Management"), ("virtual-machines", "Virtual Machines"), ("kubernetes", "Kubernetes")]
MANUFACTURERS = ["Dell", "HPE", "Juniper", "Nokia", "ServerTech", "Opengear", "Generic"]

DEVICE_TYPES = [
    DeviceTypePlan("Dell", "PowerEdge R440", "poweredge-r440", 1),
    DeviceTypePlan("Dell", "PowerEdge R450 - ConfigA 202107", "poweredge-r450-configa-202107", 1),
    DeviceTypePlan("Dell", "PowerEdge R650 - ConfigB 202203", "poweredge-r650-configb-202203", 1),
    DeviceTypePlan("Dell", "PowerEdge R750", "poweredge-r750", 2),
    DeviceTypePlan("HPE", "ProLiant DL360 Gen10", "proliant-dl360-gen10", 1),
    DeviceTypePlan("HPE", "ProLiant DL380 Gen10", "proliant-dl380-gen10", 2),
    DeviceTypePlan("Juniper", "QFX5100-48S-6Q", "qfx5100-48s-6q", 1),
    DeviceTypePlan("Juniper", "QFX5120-48Y-8C", "qfx5120-48y-8c", 1),
    DeviceTypePlan("Juniper", "EX4300-48T", "ex4300-48t", 1),
    DeviceTypePlan("Juniper", "MX480", "mx480", 8),
    DeviceTypePlan("Juniper", "MX204", "mx204", 1),
    DeviceTypePlan("Juniper", "SRX1500", "srx1500", 1),
    DeviceTypePlan("Nokia", "7220 IXR-D2L", "7220-ixr-d2l", 1),
    DeviceTypePlan("ServerTech", "C2X42CE", "c2x42ce", 0),
    DeviceTypePlan("Opengear", "CM8148", "cm8148", 1),
    DeviceTypePlan("Generic", "24-port patch panel", "patch-panel-24", 1),
    DeviceTypePlan("Generic", "1U cable manager", "cable-manager-1u", 1),
    DeviceTypePlan("Generic", "Storage bin", "storage-bin", 2),
    DeviceTypePlan("Generic", "Optical shelf", "optical-shelf", 1),
]
DT = {t.slug: t for t in DEVICE_TYPES}

# WMF server clusters: name, weight, device type, public VLAN, placement
#   placement: "any" (any rack), "legacy" (rows A-D / POP), "cloud" (the cloudsw rack)
CORE_CLUSTERS = [
    ("mw", 20, "poweredge-r440", False, "any"),
    ("kubernetes", 8, "poweredge-r450-configa-202107", False, "any"),
    ("db", 8, "poweredge-r650-configb-202203", False, "any"),
    ("es", 2, "poweredge-r750", False, "any"),
    ("pc", 1, "poweredge-r650-configb-202203", False, "any"),
    ("dbproxy", 1, "poweredge-r440", False, "any"),
    ("an-worker", 6, "poweredge-r750", False, "any"),
    ("elastic", 4, "poweredge-r450-configa-202107", False, "any"),
    ("kafka-main", 1, "poweredge-r450-configa-202107", False, "any"),
    ("ms-be", 4, "proliant-dl380-gen10", False, "any"),
    ("ms-fe", 1, "proliant-dl360-gen10", False, "any"),
    ("restbase", 3, "poweredge-r440", False, "any"),
    ("wdqs", 2, "poweredge-r450-configa-202107", False, "any"),
    ("thanos-be", 1, "proliant-dl380-gen10", False, "any"),
    ("cp", 3, "poweredge-r450-configa-202107", True, "legacy"),
    ("lvs", 1, "poweredge-r440", True, "legacy"),
    ("dns", 1, "poweredge-r440", True, "legacy"),
]
POP_CLUSTERS = [
    ("cp", 14, "poweredge-r450-configa-202107", True, "legacy"),
    ("lvs", 2, "poweredge-r440", True, "legacy"),
    ("dns", 2, "poweredge-r440", True, "legacy"),
]
CLOUD_CLUSTERS = [("cloudvirt", 1, "poweredge-r750", False, "cloud")]  # eqiad and codfw, in the cloudsw rack
FRACK_CLUSTERS = ["frdb", "payments", "frmon"]  # tenant fr-tech, one of each per core site (scale 1.0: 3 each)
# the no-IPv6 clusters of the Network report (docs/behaviour-reference.md §1.8)
NO_IPV6_CLUSTERS = ("an-redacteddb", "clouddb", "db", "dbproxy", "dbstore", "es", "pc")
VM_CLUSTERS = [
    "etcd",
    "apt",
    "puppetserver",
    "ldap-replica",
    "mx",
    "registry",
    "netbox",
    "grafana",
    "logstash",
    "doh",
    "durum",
    "kafkamon",
    "releases",
    "people",
    "idp",
    "cumin",
    "miscweb",
    "ping",
]
SERVER_STATUS_WEIGHTS = [
    ("active", 86),
    ("staged", 3),
    ("planned", 3),
    ("failed", 2),
    ("inventory", 3),
    ("offline", 2),
    ("decommissioning", 1),
]
OUI = {
    "Dell": "d0:94:66",
    "HPE": "94:40:c9",
    "Juniper": "2c:6b:f5",
    "Nokia": "74:2e:fc",
    "ServerTech": "00:0a:9c",
    "Opengear": "00:13:c6",
    "Generic": "02:00:00",
    "VM": "aa:00:00",
}


def scaled(base: int, scale: float, minimum: int = 1) -> int:
    return max(minimum, round(base * scale))


def v6_from_v4(prefix64: str, v4: str) -> str:
    """WMF's mapped IPv6: the VLAN /64 plus the IPv4 address with dots replaced by colons."""
    net = ipaddress.ip_network(prefix64)
    groups = net.network_address.exploded.split(":")[:4]
    return str(ipaddress.ip_address(":".join(groups + v4.split(".")))) + "/64"
