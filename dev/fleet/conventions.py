"""Wikimedia's conventions the demo fleet follows, and its sizes at scale 1.0: sites and their address plan, rows,
device roles and types, server clusters and their placement, statuses, vendor MAC prefixes. Pure data and two
helpers (``scaled``, ``v6_from_v4``); no Django."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
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
# Juniper installed base's "Install Country" of each site.
SITE_COUNTRIES = {
    "eqiad": "US",
    "codfw": "US",
    "ulsfo": "US",
    "esams": "NL",
    "drmrs": "FR",
    "eqsin": "SG",
    "magru": "BR",
}
# Which sites use Nokia switches: codfw's leaf rows and magru's POP racks (every other site is all Juniper).
NOKIA_SITES = ("codfw", "magru")


@dataclass(frozen=True)
class SiteSpec:
    """One site of the fleet and its address plan: what ``clean_fleet.plan_site`` builds a site from."""

    slug: str
    dc: int  # the DC number: servers are named <cluster><dc><3 digits>, cable labels start with it
    core: bool
    time_zone: str
    facility: str
    octet: int  # private second octet: 10.<octet>.x.x for the VLANs, 10.<octet + 1>.x.x for management
    private: str  # the site's private container (a /12 for the seven, a /15 for the sites added above scale 1)
    public: str  # public IPv4 /24
    v6: str  # IPv6 /48
    address: str  # Site.physical_address; contains ``city``
    city: str  # the Juniper installed base's "Install City"
    country: str
    nokia: bool  # Nokia switches (leaf rows of a core site, the racks of a POP) instead of Juniper
    vlan_group: str = "production"  # VLAN ids are unique per group: the seven share one, added sites have their own

    def vlan_id(self, number: int) -> int:
        """A VLAN's id from its per-site number (1001 public1-a, 1017 private1-a, ...): in the shared production group
        the seven sites add 100 * dc (unique up to 4094); an added site has its own group and keeps the number."""
        return number + 100 * self.dc if self.vlan_group == "production" else number


# Scales above 1.0 add sites instead of growing the seven: each added site has the size of a scale-1.0 site of its
# kind (core or POP), and the fleet keeps scale 1.0's two core sites to five POPs (scale 10: 20 core sites and 50
# POPs). Added sites are named <provider><airport> like the real ones, numbered from DC 8 on, and addressed from the
# ranges the seven leave free: private /15s of 10/8 outside the seven /12s (10.64-175), public /24s of 185.16.0.0/16,
# IPv6 /48s of 2a02:ec80::/32 from 2a02:ec80:800:: on.
ADDED_SITE_PROVIDERS = (
    ("eq", "Equinix"),
    ("dr", "Digital Realty"),
    ("cy", "CyrusOne"),
    ("nt", "NTT"),
    ("ix", "Interxion"),
)
ADDED_SITE_CITIES = (  # airport code, city, country, time zone
    ("ord", "Chicago", "US", "America/Chicago"),
    ("cdg", "Paris", "FR", "Europe/Paris"),
    ("nrt", "Tokyo", "JP", "Asia/Tokyo"),
    ("sea", "Seattle", "US", "America/Los_Angeles"),
    ("fra", "Frankfurt", "DE", "Europe/Berlin"),
    ("syd", "Sydney", "AU", "Australia/Sydney"),
    ("atl", "Atlanta", "US", "America/New_York"),
    ("lhr", "London", "GB", "Europe/London"),
    ("bom", "Mumbai", "IN", "Asia/Kolkata"),
    ("mia", "Miami", "US", "America/New_York"),
    ("waw", "Warsaw", "PL", "Europe/Warsaw"),
    ("jnb", "Johannesburg", "ZA", "Africa/Johannesburg"),
    ("den", "Denver", "US", "America/Denver"),
    ("mad", "Madrid", "ES", "Europe/Madrid"),
    ("hkg", "Hong Kong", "HK", "Asia/Hong_Kong"),
    ("yyz", "Toronto", "CA", "America/Toronto"),
    ("arn", "Stockholm", "SE", "Europe/Stockholm"),
    ("icn", "Seoul", "KR", "Asia/Seoul"),
    ("lax", "Los Angeles", "US", "America/Los_Angeles"),
    ("mxp", "Milan", "IT", "Europe/Rome"),
    ("bkk", "Bangkok", "TH", "Asia/Bangkok"),
    ("jfk", "New York", "US", "America/New_York"),
    ("vie", "Vienna", "AT", "Europe/Vienna"),
    ("tpe", "Taipei", "TW", "Asia/Taipei"),
    ("phx", "Phoenix", "US", "America/Phoenix"),
    ("dub", "Dublin", "IE", "Europe/Dublin"),
    ("kul", "Kuala Lumpur", "MY", "Asia/Kuala_Lumpur"),
    ("bos", "Boston", "US", "America/New_York"),
    ("zrh", "Zurich", "CH", "Europe/Zurich"),
    ("cgk", "Jakarta", "ID", "Asia/Jakarta"),
    ("yul", "Montreal", "CA", "America/Toronto"),
    ("prg", "Prague", "CZ", "Europe/Prague"),
    ("mnl", "Manila", "PH", "Asia/Manila"),
    ("mex", "Mexico City", "MX", "America/Mexico_City"),
    ("osl", "Oslo", "NO", "Europe/Oslo"),
    ("mel", "Melbourne", "AU", "Australia/Melbourne"),
    ("bog", "Bogota", "CO", "America/Bogota"),
    ("cph", "Copenhagen", "DK", "Europe/Copenhagen"),
    ("kix", "Osaka", "JP", "Asia/Tokyo"),
    ("scl", "Santiago", "CL", "America/Santiago"),
    ("hel", "Helsinki", "FI", "Europe/Helsinki"),
    ("del", "Delhi", "IN", "Asia/Kolkata"),
    ("eze", "Buenos Aires", "AR", "America/Argentina/Buenos_Aires"),
    ("lis", "Lisbon", "PT", "Europe/Lisbon"),
    ("dxb", "Dubai", "AE", "Asia/Dubai"),
    ("lim", "Lima", "PE", "America/Lima"),
    ("ath", "Athens", "GR", "Europe/Athens"),
    ("tlv", "Tel Aviv", "IL", "Asia/Jerusalem"),
    ("yvr", "Vancouver", "CA", "America/Vancouver"),
    ("bru", "Brussels", "BE", "Europe/Brussels"),
    ("nbo", "Nairobi", "KE", "Africa/Nairobi"),
    ("msp", "Minneapolis", "US", "America/Chicago"),
    ("otp", "Bucharest", "RO", "Europe/Bucharest"),
    ("cai", "Cairo", "EG", "Africa/Cairo"),
    ("slc", "Salt Lake City", "US", "America/Denver"),
    ("ist", "Istanbul", "TR", "Europe/Istanbul"),
    ("maa", "Chennai", "IN", "Asia/Kolkata"),
    ("iah", "Houston", "US", "America/Chicago"),
    ("sof", "Sofia", "BG", "Europe/Sofia"),
    ("akl", "Auckland", "NZ", "Pacific/Auckland"),
    ("clt", "Charlotte", "US", "America/New_York"),
    ("cpt", "Cape Town", "ZA", "Africa/Johannesburg"),
    ("per", "Perth", "AU", "Australia/Perth"),
    ("pdx", "Portland", "US", "America/Los_Angeles"),
    ("los", "Lagos", "NG", "Africa/Lagos"),
    ("kef", "Reykjavik", "IS", "Atlantic/Reykjavik"),
    ("muc", "Munich", "DE", "Europe/Berlin"),
    ("hnl", "Honolulu", "US", "Pacific/Honolulu"),
    ("fco", "Rome", "IT", "Europe/Rome"),
    ("pit", "Pittsburgh", "US", "America/New_York"),
    ("anc", "Anchorage", "US", "America/Anchorage"),
)
# Private second octets of the added sites (each takes <octet> and <octet> + 1), outside the seven /12s and 10.2/16
# (the global LVS service range).
ADDED_SITE_OCTETS = (*range(176, 256, 2), *range(4, 64, 2), 0)


def site_specs(scale: float) -> list[SiteSpec]:
    """The sites of the fleet at ``scale``: the seven at any scale up to 1.0, then round(2 * scale) core sites and
    round(5 * scale) POPs (the added ones after the seven: core sites first)."""
    specs = [
        SiteSpec(
            slug,
            dc,
            core,
            tz,
            facility,
            octet,
            f"10.{octet}.0.0/12",
            public,
            v6,
            *SITE_ADDRESSES[slug],
            SITE_COUNTRIES[slug],
            slug in NOKIA_SITES,
        )
        for slug, dc, core, tz, facility, octet, public, v6 in SITES
    ]
    if scale <= 1:
        return specs
    added_core = max(0, round(2 * scale) - 2)
    added = [True] * added_core + [False] * max(0, round(5 * scale) - 5)
    if len(added) > min(len(ADDED_SITE_CITIES), len(ADDED_SITE_OCTETS)):
        raise ValueError(
            f"scale {scale} needs {len(added)} added sites; the address plan has room for {max_added_sites()}"
        )
    for i, core in enumerate(added):
        airport, city, country, tz = ADDED_SITE_CITIES[i]
        code, provider = ADDED_SITE_PROVIDERS[i % len(ADDED_SITE_PROVIDERS)]
        slug = code + airport
        octet = ADDED_SITE_OCTETS[i]
        # Added core sites alternate eqiad's (Juniper) and codfw's (Nokia leaf) shape; POPs take magru's Nokia
        # switches one time in five, as the seven do.
        nokia = i % 2 == 1 if core else (i - added_core) % 5 == 4
        specs.append(
            SiteSpec(
                slug,
                8 + i,
                core,
                tz,
                f"{provider} {city}",
                octet,
                f"10.{octet}.0.0/15",
                f"185.16.{i}.0/24",
                f"2a02:ec80:{0x800 + 0x100 * i:x}::/48",
                f"{100 + i} Datacenter Road\n{city}\n{country}",
                city,
                country,
                nokia,
                vlan_group=f"production-{slug}",
            )
        )
    return specs


def max_added_sites() -> int:
    return min(len(ADDED_SITE_CITIES), len(ADDED_SITE_OCTETS))


CORE_ROWS = ["A", "B", "C", "D", "E", "F"]  # A-D: legacy virtual-chassis rows, E-F: one leaf switch per rack
LEGACY_ROWS = ["A", "B", "C", "D"]
POP_ROWS = ["1", "2"]
RACKS_PER_CORE_ROW = 8  # at scale 1.0
RACKS_PER_POP_ROW = 2
SERVERS_PER_SITE = {"eqiad": 900, "codfw": 800}  # at scale 1.0; POPs: 60
SERVERS_PER_ADDED_CORE_SITE = 850  # a core site added above scale 1.0: the two core sites' mean
SERVERS_PER_POP = 60
VMS_PER_SITE = {"eqiad": 420, "codfw": 420}  # POPs: 32
VMS_PER_ADDED_CORE_SITE = 420
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
