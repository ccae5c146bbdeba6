"""The demo fleet above scale 1.0 (pure): it grows by sites of scale 1.0's size, with the same defect rates, and every
name, address, prefix and VLAN stays unique and well-formed."""

import ipaddress
import re
from collections import Counter

import pytest

from dev.fleet.conventions import SITES, site_specs
from dev.fleet.defects import DEFECTS
from dev.fleet.plan import plan_fleet

# Defects whose lists hold two objects per planted case, or also another defect's objects (as in test_plan.py).
PAIRED_OR_SHARED = (
    "coherence.duplicate_serial",
    "cables.duplicate_label",
    "puppetdb.vm_missing_from_netbox",
    "puppetdb.device_missing_from_netbox",
)
SHARED_IP_ROLES = ("vip", "vrrp", "anycast")
# <cluster><DC number><3 digits>; DC numbers above 9 take two digits (added sites)
SERVER_NAME = re.compile(r"^(?P<cluster>[a-z][a-z-]*?)(?P<dc>[1-9]\d?)\d{3}$")


@pytest.fixture(scope="module")
def reference():
    return plan_fleet(1.0, 1)


@pytest.fixture(scope="module")
def grown():
    """Scale 3 (21 sites) here; scale 10 is planned and loaded by the bench's template build (`make bench`), whose
    database constraints and reports judge it. Planning it here would add ~15-20 s to every unit run; its sites'
    address plan, the part that could collide only at larger scales, is checked below up to the planner's limit."""
    return plan_fleet(3.0, 1)


def _devices_per_site(plan, core: bool) -> list[int]:
    counts = Counter(d.site for d in plan.devices)
    return [counts[s.slug] for s in plan.sites if s.core == core]


def test_growth_adds_core_sites_and_pops_in_scale_one_proportions(grown):
    core = [s for s in grown.sites if s.core]
    pops = [s for s in grown.sites if not s.core]
    assert len(core) == round(2 * grown.scale) and len(pops) == round(5 * grown.scale)
    assert [s.slug for s in grown.sites[: len(SITES)]] == [s[0] for s in SITES]  # the seven come first, unchanged
    assert all(re.fullmatch(r"[a-z]{5}", s.slug) for s in grown.sites)
    assert len({s.dc for s in grown.sites}) == len(grown.sites)
    assert {loc.site for loc in grown.locations} == {s.slug for s in grown.sites}  # every site has its rows


def test_sites_keep_the_size_of_scale_one_sites(grown, reference):
    for core in (True, False):
        low, high = min(_devices_per_site(reference, core)), max(_devices_per_site(reference, core))
        sizes = _devices_per_site(grown, core)
        assert 0.9 * low <= min(sizes) and max(sizes) <= 1.1 * high, (core, min(sizes), max(sizes), low, high)
    racks = Counter((r.site, r.location) for r in grown.racks)
    reference_racks = Counter((r.site, r.location) for r in reference.racks)
    assert max(racks.values()) == max(reference_racks.values())
    counts, reference_counts = grown.counts(), reference.counts()
    for key in ("devices", "interfaces", "cables", "ip_addresses", "virtual_machines", "racks"):
        assert 0.85 * grown.scale <= counts[key] / reference_counts[key] <= 1.15 * grown.scale, key


def test_defect_counts_grow_linearly(grown):
    for key, kind in DEFECTS.items():
        if kind.kind == "defect" and kind.at_scale_1 and key not in PAIRED_OR_SHARED:
            assert len(grown.defects[key]) == round(kind.at_scale_1 * grown.scale), key
    assert all(grown.defects[key] for key in DEFECTS)


def test_names_are_unique_and_follow_the_conventions(grown):
    devices = Counter(d.name for d in grown.devices)
    assert [name for name, n in devices.items() if n > 1] == []
    dc = {s.slug: s.dc for s in grown.sites}
    renamed = set(grown.defects["coherence.malformed_name_inactive"])
    for dev in grown.devices:
        if dev.role == "server" and dev.name not in renamed:
            match = SERVER_NAME.match(dev.name)
            assert match and int(match["dc"]) == dc[dev.site], dev.name
    vms = Counter(vm.name for vm in grown.virtual_machines)
    clashes = set(grown.defects["dns.vm_device_name_clash"])
    assert [name for name, n in vms.items() if n > 1] == []
    assert {vm.name for vm in grown.virtual_machines if vm.name in devices} == clashes
    interfaces = Counter((i.device, i.name) for i in grown.interfaces)
    assert [key for key, n in interfaces.items() if n > 1] == []
    tags = [d.asset_tag for d in grown.devices if d.asset_tag]
    assert len(tags) == len(set(tags))
    assert all(re.fullmatch(r"WMF-?\d{4,5}", tag) for tag in tags)


def test_addresses_prefixes_and_vlans_do_not_collide(grown):
    addresses = Counter(ip.address.split("/")[0] for ip in grown.ip_addresses if ip.role not in SHARED_IP_ROLES)
    assert [address for address, n in addresses.items() if n > 1] == []
    prefixes = Counter(p.prefix for p in grown.prefixes)
    assert [prefix for prefix, n in prefixes.items() if n > 1] == []
    containers = [(p.site, ipaddress.ip_network(p.prefix)) for p in grown.prefixes if p.status == "container"]
    overlaps = [
        (a, b)
        for i, (_, a) in enumerate(containers)
        for _, b in containers[i + 1 :]
        if a.version == b.version and a.overlaps(b)
    ]
    assert overlaps == []
    # Every site-scoped prefix lies in one of its own site's containers.
    own = {}
    for site, network in containers:
        own.setdefault(site, []).append(network)
    for prefix in grown.prefixes:
        if prefix.site and prefix.status != "container":
            network = ipaddress.ip_network(prefix.prefix)
            assert any(network.version == c.version and network.subnet_of(c) for c in own[prefix.site]), prefix
    vlans = Counter((v.group, v.vid) for v in grown.vlans)
    assert [key for key, n in vlans.items() if n > 1] == []
    assert all(1 <= v.vid <= 4094 for v in grown.vlans)
    assert len({(v.group, v.name) for v in grown.vlans}) == len(grown.vlans)


def test_external_views_cover_the_added_sites(grown):
    assert set(grown.external["ganeti"]) == {g.name for g in grown.cluster_groups}
    assert len(grown.cluster_groups) == len(grown.sites)
    cities = {row[3] for row in grown.external["juniper"][1:] if row[0].startswith("WS") is False or row[3]}
    assert {spec.city for spec in site_specs(grown.scale)} <= cities | {""}


@pytest.mark.parametrize("scale", [10.0, 11.0])
def test_added_sites_have_their_own_names_numbers_and_address_ranges_up_to_the_largest_scale(scale):
    specs = site_specs(scale)
    assert len(specs) == round(2 * scale) + round(5 * scale)
    assert len({s.slug for s in specs}) == len({s.dc for s in specs}) == len(specs)
    for field in ("private", "public", "v6"):
        networks = [ipaddress.ip_network(getattr(s, field)) for s in specs]
        overlaps = [(a, b) for i, a in enumerate(networks) for b in networks[i + 1 :] if a.overlaps(b)]
        assert overlaps == [], field


def test_the_address_plan_has_a_limit():
    with pytest.raises(ValueError, match="added sites"):
        site_specs(12.0)
