"""The demo fleet as loaded into the test database (the template holds plan_fleet(0.05, 1)).

Every assertion compares the database with the plan computed here, so the tests follow the fleet when it changes.
"""

from collections import Counter

import pytest
from dcim.models import (
    Cable,
    CablePath,
    ConsolePort,
    ConsoleServerPort,
    Device,
    DeviceType,
    Interface,
    PowerOutlet,
    PowerPort,
    VirtualChassis,
)
from django.db.models import Count
from extras.models import CachedValue
from ipam.models import IPAddress, Prefix
from virtualization.models import VirtualMachine

from dev.fleet.load import FleetLoadRefusedError, load_demo_fleet
from dev.fleet.plan import plan_fleet
from netbox_wmf_ops.checks.management import check_console_ports
from netbox_wmf_ops.loaders.management import load_console_states

pytestmark = pytest.mark.django_db

SCALE, SEED = 0.05, 1


@pytest.fixture(scope="module")
def plan():
    return plan_fleet(SCALE, SEED)


@pytest.fixture
def fleet(plan):
    names = [d.name for d in plan.devices if not d.remove_after_load]
    found = Device.objects.filter(name__in=names).count()
    if found != len(names):
        pytest.fail(f"the test database holds {found} of the {len(names)} demo devices: is the fleet template stale?")
    return plan


def test_devices_match_the_plan(fleet):
    rows = {
        d["name"]: d
        for d in Device.objects.filter(name__in=[d.name for d in fleet.devices]).values(
            "name",
            "status",
            "serial",
            "asset_tag",
            "role__slug",
            "site__slug",
            "rack__name",
            "position",
            "tenant__slug",
            "custom_field_data",
            "vc_position",
        )
    }
    for d in fleet.devices:
        if d.remove_after_load:
            assert d.name not in rows
            continue
        row = rows[d.name]
        assert (row["status"], row["serial"], row["asset_tag"]) == (d.status, d.serial, d.asset_tag), d.name
        assert (row["role__slug"], row["site__slug"], row["rack__name"]) == (d.role, d.site, d.rack), d.name
        assert row["position"] == d.position and row["tenant__slug"] == d.tenant, d.name
        assert row["custom_field_data"] == {"purchase_date": d.purchase_date, "ticket": d.ticket}, d.name
        assert row["vc_position"] == d.vc_position, d.name


def test_component_and_object_counts_match_the_plan(fleet):
    counts = fleet.counts()
    names = [d.name for d in fleet.devices]
    assert Interface.objects.filter(device__name__in=names).count() == counts["interfaces"]
    assert ConsolePort.objects.filter(device__name__in=names).count() == counts["console_ports"]
    assert ConsoleServerPort.objects.filter(device__name__in=names).count() == counts["console_server_ports"]
    assert PowerPort.objects.filter(device__name__in=names).count() == counts["power_ports"]
    assert PowerOutlet.objects.filter(device__name__in=names).count() == counts["power_outlets"]
    vms = [vm.name for vm in fleet.virtual_machines]
    assert VirtualMachine.objects.filter(name__in=vms).count() == counts["virtual_machines"]
    fleet_cables = Cable.objects.filter(terminations___device__name__in=names).distinct()
    assert fleet_cables.count() == counts["cables"]
    assert Prefix.objects.filter(prefix__in=[p.prefix for p in fleet.prefixes]).count() == counts["prefixes"]


def test_cabled_interfaces_have_the_paths_netbox_traces(fleet):
    removed = {d.name for d in fleet.devices if d.remove_after_load}
    expected = {}
    for cable in fleet.cables:
        if cable.a.kind == "interface" and cable.b.device not in removed:
            expected[(cable.a.device, cable.a.name)] = (cable.b.device, cable.b.name)
            expected[(cable.b.device, cable.b.name)] = (cable.a.device, cable.a.name)
    interfaces = Interface.objects.filter(cable__isnull=False, device__name__in=[d.name for d in fleet.devices])
    interfaces = interfaces.select_related("device", "_path")
    seen = 0
    for iface in interfaces:
        key = (iface.device.name, iface.name)
        if key not in expected:
            continue
        assert iface._path is not None, key
        assert iface._path.is_complete and iface._path.is_active, key
        peer = iface._path.destinations[0]
        assert (peer.device.name, peer.name) == expected[key], key
        seen += 1
    assert seen == len(expected)
    # Console and power cables are traced too: every cabled endpoint has a path.
    for model in (ConsolePort, ConsoleServerPort, PowerPort, PowerOutlet):
        assert not model.objects.filter(cable__isnull=False, _path__isnull=True).exists(), model
    assert CablePath.objects.filter(is_complete=True).count() >= 2 * (len(fleet.cables) - len(removed))


def test_unterminated_cables_are_what_netbox_leaves_behind(fleet):
    for key in fleet.defects["cables.unterminated_cable"]:
        device, name = key.split(":")
        cable = Interface.objects.get(device__name=device, name=name).cable
        assert {t.cable_end for t in cable.terminations.all()} == {"A"}
        # NetBox retraced the surviving end when the far end was deleted: an incomplete path.
        assert not Interface.objects.get(device__name=device, name=name)._path.is_complete


def test_counter_caches_are_right(fleet):
    names = [d.name for d in fleet.devices]
    devices = Device.objects.filter(name__in=names).annotate(
        n_if=Count("interfaces", distinct=True),
        n_cp=Count("consoleports", distinct=True),
        n_csp=Count("consoleserverports", distinct=True),
        n_pp=Count("powerports", distinct=True),
        n_po=Count("poweroutlets", distinct=True),
        n_inv=Count("inventoryitems", distinct=True),
    )
    for d in devices:
        assert (d.interface_count, d.console_port_count, d.console_server_port_count) == (d.n_if, d.n_cp, d.n_csp), (
            d.name
        )
        assert (d.power_port_count, d.power_outlet_count, d.inventory_item_count) == (d.n_pp, d.n_po, d.n_inv), d.name
    for dt in DeviceType.objects.annotate(n=Count("instances")):
        assert dt.device_count == dt.n, dt.slug
    for vc in VirtualChassis.objects.annotate(n=Count("members")):
        assert vc.member_count == vc.n, vc.name
    for vm in VirtualMachine.objects.filter(name__in=[v.name for v in fleet.virtual_machines]).annotate(
        n=Count("interfaces")
    ):
        assert vm.interface_count == vm.n, vm.name


def test_primary_mac_addresses_are_set(fleet):
    planned = {(i.device, i.name): i.mac for i in fleet.interfaces if i.mac}
    rows = Interface.objects.filter(device__name__in={d for d, _ in planned}).values_list(
        "device__name", "name", "primary_mac_address__mac_address"
    )
    actual = {(d, n): str(mac).lower() if mac else None for d, n, mac in rows if (d, n) in planned}
    removed = {d.name for d in fleet.devices if d.remove_after_load}
    assert actual == {k: v for k, v in planned.items() if k[0] not in removed}


def test_denormalised_fields_are_what_save_would_set(fleet):
    names = [d.name for d in fleet.devices]
    for iface in Interface.objects.filter(device__name__in=names).select_related("device")[:2000]:
        assert (iface._site_id, iface._rack_id, iface._location_id) == (
            iface.device.site_id,
            iface.device.rack_id,
            iface.device.location_id,
        ), iface
    prefix = Prefix.objects.get(prefix="10.64.0.0/22")
    assert prefix._site.slug == "eqiad" and prefix._location.slug == "eqiad-row-a"
    assert prefix._depth == 1 and prefix._children >= 1  # in 10.64.0.0/12, holds the VMs' /24


def test_addresses_and_primaries(fleet):
    flagged = {name for names in fleet.defects.values() for name in names}
    dev = next(
        d
        for d in fleet.devices
        if d.role == "server" and d.status == "active" and d.name not in flagged and d.cluster_name == "mw"
    )
    device = Device.objects.select_related("primary_ip4", "primary_ip6", "oob_ip").get(name=dev.name)
    assert device.primary_ip4.dns_name == device.primary_ip6.dns_name
    assert device.primary_ip4.dns_name.startswith(f"{dev.name}.")
    assert device.oob_ip.dns_name == f"{dev.name}.mgmt.{dev.site}.wmnet"
    assert IPAddress.objects.filter(address__in=[ip.address for ip in fleet.ip_addresses]).count() >= len(
        {ip.address for ip in fleet.ip_addresses}
    )


def test_search_finds_bulk_loaded_objects(fleet):
    dev = Device.objects.get(name=next(d.name for d in reversed(fleet.devices) if not d.remove_after_load))
    assert CachedValue.objects.filter(object_id=dev.pk, object_type__model="device", value=dev.name).exists()
    iface = Interface.objects.filter(device__name__in=[d.name for d in fleet.devices]).first()
    assert CachedValue.objects.filter(object_id=iface.pk, object_type__model="interface").exists()


def test_management_report_finds_exactly_the_seeded_defects(fleet):
    from netbox_wmf_ops import settings

    states = load_console_states(
        settings.get("management_console_roles"), settings.get("management_console_excluded_sites")
    )
    fleet_names = {d.name for d in fleet.devices}
    found = Counter()
    for finding in check_console_ports(states):
        if finding.level == "failure" and finding.obj.name in fleet_names:
            found[(finding.message, finding.obj.name)] += 1
    expected = Counter(
        [("missing console port", n) for n in fleet.defects["management.missing_console_port"]]
        + [("missing connected console port", n) for n in fleet.defects["management.missing_connected_console_port"]]
    )
    assert found == expected


def test_seeded_cable_coherence_and_network_defects_are_in_the_database(fleet):
    d = fleet.defects
    for key in d["cables.console_port_name"]:
        device, name = key.split(":")
        assert ConsolePort.objects.get(device__name=device, name=name).cable is not None
    for key in d["cables.power_port_name"]:
        device, name = key.split(":")
        assert PowerPort.objects.filter(device__name=device, name=name).exists()
    for key in d["cables.blank_label"]:
        device, name = key.split(":")
        assert ConsolePort.objects.get(device__name=device, name=name).cable.label == ""
    labels = Counter(Cable.objects.exclude(label="").values_list("label", flat=True))
    assert all(
        labels[Interface.objects.get(device__name=k.split(":")[0], name=k.split(":")[1]).cable.label] == 2
        for k in d["cables.duplicate_label"]
        if ":eno1" in k
    )
    for name in d["coherence.connected_unracked"]:
        device = Device.objects.get(name=name)
        assert device.rack is None and device.consoleports.filter(cable__isnull=False).exists()
    for name in d["coherence.offline_racked"]:
        device = Device.objects.get(name=name)
        assert device.status == "offline" and device.rack is not None
    for name in d["coherence.missing_asset_tag"]:
        assert Device.objects.get(name=name).asset_tag is None
    for name in d["coherence.malformed_name_active"]:
        assert Device.objects.get(name=name).status == "active" and name != name.lower()
    for key in d["network.enabled_not_connected"] + d["network.enabled_not_connected_nomon"]:
        device, name = key.split(":", 1)
        iface = Interface.objects.get(device__name=device, name=name)
        assert iface.enabled and iface.cable is None and not iface.mgmt_only
    for address in d["network.vip_mask_mismatch"]:
        host = address.split("/")[0]
        masks = {str(ip.address.prefixlen) for ip in IPAddress.objects.filter(address__net_host=host, role="vip")}
        assert len(masks) == 2
    for name in d["network.primary_v6_missing"]:
        assert Device.objects.get(name=name).primary_ip6 is None
    for name in d["network.primary_v4_missing"]:
        assert Device.objects.get(name=name).primary_ip4 is None


def test_loader_refuses_a_database_that_holds_devices(fleet):
    with pytest.raises(FleetLoadRefusedError, match=r"already holds \d+ devices"):
        load_demo_fleet(0.05, 1)


def test_stored_paths_are_what_netbox_traces(fleet):
    """Each stored path equals a fresh trace by NetBox's tracer (what Cable.save() and `netbox trace_paths` use). The
    loader writes the paths of the fleet's direct cables itself (dev/fleet/load.py ``_store_paths``): every one is
    compared here."""
    names = [d.name for d in fleet.devices]
    checked = 0
    for model in (Interface, ConsolePort, ConsoleServerPort, PowerPort, PowerOutlet):
        for origin in model.objects.filter(device__name__in=names, cable__isnull=False).select_related("_path"):
            fresh = CablePath.from_origin([origin])
            stored = origin._path
            assert (stored.path, stored.is_active, stored.is_complete, stored.is_split) == (
                fresh.path,
                fresh.is_active,
                fresh.is_complete,
                fresh.is_split,
            ), origin
            assert stored._nodes == [node for step in fresh.path for node in step]
            checked += 1
    assert checked >= 2 * len(fleet.cables) - 4 * len(fleet.defects["cables.unterminated_cable"])
