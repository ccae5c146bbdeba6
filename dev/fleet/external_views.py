"""What the external systems say about the fleet, in each one's wire format: PuppetDB facts, LibreNMS rows, the
Accounting sheet, Ganeti RAPI answers and the Juniper installed base. They mirror the plan except where a seeded
defect of theirs says otherwise. Pure Python."""

from __future__ import annotations

from datetime import date, timedelta

from .builder import FleetBuilder
from .clean_fleet import set_server_status
from .conventions import DT, REFERENCE_DATE
from .seeded_defects import clean_servers


def plan_external_views(b: FleetBuilder) -> None:
    b.plan.external = {
        "puppetdb": _puppetdb(b),
        "librenms": _librenms(b),
        "accounting": _accounting(b),
        "ganeti": _ganeti(b),
    }
    with b.substream("juniper"):
        b.plan.external["juniper"] = _juniper(b)


def _puppetdb(b: FleetBuilder) -> dict[str, dict]:
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
        extra = b.pick(clean_servers(b), b.count("puppetdb.device_unexpected_state") - len(decom), "_decom")
        b.plan.defects.pop("_decom")
        b.used.difference_update(extra)
        for name in extra:
            set_server_status(b, b.devices[name], "decommissioning")
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


def _librenms(b: FleetBuilder) -> dict[str, list[dict]]:
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


def _accounting(b: FleetBuilder) -> dict[str, list[list[str]]]:
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
    for i in range(b.count("accounting.duplicate_row")):
        dup = rows[i][:]
        extra.append(dup)  # the same serial again: the report renames it '<serial> (duplicate)' and cannot find it
        b.record("accounting.duplicate_row", [f"{dup[1]} (duplicate)"])
    for i in range(b.count("accounting.invalid_row")):
        extra.append(["13/45/2020", f"BADDATE{i + 1}", "WMF9980", f"T{200001 + 10 * i}", "Dell", "PowerEdge R440"])
        b.record("accounting.invalid_row", [f"BADDATE{i + 1}"])
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


def _ganeti(b: FleetBuilder) -> dict[str, dict]:
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


def _juniper(b: FleetBuilder) -> list[list[str]]:
    """The vendor portal's installed-base export: one row per Juniper device and Juniper inventory item with a
    serial, at its site's city and under support, except where a ``juniper.*`` defect says otherwise."""
    p = b.plan
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
    cities = [b.spec[s.slug].city for s in p.sites]

    def row(serial: str, product: str, description: str, site: str, name: str) -> list[str]:
        city = b.spec[site].city
        status, contract_end = "Active", "2027-06-30"
        if name in moved | both:
            city = next(c for c in cities[::-1] if c != city)
        if name in expired | both or name in retired:  # retired: support lapsed on purpose, not flagged
            status, contract_end = "Expired", "2024-12-31"
        return [serial, product, description, city, b.spec[site].country, status, contract_end, "SVC-CORE"]

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
