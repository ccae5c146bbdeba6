"""Plants the seeded defects of the catalogue (``defects.DEFECTS``) in the clean fleet, each on objects no other defect
touched, and records the lists the reports flag by nature of the fleet. Pure Python."""

from __future__ import annotations

import ipaddress
from collections import defaultdict
from collections.abc import Callable
from datetime import timedelta

from .builder import FleetBuilder, discard
from .clean_fleet import set_server_status
from .conventions import DT, NO_IPV6_CLUSTERS, REFERENCE_DATE, UNMATCHABLE_PURCHASE
from .model import ClusterPlan, Endpoint, InterfacePlan, IPPlan, PortPlan, PrefixPlan


def clean_servers(
    b: FleetBuilder,
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


def _ip(b: FleetBuilder, dev: str, iface: str, family: int) -> IPPlan:
    return next(ip for ip in b.ips_by_iface[(dev, iface)] if (":" in ip.address) == (family == 6))


def plant_defects(b: FleetBuilder) -> None:
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
    servers = clean_servers(b)
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
        extra = b.pick(clean_servers(b), b.count("coherence.offline_racked") - len(offline), "_offline")
        p.defects.pop("_offline")
        b.used.difference_update(extra)
        for name in extra:
            set_server_status(b, b.devices[name], "offline")
        offline += extra
    for name in b.pick(offline, b.count("coherence.offline_racked"), "coherence.offline_racked"):
        dev = b.devices[name]
        rack = next(r for r in b.racks_by_site[dev.site] if b.free_u(r) >= DT[dev.device_type].u_height)
        dev.rack, dev.location = rack.name, rack.location
        dev.position, dev.face = b.place(rack, DT[dev.device_type].u_height), "front"
    for name in b.pick(clean_servers(b), b.count("coherence.racked_no_position"), "coherence.racked_no_position"):
        b.devices[name].position = b.devices[name].face = None
    # A management switch: it has no interface named 'mgmt', so its mgmt DNS name is not checked against it.
    msws = [d.name for d in p.devices if d.role == "msw" and d.name not in b.used]
    for name in b.pick(msws, b.count("coherence.malformed_name_active"), "_upper"):
        _rename_device(b, name, name.upper())
        b.record("coherence.malformed_name_active", [name.upper()])
    p.defects.pop("_upper")
    planned = clean_servers(b, status="planned", ipv6=False)
    for name in b.pick(planned, b.count("coherence.malformed_name_inactive"), "_upper"):
        _rename_device(b, name, name.upper())
        b.record("coherence.malformed_name_inactive", [name.upper()])
    p.defects.pop("_upper")
    for _i in range(b.count("coherence.duplicate_serial")):
        first, second = b.pick(clean_servers(b), 2, "coherence.duplicate_serial")
        b.devices[second].serial = b.devices[first].serial
        for name in (first, second):  # no Accounting row can match both: keep them out of its window
            b.devices[name].purchase_date = UNMATCHABLE_PURCHASE
    for name in b.pick(clean_servers(b), b.count("coherence.missing_asset_tag"), "coherence.missing_asset_tag"):
        b.devices[name].asset_tag = None
        b.devices[name].purchase_date = UNMATCHABLE_PURCHASE
        b.record("dns.mgmt_missing_asset_tag", [name])
    for name in b.pick(clean_servers(b), b.count("coherence.malformed_asset_tag"), "coherence.malformed_asset_tag"):
        b.devices[name].asset_tag = b.devices[name].asset_tag.replace("WMF", "WMF-")
    for name in b.pick(clean_servers(b), b.count("coherence.missing_purchase_date"), "coherence.missing_purchase_date"):
        b.devices[name].purchase_date = None
    for name in b.pick(clean_servers(b), b.count("coherence.future_purchase_date"), "coherence.future_purchase_date"):
        b.devices[name].purchase_date = "2099-01-01"
    for name in b.pick(clean_servers(b), b.count("coherence.missing_serial"), "coherence.missing_serial"):
        b.devices[name].serial = ""
    for name in b.pick(clean_servers(b), b.count("coherence.missing_ticket"), "coherence.missing_ticket"):
        b.devices[name].ticket = None
        b.devices[name].purchase_date = UNMATCHABLE_PURCHASE
    for i, name in enumerate(
        b.pick(clean_servers(b), b.count("coherence.malformed_ticket"), "coherence.malformed_ticket")
    ):
        b.devices[name].ticket = ("T12", "rt1234")[i % 2]
    items = [f"{it.device}:{it.name}" for it in p.inventory_items if it.device not in b.used]
    for key in b.pick(items, b.count("coherence.malformed_inventory_desc"), "coherence.malformed_inventory_desc"):
        item = next(it for it in p.inventory_items if f"{it.device}:{it.name}" == key)
        item.description = "spare linecard"
        b.used.add(item.device)

    # ---- Network (docs/behaviour-reference.md §1.8)
    members = [d.name for d in p.devices if d.virtual_chassis and d.name not in b.used]
    _plant_extra_port(
        b,
        members,
        "network.vc_member_mismatch",
        lambda name: (f"xe-{(b.devices[name].vc_position + 1) % 10}/0/47", "10gbase-x-sfpp"),
    )
    standalone = [
        d.name
        for d in p.devices
        if d.role == "asw"
        and not d.virtual_chassis
        and b.devices[d.name].device_type in ("qfx5120-48y-8c", "ex4300-48t")
        and d.name not in b.used
    ]
    _plant_extra_port(b, standalone, "network.non_vc_prefix", lambda name: ("xe-1/0/40", "10gbase-x-sfpp"))
    switches = [
        d.name
        for d in p.devices
        if d.role == "asw" and d.device_type in ("qfx5100-48s-6q", "qfx5120-48y-8c") and d.name not in b.used
    ]

    def ge_twin(name: str) -> tuple[str, str]:
        existing = next(
            i for i in p.interfaces if i.device == name and i.name.startswith("xe-") and i.name.endswith("/0/46")
        )
        member = existing.name.split("-")[1].split("/")[0]
        return f"ge-{member}/0/46", "1000base-t"

    _plant_extra_port(b, switches, "network.duplicate_prefix", ge_twin)
    # On the first active LVS of as many sites as the count asks for (the VIPs are shared by a site's LVS hosts).
    lvs_sites: dict[str, str] = {}
    for dev in p.devices:
        if dev.cluster_name == "lvs" and dev.status == "active":
            lvs_sites.setdefault(dev.site, dev.name)
    for site, lvs in list(lvs_sites.items())[: b.count("network.vip_mask_mismatch")]:
        loop = ipaddress.ip_network(b.site_net[site]["loop4"])
        ip = b.add_ip(f"{loop.network_address + 16}/27", role="vip", assigned=("interface", lvs, "lo"))
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
        for n in clean_servers(b)
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
    for name in b.pick(clean_servers(b), b.count("network.mgmt_dns_mismatch"), "network.mgmt_dns_mismatch"):
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
    for name in b.pick(clean_servers(b), b.count("network.primary_v4_missing"), "network.primary_v4_missing"):
        _ip(b, name, "eno1", 4).primary_of = None
    for name in b.pick(clean_servers(b), b.count("network.primary_v4_dns_hostname"), "network.primary_v4_dns_hostname"):
        for family in (4, 6):
            ip = _ip(b, name, "eno1", family)
            ip.dns_name = ip.dns_name.replace(f"{name}.", f"{name}-old.", 1)
    for name in b.pick(clean_servers(b), b.count("network.primary_dns_mismatch"), "network.primary_dns_mismatch"):
        ip = _ip(b, name, "eno1", 6)
        other = "codfw" if b.devices[name].site != "codfw" else "eqiad"
        ip.dns_name = f"{name}.{other}.wmnet"
    for name in b.pick(clean_servers(b), b.count("network.primary_v6_missing"), "network.primary_v6_missing"):
        _ip(b, name, "eno1", 6).primary_of = None
    for name in b.pick(clean_servers(b), b.count("network.primary_v6_no_dns"), "network.primary_v6_no_dns"):
        _ip(b, name, "eno1", 6).dns_name = ""
    no_v6 = [n for n in clean_servers(b, ipv6=False) if b.devices[n].cluster_name in NO_IPV6_CLUSTERS]
    for name in b.pick(no_v6, b.count("network.no_ipv6_cluster_dns"), "network.no_ipv6_cluster_dns"):
        ip = _ip(b, name, "eno1", 6)
        ip.dns_name = _ip(b, name, "eno1", 4).dns_name

    # ---- Ganeti (docs/behaviour-reference.md §4.4) NetBox-side parts; the RAPI side is built in plan_external_views.
    clustered = [vm.name for vm in p.virtual_machines if vm.cluster and vm.status == "active" and vm.name not in b.used]
    b.pick(clustered, b.count("ganeti.vm_missing_in_ganeti"), "ganeti.vm_missing_in_ganeti")
    b.pick(clustered, b.count("ganeti.vm_drift"), "ganeti.vm_drift")
    vm_site: dict[str, str] = {}
    for vm in p.virtual_machines:
        vm_site.setdefault(vm.name, vm.site)  # the first VM of a name, as a search of the list would find
    core_vms = [n for n in clustered if n not in b.used and vm_site[n] in ("eqiad", "codfw")]
    b.pick(core_vms, b.count("ganeti.vm_wrong_cluster"), "ganeti.vm_wrong_cluster")
    for name in b.pick(
        [n for n in clustered if n not in b.used], b.count("ganeti.primary_placeholder"), "ganeti.primary_placeholder"
    ):
        for ip in list(b.vm_ips[name]):
            discard(p.ip_addresses, ip)
        b.vm_ips[name] = []
        b.vm_iface[name].name = "##PRIMARY##"
    nodes = [n for (g, c), ns in sorted(b.cluster_nodes.items()) for n in ns if len(ns) > 1 and n not in b.used]
    for name in b.pick(nodes, b.count("ganeti.node_not_in_cluster"), "ganeti.node_not_in_cluster"):
        b.devices[name].cluster = None
    nodes = [n for (g, c), ns in sorted(b.cluster_nodes.items()) for n in ns if len(ns) > 1 and n not in b.used]
    b.pick(nodes, b.count("ganeti.device_not_a_node"), "ganeti.device_not_a_node")
    # codfw's Ganeti profile first, then the other core sites' (the seven's, then the added ones).
    codfw = b.plan.cluster_groups[1]
    core_groups = [codfw] + [g for g in b.plan.cluster_groups if b.site[g.site].core and g is not codfw]
    for group in core_groups[: b.count("ganeti.cluster_missing_in_ganeti")]:
        p.clusters.append(ClusterPlan(group.name, "old_row_D", group.site, status="decommissioning"))
        b.record("ganeti.cluster_missing_in_ganeti", [f"{group.name}/old_row_D"])
    for group in core_groups[: b.count("ganeti.cluster_missing_in_netbox")]:
        b.record("ganeti.cluster_missing_in_netbox", [f"{group.name}/row_E"])


def _plant_extra_port(
    b: FleetBuilder, switches: list[str], defect: str, port: Callable[[str], tuple[str, str]]
) -> None:
    """Give ``defect``'s count of ``switches`` one more (disabled) port, named and typed by ``port(switch)``; the
    defect lists the ports (``switch:port``), while the switches are kept from other defects."""
    keys = []
    for name in b.pick(switches, b.count(defect), f"_{defect}"):
        ifname, type_ = port(name)
        b.add_iface(name, ifname, type_, enabled=False)
        keys.append(f"{name}:{ifname}")
    b.plan.defects.pop(f"_{defect}")
    b.record(defect, keys)


def record_natural_lists(b: FleetBuilder) -> None:
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


def _remove_port(b: FleetBuilder, port: PortPlan) -> None:
    _uncable(b, port.device, port.name)
    discard(b.plan.ports, port)
    b.ports.pop((port.kind, port.device, port.name), None)


def _uncable(b: FleetBuilder, device: str, name: str) -> None:
    cable = b.cables_by_end.get((device, name))
    if cable:
        discard(b.plan.cables, cable)
        for end in (cable.a, cable.b):
            b.cables_by_end.pop((end.device, end.name), None)


def _rename_port(b: FleetBuilder, kind: str, device: str, old: str, new: str) -> None:
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


def _rename_device(b: FleetBuilder, old: str, new: str) -> None:
    """Rename a device everywhere the plan names it: its interfaces, ports, cable ends, addresses and PDU lists."""
    dev = b.devices.pop(old)
    dev.name = new
    b.devices[new] = dev
    b.used.add(new)
    names = b.iface_names.pop(old, [])
    b.iface_names[new] = names
    ends = list(names)
    for name in names:
        iface = b.ifaces.pop((old, name))
        iface.device = new
        b.ifaces[(new, name)] = iface
        if (old, name) in b.ips_by_iface:
            b.ips_by_iface[(new, name)] = b.ips_by_iface.pop((old, name))
    for port in b.plan.ports:
        if port.device == old:
            port.device = new
            b.ports[(port.kind, new, port.name)] = b.ports.pop((port.kind, old, port.name))
            ends.append(port.name)
    for name in ends:
        cable = b.cables_by_end.pop((old, name), None)
        if cable is None:
            continue
        b.cables_by_end[(new, name)] = cable
        if cable.a.device == old:
            cable.a = Endpoint(cable.a.kind, new, cable.a.name)
        if cable.b.device == old:
            cable.b = Endpoint(cable.b.kind, new, cable.b.name)
    for ip in b.device_ips(new):  # a device's primary and OOB addresses are on its own interfaces
        ip.assigned = ("interface", new, ip.assigned[2])
        if ip.primary_of == f"device:{old}":
            ip.primary_of = f"device:{new}"
        if ip.oob_of == old:
            ip.oob_of = new
    for key, value in list(b.rack_pdus.items()):
        b.rack_pdus[key] = [new if v == old else v for v in value]
