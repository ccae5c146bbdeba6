"""The seeded defects of the demo fleet (scale 0.05, seed 1; see docs/demo-data.md) are found by the reports.

``plan_fleet(...).defects`` names the affected objects; each case below resolves those names to NetBox objects and
checks that the report logs the expected line about them. The mapping from defect keys to report tests and messages
is in docs/reports.md ("Seeded demo defects")."""

from __future__ import annotations

import pytest
from dcim.models import CableTermination, Device, Interface, InventoryItem
from ipam.models import VLAN, IPAddress

from dev.fleet.conventions import REFERENCE_DATE
from dev.fleet.plan import plan_fleet
from netbox_wmf_ops.reports import vlan_migration
from netbox_wmf_ops.reports.cables import Cables
from netbox_wmf_ops.reports.coherence import Coherence, Rack
from netbox_wmf_ops.reports.network import Network
from netbox_wmf_ops.reports.vlan_migration import VlanMigration
from tests.integration.reports.helpers import assert_conventions, lines_about, messages, run_report

TEST_SCALE, SEED = 0.05, 1
DEFECTS = plan_fleet(TEST_SCALE, SEED).defects


@pytest.fixture(scope="module")
def fleet_loaded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        if not Device.objects.exists():
            pytest.fail("the test template holds no demo fleet: rebuild it with `dev/wmfops.py test-prepare`")


def device(name: str) -> Device:
    return Device.objects.get(name=name)


def component(model, ref: str):
    device_name, name = ref.split(":", 1)
    return model.objects.get(device__name=device_name, name=name)


def cable(ref: str):
    """``<A device>:<A port>`` → the cable whose A end is that port."""
    device_name, port = ref.split(":", 1)
    for termination in CableTermination.objects.filter(cable_end="A", _device__name=device_name):
        if getattr(termination.termination, "name", None) == port:
            return termination.cable
    raise AssertionError(f"no cable with A end {ref}")


def port_message(label: str):
    return lambda ref: f"incorrectly named {label} cable termination: {ref.split(':', 1)[1]}"


# key → (report, test, resolve the name to the object the line is about, level, message or None for "any")
CASES = {
    "cables.console_port_name": (
        Cables,
        "test_console_port_termination_names",
        lambda r: device(r.split(":")[0]),
        "failure",
        port_message("console port"),
    ),
    "cables.console_server_port_name": (
        Cables,
        "test_console_server_port_termination_names",
        lambda r: device(r.split(":")[0]),
        "failure",
        port_message("console server port"),
    ),
    "cables.power_port_name": (
        Cables,
        "test_power_port_termination_names",
        lambda r: device(r.split(":")[0]),
        "failure",
        port_message("power port"),
    ),
    "cables.unterminated_cable": (
        Cables,
        "test_unterminated_cable",
        cable,
        "failure",
        lambda r: "Unterminated cable, should be connected on both sides.",
    ),
    "cables.duplicate_label": (Cables, "test_duplicate_cable_label", cable, "failure", None),
    "cables.blank_label": (Cables, "test_blank_cable_label", cable, "failure", None),
    "cables.vc_link_no_label": (Cables, "test_blank_cable_label", cable, "warning", None),
    "coherence.connected_unracked": (Rack, "test_connected_unracked", device, "failure", None),
    "coherence.online_unracked": (Rack, "test_online_rack", device, "failure", None),
    "coherence.offline_racked": (Rack, "test_offline_rack", device, "failure", None),
    "coherence.racked_no_position": (
        Rack,
        "test_rack_noposition",
        device,
        "failure",
        lambda r: "no position set for racked device with U height",
    ),
    "coherence.malformed_name_active": (
        Coherence,
        "test_device_name",
        device,
        "failure",
        lambda r: "malformed device name for active device",
    ),
    "coherence.malformed_name_inactive": (
        Coherence,
        "test_device_name",
        device,
        "warning",
        lambda r: "malformed device name for inactive device",
    ),
    "coherence.duplicate_serial": (Coherence, "test_duplicate_serials", device, "failure", None),
    "coherence.missing_asset_tag": (
        Coherence,
        "test_malformed_asset_tags",
        device,
        "failure",
        lambda r: "missing asset tag",
    ),
    "coherence.malformed_asset_tag": (Coherence, "test_malformed_asset_tags", device, "failure", None),
    "coherence.missing_purchase_date": (
        Coherence,
        "test_purchase_date",
        device,
        "failure",
        lambda r: "missing purchase date",
    ),
    "coherence.future_purchase_date": (
        Coherence,
        "test_purchase_date",
        device,
        "failure",
        lambda r: "purchase date is in the future",
    ),
    "coherence.missing_serial": (Coherence, "test_serials", device, "failure", lambda r: "missing serial number"),
    "coherence.missing_ticket": (Coherence, "test_ticket", device, "failure", lambda r: "missing procurement ticket"),
    "coherence.malformed_ticket": (Coherence, "test_ticket", device, "failure", None),
    "coherence.malformed_inventory_desc": (
        Coherence,
        "test_juniper_inventory_descs",
        lambda r: component(InventoryItem, r),
        "failure",
        None,
    ),
    "network.vc_member_mismatch": (
        Network,
        "test_duplicate_interface",
        lambda r: component(Interface, r),
        "failure",
        None,
    ),
    "network.non_vc_prefix": (Network, "test_duplicate_interface", lambda r: component(Interface, r), "failure", None),
    "network.duplicate_prefix": (
        Network,
        "test_duplicate_interface",
        lambda r: component(Interface, r),
        "failure",
        None,
    ),
    "network.vip_mask_mismatch": (
        Network,
        "test_duplicate_ip_netmask",
        lambda r: IPAddress.objects.get(address=r),
        "failure",
        None,
    ),
    "network.enabled_not_connected": (
        Network,
        "test_enabled_not_connected",
        lambda r: component(Interface, r),
        "failure",
        None,
    ),
    "network.enabled_not_connected_nomon": (
        Network,
        "test_enabled_not_connected",
        lambda r: component(Interface, r),
        "warning",
        None,
    ),
    "network.vlan_no_ipv6_prefix": (
        Network,
        "test_matching_vlan",
        lambda r: VLAN.objects.get(name=r),
        "warning",
        lambda r: "Vlan has no IPv6 prefix assigned.",
    ),
    "network.vlan_multiple_prefixes": (
        Network,
        "test_matching_vlan",
        lambda r: VLAN.objects.get(name=r),
        "failure",
        None,
    ),
    "network.ip_vlan_mismatch": (Network, "test_matching_vlan", device, "failure", None),
    "network.mgmt_dns_mismatch": (Network, "test_mgmt_dns_hostname", device, "failure", None),
    "network.primary_v4_missing": (
        Network,
        "test_primary_ip_dns_match",
        device,
        "failure",
        lambda r: "Device with no primary IPv4 or DNS name",
    ),
    "network.primary_v4_dns_hostname": (Network, "test_primary_ip_dns_match", device, "failure", None),
    "network.primary_dns_mismatch": (Network, "test_primary_ip_dns_match", device, "failure", None),
    "network.primary_v6_missing": (Network, "test_primary_ipv6", device, "failure", lambda r: "Missing primary IPv6"),
    "network.primary_v6_no_dns": (
        Network,
        "test_primary_ipv6",
        device,
        "failure",
        lambda r: "Primary IPv6 missing DNS name",
    ),
    "network.no_ipv6_cluster_dns": (Network, "test_primary_ipv6", device, "warning", None),
}
# Port-block findings are about interfaces; the defect names the switch, which every message names too.
SWITCH_CASES = {
    "network.port_block_mismatch": "does not match",
    "network.port_invalid_name": "Invalid interface name on Juniper QFX5120 device",
}


@pytest.fixture(scope="module")
def results(fleet_loaded, django_db_blocker):
    with django_db_blocker.unblock():
        return {cls: run_report(cls) for cls in (Cables, Coherence, Rack, Network)}


def test_every_seeded_defect_of_these_reports_has_a_case():
    ours = {k for k in DEFECTS if k.split(".")[0] in ("cables", "coherence", "network")}
    assert ours == set(CASES) | set(SWITCH_CASES)


@pytest.mark.django_db
@pytest.mark.parametrize("key", sorted(CASES))
def test_seeded_defect_is_found(results, key):
    report, test, resolve, level, message = CASES[key]
    assert DEFECTS[key], f"{key}: nothing seeded at scale {TEST_SCALE}"
    for ref in DEFECTS[key]:
        lines = lines_about(results[report][test], resolve(ref))
        if message is None:  # any message, at that level only (a server can have one line per IP, say)
            assert lines and {lvl for lvl, _ in lines} == {level}, f"{key} {ref}: {lines}"
        else:
            assert (level, message(ref)) in lines, f"{key} {ref}: {lines}"


@pytest.mark.django_db
@pytest.mark.parametrize("key", sorted(SWITCH_CASES))
def test_seeded_port_block_defect_is_found(results, key):
    result = results[Network]["test_port_block_consistency"]
    for switch in DEFECTS[key]:
        assert any(SWITCH_CASES[key] in m and switch in m for m in messages(result, "failure")), (key, switch)


@pytest.mark.django_db
def test_reports_follow_the_conventions_on_the_fleet(results):
    for tests in results.values():
        assert_conventions(tests)


@pytest.mark.django_db
def test_clean_objects_are_not_flagged(results):
    """A server no defect touches appears in no line of any report."""
    flagged = {name for refs in DEFECTS.values() for ref in refs for name in [ref.split(":")[0]]}
    clean = Device.objects.filter(role__slug="server", status="active").exclude(name__in=flagged).order_by("name")
    clean = clean.first()
    assert clean is not None
    for tests in results.values():
        for name, result in tests.items():
            assert lines_about(result, clean) == [], (name, clean.name)


@pytest.mark.django_db
def test_legacy_vlan_servers(fleet_loaded, monkeypatch):
    """Counted against the plan's reference date (the plan dates purchases from it, not from today)."""
    monkeypatch.setattr(vlan_migration, "today", lambda: REFERENCE_DATE)
    result = run_report(VlanMigration)["test_summary"]
    expected = DEFECTS["vlan_migration.legacy_vlan_servers"]
    assert messages(result, "warning") == [f"{len(expected)} baremetal servers still on the legacy vlans"]
    listed = {name for line in messages(result, "info") for name in line.split("(", 1)[1].rstrip(".)").split(", ")}
    assert listed <= set(expected)
