"""The demo fleet plan (pure): deterministic, scaled, WMF-named, with every catalogued defect present."""

import ipaddress
import re
from collections import Counter

import pytest

from dev.fleet.conventions import DT, SITES
from dev.fleet.defects import DEFECTS
from dev.fleet.plan import plan_fleet

SMALL = 0.05


@pytest.fixture(scope="module")
def small():
    return plan_fleet(SMALL, 1)


@pytest.fixture(scope="module")
def full():
    return plan_fleet(1.0, 1)


def test_same_seed_same_plan(small):
    assert plan_fleet(SMALL, 1) == small


def test_other_seed_other_plan(small):
    other = plan_fleet(SMALL, 2)
    assert other != small
    assert [d.serial for d in other.devices] != [d.serial for d in small.devices]


def test_scale_one_is_wikimedia_sized(full):
    counts = full.counts()
    assert 2300 <= counts["devices"] <= 2700
    assert 950 <= counts["virtual_machines"] <= 1050
    assert counts["cables"] > 4000 and counts["ip_addresses"] > 7000


def test_counts_grow_with_scale(small, full):
    mid = plan_fleet(0.5, 1).counts()
    for key in ("devices", "interfaces", "cables", "ip_addresses", "virtual_machines"):
        assert small.counts()[key] < mid[key] < full.counts()[key], key
    servers = [sum(1 for d in p.devices if d.role == "server") for p in (small, full)]
    assert servers[1] == pytest.approx(servers[0] / SMALL, rel=0.5)


def test_small_fleet_has_every_site_role_and_status(small):
    assert {s.slug for s in small.sites} == {s[0] for s in SITES}
    assert {d.role for d in small.devices} == {slug for slug, _, _ in small.device_roles}
    statuses = {d.status for d in small.devices if d.role == "server"}
    assert statuses == {"active", "staged", "planned", "failed", "inventory", "offline", "decommissioning"}
    assert {t.manufacturer for t in small.device_types} >= {"Dell", "HPE", "Juniper", "Nokia"}
    assert {DT[d.device_type].manufacturer for d in small.devices} >= {"Dell", "HPE", "Juniper", "Nokia"}
    assert {loc.site for loc in small.locations} == {s[0] for s in SITES}


def test_every_defect_id_present_at_small_scale(small):
    assert set(small.defects) == set(DEFECTS)
    empty = [key for key, names in small.defects.items() if not names]
    assert empty == []


def test_planted_defect_counts_follow_the_catalogue(small, full):
    for key, kind in DEFECTS.items():
        if (
            kind.kind == "defect"
            and kind.at_scale_1
            and key
            not in (
                "coherence.duplicate_serial",  # lists both devices of each pair
                "cables.duplicate_label",  # lists both cables of each pair
                "puppetdb.vm_missing_from_netbox",  # also lists the hosts of puppetdb.device_marked_virtual
                "puppetdb.device_missing_from_netbox",  # also lists the VMs of puppetdb.vm_marked_physical
            )
        ):
            assert len(full.defects[key]) == kind.at_scale_1, key
            assert len(small.defects[key]) == max(1, round(kind.at_scale_1 * SMALL)), key


def test_defects_touch_distinct_objects(full):
    """Each planted defect has its own objects, so one report's finding never hides another's."""
    exclusive = [
        k
        for k, v in DEFECTS.items()
        if v.kind == "defect"
        and k.split(".")[0] in ("management", "coherence", "network", "cables")
        and k not in ("coherence.online_unracked",)  # the same devices as coherence.connected_unracked
    ]
    owners = Counter(name for key in exclusive for name in full.defects[key])
    assert [name for name, n in owners.items() if n > 1] == []
    # Device-level defects (plain device names) never share a device.
    devices = Counter(name for key in exclusive for name in full.defects[key] if ":" not in name)
    assert [name for name, n in devices.items() if n > 1] == []


SERVER_NAME = re.compile(r"^(?P<cluster>[a-z][a-z-]*?)(?P<dc>[1-7])\d{3}$")
NETWORK_NAME = re.compile(
    r"^(asw\d-[a-z]\d+|asw\d-\d{3}|lsw\d-[a-z]\d+|msw\d-[a-z0-9]+|ps[12]-[a-z0-9]+|scs-[a-z0-9]+|cr[12]|mr1|"
    r"pfw3[ab]|fasw\d-[a-z]\d+[ab]|cloudsw\d-[a-z]\d+|pp1-[a-z0-9]+|cm1-[a-z0-9]+|bin1-[a-z0-9]+|optical1-[a-z0-9]+|pp-removed\d+)"
    r"-(?P<site>[a-z]{5})$"
)


def test_names_follow_wmf_conventions(full):
    dc = {s[0]: s[1] for s in SITES}
    renamed = set(full.defects["coherence.malformed_name_active"] + full.defects["coherence.malformed_name_inactive"])
    for dev in full.devices:
        if dev.name in renamed:
            assert dev.name != dev.name.lower()
            continue
        if dev.role == "server":
            match = SERVER_NAME.match(dev.name)
            assert match, dev.name
            assert int(match["dc"]) == dc[dev.site], dev.name
        else:
            match = NETWORK_NAME.match(dev.name)
            assert match and match["site"] == dev.site, dev.name
    for vm in full.virtual_machines:
        assert SERVER_NAME.match(vm.name), vm.name
    tags = [d.asset_tag for d in full.devices if d.asset_tag]
    assert len(tags) == len(set(tags))
    bad_tags = set(full.defects["coherence.malformed_asset_tag"])
    assert all(re.fullmatch(r"WMF\d{4}", d.asset_tag) for d in full.devices if d.asset_tag and d.name not in bad_tags)


def test_tickets_and_purchase_dates(full):
    bad = set(full.defects["coherence.malformed_ticket"]) | set(full.defects["coherence.missing_ticket"])
    for dev in full.devices:
        if dev.name not in bad:
            assert re.fullmatch(r"RT #\d{2,}|T\d{5,}", dev.ticket), dev.name
    missing = set(full.defects["coherence.missing_purchase_date"])
    assert all(d.purchase_date for d in full.devices if d.name not in missing)


def test_dns_names_follow_wmf_conventions(full):
    devices = {d.name: d for d in full.devices}
    wrong = set(full.defects["network.mgmt_dns_mismatch"])
    for ip in full.ip_addresses:
        if ip.assigned and ip.assigned[0] == "interface" and ip.assigned[2] == "mgmt" and ip.dns_name:
            dev = devices[ip.assigned[1]]
            frack = "frack." if dev.tenant == "fr-tech" else ""
            expected = f"{dev.name}.mgmt.{frack}{dev.site}.wmnet"
            assert (ip.dns_name == expected) != (dev.name in wrong), (ip.dns_name, expected)


def test_primary_ipv6_is_mapped_from_ipv4(full):
    by_owner = {}
    for ip in full.ip_addresses:
        if ip.primary_of:
            by_owner.setdefault(ip.primary_of, {})[6 if ":" in ip.address else 4] = ip.address
    checked = 0
    for owner, fam in by_owner.items():
        if 4 in fam and 6 in fam and owner.startswith("device:") and not fam[4].endswith("/32"):
            v4 = fam[4].split("/")[0]
            assert ipaddress.ip_interface(fam[6]).ip.exploded.endswith(
                ":".join(f"{int(o):04d}" for o in v4.split("."))
            ), owner
            checked += 1
    assert checked > 1000


def test_addresses_are_unique_except_shared_roles(full):
    plain = Counter(ip.address.split("/")[0] for ip in full.ip_addresses if ip.role not in ("vip", "anycast"))
    assert [a for a, n in plain.items() if n > 1] == []


def test_cables_connect_existing_ports_once(full):
    ends = Counter()
    interfaces = {(i.device, i.name) for i in full.interfaces}
    ports = {(p.kind, p.device, p.name) for p in full.ports}
    for cable in full.cables:
        for end in (cable.a, cable.b):
            ends[(end.device, end.name)] += 1
            if end.kind == "interface":
                assert (end.device, end.name) in interfaces, end
            else:
                assert (end.kind, end.device, end.name) in ports, end
    assert max(ends.values()) == 1


def test_rack_positions_do_not_overlap(full):
    used = Counter()
    for dev in full.devices:
        if dev.rack and dev.position:
            for u in range(dev.position, dev.position + DT[dev.device_type].u_height):
                used[(dev.site, dev.rack, u)] += 1
                assert 1 <= u <= 42
    assert max(used.values()) == 1


def test_external_systems_mirror_the_fleet(small):
    ext = small.external
    assert set(ext) == {"puppetdb", "librenms", "accounting", "ganeti", "juniper"}
    physical = {h for h, virtual in ext["puppetdb"]["is_virtual"].items() if not virtual}
    assert set(small.defects["puppetdb.device_unexpected_state"]) <= physical
    assert not set(small.defects["puppetdb.device_missing_from_puppetdb"]) & set(ext["puppetdb"]["is_virtual"])
    serials = {row["serial"] for row in ext["librenms"]["devices"]}
    assert set(small.defects["librenms.device_missing_from_netbox"]) <= serials
    header = ext["accounting"]["include"][1]
    assert header[:4] == ["Date", "Serial Number", "Asset Tag#", "RT#"]
    profiles = {g.name for g in small.cluster_groups}
    assert set(ext["ganeti"]) == profiles
    instance = ext["ganeti"]["eqiad"]["instances"][0]
    assert set(instance) == {"name", "beparams", "disk.sizes", "admin_state", "pnode"}
    juniper = {row[0] for row in ext["juniper"][1:]}
    assert ext["juniper"][0][:2] == ["Serial #", "Product Name"]
    assert set(small.defects["juniper.device_missing_from_netbox"]) <= juniper
    absent = {small_device(small, name).serial for name in small.defects["juniper.device_missing_from_installed_base"]}
    assert absent and not absent & juniper


def small_device(plan, name):
    return next(d for d in plan.devices if d.name == name)


def test_servers_ready_to_provision_wait_in_racks_with_a_free_switch_port(small):
    ready = small.defects["lifecycle.ready_to_provision"]
    with_mgmt = small.defects["lifecycle.ready_to_provision_mgmt"]
    assert len(ready) >= 3 and with_mgmt
    sites = {small_device(small, name).site for name in ready}
    assert {"eqiad", "esams"} <= sites
    ifaces = Counter(i.device for i in small.interfaces)
    cabled = {end.device for c in small.cables for end in (c.a, c.b)}
    for name in ready + with_mgmt:
        dev = small_device(small, name)
        assert (dev.status, dev.role) == ("planned", "server") and dev.rack and dev.position
        tors = [d for d in small.devices if (d.site, d.rack) == (dev.site, dev.rack) and d.role in ("asw", "cloudsw")]
        assert len(tors) == 1, name
        free = [
            i
            for i in small.interfaces
            if i.device == tors[0].name and not i.enabled and i.name[:2] in ("xe", "ge", "et")
        ]
        assert free, f"{tors[0].name} has no free port for {name}"
        if name in ready:
            assert ifaces[name] == 0 and name not in cabled
        else:
            [mgmt] = [i for i in small.interfaces if i.device == name]
            assert mgmt.name == "mgmt" and mgmt.mgmt_only
            [ip] = [ip for ip in small.ip_addresses if ip.assigned and ip.assigned[1] == name]
            assert ip.dns_name == f"{name}.mgmt.{dev.site}.wmnet"


def test_rejects_non_positive_scale():
    with pytest.raises(ValueError):
        plan_fleet(0, 1)


def test_every_server_vlan_and_management_prefix_has_its_gateway(small):
    """Provisioning takes the first free address: the gateway's .1 must be taken in every prefix it hands out from."""
    taken = {ip.address.split("/")[0] for ip in small.ip_addresses}
    first_v4 = {}  # per VLAN, the prefix provisioning uses (a seeded defect gives one VLAN a second one)
    for p in small.prefixes:
        if p.vlan and ":" not in p.prefix:
            first_v4.setdefault(p.vlan, p.prefix)
    served = {*first_v4.values(), *(p.prefix for p in small.prefixes if p.role == "management")}
    assert len(first_v4) == len(small.vlans)
    for prefix in served:
        gateway = str(ipaddress.ip_network(prefix).network_address + 1)
        assert gateway in taken, prefix
