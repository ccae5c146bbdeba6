"""The clean fleet, before any defect: organisation, sites with their rows, racks and address plan, power and
console, the network gear, servers, Ganeti clusters and VMs, the DNS generator's natural edge cases, and the passes
that run after the defects (gateway addresses, servers waiting for provisioning, the fr-tech racks). Pure Python."""

from __future__ import annotations

import ipaddress
import itertools
from collections import defaultdict
from collections.abc import Callable

from .builder import FleetBuilder, discard
from .conventions import (
    CLOUD_CLUSTERS,
    CORE_CLUSTERS,
    CORE_ROWS,
    DEVICE_ROLES,
    DEVICE_TYPES,
    DT,
    FRACK_CLUSTERS,
    LEGACY_ROWS,
    MANUFACTURERS,
    NO_IPV6_CLUSTERS,
    POP_CLUSTERS,
    POP_ROWS,
    PREFIX_ROLES,
    RACKS_PER_CORE_ROW,
    RACKS_PER_POP_ROW,
    SERVER_STATUS_WEIGHTS,
    SERVERS_PER_ADDED_CORE_SITE,
    SERVERS_PER_POP,
    SERVERS_PER_SITE,
    SITES,
    VM_CLUSTERS,
    VMS_PER_ADDED_CORE_SITE,
    VMS_PER_POP,
    VMS_PER_SITE,
    SiteSpec,
    scaled,
    v6_from_v4,
)
from .model import (
    ClusterGroupPlan,
    ClusterPlan,
    DevicePlan,
    Endpoint,
    FHRPGroupPlan,
    InventoryItemPlan,
    IPPlan,
    LocationPlan,
    PrefixPlan,
    RackPlan,
    SitePlan,
    VLANPlan,
    VMInterfacePlan,
    VMPlan,
)


def plan_organisation(b: FleetBuilder) -> None:
    p = b.plan
    p.manufacturers = list(MANUFACTURERS)
    p.device_types = list(DEVICE_TYPES)
    p.device_roles = list(DEVICE_ROLES)
    p.prefix_roles = list(PREFIX_ROLES)
    p.tenants = [("fr-tech", "Fundraising Tech")]
    p.platforms = [("linux", "Linux"), ("junos", "Junos"), ("sr-linux", "SR Linux")]


def plan_site(b: FleetBuilder, spec: SiteSpec) -> None:
    slug, dc, core, octet, public, v6 = spec.slug, spec.dc, spec.core, spec.octet, spec.public, spec.v6
    site = SitePlan(slug, slug, dc, core, spec.time_zone, spec.facility, spec.address)
    b.spec[slug] = spec
    b.site[slug] = site
    b.plan.sites.append(site)
    net = {"octet": octet, "public": ipaddress.ip_network(public), "v6": ipaddress.ip_network(v6)}
    b.site_net[slug] = net
    # Supernets: containers scoped to the site.
    b.plan.prefixes += [
        PrefixPlan(spec.private, slug, status="container", description=f"{slug} private"),
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
            n_racks = scaled(RACKS_PER_CORE_ROW, b.site_scale, minimum=2 if legacy else 1)
        else:
            n_racks = scaled(RACKS_PER_POP_ROW, b.site_scale)
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
                _vlan_with_prefixes(b, f"{kind}1-{row.lower()}-{slug}", vid, slug, loc.slug, v4, v6_64(v6_index))
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
                1050 + r,
                slug,
                loc,
                f"10.{octet}.{32 + r}.0/24",
                v6_64(0x200 + r),
            )
        # Fundraising (fr-tech) VLAN and a Kubernetes pod range.
        _vlan_with_prefixes(
            b, f"frack-payments1-c-{slug}", 1040, slug, f"{slug}-row-c", f"10.{octet}.96.0/24", v6_64(0x300)
        )
        b.plan.prefixes.append(
            PrefixPlan(f"10.{octet}.128.0/18", slug, role="kubernetes", description=f"Kubernetes pods {slug}")
        )
    else:
        _vlan_with_prefixes(b, f"private1-{slug}", 1017, slug, None, f"10.{octet}.0.0/22", v6_64(v6_index))
        _vlan_with_prefixes(
            b,
            f"public1-{slug}",
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
    b: FleetBuilder, name: str, number: int, site: str, location: str | None, v4: str, v6: str
) -> None:
    spec = b.spec[site]
    vlan = VLANPlan(name, spec.vlan_id(number), site, group=spec.vlan_group)
    b.vlans[name] = vlan
    b.plan.vlans.append(vlan)
    b.plan.prefixes.append(PrefixPlan(v4, site, location, vlan=name, description=name))
    b.plan.prefixes.append(PrefixPlan(v6, site, location, vlan=name, description=name))


def _vlan_v4_prefix(b: FleetBuilder, vlan: str) -> str:
    return _first_prefix(b, ("vlan4", vlan), lambda p: p.vlan == vlan and ":" not in p.prefix)


def _vlan_v6_prefix(b: FleetBuilder, vlan: str) -> str:
    return _first_prefix(b, ("vlan6", vlan), lambda p: p.vlan == vlan and ":" in p.prefix)


def _mgmt_prefix(b: FleetBuilder, location: str) -> str:
    return _first_prefix(b, ("mgmt", location), lambda p: p.role == "management" and p.location == location)


def _first_prefix(b: FleetBuilder, key: tuple[str, str], matches: Callable[[PrefixPlan], bool]) -> str:
    """The first prefix of the plan that ``matches``; remembered under ``key``, and looked up again only when a later
    pass changed the remembered one so that it no longer matches (prefixes are only appended, never reordered)."""
    found = b.first_prefix.get(key)
    if found is None or not matches(found):
        found = next(p for p in b.plan.prefixes if matches(p))
        b.first_prefix[key] = found
    return found.prefix


def _rack(b: FleetBuilder, site: str, name: str) -> RackPlan:
    return next(r for r in b.racks_by_site[site] if r.name == name)


def _mgmt_ip(b: FleetBuilder, dev: DevicePlan, iface: str, primary: bool = False) -> IPPlan:
    frack = "frack." if dev.tenant == "fr-tech" else ""
    return b.add_ip(
        b.next_host(_mgmt_prefix(b, dev.location)),
        dns_name=f"{dev.name}.mgmt.{frack}{dev.site}.wmnet",
        assigned=("interface", dev.name, iface),
        oob_of=dev.name,
        primary_of=f"device:{dev.name}" if primary else None,
        tenant=dev.tenant,
    )


def _network_device(b: FleetBuilder, name: str, role: str, dtype: str, rack: RackPlan, **extra) -> DevicePlan:
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


def _rack_pdus(b: FleetBuilder, rack: RackPlan) -> list[str]:
    """The rack's two PDUs (24 outlets and a management port each), registered as the rack's power for the devices
    racked after them; returns their names."""
    pdus = []
    for n in (1, 2):
        pdu = _network_device(b, f"ps{n}-{rack.name.lower()}-{rack.site}", "pdu", "c2x42ce", rack)
        for outlet in range(1, 25):
            b.add_port("poweroutlet", pdu.name, str(outlet))
        b.add_iface(pdu.name, "mgmt", "1000base-t", mgmt_only=True, mac=b.mac("ServerTech"))
        _mgmt_ip(b, pdu, "mgmt", primary=True)
        pdus.append(pdu.name)
    b.rack_pdus[(rack.site, rack.name)] = pdus
    return pdus


def plan_core_network(b: FleetBuilder) -> None:
    for site in b.plan.sites:
        s, net = site.slug, b.site_net[site.slug]
        racks = b.racks_by_site[s]
        # PDUs first (so other devices can cable their power), then console servers, then the rest.
        for rack in racks:
            _rack_pdus(b, rack)
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
                nokia = b.spec[s].nokia
                dtype = "7220-ixr-d2l" if nokia else "qfx5120-48y-8c"
                dev = _network_device(b, f"lsw1-{rack.name.lower()}-{s}", "asw", dtype, rack)
                port_prefix, member, speed = (
                    ("ethernet", None, "25gbase-x-sfp28") if nokia else ("xe", 0, "10gbase-x-sfpp")
                )
            else:
                nokia = b.spec[s].nokia
                dtype = "7220-ixr-d2l" if nokia else "ex4300-48t"
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


def _first_rack_of_row(b: FleetBuilder, site: str, row_index: int) -> RackPlan:
    locs = [loc for loc in b.plan.locations if loc.site == site]
    loc = locs[min(row_index, len(locs) - 1)]
    return next(r for r in b.racks_by_site[site] if r.location == loc.slug)


def _cable_mgmt(b: FleetBuilder, dev: DevicePlan, iface: str) -> None:
    msw = b.rack_msw.get((dev.site, dev.rack))
    if not msw:
        return
    port = f"ge-0/0/{b.next_port[msw]}"
    b.next_port[msw] += 1
    b.ifaces[(msw, port)].enabled = True
    b.add_cable(Endpoint("interface", dev.name, iface), Endpoint("interface", msw, port), dev.site, "cat6", "ff66ff")


def _inventory(b: FleetBuilder, dev: DevicePlan) -> None:
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


def _server_clusters(b: FleetBuilder, site: SitePlan) -> list[str]:
    """The cluster name of each server of the site (ganeti and frack first, then weighted draws)."""
    default = SERVERS_PER_ADDED_CORE_SITE if site.core else SERVERS_PER_POP
    total = scaled(SERVERS_PER_SITE.get(site.slug, default), b.site_scale, minimum=3)
    names: list[str] = []
    if site.core:
        names += ["ganeti"] * (scaled(4, b.site_scale, minimum=2) * len(LEGACY_ROWS))
        names += [c for c in FRACK_CLUSTERS for _ in range(scaled(3, b.site_scale))]
        names += ["cloudvirt"] * scaled(8, b.site_scale)
        names += ["cp", "lvs", "dns", "db", "mw", "kubernetes", "an-worker", "ms-be"]  # every role at any scale
        pool = CORE_CLUSTERS
    else:
        names += ["ganeti"] * scaled(3, b.site_scale)
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


def plan_servers(b: FleetBuilder, site: SitePlan) -> None:
    s = site.slug
    racks = b.racks_by_site[s]
    legacy_racks = [r for r in racks if not site.core or r.name[0] in LEGACY_ROWS]
    cloud_rack = [r for r in racks if r.name.startswith("F")][-1] if site.core else None
    general = [r for r in racks if r is not cloud_rack]
    clusters = _server_clusters(b, site)
    rack_order = {r.name: i for i, r in enumerate(racks)}
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
        rack = min(allowed, key=lambda r: (42 - b.free_u(r), rack_order[r.name]))
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
            set_server_status(b, eligible.pop(b.rng.randrange(len(eligible))), status)
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
    b: FleetBuilder, name: str, cluster: str, dtype: str, public: bool, rack: RackPlan, status: str, tenant: str | None
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
    # The last /24 of a /22 is the VMs' (see plan_site); elsewhere keep the broadcast address free.
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
    set_server_status(b, dev, status)
    return dev


def _switch_port(b: FleetBuilder, switch: str) -> str:
    ports = b.switch_ports[switch]
    idx = b.next_port[switch]
    if idx >= len(ports):
        raise RuntimeError(f"no free port on {switch}")
    b.next_port[switch] += 1
    return ports[idx]


def set_server_status(b: FleetBuilder, dev: DevicePlan, status: str) -> None:
    """Shape a server the way each status looks at WMF (what is cabled, which IPs it keeps, racked or not)."""
    dev.status = status
    if status in ("active", "staged", "failed"):
        return
    keep_mgmt = status in ("inventory", "decommissioning")
    for ip in b.device_ips(dev.name):
        if ip.assigned[2] == "mgmt" and keep_mgmt:
            continue
        discard(b.plan.ip_addresses, ip)
        b.ips_by_iface[(dev.name, ip.assigned[2])].remove(ip)
    # Drop the primary link (and the mgmt link unless kept).
    for ifname in ("eno1",) if keep_mgmt else ("eno1", "mgmt"):
        cable = b.cables_by_end.get((dev.name, ifname))
        if cable:
            discard(b.plan.cables, cable)
            for end in (cable.a, cable.b):
                b.cables_by_end.pop((end.device, end.name), None)
            other = cable.b
            sw = b.ifaces[(other.device, other.name)]
            sw.enabled, sw.untagged_vlan, sw.description = False, None, ""
    if status == "offline":
        dev.rack = dev.position = dev.face = None


def plan_vms(b: FleetBuilder) -> None:
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
        default = VMS_PER_ADDED_CORE_SITE if site.core else VMS_PER_POP
        n_vms = scaled(VMS_PER_SITE.get(s, default), b.site_scale, minimum=2)
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


def plan_dns_edges(b: FleetBuilder) -> None:
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


def plan_gateways(b: FleetBuilder) -> None:
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


def plan_ready_to_provision(b: FleetBuilder) -> None:
    """Planned servers as DC-ops leave them after racking, waiting for ProvisionServerNetwork
    (docs/behaviour-reference.md §2.4): racked in
    a rack with one top-of-rack switch that has free ports, no interfaces yet, or only a mgmt interface whose IP
    (with its DNS name) was allocated beforehand. Nothing else about them is unusual, so no report flags them."""
    bare = max(3, round(6 * b.scale))
    with_mgmt = max(1, round(2 * b.scale))
    # Above scale 1.0 the added sites take their share too (a legacy and a leaf rack per core site, a POP rack).
    added = [
        (site.slug, kind)
        for site in b.plan.sites[len(SITES) :]
        for kind in (("legacy", "leaf") if site.core else ("pop",))
    ]
    slots = list(itertools.islice(itertools.cycle(PROVISION_SLOTS + added), bare + with_mgmt))
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


def _provision_rack(b: FleetBuilder, site: str, kind: str) -> RackPlan:
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
# The fr-tech VLANs the dual-switch rack adds: (VLAN type, per-site VLAN number (SiteSpec.vlan_id), role, v4 prefix).
# IPv4 only, as fundraising networks are; "{octet}"/"{mgmt}" are the site's private and management second octets.
FRACK_VLANS = (
    ("fundraising", 1041, None, "10.{octet}.97.0/24"),
    ("management", 1042, "management", "10.{mgmt}.64.0/24"),
)


def plan_frack_racks(b: FleetBuilder) -> None:
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
        new_devices += _rack_pdus(b, rack)
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
            spec = b.spec[s]
            vlan = VLANPlan(name, spec.vlan_id(vid), s, group=spec.vlan_group, tenant="fr-tech", role=role)
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
