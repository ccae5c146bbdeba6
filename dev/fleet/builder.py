"""The plan under construction (``FleetBuilder``): the indexes the passes share (devices, interfaces, cables, IPs by
name), the random stream, and the primitives every pass uses to add objects, allocate addresses, rack devices and
pick clean objects for a seeded defect. Pure Python, no Django."""

from __future__ import annotations

import ipaddress
import itertools
import random
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

from .conventions import DT, OUI, SiteSpec, scaled
from .defects import DEFECTS
from .model import (
    CablePlan,
    DevicePlan,
    Endpoint,
    FleetPlan,
    InterfacePlan,
    IPPlan,
    PortPlan,
    PrefixPlan,
    RackPlan,
    SitePlan,
    VLANPlan,
    VMInterfacePlan,
)


class FleetBuilder:
    def __init__(self, scale: float, seed: int):
        if scale <= 0:
            raise ValueError("scale must be > 0")
        self.scale = scale
        # Per-site sizes follow the scale up to 1.0; above it the fleet grows by sites of scale 1.0's size, while
        # the defect counts (``count``) keep following ``scale``.
        self.site_scale = min(scale, 1.0)
        self.spec: dict[str, SiteSpec] = {}
        self.rng = random.Random(seed)
        self.plan = FleetPlan(scale=scale, seed=seed)
        self.devices: dict[str, DevicePlan] = {}
        self.ifaces: dict[tuple[str, str], InterfacePlan] = {}
        self.iface_names: dict[str, list[str]] = defaultdict(list)  # per device, in the order added
        self.first_prefix: dict[tuple[str, str], PrefixPlan] = {}  # see clean_fleet._first_prefix
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
        # WMF<4 digits>; a fleet above scale 1.0 outgrows them and continues with WMF<5 digits> (own random stream).
        self.asset_tags = itertools.chain(self.rng.sample(range(1000, 10000), 9000), _five_digit_tags(seed))
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
        self.iface_names[device].append(name)
        self.plan.interfaces.append(iface)
        return iface

    def device_ips(self, device: str) -> list[IPPlan]:
        """The addresses assigned to the device's interfaces (per interface, in the order the interfaces were added)."""
        return [ip for name in self.iface_names[device] for ip in self.ips_by_iface.get((device, name), ())]

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


def _five_digit_tags(seed: int) -> Iterator[int]:
    yield from random.Random(f"{seed}:asset-tags").sample(range(10000, 100000), 90000)


def discard(items: list, item: object) -> None:
    """Remove ``item`` itself (not an equal object) from ``items``, searching from the end, where the objects a pass
    changes its mind about usually are. A plan's lists hold no two equal objects, so this is ``items.remove(item)``
    without comparing dataclasses field by field across the whole list."""
    for index in range(len(items) - 1, -1, -1):
        if items[index] is item:
            del items[index]
            return
    raise ValueError(f"{item!r} is not in the list")
