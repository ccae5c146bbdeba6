"""The records a FleetPlan is made of: plain dataclasses, no Django.

Objects refer to each other by name (a device by its name, an interface by ``(device, name)``, a VLAN by its name),
which keeps the plan printable, comparable and independent of database ids. The loader resolves the names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class SitePlan:
    slug: str
    name: str
    dc: int  # the DC number: the first digit of server numbers (eqiad=1 ... magru=7)
    core: bool  # core sites have many rows; POPs are small caching sites
    time_zone: str
    facility: str
    physical_address: str = ""  # what the Juniper installed base's "Install City" is matched against


@dataclass
class LocationPlan:
    """A row (or cage) of a site."""

    site: str
    slug: str
    name: str
    row: str  # "A", "B", ... for core sites, "1", "2" for POPs


@dataclass
class RackPlan:
    site: str
    location: str  # LocationPlan.slug
    name: str  # "A1", "E3", "1"...
    u_height: int = 42


@dataclass
class DeviceTypePlan:
    manufacturer: str
    model: str
    slug: str
    u_height: int
    part_number: str = ""


@dataclass
class DevicePlan:
    name: str
    role: str
    device_type: str  # DeviceTypePlan.slug
    site: str
    location: str | None  # LocationPlan.slug
    rack: str | None  # RackPlan.name (unique per site)
    position: int | None
    status: str
    serial: str
    asset_tag: str | None
    purchase_date: str | None  # ISO date, stored in the custom field
    ticket: str | None
    tenant: str | None = None
    platform: str | None = None
    virtual_chassis: str | None = None
    vc_position: int | None = None
    vc_priority: int | None = None
    cluster: tuple[str, str] | None = None  # (cluster group, cluster name)
    face: str | None = None
    cluster_name: str = ""  # WMF server "cluster" prefix (mw, db, cp...); "" for network gear
    remove_after_load: bool = False  # deleted the NetBox way after cabling (leaves unterminated cables)

    @property
    def is_server(self) -> bool:
        return self.role == "server"


@dataclass
class InterfacePlan:
    device: str
    name: str
    type: str
    enabled: bool = True
    mgmt_only: bool = False
    mac: str | None = None
    description: str = ""
    mode: str | None = None  # access / tagged
    untagged_vlan: str | None = None  # VLANPlan.name
    mtu: int | None = None


@dataclass
class PortPlan:
    """A console port, console server port, power port or power outlet."""

    kind: str  # consoleport | consoleserverport | powerport | poweroutlet
    device: str
    name: str


@dataclass
class InventoryItemPlan:
    device: str
    name: str
    manufacturer: str
    part_id: str
    serial: str
    description: str


@dataclass(frozen=True)
class Endpoint:
    kind: str  # interface | consoleport | consoleserverport | powerport | poweroutlet
    device: str
    name: str

    def __str__(self) -> str:
        return f"{self.device}:{self.name}"


@dataclass
class CablePlan:
    a: Endpoint
    b: Endpoint
    label: str
    type: str = ""
    color: str = ""
    status: str = "connected"

    @property
    def key(self) -> str:
        """How defects name a cable: its A end (unique, labels may be blank or duplicated)."""
        return str(self.a)


@dataclass
class VLANPlan:
    name: str
    vid: int
    site: str
    group: str = "production"
    status: str = "active"
    tenant: str | None = None
    role: str | None = None  # a PREFIX_ROLES slug (NetBox's IPAM roles serve prefixes and VLANs)


@dataclass
class PrefixPlan:
    prefix: str
    site: str | None  # scope: the site (or, with ``location``, the row); None = global
    location: str | None = None
    vlan: str | None = None
    role: str | None = None
    status: str = "active"
    description: str = ""
    is_pool: bool = False
    tenant: str | None = None


@dataclass
class IPPlan:
    address: str  # with mask
    dns_name: str = ""
    status: str = "active"
    role: str | None = None
    # ("interface", device, name) | ("vminterface", vm, name) | ("fhrpgroup", group name) | None
    assigned: tuple[str, ...] | None = None
    description: str = ""
    tenant: str | None = None
    primary_of: str | None = None  # "device:<name>" or "vm:<name>": set as primary_ip4/6
    oob_of: str | None = None  # device name whose oob_ip this is


@dataclass
class FHRPGroupPlan:
    name: str
    protocol: str
    group_id: int
    members: list[tuple[str, str, int]] = field(default_factory=list)  # (device, interface, priority)


@dataclass
class ClusterGroupPlan:
    name: str
    slug: str
    site: str


@dataclass
class ClusterPlan:
    group: str
    name: str
    site: str
    type: str = "ganeti"
    status: str = "active"


@dataclass
class VMPlan:
    name: str
    site: str
    cluster: tuple[str, str] | None  # (group, name)
    status: str
    vcpus: int
    memory: int  # MB
    disk: int  # MB (NetBox >= 4.1 stores MB)
    role: str = "server"
    tenant: str | None = None


@dataclass
class VMInterfacePlan:
    vm: str
    name: str
    mac: str | None = None


@dataclass
class FleetPlan:
    """Everything ``load.py`` creates, plus what external systems would say about it.

    ``defects`` maps a stable id (see ``defects.DEFECTS``) to the names of the objects the matching report must flag.
    ``external`` holds the data the reports compare NetBox against, in each system's wire format: ``puppetdb``
    (fact → {host: value}), ``librenms`` (``devices`` / ``entPhysical`` rows), ``accounting`` (the Google Sheet
    ranges as Sheets API ``values``), ``ganeti`` (profile → RAPI ``instances?bulk=1`` / ``groups?bulk=1``).
    """

    scale: float
    seed: int
    sites: list[SitePlan] = field(default_factory=list)
    locations: list[LocationPlan] = field(default_factory=list)
    racks: list[RackPlan] = field(default_factory=list)
    manufacturers: list[str] = field(default_factory=list)
    device_types: list[DeviceTypePlan] = field(default_factory=list)
    device_roles: list[tuple[str, str, str]] = field(default_factory=list)  # (slug, name, color)
    prefix_roles: list[tuple[str, str]] = field(default_factory=list)  # (slug, name)
    tenants: list[tuple[str, str]] = field(default_factory=list)  # (slug, name)
    platforms: list[tuple[str, str]] = field(default_factory=list)  # (slug, name)
    devices: list[DevicePlan] = field(default_factory=list)
    virtual_chassis: list[tuple[str, str, str]] = field(default_factory=list)  # (name, master device, domain)
    interfaces: list[InterfacePlan] = field(default_factory=list)
    ports: list[PortPlan] = field(default_factory=list)
    inventory_items: list[InventoryItemPlan] = field(default_factory=list)
    cables: list[CablePlan] = field(default_factory=list)
    vlans: list[VLANPlan] = field(default_factory=list)
    prefixes: list[PrefixPlan] = field(default_factory=list)
    ip_addresses: list[IPPlan] = field(default_factory=list)
    fhrp_groups: list[FHRPGroupPlan] = field(default_factory=list)
    cluster_groups: list[ClusterGroupPlan] = field(default_factory=list)
    clusters: list[ClusterPlan] = field(default_factory=list)
    virtual_machines: list[VMPlan] = field(default_factory=list)
    vm_interfaces: list[VMInterfacePlan] = field(default_factory=list)
    defects: dict[str, list[str]] = field(default_factory=dict)
    external: dict[str, Any] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        """Object counts as they will be in NetBox once loaded (devices removed after cabling excluded)."""
        removed = {d.name for d in self.devices if d.remove_after_load}
        return {
            "sites": len(self.sites),
            "locations": len(self.locations),
            "racks": len(self.racks),
            "devices": len(self.devices) - len(removed),
            "interfaces": sum(1 for i in self.interfaces if i.device not in removed),
            "console_ports": sum(1 for p in self.ports if p.kind == "consoleport" and p.device not in removed),
            "console_server_ports": sum(
                1 for p in self.ports if p.kind == "consoleserverport" and p.device not in removed
            ),
            "power_ports": sum(1 for p in self.ports if p.kind == "powerport" and p.device not in removed),
            "power_outlets": sum(1 for p in self.ports if p.kind == "poweroutlet" and p.device not in removed),
            "inventory_items": len(self.inventory_items),
            "cables": len(self.cables),
            "vlans": len(self.vlans),
            "prefixes": len(self.prefixes),
            "ip_addresses": len(self.ip_addresses),
            "mac_addresses": sum(1 for i in self.interfaces if i.mac and i.device not in removed)
            + sum(1 for i in self.vm_interfaces if i.mac),
            "fhrp_groups": len(self.fhrp_groups),
            "cluster_groups": len(self.cluster_groups),
            "clusters": len(self.clusters),
            "virtual_machines": len(self.virtual_machines),
            "vm_interfaces": len(self.vm_interfaces),
        }
