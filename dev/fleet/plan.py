"""A deterministic, Wikimedia-shaped fleet: ``plan_fleet(scale, seed)`` → ``FleetPlan``. Pure Python, no Django.

The plan is built in three passes: a clean fleet (sites, rows, racks, network gear, servers, addressing, VMs), then
the seeded defects (each mutates objects no other defect touched, and records them in ``plan.defects``), then the
external systems' view of the fleet (PuppetDB, LibreNMS, the Accounting sheet, Ganeti RAPI), which mirrors NetBox
except where a defect says otherwise. Same (scale, seed) → the same plan, byte for byte.

Sizes at scale 1.0: ~2,000 servers and ~500 network devices/PDUs in 7 sites, ~1,000 VMs. Counts scale linearly,
with minimums (every site, row, role, status and defect kind exists at any scale > 0).
"""

from __future__ import annotations

import ipaddress
import itertools
import random
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

from .defects import DEFECTS
from .model import (
    CablePlan,
    ClusterGroupPlan,
    ClusterPlan,
    DevicePlan,
    DeviceTypePlan,
    Endpoint,
    FHRPGroupPlan,
    FleetPlan,
    InterfacePlan,
    InventoryItemPlan,
    IPPlan,
    LocationPlan,
    PortPlan,
    PrefixPlan,
    RackPlan,
    SitePlan,
    VLANPlan,
    VMInterfacePlan,
    VMPlan,
)

__all__ = ["REFERENCE_DATE", "FleetPlan", "plan_fleet"]

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


class _Builder:
    def __init__(self, scale: float, seed: int):
        if scale <= 0:
            raise ValueError("scale must be > 0")
        self.scale = scale
        self.rng = random.Random(seed)
        self.plan = FleetPlan(scale=scale, seed=seed)
        self.devices: dict[str, DevicePlan] = {}
        self.ifaces: dict[tuple[str, str], InterfacePlan] = {}
        self.ports: dict[tuple[str, str, str], PortPlan] = {}
        self.ips_by_iface: dict[tuple[str, str], list[IPPlan]] = defaultdict(list)
        self.cables_by_end: dict[tuple[str, str], CablePlan] = {}
        self.vlans: dict[str, VLANPlan] = {}
        self.site: dict[str, SitePlan] = {}
        self.site_net: dict[str, dict] = {}
        self.racks_by_site: dict[str, list[RackPlan]] = defaultdict(list)
        self.rack_top: dict[tuple[str, str], int] = {}
        self.rack_bottom: dict[tuple[str, str], int] = {}
        self.rack_switch: dict[tuple[str, str], str] = {}  # (site, rack) -> access switch device
        self.rack_msw: dict[tuple[str, str], str] = {}
        self.rack_pdus: dict[tuple[str, str], list[str]] = {}
        self.row_scs: dict[tuple[str, str], str] = {}
        self.next_port: dict[str, int] = defaultdict(int)  # per switch: next free server port index
        self.switch_ports: dict[str, list[str]] = defaultdict(list)  # per switch: its server ports in order
        self.next_outlet: dict[str, int] = defaultdict(lambda: 1)
        self.next_scs_port: dict[str, int] = defaultdict(lambda: 1)
        self.alloc: dict[str, int] = {}  # prefix -> next host offset
        self.server_numbers: dict[tuple[str, int], int] = defaultdict(int)
        self.asset_tags = iter(self.rng.sample(range(1000, 10000), 9000))
        self.mac_counter = 0
        self.cable_counter: dict[str, int] = defaultdict(int)
        self.used: set[str] = set()  # objects already carrying a defect
        self.vm_iface: dict[str, VMInterfacePlan] = {}
        self.vm_ips: dict[str, list[IPPlan]] = defaultdict(list)
        self.cluster_nodes: dict[tuple[str, str], list[str]] = defaultdict(list)

    # ------------------------------------------------------------------------------------------------ primitives

    def mac(self, vendor: str) -> str:
        self.mac_counter += 1
        n = self.mac_counter
        return f"{OUI[vendor]}:{(n >> 16) & 255:02x}:{(n >> 8) & 255:02x}:{n & 255:02x}"

    def serial(self, manufacturer: str) -> str:
        alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
        length, prefix = {
            "Dell": (7, ""),
            "HPE": (8, "CZ"),
            "Juniper": (10, "WS"),
            "Nokia": (9, "NK"),
            "ServerTech": (8, "AEM"),
            "Opengear": (8, "OG"),
            "Generic": (8, "GN"),
        }[manufacturer]
        return prefix + "".join(self.rng.choice(alphabet) for _ in range(length))

    def purchase(self) -> tuple[str, str]:
        """A purchase date between 2014 and mid-2025 and its procurement ticket (RT before 2016, then Phabricator)."""
        day = date(2014, 1, 1) + timedelta(days=self.rng.randrange((date(2025, 6, 30) - date(2014, 1, 1)).days))
        ticket = (
            f"RT #{self.rng.randrange(1000, 9999)}" if day.year < 2016 else f"T{self.rng.randrange(100000, 399999)}"
        )
        return day.isoformat(), ticket

    def add_device(
        self,
        name: str,
        role: str,
        dtype: str,
        site: str,
        rack: RackPlan | None,
        position: int | None,
        status: str = "active",
        **extra,
    ) -> DevicePlan:
        manufacturer = DT[dtype].manufacturer
        purchase_date, ticket = self.purchase()
        dev = DevicePlan(
            name=name,
            role=role,
            device_type=dtype,
            site=site,
            location=rack.location if rack else None,
            rack=rack.name if rack else None,
            position=position,
            face="front" if position else None,
            status=status,
            serial=self.serial(manufacturer),
            asset_tag=f"WMF{next(self.asset_tags)}",
            purchase_date=purchase_date,
            ticket=ticket,
            **extra,
        )
        assert name not in self.devices, name
        self.devices[name] = dev
        self.plan.devices.append(dev)
        return dev

    def add_iface(self, device: str, name: str, type_: str, **kw) -> InterfacePlan:
        iface = InterfacePlan(device, name, type_, **kw)
        assert (device, name) not in self.ifaces, (device, name)
        self.ifaces[(device, name)] = iface
        self.plan.interfaces.append(iface)
        return iface

    def add_port(self, kind: str, device: str, name: str) -> PortPlan:
        port = PortPlan(kind, device, name)
        self.ports[(kind, device, name)] = port
        self.plan.ports.append(port)
        return port

    def add_cable(
        self, a: Endpoint, b: Endpoint, site: str, type_: str = "", color: str = "", label: str | None = None
    ) -> CablePlan:
        if label is None:
            self.cable_counter[site] += 1
            label = f"{self.site[site].dc}{self.cable_counter[site]:05d}"
        cable = CablePlan(a, b, label, type_, color)
        for end in (a, b):
            assert (end.device, end.name) not in self.cables_by_end, end
            self.cables_by_end[(end.device, end.name)] = cable
        self.plan.cables.append(cable)
        return cable

    def add_ip(self, address: str, **kw) -> IPPlan:
        ip = IPPlan(address, **kw)
        self.plan.ip_addresses.append(ip)
        if ip.assigned and ip.assigned[0] == "interface":
            self.ips_by_iface[(ip.assigned[1], ip.assigned[2])].append(ip)
        if ip.assigned and ip.assigned[0] == "vminterface":
            self.vm_ips[ip.assigned[1]].append(ip)
        return ip

    def next_host(self, prefix: str, start: int = 10, end_reserve: int = 1) -> str:
        """The next free host address of ``prefix`` (with the prefix's mask), skipping the first ``start``."""
        net = ipaddress.ip_network(prefix)
        offset = self.alloc.get(prefix, start)
        if offset >= net.num_addresses - end_reserve:
            raise RuntimeError(f"prefix {prefix} is full")
        self.alloc[prefix] = offset + 1
        return f"{net.network_address + offset}/{net.prefixlen}"

    def place(self, rack: RackPlan, height: int, top: bool = False) -> int | None:
        key = (rack.site, rack.name)
        if height == 0:
            return None
        if top:
            pos = self.rack_top[key] - height + 1
            self.rack_top[key] = pos - 1
        else:
            pos = self.rack_bottom[key]
            self.rack_bottom[key] = pos + height
        if self.rack_bottom[key] - 1 > self.rack_top[key]:
            raise RuntimeError(f"rack {key} is full")
        return pos

    def free_u(self, rack: RackPlan) -> int:
        key = (rack.site, rack.name)
        return self.rack_top[key] - self.rack_bottom[key] + 1

    def pick(self, candidates: list[str], count: int, defect: str) -> list[str]:
        """``count`` objects from ``candidates`` that carry no defect yet; recorded under ``defect``."""
        free = [c for c in candidates if c not in self.used]
        if len(free) < count:
            raise RuntimeError(f"not enough clean candidates for {defect}: {len(free)} < {count}")
        chosen = sorted(self.rng.sample(free, count))
        self.used.update(chosen)
        self.plan.defects.setdefault(defect, []).extend(chosen)
        return chosen

    def count(self, defect: str) -> int:
        return scaled(DEFECTS[defect].at_scale_1, self.scale)

    def record(self, defect: str, names) -> None:
        self.plan.defects.setdefault(defect, []).extend(names)

    @contextmanager
    def substream(self, name: str) -> Iterator[None]:
        """Draw from a random stream of its own, so a pass added late changes nothing the other passes draw."""
        saved, self.rng = self.rng, random.Random(f"{self.plan.seed}:{name}")
        try:
            yield
        finally:
            self.rng = saved


# ---------------------------------------------------------------------------------------------------- the fleet


def plan_fleet(scale: float = 1.0, seed: int = 1) -> FleetPlan:
    """The whole fleet at ``scale`` (1.0 ≈ 2,500 devices and 1,000 VMs), deterministic for ``seed``."""
    b = _Builder(scale, seed)
    _static(b)
    for spec in SITES:
        _site(b, spec)
    _core_network(b)
    for site in b.plan.sites:
        _servers(b, site)
    _vms(b)
    _dns_edges(b)
    _defects(b)
    _gateways(b)
    with b.substream("provisioning"):
        _ready_to_provision(b)
    with b.substream("frack"):
        _frack_racks(b)
    _external(b)
    _natural_lists(b)
    for key in b.plan.defects:
        b.plan.defects[key] = sorted(set(b.plan.defects[key]))
    for key in DEFECTS:
        b.plan.defects.setdefault(key, [])
    return b.plan


def _static(b: _Builder) -> None:
    p = b.plan
    p.manufacturers = list(MANUFACTURERS)
    p.device_types = list(DEVICE_TYPES)
    p.device_roles = list(DEVICE_ROLES)
    p.prefix_roles = list(PREFIX_ROLES)
    p.tenants = [("fr-tech", "Fundraising Tech")]
    p.platforms = [("linux", "Linux"), ("junos", "Junos"), ("sr-linux", "SR Linux")]


def _site(b: _Builder, spec) -> None:
    slug, dc, core, tz, facility, octet, public, v6 = spec
    site = SitePlan(slug, slug, dc, core, tz, facility, SITE_ADDRESSES[slug][0])
    b.site[slug] = site
    b.plan.sites.append(site)
    net = {"octet": octet, "public": ipaddress.ip_network(public), "v6": ipaddress.ip_network(v6)}
    b.site_net[slug] = net
    # Supernets: containers scoped to the site.
    b.plan.prefixes += [
        PrefixPlan(f"10.{octet}.0.0/12", slug, status="container", description=f"{slug} private"),
        PrefixPlan(public, slug, status="container", description=f"{slug} public"),
        PrefixPlan(v6, slug, status="container", description=f"{slug} IPv6"),
    ]
    rows = CORE_ROWS if core else POP_ROWS
    v6_index = 0x100

    def v6_64(index: int) -> str:
        return str(ipaddress.ip_network(f"{net['v6'].network_address + (index << 64)}/64"))

    for k, row in enumerate(rows):
        loc = LocationPlan(slug, f"{slug}-row-{row.lower()}", f"{slug} row {row}", row)
        b.plan.locations.append(loc)
        legacy = (not core) or row in LEGACY_ROWS
        if core:
            n_racks = scaled(RACKS_PER_CORE_ROW, b.scale, minimum=2 if legacy else 1)
        else:
            n_racks = scaled(RACKS_PER_POP_ROW, b.scale)
        for r in range(1, n_racks + 1):
            rack = RackPlan(slug, loc.slug, f"{row}{r}" if core else f"{row}{r:02d}")
            b.plan.racks.append(rack)
            b.racks_by_site[slug].append(rack)
            b.rack_top[(slug, rack.name)] = 42
            b.rack_bottom[(slug, rack.name)] = 1
        # Management prefix per row.
        b.plan.prefixes.append(
            PrefixPlan(
                f"10.{octet + 1}.{2 * k}.0/23", slug, loc.slug, role="management", description=f"mgmt {slug} row {row}"
            )
        )
        if core and legacy:
            # Legacy row-wide VLANs: private1-<row>-<site> and public1-<row>-<site>
            for kind, vid, v4 in (
                ("private", 1017 + k, f"10.{octet}.{4 * k}.0/22"),
                ("public", 1001 + k, str(ipaddress.ip_network(f"{net['public'].network_address + 32 * k}/27"))),
            ):
                _vlan_with_prefixes(b, f"{kind}1-{row.lower()}-{slug}", dc, vid, slug, loc.slug, v4, v6_64(v6_index))
                v6_index += 1
            # VMs live in the last /24 of the row's private /22.
            b.plan.prefixes.append(
                PrefixPlan(
                    f"10.{octet}.{4 * k + 3}.0/24",
                    slug,
                    loc.slug,
                    role="virtual-machines",
                    description=f"Ganeti VMs row {row}",
                )
            )
    if core:
        # New-style per-rack VLANs for rows E-F.
        for r, rack in enumerate(x for x in b.racks_by_site[slug] if x.name[0] not in LEGACY_ROWS):
            loc = rack.location
            _vlan_with_prefixes(
                b,
                f"private1-{rack.name.lower()}-{slug}",
                dc,
                1050 + r,
                slug,
                loc,
                f"10.{octet}.{32 + r}.0/24",
                v6_64(0x200 + r),
            )
        # Fundraising (fr-tech) VLAN and a Kubernetes pod range.
        _vlan_with_prefixes(
            b, f"frack-payments1-c-{slug}", dc, 1040, slug, f"{slug}-row-c", f"10.{octet}.96.0/24", v6_64(0x300)
        )
        b.plan.prefixes.append(
            PrefixPlan(f"10.{octet}.128.0/18", slug, role="kubernetes", description=f"Kubernetes pods {slug}")
        )
    else:
        _vlan_with_prefixes(b, f"private1-{slug}", dc, 1017, slug, None, f"10.{octet}.0.0/22", v6_64(v6_index))
        _vlan_with_prefixes(
            b,
            f"public1-{slug}",
            dc,
            1001,
            slug,
            None,
            str(ipaddress.ip_network(f"{net['public'].network_address}/25")),
            v6_64(v6_index + 1),
        )
        b.plan.prefixes.append(
            PrefixPlan(f"10.{octet}.3.0/24", slug, role="virtual-machines", description=f"Ganeti VMs {slug}")
        )
    # Infrastructure loopbacks: /32s in a /27 (classless reverse zone) and a /64 for the IPv6 ones.
    loop4 = str(ipaddress.ip_network(f"{net['public'].network_address + 224}/27"))
    b.plan.prefixes.append(PrefixPlan(loop4, slug, description=f"loopbacks and VIPs {slug}"))
    b.plan.prefixes.append(PrefixPlan(v6_64(0xFE00), slug, description=f"loopbacks {slug}"))
    net["loop4"], net["loop6"] = loop4, v6_64(0xFE00)


def _vlan_with_prefixes(
    b: _Builder, name: str, dc: int, vid: int, site: str, location: str | None, v4: str, v6: str
) -> None:
    vlan = VLANPlan(name, vid + 100 * dc, site)  # 1000 + 100*dc + n: unique in the production group
    b.vlans[name] = vlan
    b.plan.vlans.append(vlan)
    b.plan.prefixes.append(PrefixPlan(v4, site, location, vlan=name, description=name))
    b.plan.prefixes.append(PrefixPlan(v6, site, location, vlan=name, description=name))


def _vlan_v4_prefix(b: _Builder, vlan: str) -> str:
    return next(p.prefix for p in b.plan.prefixes if p.vlan == vlan and ":" not in p.prefix)


def _vlan_v6_prefix(b: _Builder, vlan: str) -> str:
    return next(p.prefix for p in b.plan.prefixes if p.vlan == vlan and ":" in p.prefix)


def _mgmt_prefix(b: _Builder, location: str) -> str:
    return next(p.prefix for p in b.plan.prefixes if p.role == "management" and p.location == location)


def _rack(b: _Builder, site: str, name: str) -> RackPlan:
    return next(r for r in b.racks_by_site[site] if r.name == name)


def _mgmt_ip(b: _Builder, dev: DevicePlan, iface: str, primary: bool = False) -> IPPlan:
    frack = "frack." if dev.tenant == "fr-tech" else ""
    return b.add_ip(
        b.next_host(_mgmt_prefix(b, dev.location)),
        dns_name=f"{dev.name}.mgmt.{frack}{dev.site}.wmnet",
        assigned=("interface", dev.name, iface),
        oob_of=dev.name,
        primary_of=f"device:{dev.name}" if primary else None,
        tenant=dev.tenant,
    )


def _network_device(b: _Builder, name: str, role: str, dtype: str, rack: RackPlan, **extra) -> DevicePlan:
    dev = b.add_device(
        name,
        role,
        dtype,
        rack.site,
        rack,
        b.place(rack, DT[dtype].u_height, top=True),
        platform="sr-linux"
        if DT[dtype].manufacturer == "Nokia"
        else ("junos" if DT[dtype].manufacturer == "Juniper" else None),
        **extra,
    )
    vendor = DT[dtype].manufacturer
    # Power: Juniper PSU0/1, MX PEM 0-3, Nokia PS1/2, others PSU1/2.
    psus = {"mx480": ["PEM 0", "PEM 1", "PEM 2", "PEM 3"]}.get(dtype) or (
        ["PSU0", "PSU1"] if vendor == "Juniper" else ["PS1", "PS2"] if vendor == "Nokia" else ["PSU1", "PSU2"]
    )
    if role != "pdu":
        pdus = b.rack_pdus.get((rack.site, rack.name), [])
        for i, psu in enumerate(psus):
            b.add_port("powerport", name, psu)
            if pdus:
                pdu = pdus[i % len(pdus)]
                outlet = str(b.next_outlet[pdu])
                b.next_outlet[pdu] += 1
                b.add_cable(
                    Endpoint("powerport", name, psu), Endpoint("poweroutlet", pdu, outlet), rack.site, "power", "000000"
                )
    # Console: cabled to the row's console server.
    if role in ("asw", "cr", "mr", "pfw", "cloudsw", "msw"):
        consoles = (
            ["console-re0", "console-re1"] if dtype == "mx480" else (["Console"] if vendor == "Nokia" else ["console0"])
        )
        scs = b.row_scs.get((rack.site, rack.location))
        for console in consoles:
            b.add_port("consoleport", name, console)
            if scs:
                port = f"port{b.next_scs_port[scs]}"
                b.next_scs_port[scs] += 1
                b.add_cable(
                    Endpoint("consoleport", name, console),
                    Endpoint("consoleserverport", scs, port),
                    rack.site,
                    "cat6",
                    "2196f3",
                )
    return dev


def _core_network(b: _Builder) -> None:
    for site in b.plan.sites:
        s, net = site.slug, b.site_net[site.slug]
        racks = b.racks_by_site[s]
        # PDUs first (so other devices can cable their power), then console servers, then the rest.
        for rack in racks:
            pdus = []
            for n in (1, 2):
                pdu = _network_device(b, f"ps{n}-{rack.name.lower()}-{s}", "pdu", "c2x42ce", rack)
                for outlet in range(1, 25):
                    b.add_port("poweroutlet", pdu.name, str(outlet))
                b.add_iface(pdu.name, "mgmt", "1000base-t", mgmt_only=True, mac=b.mac("ServerTech"))
                _mgmt_ip(b, pdu, "mgmt", primary=True)
                pdus.append(pdu.name)
            b.rack_pdus[(s, rack.name)] = pdus
        for loc in (x for x in b.plan.locations if x.site == s):
            first = next(r for r in racks if r.location == loc.slug)
            scs = _network_device(b, f"scs-{first.name.lower()}-{s}", "scs", "cm8148", first)
            for port in range(1, 49):
                b.add_port("consoleserverport", scs.name, f"port{port}")
            b.add_iface(scs.name, "mgmt", "1000base-t", mgmt_only=True, mac=b.mac("Opengear"))
            _mgmt_ip(b, scs, "mgmt", primary=True)
            b.row_scs[(s, loc.slug)] = scs.name
        # Routers: cr1/cr2 (MX480 at core, MX204 at POPs), mr1, pfw (core only).
        routers = [
            ("cr1", "cr", "mx480" if site.core else "mx204", 0),
            ("cr2", "cr", "mx480" if site.core else "mx204", 1 if len(racks) > 1 else 0),
            ("mr1", "mr", "mx204", 0),
        ]
        if site.core:
            routers += [("pfw3a", "pfw", "srx1500", 2), ("pfw3b", "pfw", "srx1500", 3)]
        loop_offset = 1
        for short, role, dtype, rack_index in routers:
            rack = _first_rack_of_row(b, s, rack_index)
            dev = _network_device(b, f"{short}-{s}", role, dtype, rack)
            b.add_iface(dev.name, "fxp0", "1000base-t", mgmt_only=True, mac=b.mac("Juniper"))
            _mgmt_ip(b, dev, "fxp0")
            b.add_iface(dev.name, "lo0", "virtual")
            loop = f"{ipaddress.ip_network(net['loop4']).network_address + loop_offset}/32"
            loop6 = f"{ipaddress.ip_network(net['loop6']).network_address + loop_offset}/128"
            loop_offset += 1
            b.add_ip(
                loop,
                dns_name=f"{dev.name}.wikimedia.org",
                assigned=("interface", dev.name, "lo0"),
                primary_of=f"device:{dev.name}",
            )
            b.add_ip(
                loop6,
                dns_name=f"{dev.name}.wikimedia.org",
                assigned=("interface", dev.name, "lo0"),
                primary_of=f"device:{dev.name}",
            )
            _inventory(b, dev)
        net["next_loop"] = loop_offset
        # Access layer: per rack an access switch (VC member in legacy rows, leaf in E-F, standalone at POPs) and a
        # management switch.
        cr_ports = defaultdict(int)
        for rack in racks:
            row = rack.name[0] if site.core else None
            if site.core and row in LEGACY_ROWS:
                vc = f"asw2-{row.lower()}-{s}"
                pos = int(rack.name[1:])  # NetBox makes the master member 1
                dev = _network_device(
                    b,
                    f"asw2-{rack.name.lower()}-{s}",
                    "asw",
                    "qfx5100-48s-6q",
                    rack,
                    virtual_chassis=vc,
                    vc_position=pos,
                    vc_priority=255 if pos == 1 else 128,
                )
                if pos == 1:
                    b.plan.virtual_chassis.append((vc, dev.name, f"{vc}.mgmt"))
                port_prefix, member, speed = "xe", pos, "10gbase-x-sfpp"
                dtype = "qfx5100-48s-6q"
            elif site.core:
                nokia = s == "codfw"
                dtype = "7220-ixr-d2l" if nokia else "qfx5120-48y-8c"
                dev = _network_device(b, f"lsw1-{rack.name.lower()}-{s}", "asw", dtype, rack)
                port_prefix, member, speed = (
                    ("ethernet", None, "25gbase-x-sfp28") if nokia else ("xe", 0, "10gbase-x-sfpp")
                )
            else:
                dtype = "ex4300-48t" if s != "magru" else "7220-ixr-d2l"
                nokia = s == "magru"
                dev = _network_device(b, f"asw1-{rack.name.lower()}-{s}", "asw", dtype, rack)
                port_prefix, member, speed = ("ethernet", None, "25gbase-x-sfp28") if nokia else ("ge", 0, "1000base-t")
            vendor = DT[dtype].manufacturer
            b.add_iface(
                dev.name, "mgmt0" if vendor == "Nokia" else "em0", "1000base-t", mgmt_only=True, mac=b.mac(vendor)
            )
            _mgmt_ip(b, dev, "mgmt0" if vendor == "Nokia" else "em0", primary=True)
            for port in range(48):
                name = f"ethernet-1/{port + 1}" if port_prefix == "ethernet" else f"{port_prefix}-{member}/0/{port}"
                # Unused ports stay disabled (clean for the Network report); server cabling enables them.
                b.add_iface(dev.name, name, speed, enabled=False, mtu=9192, mode="access")
                b.switch_ports[dev.name].append(name)
            dev_ports = [f"ethernet-1/{p}" if vendor == "Nokia" else f"et-{member}/0/{p}" for p in (49, 50)]
            for up, cr in zip(dev_ports, ("cr1", "cr2"), strict=True):
                b.add_iface(dev.name, up, "100gbase-x-qsfp28", mtu=9192, mode="tagged")
                crdev = f"{cr}-{s}"
                cr_if = f"et-1/0/{cr_ports[crdev]}"
                cr_ports[crdev] += 1
                b.add_iface(crdev, cr_if, "100gbase-x-qsfp28", mtu=9192, description=f"{dev.name} {up}")
                b.add_cable(
                    Endpoint("interface", dev.name, up), Endpoint("interface", crdev, cr_if), s, "smf", "ffeb3b"
                )
            b.rack_switch[(s, rack.name)] = dev.name
            # Management switch.
            msw = _network_device(b, f"msw1-{rack.name.lower()}-{s}", "msw", "ex4300-48t", rack)
            b.add_iface(msw.name, "em0", "1000base-t", mgmt_only=True, mac=b.mac("Juniper"))
            _mgmt_ip(b, msw, "em0", primary=True)
            for port in range(48):
                b.add_iface(msw.name, f"ge-0/0/{port}", "1000base-t", enabled=False)
            b.rack_msw[(s, rack.name)] = msw.name
            _cable_mgmt(b, dev, "mgmt0" if vendor == "Nokia" else "em0")
        # Virtual-chassis links between consecutive members of a legacy row (unlabelled, like WMF's).
        for vc, _master, _ in [v for v in b.plan.virtual_chassis if v[1].endswith(f"-{s}")]:
            members = sorted((d for d in b.plan.devices if d.virtual_chassis == vc), key=lambda d: d.vc_position)
            for left, right in itertools.pairwise(members):
                b.add_iface(left.name, "vcp-255/1/0", "40gbase-x-qsfpp")
                b.add_iface(right.name, "vcp-255/1/1", "40gbase-x-qsfpp")
                cable = b.add_cable(
                    Endpoint("interface", left.name, "vcp-255/1/0"),
                    Endpoint("interface", right.name, "vcp-255/1/1"),
                    s,
                    "dac-passive",
                    label="",
                )
                b.record("cables.vc_link_no_label", [cable.key])
        # FHRP: VRRP gateways for the legacy private VLANs on cr1/cr2 (core sites).
        for vlan in [
            v
            for v in b.plan.vlans
            if v.site == s
            and v.name.startswith("private1-")
            and site.core
            and v.name.split("-")[1].upper() in LEGACY_ROWS
        ]:
            prefix = ipaddress.ip_network(_vlan_v4_prefix(b, vlan.name))
            group = FHRPGroupPlan(f"vrrp-{vlan.name}", "vrrp3", vlan.vid % 255)
            for i, cr in enumerate(("cr1", "cr2")):
                ifname = f"irb.{vlan.vid}"
                b.add_iface(f"{cr}-{s}", ifname, "virtual")
                b.add_ip(
                    f"{prefix.network_address + 2 + i}/{prefix.prefixlen}", assigned=("interface", f"{cr}-{s}", ifname)
                )
                group.members.append((f"{cr}-{s}", ifname, 200 - 100 * i))
            b.plan.fhrp_groups.append(group)
            b.add_ip(
                f"{prefix.network_address + 1}/{prefix.prefixlen}",
                role="vrrp",
                dns_name=f"gw-{vlan.name}.{s}.wmnet",
                assigned=("fhrpgroup", group.name),
            )
            b.record("dns.fhrp_vip", [f"{prefix.network_address + 1}/{prefix.prefixlen}"])
        # Cloud switch in the last rack of row F.
        if site.core:
            rack = [r for r in racks if r.name.startswith("F")][-1]
            dev = _network_device(b, f"cloudsw1-{rack.name.lower()}-{s}", "cloudsw", "qfx5120-48y-8c", rack)
            b.add_iface(dev.name, "em0", "1000base-t", mgmt_only=True, mac=b.mac("Juniper"))
            _mgmt_ip(b, dev, "em0", primary=True)
            _cable_mgmt(b, dev, "em0")
            for port in range(48):
                b.add_iface(dev.name, f"xe-0/0/{port}", "10gbase-x-sfpp", enabled=False, mtu=9192, mode="access")
                b.switch_ports[dev.name].append(f"xe-0/0/{port}")
            b.rack_switch[(s, rack.name)] = dev.name


def _first_rack_of_row(b: _Builder, site: str, row_index: int) -> RackPlan:
    locs = [loc for loc in b.plan.locations if loc.site == site]
    loc = locs[min(row_index, len(locs) - 1)]
    return next(r for r in b.racks_by_site[site] if r.location == loc.slug)


def _cable_mgmt(b: _Builder, dev: DevicePlan, iface: str) -> None:
    msw = b.rack_msw.get((dev.site, dev.rack))
    if not msw:
        return
    port = f"ge-0/0/{b.next_port[msw]}"
    b.next_port[msw] += 1
    b.ifaces[(msw, port)].enabled = True
    b.add_cable(Endpoint("interface", dev.name, iface), Endpoint("interface", msw, port), dev.site, "cat6", "ff66ff")


def _inventory(b: _Builder, dev: DevicePlan) -> None:
    for slot, part in (
        ((0, "MPC7E-MRATE"), (1, "MPC7E-10G")) if dev.device_type == "mx480" else ((0, "JNP-SFP-10G-LR"),)
    ):
        day, ticket = b.purchase()
        if ticket.startswith("RT"):
            ticket = f"T{b.rng.randrange(100000, 399999)}"
        b.plan.inventory_items.append(
            InventoryItemPlan(
                dev.name,
                f"FPC {slot}" if dev.device_type == "mx480" else f"Xcvr {slot}",
                "Juniper",
                part,
                b.serial("Juniper"),
                f"Purchase:{day},Task:{ticket}",
            )
        )


def _server_clusters(b: _Builder, site: SitePlan) -> list[str]:
    """The cluster name of each server of the site (ganeti and frack first, then weighted draws)."""
    total = scaled(SERVERS_PER_SITE.get(site.slug, SERVERS_PER_POP), b.scale, minimum=3)
    names: list[str] = []
    if site.core:
        names += ["ganeti"] * (scaled(4, b.scale, minimum=2) * len(LEGACY_ROWS))
        names += [c for c in FRACK_CLUSTERS for _ in range(scaled(3, b.scale))]
        names += ["cloudvirt"] * scaled(8, b.scale)
        names += ["cp", "lvs", "dns", "db", "mw", "kubernetes", "an-worker", "ms-be"]  # every role at any scale
        pool = CORE_CLUSTERS
    else:
        names += ["ganeti"] * scaled(3, b.scale)
        names += ["cp", "lvs", "dns"]
        pool = POP_CLUSTERS
    weights = [w for _, w, *_ in pool]
    while len(names) < total:
        names.append(b.rng.choices([c for c, *_ in pool], weights)[0])
    return names


def _cluster_info(name: str) -> tuple[str, bool, str]:
    for cname, _, dtype, public, placement in CORE_CLUSTERS + POP_CLUSTERS + CLOUD_CLUSTERS:
        if cname == name:
            return dtype, public, placement
    if name == "ganeti":
        return "poweredge-r450-configa-202107", False, "legacy"
    return "poweredge-r440", False, "frack"  # fr-tech


def _servers(b: _Builder, site: SitePlan) -> None:
    s = site.slug
    racks = b.racks_by_site[s]
    legacy_racks = [r for r in racks if not site.core or r.name[0] in LEGACY_ROWS]
    cloud_rack = [r for r in racks if r.name.startswith("F")][-1] if site.core else None
    general = [r for r in racks if r is not cloud_rack]
    clusters = _server_clusters(b, site)
    statuses = [st for st, _ in SERVER_STATUS_WEIGHTS if st != "active"]
    public_per_row: dict[str, int] = defaultdict(int)
    for cluster in clusters:
        dtype, public, placement = _cluster_info(cluster)
        if cluster == "ganeti" and site.core:
            # Spread Ganeti nodes evenly over the legacy rows (one cluster per row).
            row = LEGACY_ROWS[
                sum(1 for d in b.plan.devices if d.cluster_name == "ganeti" and d.site == s) % len(LEGACY_ROWS)
            ]
            allowed = [r for r in legacy_racks if r.name[0] == row]
        elif placement == "cloud":
            allowed = [cloud_rack]
        elif placement == "frack":
            allowed = [r for r in racks if r.name.startswith("C")][:1]
        elif placement == "legacy" and site.core:
            # Public VLANs are row-wide /27s: spread their servers evenly over the legacy rows.
            row = min(LEGACY_ROWS, key=lambda r: (public_per_row[r], r))
            public_per_row[row] += 1
            allowed = [r for r in legacy_racks if r.name[0] == row]
        elif placement == "legacy":
            allowed = legacy_racks
        else:
            allowed = general
        rack = min(allowed, key=lambda r: (42 - b.free_u(r), racks.index(r)))
        b.server_numbers[(cluster, site.dc)] += 1
        name = f"{cluster}{site.dc}{b.server_numbers[(cluster, site.dc)]:03d}"
        status = "active"
        if cluster not in ("ganeti", "lvs", "dns") and placement != "frack":
            status = b.rng.choices([st for st, _ in SERVER_STATUS_WEIGHTS], [w for _, w in SERVER_STATUS_WEIGHTS])[0]
        _server(b, name, cluster, dtype, public, rack, status, tenant="fr-tech" if placement == "frack" else None)
    if not site.core:
        return
    # Every status exists at every core site, even when the draws above did not produce it.
    present = {d.status for d in b.plan.devices if d.site == s and d.is_server}
    eligible = [
        d
        for d in b.plan.devices
        if d.site == s
        and d.is_server
        and d.status == "active"
        and d.cluster_name in ("mw", "kubernetes", "restbase", "an-worker", "elastic", "ms-be")
    ]
    for status in statuses:
        if status not in present:
            _set_server_status(b, eligible.pop(b.rng.randrange(len(eligible))), status)
    # Rack furniture: one of each of the other roles per core site.
    a1 = racks[0]
    for name, role, dtype in (
        (f"pp1-{a1.name.lower()}-{s}", "patch-panel", "patch-panel-24"),
        (f"cm1-{a1.name.lower()}-{s}", "cablemgmt", "cable-manager-1u"),
        (f"bin1-{a1.name.lower()}-{s}", "storagebin", "storage-bin"),
        (f"optical1-{a1.name.lower()}-{s}", "optical-device", "optical-shelf"),
    ):
        b.add_device(name, role, dtype, s, a1, b.place(a1, DT[dtype].u_height, top=True))


def _server(
    b: _Builder, name: str, cluster: str, dtype: str, public: bool, rack: RackPlan, status: str, tenant: str | None
) -> DevicePlan:
    vendor = DT[dtype].manufacturer
    dev = b.add_device(
        name,
        "server",
        dtype,
        rack.site,
        rack,
        b.place(rack, DT[dtype].u_height),
        status="active",
        tenant=tenant,
        platform="linux",
        cluster_name=cluster,
    )
    for i in (1, 2):
        b.add_port("powerport", name, f"Power Supply {i}" if vendor == "HPE" else f"PSU{i}")
    b.add_iface(name, "eno1", "10gbase-x-sfpp", mac=b.mac(vendor))
    b.add_iface(name, "eno2", "10gbase-x-sfpp", mac=b.mac(vendor), enabled=False)
    b.add_iface(name, "mgmt", "1000base-t", mgmt_only=True, mac=b.mac(vendor))
    _cable_mgmt(b, dev, "mgmt")
    _mgmt_ip(b, dev, "mgmt")
    site = b.site[rack.site]
    # The server's VLAN: public or private, row-wide (legacy rows, POPs) or per rack (rows E-F), or frack.
    row = rack.name[0]
    if tenant == "fr-tech":
        vlan = f"frack-payments1-c-{rack.site}"
    elif not site.core:
        vlan = f"{'public' if public else 'private'}1-{rack.site}"
    elif row in LEGACY_ROWS:
        vlan = f"{'public' if public else 'private'}1-{row.lower()}-{rack.site}"
    else:
        vlan = f"private1-{rack.name.lower()}-{rack.site}"
    switch = b.rack_switch[(rack.site, rack.name)]
    port = _switch_port(b, switch)
    sw_if = b.ifaces[(switch, port)]
    sw_if.enabled, sw_if.untagged_vlan, sw_if.description = True, vlan, name
    b.add_cable(
        Endpoint("interface", name, "eno1"), Endpoint("interface", switch, port), rack.site, "dac-passive", "2196f3"
    )
    v4_prefix = _vlan_v4_prefix(b, vlan)
    # The last /24 of a /22 is the VMs' (see _site); elsewhere keep the broadcast address free.
    v4 = b.next_host(v4_prefix, start=4 if public else 10, end_reserve=257 if v4_prefix.endswith("/22") else 2)
    if public:
        dns4 = dns6 = f"{name}.wikimedia.org"
    elif tenant == "fr-tech":
        dns4 = dns6 = f"{name}.frack.{rack.site}.wmnet"
    else:
        dns4 = dns6 = f"{name}.{rack.site}.wmnet"
    if cluster in NO_IPV6_CLUSTERS:
        dns6 = ""  # docs/behaviour-reference.md §1.8: these clusters do not use IPv6 (address kept, no DNS name)
    b.add_ip(v4, dns_name=dns4, assigned=("interface", name, "eno1"), primary_of=f"device:{name}", tenant=tenant)
    b.add_ip(
        v6_from_v4(_vlan_v6_prefix(b, vlan), v4.split("/")[0]),
        dns_name=dns6,
        assigned=("interface", name, "eno1"),
        primary_of=f"device:{name}",
        tenant=tenant,
    )
    if cluster == "lvs":
        b.add_iface(name, "lo", "virtual")
        loop = ipaddress.ip_network(b.site_net[rack.site]["loop4"])
        for k in range(2):  # service VIPs shared by every LVS of the site
            b.add_ip(f"{loop.network_address + 16 + k}/32", role="vip", assigned=("interface", name, "lo"))
    _set_server_status(b, dev, status)
    return dev


def _switch_port(b: _Builder, switch: str) -> str:
    ports = b.switch_ports[switch]
    idx = b.next_port[switch]
    if idx >= len(ports):
        raise RuntimeError(f"no free port on {switch}")
    b.next_port[switch] += 1
    return ports[idx]


def _set_server_status(b: _Builder, dev: DevicePlan, status: str) -> None:
    """Shape a server the way each status looks at WMF (what is cabled, which IPs it keeps, racked or not)."""
    dev.status = status
    if status in ("active", "staged", "failed"):
        return
    ips = [ip for ip in b.plan.ip_addresses if ip.assigned and ip.assigned[:2] == ("interface", dev.name)]
    keep_mgmt = status in ("inventory", "decommissioning")
    for ip in ips:
        if ip.assigned[2] == "mgmt" and keep_mgmt:
            continue
        b.plan.ip_addresses.remove(ip)
        b.ips_by_iface[(dev.name, ip.assigned[2])].remove(ip)
    # Drop the primary link (and the mgmt link unless kept).
    for ifname in ("eno1",) if keep_mgmt else ("eno1", "mgmt"):
        cable = b.cables_by_end.get((dev.name, ifname))
        if cable:
            b.plan.cables.remove(cable)
            for end in (cable.a, cable.b):
                b.cables_by_end.pop((end.device, end.name), None)
            other = cable.b
            sw = b.ifaces[(other.device, other.name)]
            sw.enabled, sw.untagged_vlan, sw.description = False, None, ""
    if status == "offline":
        dev.rack = dev.position = dev.face = None


def _vms(b: _Builder) -> None:
    for site in b.plan.sites:
        s = site.slug
        profile = s if site.core else f"{s}01"
        b.plan.cluster_groups.append(ClusterGroupPlan(profile, profile, s))
        groups = [f"row_{r}" for r in LEGACY_ROWS] if site.core else ["default"]
        for g in groups:
            b.plan.clusters.append(ClusterPlan(profile, g, s))
        nodes = [d for d in b.plan.devices if d.site == s and d.cluster_name == "ganeti"]
        for node in nodes:
            g = f"row_{node.rack[0]}" if site.core else "default"
            node.cluster = (profile, g)
            b.cluster_nodes[(profile, g)].append(node.name)
        n_vms = scaled(VMS_PER_SITE.get(s, VMS_PER_POP), b.scale, minimum=2)
        numbers: dict[str, int] = defaultdict(int)
        for i in range(n_vms):
            g = groups[i % len(groups)]
            vm_cluster = VM_CLUSTERS[b.rng.randrange(len(VM_CLUSTERS))] if i >= 2 else VM_CLUSTERS[i]
            numbers[vm_cluster] += 1
            name = f"{vm_cluster}{site.dc}{numbers[vm_cluster]:03d}"
            status = "offline" if b.rng.random() < 0.03 else "active"
            vm = VMPlan(
                name,
                s,
                (profile, g),
                status,
                vcpus=b.rng.choice([1, 2, 4, 8]),
                memory=b.rng.choice([2048, 4096, 8192, 16384]),
                disk=b.rng.choice([10240, 20480, 51200]),
            )
            b.plan.virtual_machines.append(vm)
            iface = VMInterfacePlan(name, "ens13", b.mac("VM"))
            b.plan.vm_interfaces.append(iface)
            b.vm_iface[name] = iface
            vlan = f"private1-{g[-1].lower()}-{s}" if site.core else f"private1-{s}"
            vm_prefix = ipaddress.ip_network(_vlan_v4_prefix(b, vlan))
            sub = f"{vm_prefix.network_address + 768 if vm_prefix.prefixlen == 22 else vm_prefix.network_address}/24"
            host = b.next_host(sub, start=1)
            v4 = f"{host.split('/')[0]}/{vm_prefix.prefixlen}"
            b.add_ip(v4, dns_name=f"{name}.{s}.wmnet", assigned=("vminterface", name, "ens13"), primary_of=f"vm:{name}")
            b.add_ip(
                v6_from_v4(_vlan_v6_prefix(b, vlan), v4.split("/")[0]),
                dns_name=f"{name}.{s}.wmnet",
                assigned=("vminterface", name, "ens13"),
                primary_of=f"vm:{name}",
            )


def _dns_edges(b: _Builder) -> None:
    """DNS generator edge cases (docs/behaviour-reference.md §3) that are part of a normal fleet."""
    # Service names: unassigned addresses with DNS names (discovery records).
    eqiad = b.site_net["eqiad"]
    for i, svc in enumerate(["appservers-ro", "api-ro"]):
        ip = b.add_ip(f"10.2.2.{i + 1}/32", dns_name=f"{svc}.discovery.wmnet", description="LVS service")
        b.record("dns.unassigned_ip", [ip.address])
    b.plan.prefixes.append(PrefixPlan("10.2.2.0/24", None, description="LVS service IPs (global)"))
    # An anycast address whose only prefix is global (no site): zone file wikimedia.org-global.
    b.plan.prefixes.append(PrefixPlan("198.35.27.0/24", None, description="anycast (global)"))
    ip = b.add_ip("198.35.27.27/32", role="anycast", dns_name="ns2.wikimedia.org")
    b.record("dns.global_prefix", [ip.address])
    # Reserved/deprecated addresses with names: not published.
    for i, status in enumerate(("reserved", "deprecated")):
        ip = b.add_ip(
            f"{eqiad['public'].network_address + 200 + i}/27",
            status=status,
            dns_name=f"old-service{i + 1}.wikimedia.org",
            description="reserved for infra",
        )
        b.record("dns.non_active_ip", [ip.address])
    vms = [vm for vm in b.plan.virtual_machines if vm.status == "active"]
    # A VM address in no prefix at all (no PTR), and a public VM name in no prefix.
    vm = vms[0]
    ip = b.add_ip(
        "172.16.0.10/32", dns_name=f"{vm.name}-svc.{vm.site}.wmnet", assigned=("vminterface", vm.name, "ens13")
    )
    b.record("dns.no_prefix", [ip.address])
    vm = vms[1]
    ip = b.add_ip("185.71.138.10/32", dns_name=f"{vm.name}.wikimedia.org", assigned=("vminterface", vm.name, "ens13"))
    b.record("dns.vm_public_no_prefix", [ip.address])
    b.used.update({vms[0].name, vms[1].name})
    # A VM named like a device: an offline server and an offline VM share a name.
    offline = next(d for d in b.plan.devices if d.is_server and d.status == "offline")
    b.plan.virtual_machines.append(VMPlan(offline.name, offline.site, None, "offline", 2, 4096, 20480))
    b.record("dns.vm_device_name_clash", [offline.name])
    b.used.add(offline.name)


# ------------------------------------------------------------------------------------------------------- defects


def _clean_servers(
    b: _Builder,
    *,
    status: str = "active",
    site: str | None = None,
    ipv6: bool = True,
    exclude_clusters: tuple[str, ...] = ("ganeti", "lvs"),
) -> list[str]:
    """Servers fit to carry one defect: in the given status, no tenant, not a Ganeti node or LVS, not yet used."""
    return [
        d.name
        for d in b.plan.devices
        if d.is_server
        and d.status == status
        and d.tenant is None
        and d.cluster_name not in exclude_clusters
        and (site is None or d.site == site)
        and (not ipv6 or d.cluster_name not in NO_IPV6_CLUSTERS)
        and d.rack is not None
    ]


def _ip(b: _Builder, dev: str, iface: str, family: int) -> IPPlan:
    return next(ip for ip in b.ips_by_iface[(dev, iface)] if (":" in ip.address) == (family == 6))


def _defects(b: _Builder) -> None:
    p = b.plan
    network_roles = ("asw", "cr", "mr", "pfw", "cloudsw")
    mgmt_devices = [d.name for d in p.devices if d.role in network_roles]

    # ---- Management (docs/behaviour-reference.md §1.5)
    for name in b.pick(mgmt_devices, b.count("management.missing_console_port"), "management.missing_console_port"):
        for port in [pt for pt in p.ports if pt.device == name and pt.kind == "consoleport"]:
            _remove_port(b, port)
    for name in b.pick(
        mgmt_devices, b.count("management.missing_connected_console_port"), "management.missing_connected_console_port"
    ):
        for port in [pt for pt in p.ports if pt.device == name and pt.kind == "consoleport"]:
            _uncable(b, name, port.name)

    # ---- Cables (docs/behaviour-reference.md §1.2)
    consoles = [
        f"{pt.device}:{pt.name}"
        for pt in p.ports
        if pt.kind == "consoleport"
        and pt.name == "console0"
        and (pt.device, pt.name) in b.cables_by_end
        and pt.device not in b.used
    ]
    for key in b.pick(consoles, b.count("cables.console_port_name"), "cables.console_port_name"):
        dev, name = key.split(":")
        _rename_port(b, "consoleport", dev, name, "con0")
        b.used.add(dev)
    p.defects["cables.console_port_name"] = [
        k.replace(":console0", ":con0") for k in p.defects["cables.console_port_name"]
    ]
    scs_ports = [
        f"{pt.device}:{pt.name}"
        for pt in p.ports
        if pt.kind == "consoleserverport" and (pt.device, pt.name) not in b.cables_by_end and pt.name.endswith("48")
    ]
    renamed = []
    for key in b.pick(scs_ports, b.count("cables.console_server_port_name"), "cables.console_server_port_name"):
        dev, name = key.split(":")
        _rename_port(b, "consoleserverport", dev, name, "ttyS48")
        renamed.append(f"{dev}:ttyS48")
    p.defects["cables.console_server_port_name"] = renamed
    servers = _clean_servers(b)
    renamed = []
    for name in b.pick(servers, b.count("cables.power_port_name"), "cables.power_port_name"):
        port = next(pt for pt in p.ports if pt.device == name and pt.kind == "powerport" and pt.name.endswith("2"))
        port.name = "psu2"
        renamed.append(f"{name}:psu2")
    p.defects["cables.power_port_name"] = renamed
    # Unterminated cables: a server's eno2 cabled to a patch panel that is then deleted (as NetBox leaves it).
    keys = []
    for i, name in enumerate(b.pick(servers, b.count("cables.unterminated_cable"), "_unterminated")):
        dev = b.devices[name]
        panel = b.add_device(
            f"pp-removed{i + 1}-{dev.site}",
            "patch-panel",
            "patch-panel-24",
            dev.site,
            None,
            None,
            status="offline",
            remove_after_load=True,
        )
        b.add_iface(panel.name, "port1", "10gbase-x-sfpp")
        cable = b.add_cable(
            Endpoint("interface", name, "eno2"), Endpoint("interface", panel.name, "port1"), dev.site, "smf", "ffeb3b"
        )
        keys.append(cable.key)
    p.defects.pop("_unterminated")
    b.record("cables.unterminated_cable", keys)
    # Duplicate labels (2021): the second cable takes the label of another cable of the same site.
    server_cables = [c for c in p.cables if c.a.kind == "interface" and c.a.name == "eno1" and c.a.device not in b.used]
    for key in b.pick([c.key for c in server_cables], b.count("cables.duplicate_label"), "_dup"):
        cable = next(c for c in server_cables if c.key == key)
        site = b.devices[cable.a.device].site
        donor = next(
            c
            for c in p.cables
            if c is not cable
            and c.label
            and c.key not in b.used
            and b.devices[c.a.device].site == site
            and c.a.kind == "powerport"
        )
        cable.label = donor.label
        b.used.update({donor.key, cable.a.device})
        b.record("cables.duplicate_label", [cable.key, donor.key])
    p.defects.pop("_dup")
    # Not eqiad: the 2021 report only warns there (site blocklist).
    console_cables = [
        c.key
        for c in p.cables
        if c.a.kind == "consoleport" and c.a.device not in b.used and b.devices[c.a.device].site != "eqiad"
    ]
    for key in b.pick(console_cables, b.count("cables.blank_label"), "cables.blank_label"):
        next(c for c in p.cables if c.key == key).label = ""
        b.used.add(key.split(":")[0])

    # ---- Coherence (docs/behaviour-reference.md §1.3)
    pfws = [
        d.name
        for d in p.devices
        if d.role in ("pfw", "mr")
        and d.name not in b.used
        and any(c for (dev, _), c in b.cables_by_end.items() if dev == d.name and c.a.kind == "consoleport")
    ]
    for name in b.pick(pfws, min(len(pfws), b.count("coherence.connected_unracked")), "coherence.connected_unracked"):
        dev = b.devices[name]
        dev.rack = dev.position = dev.face = None
        b.record("coherence.online_unracked", [name])
    offline = [d.name for d in p.devices if d.is_server and d.status == "offline" and d.name not in b.used]
    if len(offline) < b.count("coherence.offline_racked"):
        extra = b.pick(_clean_servers(b), b.count("coherence.offline_racked") - len(offline), "_offline")
        p.defects.pop("_offline")
        b.used.difference_update(extra)
        for name in extra:
            _set_server_status(b, b.devices[name], "offline")
        offline += extra
    for name in b.pick(offline, b.count("coherence.offline_racked"), "coherence.offline_racked"):
        dev = b.devices[name]
        rack = next(r for r in b.racks_by_site[dev.site] if b.free_u(r) >= DT[dev.device_type].u_height)
        dev.rack, dev.location = rack.name, rack.location
        dev.position, dev.face = b.place(rack, DT[dev.device_type].u_height), "front"
    for name in b.pick(_clean_servers(b), b.count("coherence.racked_no_position"), "coherence.racked_no_position"):
        b.devices[name].position = b.devices[name].face = None
    # A management switch: it has no interface named 'mgmt', so its mgmt DNS name is not checked against it.
    msws = [d.name for d in p.devices if d.role == "msw" and d.name not in b.used]
    for name in b.pick(msws, b.count("coherence.malformed_name_active"), "_upper"):
        _rename_device(b, name, name.upper())
        b.record("coherence.malformed_name_active", [name.upper()])
    p.defects.pop("_upper")
    planned = _clean_servers(b, status="planned", ipv6=False)
    for name in b.pick(planned, b.count("coherence.malformed_name_inactive"), "_upper"):
        _rename_device(b, name, name.upper())
        b.record("coherence.malformed_name_inactive", [name.upper()])
    p.defects.pop("_upper")
    for _i in range(b.count("coherence.duplicate_serial")):
        first, second = b.pick(_clean_servers(b), 2, "coherence.duplicate_serial")
        b.devices[second].serial = b.devices[first].serial
        for name in (first, second):  # no Accounting row can match both: keep them out of its window
            b.devices[name].purchase_date = UNMATCHABLE_PURCHASE
    for name in b.pick(_clean_servers(b), b.count("coherence.missing_asset_tag"), "coherence.missing_asset_tag"):
        b.devices[name].asset_tag = None
        b.devices[name].purchase_date = UNMATCHABLE_PURCHASE
        b.record("dns.mgmt_missing_asset_tag", [name])
    for name in b.pick(_clean_servers(b), b.count("coherence.malformed_asset_tag"), "coherence.malformed_asset_tag"):
        b.devices[name].asset_tag = b.devices[name].asset_tag.replace("WMF", "WMF-")
    for name in b.pick(
        _clean_servers(b), b.count("coherence.missing_purchase_date"), "coherence.missing_purchase_date"
    ):
        b.devices[name].purchase_date = None
    for name in b.pick(_clean_servers(b), b.count("coherence.future_purchase_date"), "coherence.future_purchase_date"):
        b.devices[name].purchase_date = "2099-01-01"
    for name in b.pick(_clean_servers(b), b.count("coherence.missing_serial"), "coherence.missing_serial"):
        b.devices[name].serial = ""
    for name in b.pick(_clean_servers(b), b.count("coherence.missing_ticket"), "coherence.missing_ticket"):
        b.devices[name].ticket = None
        b.devices[name].purchase_date = UNMATCHABLE_PURCHASE
    for i, name in enumerate(
        b.pick(_clean_servers(b), b.count("coherence.malformed_ticket"), "coherence.malformed_ticket")
    ):
        b.devices[name].ticket = ("T12", "rt1234")[i % 2]
    items = [f"{it.device}:{it.name}" for it in p.inventory_items if it.device not in b.used]
    for key in b.pick(items, b.count("coherence.malformed_inventory_desc"), "coherence.malformed_inventory_desc"):
        item = next(it for it in p.inventory_items if f"{it.device}:{it.name}" == key)
        item.description = "spare linecard"
        b.used.add(item.device)

    # ---- Network (docs/behaviour-reference.md §1.8)
    members = [d.name for d in p.devices if d.virtual_chassis and d.name not in b.used]
    keys = []
    for name in b.pick(members, b.count("network.vc_member_mismatch"), "_vc"):
        other = (b.devices[name].vc_position + 1) % 10
        b.add_iface(name, f"xe-{other}/0/47", "10gbase-x-sfpp", enabled=False)
        keys.append(f"{name}:xe-{other}/0/47")
    p.defects.pop("_vc")
    b.record("network.vc_member_mismatch", keys)
    standalone = [
        d.name
        for d in p.devices
        if d.role == "asw"
        and not d.virtual_chassis
        and b.devices[d.name].device_type in ("qfx5120-48y-8c", "ex4300-48t")
        and d.name not in b.used
    ]
    keys = []
    for name in b.pick(standalone, b.count("network.non_vc_prefix"), "_nonvc"):
        b.add_iface(name, "xe-1/0/40", "10gbase-x-sfpp", enabled=False)
        keys.append(f"{name}:xe-1/0/40")
    p.defects.pop("_nonvc")
    b.record("network.non_vc_prefix", keys)
    switches = [
        d.name
        for d in p.devices
        if d.role == "asw" and d.device_type in ("qfx5100-48s-6q", "qfx5120-48y-8c") and d.name not in b.used
    ]
    keys = []
    for name in b.pick(switches, b.count("network.duplicate_prefix"), "_dupif"):
        existing = next(
            i for i in p.interfaces if i.device == name and i.name.startswith("xe-") and i.name.endswith("/0/46")
        )
        member = existing.name.split("-")[1].split("/")[0]
        b.add_iface(name, f"ge-{member}/0/46", "1000base-t", enabled=False)
        keys.append(f"{name}:ge-{member}/0/46")
    p.defects.pop("_dupif")
    b.record("network.duplicate_prefix", keys)
    lvs = next(d for d in p.devices if d.cluster_name == "lvs" and d.status == "active")
    loop = ipaddress.ip_network(b.site_net[lvs.site]["loop4"])
    ip = b.add_ip(f"{loop.network_address + 16}/27", role="vip", assigned=("interface", lvs.name, "lo"))
    b.record("network.vip_mask_mismatch", [ip.address])
    free_ports = [
        f"{i.device}:{i.name}"
        for i in p.interfaces
        if not i.enabled
        and i.mode == "access"
        and b.devices[i.device].role == "asw"
        and i.device not in b.used
        and i.name.endswith("/0/44")
    ]
    for key in b.pick(free_ports, b.count("network.enabled_not_connected"), "network.enabled_not_connected"):
        b.ifaces[tuple(key.split(":", 1))].enabled = True
    free_ports = [k for k in free_ports if k not in b.used]
    for key in b.pick(
        free_ports, b.count("network.enabled_not_connected_nomon"), "network.enabled_not_connected_nomon"
    ):
        iface = b.ifaces[tuple(key.split(":", 1))]
        iface.enabled, iface.description = True, "no-mon: reserved for new server"
    # A per-rack VLAN whose /64 exists but is not linked to the VLAN.
    rack_vlans = [v.name for v in p.vlans if v.name.startswith("private1-e") and v.name not in b.used]
    for name in b.pick(rack_vlans, b.count("network.vlan_no_ipv6_prefix"), "network.vlan_no_ipv6_prefix"):
        next(px for px in p.prefixes if px.vlan == name and ":" in px.prefix).vlan = None
    legacy_vlans = [v.name for v in p.vlans if v.name.startswith("private1-b-") and v.name not in b.used]
    for name in b.pick(legacy_vlans, b.count("network.vlan_multiple_prefixes"), "network.vlan_multiple_prefixes"):
        vlan = b.vlans[name]
        octet = b.site_net[vlan.site]["octet"]
        p.prefixes.append(
            PrefixPlan(
                f"10.{octet}.120.0/24", vlan.site, f"{vlan.site}-row-b", vlan=name, description=f"{name} secondary"
            )
        )
    # Servers whose switch port carries another VLAN than their addresses (legacy rows: the public VLAN).
    legacy_private = [
        n
        for n in _clean_servers(b)
        if b.devices[n].rack[0] in "ACD"
        and b.site[b.devices[n].site].core
        and (n, "eno1") in b.cables_by_end
        and (
            b.ifaces[(b.cables_by_end[(n, "eno1")].b.device, b.cables_by_end[(n, "eno1")].b.name)].untagged_vlan or ""
        ).startswith("private1-")
    ]
    for name in b.pick(legacy_private, b.count("network.ip_vlan_mismatch"), "network.ip_vlan_mismatch"):
        cable = b.cables_by_end[(name, "eno1")]
        sw = b.ifaces[(cable.b.device, cable.b.name)]
        sw.untagged_vlan = sw.untagged_vlan.replace("private1-", "public1-")
    for name in b.pick(_clean_servers(b), b.count("network.mgmt_dns_mismatch"), "network.mgmt_dns_mismatch"):
        dev = b.devices[name]
        other = "codfw" if dev.site != "codfw" else "eqiad"
        _ip(b, name, "mgmt", 4).dns_name = f"{name}.mgmt.{other}.wmnet"

    def second_in_block(device: str) -> InterfacePlan | None:
        """An enabled server port whose block of 4 has another enabled port (so the types can disagree)."""
        enabled = [b.ifaces[(device, n)] for n in b.switch_ports[device] if b.ifaces[(device, n)].enabled]
        seen: dict[int, int] = defaultdict(int)
        for iface in enabled:
            block = int(iface.name.rsplit("/", 1)[1]) // 4
            seen[block] += 1
            if seen[block] == 2:
                return iface
        return None

    leafs = [
        d.name
        for d in p.devices
        if d.device_type == "qfx5120-48y-8c" and d.role == "asw" and d.name not in b.used and second_in_block(d.name)
    ]
    keys = []
    for name in b.pick(leafs, b.count("network.port_block_mismatch"), "_block"):
        second_in_block(name).type = "25gbase-x-sfp28"
        keys.append(name)
    p.defects.pop("_block")
    b.record("network.port_block_mismatch", keys)
    leafs = [
        n
        for n in [d.name for d in p.devices if d.device_type == "qfx5120-48y-8c" and d.role == "asw"]
        if n not in b.used
    ]
    for name in b.pick(leafs, b.count("network.port_invalid_name"), "network.port_invalid_name"):
        # An enabled, cabled (to a server's eno2) port whose name does not parse.
        b.add_iface(name, "xe-0/0/4x", "10gbase-x-sfpp", mtu=9192)
        rack = b.devices[name].rack
        server = next(
            (
                d.name
                for d in p.devices
                if d.is_server
                and d.rack == rack
                and d.site == b.devices[name].site
                and (d.name, "eno2") not in b.cables_by_end
                and d.name not in b.used
            ),
            None,
        )
        if server:
            b.add_cable(
                Endpoint("interface", server, "eno2"),
                Endpoint("interface", name, "xe-0/0/4x"),
                b.devices[name].site,
                "dac-passive",
                "2196f3",
            )
            b.used.add(server)
        else:  # no server to cable: leave it enabled, uncabled and say why (warning, not failure)
            b.ifaces[(name, "xe-0/0/4x")].description = "no-mon: port name typo"
    for name in b.pick(_clean_servers(b), b.count("network.primary_v4_missing"), "network.primary_v4_missing"):
        _ip(b, name, "eno1", 4).primary_of = None
    for name in b.pick(
        _clean_servers(b), b.count("network.primary_v4_dns_hostname"), "network.primary_v4_dns_hostname"
    ):
        for family in (4, 6):
            ip = _ip(b, name, "eno1", family)
            ip.dns_name = ip.dns_name.replace(f"{name}.", f"{name}-old.", 1)
    for name in b.pick(_clean_servers(b), b.count("network.primary_dns_mismatch"), "network.primary_dns_mismatch"):
        ip = _ip(b, name, "eno1", 6)
        other = "codfw" if b.devices[name].site != "codfw" else "eqiad"
        ip.dns_name = f"{name}.{other}.wmnet"
    for name in b.pick(_clean_servers(b), b.count("network.primary_v6_missing"), "network.primary_v6_missing"):
        _ip(b, name, "eno1", 6).primary_of = None
    for name in b.pick(_clean_servers(b), b.count("network.primary_v6_no_dns"), "network.primary_v6_no_dns"):
        _ip(b, name, "eno1", 6).dns_name = ""
    no_v6 = [n for n in _clean_servers(b, ipv6=False) if b.devices[n].cluster_name in NO_IPV6_CLUSTERS]
    for name in b.pick(no_v6, b.count("network.no_ipv6_cluster_dns"), "network.no_ipv6_cluster_dns"):
        ip = _ip(b, name, "eno1", 6)
        ip.dns_name = _ip(b, name, "eno1", 4).dns_name

    # ---- Ganeti (docs/behaviour-reference.md §4.4) NetBox-side parts; the RAPI side is built in _external.
    clustered = [vm.name for vm in p.virtual_machines if vm.cluster and vm.status == "active" and vm.name not in b.used]
    b.pick(clustered, b.count("ganeti.vm_missing_in_ganeti"), "ganeti.vm_missing_in_ganeti")
    b.pick(clustered, b.count("ganeti.vm_drift"), "ganeti.vm_drift")
    core_vms = [
        n
        for n in clustered
        if n not in b.used and next(v for v in p.virtual_machines if v.name == n).site in ("eqiad", "codfw")
    ]
    b.pick(core_vms, b.count("ganeti.vm_wrong_cluster"), "ganeti.vm_wrong_cluster")
    for name in b.pick(
        [n for n in clustered if n not in b.used], b.count("ganeti.primary_placeholder"), "ganeti.primary_placeholder"
    ):
        for ip in list(b.vm_ips[name]):
            p.ip_addresses.remove(ip)
        b.vm_ips[name] = []
        b.vm_iface[name].name = "##PRIMARY##"
    nodes = [n for (g, c), ns in sorted(b.cluster_nodes.items()) for n in ns if len(ns) > 1 and n not in b.used]
    for name in b.pick(nodes, b.count("ganeti.node_not_in_cluster"), "ganeti.node_not_in_cluster"):
        b.devices[name].cluster = None
    nodes = [n for (g, c), ns in sorted(b.cluster_nodes.items()) for n in ns if len(ns) > 1 and n not in b.used]
    b.pick(nodes, b.count("ganeti.device_not_a_node"), "ganeti.device_not_a_node")
    codfw = b.plan.cluster_groups[1].name
    p.clusters.append(ClusterPlan(codfw, "old_row_D", "codfw", status="decommissioning"))
    b.record("ganeti.cluster_missing_in_ganeti", [f"{codfw}/old_row_D"])
    b.record("ganeti.cluster_missing_in_netbox", [f"{codfw}/row_E"])


def _natural_lists(b: _Builder) -> None:
    """Lists of objects the reports flag by nature of the fleet (computed last, on the final state)."""
    p = b.plan
    cutoff = (REFERENCE_DATE - timedelta(days=5 * 365)).isoformat()
    legacy = [
        ipaddress.ip_network(px.prefix)
        for px in p.prefixes
        if px.vlan in {f"private1-{r}-codfw" for r in "abcd"} and ":" not in px.prefix
    ]
    primary4 = {ip.primary_of: ip for ip in p.ip_addresses if ip.primary_of and ":" not in ip.address}
    for dev in p.devices:
        ip = primary4.get(f"device:{dev.name}")
        if (
            dev.is_server
            and dev.site == "codfw"
            and dev.status == "active"
            and dev.purchase_date
            and dev.purchase_date >= cutoff
            and ip
            and any(ipaddress.ip_address(ip.address.split("/")[0]) in net for net in legacy)
        ):
            b.record("vlan_migration.legacy_vlan_servers", [dev.name])
        if dev.is_server and dev.status == "inventory":
            b.record("dns.inventory_asset_tag_only", [dev.name])
        if dev.tenant == "fr-tech":
            b.record("dns.frack", [dev.name])
    loops = [ipaddress.ip_network(b.site_net[s.slug]["loop4"]) for s in p.sites]
    for ip in p.ip_addresses:
        if (
            ip.address.endswith("/32")
            and ip.assigned
            and any(ipaddress.ip_address(ip.address[:-3]) in net for net in loops)
        ):
            b.record("dns.classless_ptr", [ip.address])
        if ip.dns_name and ip.status == "active" and ip.assigned and ip.assigned[0] == "interface":
            dev = b.devices[ip.assigned[1]]
            if dev.status not in ("active", "planned", "failed", "inventory"):
                b.record("dns.owner_not_collected", [dev.name])


def _remove_port(b: _Builder, port: PortPlan) -> None:
    _uncable(b, port.device, port.name)
    b.plan.ports.remove(port)
    b.ports.pop((port.kind, port.device, port.name), None)


def _uncable(b: _Builder, device: str, name: str) -> None:
    cable = b.cables_by_end.get((device, name))
    if cable:
        b.plan.cables.remove(cable)
        for end in (cable.a, cable.b):
            b.cables_by_end.pop((end.device, end.name), None)


def _rename_port(b: _Builder, kind: str, device: str, old: str, new: str) -> None:
    port = b.ports.pop((kind, device, old))
    port.name = new
    b.ports[(kind, device, new)] = port
    cable = b.cables_by_end.pop((device, old), None)
    if cable:
        b.cables_by_end[(device, new)] = cable
        if cable.a == Endpoint(kind, device, old):
            cable.a = Endpoint(kind, device, new)
        else:
            cable.b = Endpoint(kind, device, new)


def _rename_device(b: _Builder, old: str, new: str) -> None:
    dev = b.devices.pop(old)
    dev.name = new
    b.devices[new] = dev
    b.used.add(new)
    for iface in b.plan.interfaces:
        if iface.device == old:
            iface.device = new
    b.ifaces = {(new if d == old else d, n): i for (d, n), i in b.ifaces.items()}
    for port in b.plan.ports:
        if port.device == old:
            port.device = new
    b.ports = {(k, new if d == old else d, n): pt for (k, d, n), pt in b.ports.items()}
    for cable in b.plan.cables:
        if cable.a.device == old:
            cable.a = Endpoint(cable.a.kind, new, cable.a.name)
        if cable.b.device == old:
            cable.b = Endpoint(cable.b.kind, new, cable.b.name)
    b.cables_by_end = {(new if d == old else d, n): c for (d, n), c in b.cables_by_end.items()}
    for ip in b.plan.ip_addresses:
        if ip.assigned and ip.assigned[0] == "interface" and ip.assigned[1] == old:
            ip.assigned = ("interface", new, ip.assigned[2])
        if ip.primary_of == f"device:{old}":
            ip.primary_of = f"device:{new}"
        if ip.oob_of == old:
            ip.oob_of = new
    b.ips_by_iface = defaultdict(list, {(new if d == old else d, n): v for (d, n), v in b.ips_by_iface.items()})
    for key, value in list(b.rack_pdus.items()):
        b.rack_pdus[key] = [new if v == old else v for v in value]


def _gateways(b: _Builder) -> None:
    """The gateway addresses no server may get, where the clean pass left them out: VRRP on cr1/cr2 for the POPs'
    VLANs and the core sites' public row VLANs (as their private row VLANs have), an anycast gateway on each leaf
    switch for its rack's VLAN, the payments firewall for the fr-tech VLAN, and the management router's address in
    each row's management prefix. Added after the defects, so no defect moves; it draws nothing at random."""
    taken = {ip.address.split("/")[0] for ip in b.plan.ip_addresses}
    for site in b.plan.sites:
        s = site.slug
        for vlan in [v for v in b.plan.vlans if v.site == s]:
            prefix = ipaddress.ip_network(_vlan_v4_prefix(b, vlan.name))
            if str(prefix.network_address + 1) in taken:
                continue
            gateway = f"{prefix.network_address + 1}/{prefix.prefixlen}"
            if vlan.name.startswith("frack-"):
                b.add_iface(f"pfw3a-{s}", f"reth0.{vlan.vid}", "virtual")
                b.add_ip(gateway, assigned=("interface", f"pfw3a-{s}", f"reth0.{vlan.vid}"), tenant="fr-tech")
            elif not site.core or vlan.name.startswith("public1-"):
                group = FHRPGroupPlan(f"vrrp-{vlan.name}", "vrrp3", vlan.vid % 255)
                for i, cr in enumerate((f"cr1-{s}", f"cr2-{s}")):
                    b.add_iface(cr, f"irb.{vlan.vid}", "virtual")
                    address = f"{prefix.network_address + 2 + i}/{prefix.prefixlen}"
                    b.add_ip(address, assigned=("interface", cr, f"irb.{vlan.vid}"))
                    group.members.append((cr, f"irb.{vlan.vid}", 200 - 100 * i))
                b.plan.fhrp_groups.append(group)
                b.add_ip(gateway, role="vrrp", assigned=("fhrpgroup", group.name))
            else:
                leaf = f"lsw1-{vlan.name.split('-')[1]}-{s}"  # private1-<rack>-<site>: the rack's leaf switch
                irb = (
                    f"irb0.{vlan.vid}" if DT[b.devices[leaf].device_type].manufacturer == "Nokia" else f"irb.{vlan.vid}"
                )
                b.add_iface(leaf, irb, "virtual")
                b.add_ip(gateway, role="anycast", assigned=("interface", leaf, irb))
        for k, loc in enumerate(x for x in b.plan.locations if x.site == s):
            prefix = ipaddress.ip_network(_mgmt_prefix(b, loc.slug))
            unit = f"ae0.{2000 + k}"
            b.add_iface(f"mr1-{s}", unit, "virtual")
            b.add_ip(f"{prefix.network_address + 1}/{prefix.prefixlen}", assigned=("interface", f"mr1-{s}", unit))


# Where the servers waiting for ProvisionServerNetwork go: (site, kind of rack), in this order, as many as the scale
# asks for. "legacy" is a row-wide VLAN row (A-D, a virtual-chassis member as ToR), "leaf" a per-rack VLAN row (E-F,
# a standalone leaf), "pop" a caching site's rack.
PROVISION_SLOTS = [
    ("eqiad", "legacy"),
    ("eqiad", "leaf"),
    ("esams", "pop"),
    ("codfw", "legacy"),
    ("codfw", "leaf"),
    ("ulsfo", "pop"),
]


def _ready_to_provision(b: _Builder) -> None:
    """Planned servers as DC-ops leave them after racking, waiting for ProvisionServerNetwork
    (docs/behaviour-reference.md §2.4): racked in
    a rack with one top-of-rack switch that has free ports, no interfaces yet, or only a mgmt interface whose IP
    (with its DNS name) was allocated beforehand. Nothing else about them is unusual, so no report flags them."""
    bare = max(3, round(6 * b.scale))
    with_mgmt = max(1, round(2 * b.scale))
    slots = list(itertools.islice(itertools.cycle(PROVISION_SLOTS), bare + with_mgmt))
    for index, (site, kind) in enumerate(slots):
        rack = _provision_rack(b, site, kind)
        b.server_numbers[("mw", b.site[site].dc)] += 1
        name = f"mw{b.site[site].dc}{b.server_numbers[('mw', b.site[site].dc)]:03d}"
        dtype = "poweredge-r450-configa-202107"
        dev = b.add_device(
            name, "server", dtype, site, rack, b.place(rack, DT[dtype].u_height), status="planned", platform="linux"
        )
        dev.cluster_name = "mw"
        if index >= bare:
            b.add_iface(name, "mgmt", "1000base-t", mgmt_only=True, mac=b.mac("Dell"))
            _cable_mgmt(b, dev, "mgmt")
            _mgmt_ip(b, dev, "mgmt")
            b.record("lifecycle.ready_to_provision_mgmt", [name])
        else:
            b.record("lifecycle.ready_to_provision", [name])


def _provision_rack(b: _Builder, site: str, kind: str) -> RackPlan:
    """The first rack of ``kind`` at ``site`` with a free U and a single top-of-rack switch with a free port."""
    for rack in b.racks_by_site[site]:
        legacy_row = rack.name[0] in LEGACY_ROWS
        if (kind == "legacy" and not legacy_row) or (kind == "leaf" and legacy_row):
            continue
        switch = b.rack_switch.get((site, rack.name))
        tors = [d for d in b.plan.devices if d.rack == rack.name and d.site == site and d.role in ("asw", "cloudsw")]
        if switch and len(tors) == 1 and b.next_port[switch] < len(b.switch_ports[switch]) and b.free_u(rack) >= 1:
            return rack
    raise RuntimeError(f"no rack at {site} for a server to provision ({kind})")


FRACK_SWITCH_TYPE = "qfx5100-48s-6q"
FRACK_READY_PER_SITE = 3  # planned fr-tech servers per core site, at any scale
# The fr-tech VLANs the dual-switch rack adds: (VLAN type, VLAN id before the site's 100 * dc, role, v4 prefix).
# IPv4 only, as fundraising networks are; "{octet}"/"{mgmt}" are the site's private and management second octets.
FRACK_VLANS = (
    ("fundraising", 1041, None, "10.{octet}.97.0/24"),
    ("management", 1042, "management", "10.{mgmt}.64.0/24"),
)


def _frack_racks(b: _Builder) -> None:
    """A fundraising (fr-tech) rack per core site, as ProvisionFundraisingServerNetwork (docs/behaviour-reference.md
    §2.5) expects it: two
    active fr-tech access switches, members a and b (``fasw2-<rack>a-<site>``, ``fasw2-<rack>b-<site>``), every server
    port free; the tenant's fundraising VLAN and management VLAN (each with one IPv4 prefix, its gateway on the
    payments firewall); and planned fr-tech servers racked there without interfaces, waiting for the script.

    Added after every other pass, in its own random stream, and kept out of every defect draw (``b.used``), so nothing
    else of the fleet changes and no report flags them."""
    for site in b.plan.sites:
        if not site.core:
            continue
        s, net = site.slug, b.site_net[site.slug]
        row_c = next(loc for loc in b.plan.locations if loc.site == s and loc.row == "C")
        taken = [int(r.name[1:]) for r in b.racks_by_site[s] if r.location == row_c.slug]
        rack = RackPlan(s, row_c.slug, f"C{max(taken) + 1}")
        b.plan.racks.append(rack)
        b.racks_by_site[s].append(rack)
        b.rack_top[(s, rack.name)] = 42
        b.rack_bottom[(s, rack.name)] = 1
        new_devices = []
        pdus = []
        for n in (1, 2):
            pdu = _network_device(b, f"ps{n}-{rack.name.lower()}-{s}", "pdu", "c2x42ce", rack)
            for outlet in range(1, 25):
                b.add_port("poweroutlet", pdu.name, str(outlet))
            b.add_iface(pdu.name, "mgmt", "1000base-t", mgmt_only=True, mac=b.mac("ServerTech"))
            _mgmt_ip(b, pdu, "mgmt", primary=True)
            pdus.append(pdu.name)
        b.rack_pdus[(s, rack.name)] = pdus
        new_devices += pdus
        for member in ("a", "b"):
            switch = _network_device(
                b, f"fasw2-{rack.name.lower()}{member}-{s}", "asw", FRACK_SWITCH_TYPE, rack, tenant="fr-tech"
            )
            b.add_iface(switch.name, "em0", "1000base-t", mgmt_only=True, mac=b.mac("Juniper"))
            _mgmt_ip(b, switch, "em0", primary=True)
            for port in range(48):
                # Unused ports stay disabled (clean for the Network report), as on every other switch.
                b.add_iface(switch.name, f"xe-0/0/{port}", "10gbase-x-sfpp", enabled=False, mtu=9192, mode="access")
            new_devices.append(switch.name)
        for vlan_type, vid, role, v4 in FRACK_VLANS:
            name = f"frack-{vlan_type}1-c-{s}"
            prefix = v4.format(octet=net["octet"], mgmt=net["octet"] + 1)
            vlan = VLANPlan(name, vid + 100 * site.dc, s, tenant="fr-tech", role=role)
            b.vlans[name] = vlan
            b.plan.vlans.append(vlan)
            b.plan.prefixes.append(
                PrefixPlan(prefix, s, row_c.slug, vlan=name, role=role, tenant="fr-tech", description=name)
            )
            network = ipaddress.ip_network(prefix)
            b.add_iface(f"pfw3a-{s}", f"reth0.{vlan.vid}", "virtual")
            b.add_ip(
                f"{network.network_address + 1}/{network.prefixlen}",
                assigned=("interface", f"pfw3a-{s}", f"reth0.{vlan.vid}"),
                tenant="fr-tech",
            )
        for k in range(FRACK_READY_PER_SITE):
            cluster = FRACK_CLUSTERS[k % len(FRACK_CLUSTERS)]
            b.server_numbers[(cluster, site.dc)] += 1
            name = f"{cluster}{site.dc}{b.server_numbers[(cluster, site.dc)]:03d}"
            dtype = "poweredge-r440"
            dev = b.add_device(
                name,
                "server",
                dtype,
                s,
                rack,
                b.place(rack, DT[dtype].u_height),
                status="planned",
                tenant="fr-tech",
                platform="linux",
            )
            dev.cluster_name = cluster
            new_devices.append(name)
            b.record("lifecycle.ready_to_provision_frack", [name])
        b.used.update(new_devices)


# ------------------------------------------------------------------------------------------- external systems


def _external(b: _Builder) -> None:
    b.plan.external = {
        "puppetdb": _puppetdb(b),
        "librenms": _librenms(b),
        "accounting": _accounting(b),
        "ganeti": _ganeti(b),
    }
    with b.substream("juniper"):
        b.plan.external["juniper"] = _juniper(b)


def _puppetdb(b: _Builder) -> dict[str, dict]:
    """The PuppetDB microservice's answer per fact (``GET /v1/facts/<fact>`` → {short host: value})."""
    p = b.plan
    facts: dict[str, dict] = {"is_virtual": {}, "serialnumber": {}, "productname": {}, "manufacturer": {}}
    physical = [d for d in p.devices if d.is_server and d.tenant is None and d.status in ("active", "failed")]
    for dev in physical:
        facts["is_virtual"][dev.name] = False
        if dev.serial:
            facts["serialnumber"][dev.name] = dev.serial
        facts["productname"][dev.name] = DT[dev.device_type].model.split(" - ")[0]
        facts["manufacturer"][dev.name] = "Dell Inc." if DT[dev.device_type].manufacturer == "Dell" else "HPE"
    for vm in p.virtual_machines:
        if vm.status != "offline" and vm.tenant is None:
            facts["is_virtual"][vm.name] = True
    clean = [d.name for d in physical if d.name not in b.used and d.status == "active" and d.cluster_name != "ganeti"]
    for name in b.pick(
        clean, b.count("puppetdb.device_missing_from_puppetdb"), "puppetdb.device_missing_from_puppetdb"
    ):
        for fact in facts.values():
            fact.pop(name, None)
    for name in b.pick(clean, b.count("puppetdb.device_marked_virtual"), "puppetdb.device_marked_virtual"):
        facts["is_virtual"][name] = True
        b.record("puppetdb.vm_missing_from_netbox", [name])
    for name in b.pick(clean, b.count("puppetdb.model_mismatch"), "puppetdb.model_mismatch"):
        facts["productname"][name] = "PowerEdge R630"
    for name in b.pick(clean, b.count("puppetdb.serial_mismatch"), "puppetdb.serial_mismatch"):
        facts["serialnumber"][name] = facts["serialnumber"][name][::-1] + "X"
    decom = [
        d.name
        for d in p.devices
        if d.is_server and d.tenant is None and d.status == "decommissioning" and d.name not in b.used
    ]
    if len(decom) < b.count("puppetdb.device_unexpected_state"):
        extra = b.pick(_clean_servers(b), b.count("puppetdb.device_unexpected_state") - len(decom), "_decom")
        b.plan.defects.pop("_decom")
        b.used.difference_update(extra)
        for name in extra:
            _set_server_status(b, b.devices[name], "decommissioning")
            b.record("dns.owner_not_collected", [name])
        decom += extra
    for name in b.pick(decom, b.count("puppetdb.device_unexpected_state"), "puppetdb.device_unexpected_state"):
        dev = b.devices[name]
        facts["is_virtual"][name] = False
        facts["serialnumber"][name] = dev.serial
        facts["productname"][name] = DT[dev.device_type].model.split(" - ")[0]
    for i in range(b.count("puppetdb.device_missing_from_netbox")):
        host = f"sretest{1001 + i}"
        facts["is_virtual"][host] = False
        b.record("puppetdb.device_missing_from_netbox", [host])
    vms = [vm.name for vm in p.virtual_machines if vm.name in facts["is_virtual"] and vm.name not in b.used]
    for name in b.pick(vms, b.count("puppetdb.vm_missing_from_puppetdb"), "puppetdb.vm_missing_from_puppetdb"):
        facts["is_virtual"].pop(name)
    for name in b.pick(vms, b.count("puppetdb.vm_marked_physical"), "puppetdb.vm_marked_physical"):
        facts["is_virtual"][name] = False
        b.record("puppetdb.device_missing_from_netbox", [name])
    for i in range(b.count("puppetdb.vm_missing_from_netbox")):
        host = f"testvm{1001 + i}"
        facts["is_virtual"][host] = True
        b.record("puppetdb.vm_missing_from_netbox", [host])
    return {fact: dict(sorted(values.items())) for fact, values in facts.items()}


LNMS_ROLES = ("asw", "msw", "cr", "mr", "pfw", "pdu", "scs", "cloudsw")


def _librenms(b: _Builder) -> dict[str, list[dict]]:
    """LibreNMS MySQL rows: ``devices`` (monitored devices) and ``entPhysical`` (their inventory, VC members)."""
    p = b.plan
    devices, ent = [], []
    in_scope = [d for d in p.devices if d.role in LNMS_ROLES and d.status in ("active", "staged") and d.serial]
    masters = {vc: master for vc, master, _ in p.virtual_chassis}
    master_ids = {}
    clean = [d.name for d in in_scope if d.name not in b.used and not d.virtual_chassis and d.role != "scs"]
    missing = set(b.pick(clean, b.count("librenms.netbox_device_missing"), "librenms.netbox_device_missing"))
    no_ip = set(
        b.pick(
            [d for d in clean if b.devices[d].role == "pdu" and d not in b.used],
            b.count("librenms.netbox_device_missing_no_ip"),
            "librenms.netbox_device_missing_no_ip",
        )
    )
    for name in no_ip:
        for ip in b.plan.ip_addresses:
            if ip.primary_of == f"device:{name}":
                ip.primary_of = None
    model_mismatch = set(
        b.pick(
            [
                d
                for d in clean
                if d not in b.used
                and b.devices[d].role == "asw"
                and DT[b.devices[d].device_type].manufacturer == "Juniper"
            ],
            b.count("librenms.device_model_mismatch"),
            "librenms.device_model_mismatch",
        )
    )
    for dev in in_scope:
        if dev.name in missing or dev.name in no_ip:
            continue
        dt = DT[dev.device_type]
        vendor = dt.manufacturer.lower()
        if dev.virtual_chassis and masters.get(dev.virtual_chassis) != dev.name:
            continue  # members are inventory of their master, below
        hardware = dt.model.lower() if dev.name not in model_mismatch else "ex2300-48t"
        device_id = len(devices) + 1
        master_ids[dev.name] = device_id
        devices.append(
            {
                "id": device_id,
                "hardware": hardware,
                "serial": dev.serial,
                "hostname": f"{dev.name}.mgmt.{dev.site}.wmnet",
                "ignore": 0,
                "description": f"{'Juniper Networks, Inc.' if vendor == 'juniper' else dt.manufacturer} "
                f"{dt.model.lower() if dev.name not in model_mismatch else 'ex2300-48t'}",
            }
        )
    inv_mismatch = set(
        b.pick(
            [
                d.name
                for d in in_scope
                if d.virtual_chassis and masters[d.virtual_chassis] != d.name and d.name not in b.used
            ],
            b.count("librenms.inventory_model_mismatch"),
            "librenms.inventory_model_mismatch",
        )
    )
    for dev in in_scope:
        if dev.virtual_chassis and masters.get(dev.virtual_chassis) != dev.name:
            model = "qfx5200-32c" if dev.name in inv_mismatch else DT[dev.device_type].model.lower()
            ent.append(
                {
                    "id": len(ent) + 1,
                    "description": f"{model} chassis",
                    "serial": dev.serial,
                    "model": model,
                    "vendor": "juniper",
                }
            )
    items = [
        f"{it.device}:{it.name}"
        for it in p.inventory_items
        if it.device not in b.used and b.devices[it.device].status in ("active", "staged")
    ]
    missing_items = set(b.pick(items, b.count("librenms.inventory_missing"), "librenms.inventory_missing"))
    for it in p.inventory_items:
        if f"{it.device}:{it.name}" not in missing_items and it.device not in missing | no_ip:
            ent.append(
                {
                    "id": len(ent) + 1,
                    "description": it.part_id.lower(),
                    "serial": it.serial,
                    "model": it.name.lower(),
                    "vendor": "juniper",
                }
            )
    for i in range(b.count("librenms.device_missing_from_netbox")):
        serial = f"WSGHOST{i:04d}"
        devices.append(
            {
                "id": len(devices) + 1,
                "hardware": "ex4300-48t",
                "serial": serial,
                "hostname": f"asw-old{i + 1}.mgmt.eqiad.wmnet",
                "ignore": 0,
                "description": "Juniper Networks, Inc. ex4300-48t",
            }
        )
        b.record("librenms.device_missing_from_netbox", [serial])
    return {"devices": devices, "entPhysical": ent}


ACCOUNTING_HEADER = ["Date", "Serial Number", "Asset Tag#", "RT#", "Vendor", "Description"]


def _accounting(b: _Builder) -> dict[str, list[list[str]]]:
    """The Accounting sheet ranges as the Sheets API returns ``values`` (FORMULA rendering: all strings)."""
    p = b.plan
    window_start = "2017-07-01"
    window_end = (REFERENCE_DATE - timedelta(days=90)).isoformat()
    rows: list[list[str]] = []
    # Devices whose NetBox data cannot match any sheet row (no serial, asset tag or ticket; duplicated serial) are
    # left out of the sheet and their purchase date moved before the window, so they only show where planted.
    unmatchable = set()
    for key in ("coherence.missing_asset_tag", "coherence.missing_ticket", "coherence.duplicate_serial"):
        unmatchable.update(p.defects.get(key, []))
    sheet_devices = [
        d for d in p.devices if d.serial and d.asset_tag and d.name not in unmatchable and not d.remove_after_load
    ]
    candidates = [
        d.name
        for d in sheet_devices
        if d.name not in b.used
        and d.purchase_date
        and window_start <= d.purchase_date <= window_end
        and d.is_server
        and d.status == "active"
    ]
    left_out = set(b.pick(candidates, b.count("accounting.missing_in_accounting"), "accounting.missing_in_accounting"))
    tag_mismatch = set(b.pick(candidates, b.count("accounting.asset_tag_mismatch"), "accounting.asset_tag_mismatch"))
    ticket_mismatch = set(b.pick(candidates, b.count("accounting.ticket_mismatch"), "accounting.ticket_mismatch"))
    swap = next(d for d in sheet_devices if d.name not in b.used and d.is_server)
    b.used.add(swap.name)
    old_serial = swap.serial[::-1]
    formula = next(d for d in sheet_devices if d.name not in b.used and d.is_server)
    b.used.add(formula.name)
    for dev in sheet_devices:
        if dev.name in left_out:
            continue
        day = date.fromisoformat(dev.purchase_date or "2016-01-15")
        tag = dev.asset_tag
        if dev.name in tag_mismatch:
            tag = f"WMF{(int(tag[3:]) + 1) % 9000 + 1000:04d}" if tag[3:].isdigit() else "WMF0000"
        if dev is formula:
            tag = f'=NETBOX("{dev.serial}")'
        ticket = dev.ticket or ""
        if dev.name in ticket_mismatch:
            ticket = f"T{b.rng.randrange(400000, 499999)}"
        serial = old_serial if dev is swap else dev.serial
        rows.append(
            [day.strftime("%m/%d/%Y"), serial, tag, ticket, DT[dev.device_type].manufacturer, DT[dev.device_type].model]
        )
    extra = []
    for i in range(b.count("accounting.missing_in_netbox")):
        serial = f"GHOST{i:03d}"
        extra.append(["03/15/2021", serial, f"WMF{9990 + i}", "T200000", "Dell", "PowerEdge R440"])
        b.record("accounting.missing_in_netbox", [serial])
    dup = rows[0][:]
    extra.append(dup)  # the same serial again: the report renames it '<serial> (duplicate)' and cannot find it
    b.record("accounting.duplicate_row", [f"{dup[1]} (duplicate)"])
    extra.append(["13/45/2020", "BADDATE1", "WMF9980", "T200001", "Dell", "PowerEdge R440"])
    b.record("accounting.invalid_row", ["BADDATE1"])
    extra += [
        ["06/01/2019", "RETURNED1", "WMF9970", "T200002", "Dell", "PowerEdge R440"],
        ["07/01/2019", "RETURNED1", "Return", "T200002", "Dell", "PowerEdge R440"],  # deletes the row above
        ["06/01/2019", "NOTTRACKED1", "WMFNA", "T200003", "Dell", "Rail kit"],  # WMFNA: deliberately untracked
        ["06/01/2019", "N/A", "WMF9971", "T200004", "Dell", "Cable"],  # N/A serial: skipped
        ["06/01/2019", "RECYCLED1", "WMF9972", "T200005", "Dell", "PowerEdge R430"],  # recycled: excluded
    ]
    include = [["Data Center Equipment Asset Tags"], ACCOUNTING_HEADER, *rows, *extra]
    exclude = [["Serial Number"], ["RECYCLED1"]]
    swaps = [
        ["Motherboard swaps"],
        ["Asset Tag#", "Old SN", "New SN", "Additional Notes", "Task"],
        [swap.asset_tag, old_serial, swap.serial, "board replaced", "T300001"],
    ]
    return {"include": include, "exclude": exclude, "motherboard_swaps": swaps}


def _ganeti(b: _Builder) -> dict[str, dict]:
    """Per sync profile: the Ganeti RAPI ``groups?bulk=1`` and ``instances?bulk=1`` answers."""
    p = b.plan
    out: dict[str, dict] = {}
    defects = p.defects
    missing = set(defects["ganeti.vm_missing_in_ganeti"])
    drift = set(defects["ganeti.vm_drift"])
    wrong = set(defects["ganeti.vm_wrong_cluster"])
    not_node = set(defects["ganeti.device_not_a_node"])
    for group in p.cluster_groups:
        site = group.site
        fqdn = f".{site}.wmnet"
        clusters = [c for c in p.clusters if c.group == group.name and c.status == "active"]
        groups = []
        for cluster in clusters:
            nodes = [n for n in b.cluster_nodes[(group.name, cluster.name)] if n not in not_node]
            groups.append({"name": cluster.name, "node_list": sorted(n + fqdn for n in nodes)})
        if f"{group.name}/row_E" in defects["ganeti.cluster_missing_in_netbox"]:
            groups.append({"name": "row_E", "node_list": []})
        instances = []
        for vm in p.virtual_machines:
            if vm.cluster is None or vm.cluster[0] != group.name or vm.name in missing:
                continue
            cluster = vm.cluster[1]
            if vm.name in wrong:
                others = [c.name for c in clusters if c.name != cluster]
                cluster = others[0]
            nodes = [n for n in b.cluster_nodes[(group.name, cluster)] if n not in not_node]
            vcpus, memory, disk, up = vm.vcpus, vm.memory, vm.disk, vm.status == "active"
            if vm.name in drift:
                vcpus, memory = vcpus * 2, memory * 2
            instances.append(
                {
                    "name": vm.name + fqdn,
                    "beparams": {"vcpus": vcpus, "memory": memory},
                    "disk.sizes": [disk],
                    "admin_state": "up" if up else "down",
                    "pnode": nodes[len(instances) % len(nodes)] + fqdn,
                }
            )
        out[group.name] = {
            "site": site,
            "cluster": f"ganeti01.svc.{site}.wmnet",
            "groups": groups,
            "instances": instances,
        }
    # Instances that exist only in Ganeti.
    for i in range(b.count("ganeti.vm_missing_in_netbox")):
        group = p.cluster_groups[i % 2]
        site = group.site
        name = f"newvm{b.site[site].dc}{i + 1:03d}"
        node = out[group.name]["groups"][0]["node_list"][0]
        out[group.name]["instances"].append(
            {
                "name": f"{name}.{site}.wmnet",
                "beparams": {"vcpus": 2, "memory": 4096},
                "disk.sizes": [20480],
                "admin_state": "up",
                "pnode": node,
            }
        )
        b.record("ganeti.vm_missing_in_netbox", [name])
    # Node assignments: nodes whose device lost its cluster are still in the RAPI list (done above).
    return out


JUNIPER_HEADER = [
    "Serial #",
    "Product Name",
    "Product Description",
    "Install City",
    "Install Country",
    "Status",
    "Contract End Date",
    "Service Level",
]
JUNIPER_STATUSES_IGNORED = ("offline", "decommissioning")
# Installed-base rows of products NetBox does not track (optics, power supplies, licences): the report skips them.
JUNIPER_UNTRACKED = [
    ("QFX-QSFP-40G-SR4", "QSFP+ 40GBASE-SR4 optic"),
    ("PWR-MX480-2520-AC", "MX480 AC power supply"),
    ("S-MX104-ADV-R2", "MX104 advanced routing licence"),
]


def _juniper(b: _Builder) -> list[list[str]]:
    """The vendor portal's installed-base export: one row per Juniper device and Juniper inventory item with a
    serial, at its site's city and under support, except where a ``juniper.*`` defect says otherwise."""
    p = b.plan
    country = {"eqiad": "US", "codfw": "US", "ulsfo": "US", "esams": "NL", "drmrs": "FR", "eqsin": "SG", "magru": "BR"}
    devices = [
        d for d in p.devices if DT[d.device_type].manufacturer == "Juniper" and d.serial and not d.remove_after_load
    ]
    retired = [d.name for d in devices if d.status in JUNIPER_STATUSES_IGNORED]
    clean = [d.name for d in devices if d.status not in JUNIPER_STATUSES_IGNORED and d.name not in b.used]
    left_out = set(
        b.pick(
            clean, b.count("juniper.device_missing_from_installed_base"), "juniper.device_missing_from_installed_base"
        )
    )
    moved = set(b.pick(clean, b.count("juniper.city_mismatch"), "juniper.city_mismatch"))
    expired = set(b.pick(clean, b.count("juniper.support_missing"), "juniper.support_missing"))
    both = set(b.pick(clean, b.count("juniper.city_and_support_mismatch"), "juniper.city_and_support_mismatch"))
    cities = [SITE_ADDRESSES[s.slug][1] for s in p.sites]

    def row(serial: str, product: str, description: str, site: str, name: str) -> list[str]:
        city = SITE_ADDRESSES[site][1]
        status, contract_end = "Active", "2027-06-30"
        if name in moved | both:
            city = next(c for c in cities[::-1] if c != city)
        if name in expired | both or name in retired:  # retired: support lapsed on purpose, not flagged
            status, contract_end = "Expired", "2024-12-31"
        return [serial, product, description, city, country[site], status, contract_end, "SVC-CORE"]

    rows = [JUNIPER_HEADER]
    for dev in devices:
        if dev.name not in left_out:
            model = DT[dev.device_type].model
            rows.append(row(dev.serial, model.upper(), f"{model} chassis", dev.site, dev.name))
    juniper_hosts = {d.name: d for d in devices}
    items = [
        it for it in p.inventory_items if it.manufacturer == "Juniper" and it.serial and it.device in juniper_hosts
    ]
    free = [
        f"{it.device}:{it.name}"
        for it in items
        if it.device not in b.used
        and f"{it.device}:{it.name}" not in b.used
        and juniper_hosts[it.device].status not in JUNIPER_STATUSES_IGNORED
    ]
    items_left_out = set(
        b.pick(
            free,
            b.count("juniper.inventory_missing_from_installed_base"),
            "juniper.inventory_missing_from_installed_base",
        )
    )
    for it in items:
        if f"{it.device}:{it.name}" not in items_left_out:
            rows.append(row(it.serial, it.part_id, it.name, juniper_hosts[it.device].site, ""))
    for i, (product, description) in enumerate(JUNIPER_UNTRACKED):
        serial = f"WSUNTRK{i:04d}"
        rows.append([serial, product, description, "Ashburn", "US", "Active", "2027-06-30", "SVC-CORE"])
        b.record("juniper.untracked_product", [serial])
    rows.append(["", "JNP-SFP-10G-LR", "spare optic, no serial", "Ashburn", "US", "Active", "", ""])
    for i in range(b.count("juniper.device_missing_from_netbox")):
        serial = f"WSGONE{i:05d}"
        rows.append([serial, "EX4300-48T", "EX4300-48T chassis", "Ashburn", "US", "Active", "2027-06-30", "SVC-CORE"])
        b.record("juniper.device_missing_from_netbox", [serial])
    return rows
