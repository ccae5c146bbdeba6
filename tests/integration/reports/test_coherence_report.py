"""The Coherence and Rack reports on hand-built devices added to the demo fleet."""

import pytest

from netbox_wmf_ops.reports.coherence import Coherence, Rack
from tests import factories
from tests.factories import reports as f
from tests.integration.reports.helpers import assert_conventions, count_queries, lines_about, run_report, summary_count


@pytest.mark.django_db
def test_device_rules():
    eqiad = f.site("eqiad")
    before = run_report(Coherence)
    good = f.device(f.unique("mw1"), site_obj=eqiad)
    upper = f.device(f.unique("PDU1-"), role_slug="pdu", site_obj=eqiad)
    upper_planned = f.device(f.unique("MW1"), status="planned", site_obj=eqiad)
    wrong_digit = f.device("mw2" + f.unique("")[-3:], site_obj=eqiad)
    no_tag = f.device(asset_tag=None)
    bad_tag = f.device(asset_tag=f.unique("WMF-"))
    patch_panel = f.device(role_slug="patch-panel", asset_tag=None, serial="")
    no_date = f.device(custom_fields={"purchase_date": None})
    future = f.device(custom_fields={"purchase_date": "2099-01-01"})
    no_ticket = f.device(custom_fields={"ticket": None})
    bad_ticket = f.device(custom_fields={"ticket": "rt1234"})
    no_serial = f.device(serial="")
    offline_no_serial = f.device(serial="", status="offline")
    serial = f.unique("DUP")
    twin_a, twin_b = f.device(serial=serial), f.device(serial=serial)
    decommissioned_twin = f.device(serial=serial, status="decommissioning")

    tests = run_report(Coherence)
    assert_conventions(tests)
    names = tests["test_device_name"]
    assert lines_about(names, upper) == [("failure", "malformed device name for active device")]
    assert lines_about(names, upper_planned) == [("warning", "malformed device name for inactive device")]
    number = wrong_digit.name[2:6]
    assert lines_about(names, wrong_digit) == [
        ("failure", f"malformed device name for active device: first digit of {number} must match site eqiad digit 1")
    ]
    assert lines_about(names, good) == []
    assert lines_about(tests["test_malformed_asset_tags"], no_tag) == [("failure", "missing asset tag")]
    assert lines_about(tests["test_malformed_asset_tags"], bad_tag) == [
        ("failure", f"malformed asset tag: {bad_tag.asset_tag}")
    ]
    assert lines_about(tests["test_malformed_asset_tags"], patch_panel) == []
    assert lines_about(tests["test_purchase_date"], no_date) == [("failure", "missing purchase date")]
    assert lines_about(tests["test_purchase_date"], future) == [("failure", "purchase date is in the future")]
    assert lines_about(tests["test_ticket"], no_ticket) == [("failure", "missing procurement ticket")]
    assert lines_about(tests["test_ticket"], bad_ticket) == [("failure", "malformed procurement ticket: rt1234")]
    assert lines_about(tests["test_serials"], no_serial) == [("failure", "missing serial number")]
    assert (
        lines_about(tests["test_serials"], offline_no_serial) == lines_about(tests["test_serials"], patch_panel) == []
    )
    duplicates = tests["test_duplicate_serials"]
    assert (
        lines_about(duplicates, twin_a)
        == lines_about(duplicates, twin_b)
        == [("failure", f"duplicate serial: {serial}")]
    )
    assert lines_about(duplicates, decommissioned_twin) == []
    # The well-formed devices add to the counts: every device above has a good name, tag, date and ticket but a few.
    assert summary_count(tests["test_ticket"]) == summary_count(before["test_ticket"]) + 14


@pytest.mark.django_db
def test_juniper_inventory_descriptions():
    switch = f.device(role_slug="asw")
    good = f.inventory_item(switch, "FPC 0", "Purchase:2021-03-04,Task:T123456")
    bad = f.inventory_item(switch, "FPC 1", "bought last year")
    psu = f.inventory_item(switch, "Power Supply 0", "")
    other_vendor = f.inventory_item(switch, "SFP 0", "", maker="Finisar")

    result = run_report(Coherence)["test_juniper_inventory_descs"]
    assert lines_about(result, bad) == [("failure", "malformed inventory description: bought last year")]
    assert lines_about(result, good) == lines_about(result, psu) == lines_about(result, other_vendor) == []


@pytest.mark.django_db
def test_rack_rules():
    site = f.site()
    rack = factories.rack(site)
    unracked = f.device(site_obj=site)
    factories.console_port(unracked, "console0")
    factories.console_port(unracked, "console-re1")
    factories.console_port(unracked, "console-re0")
    for port in unracked.consoleports.all():
        if port.name != "console-re0":
            f.cable(port, f.console_server_port(f.device(role_slug="scs", site_obj=site)), label=f.unique("#"))
    offline_racked = f.device(site_obj=site, status="offline", rack=rack, position=1, face="front")
    staged_unracked = f.device(site_obj=site, status="staged")
    planned_unracked = f.device(site_obj=site, status="planned")
    no_position = f.device(site_obj=site, rack=rack)
    zero_u = f.device(site_obj=site, rack=rack, dtype=factories.device_type("Blade", "Dell", u_height=0))
    good = f.device(site_obj=site, rack=rack, position=10, face="front")

    tests = run_report(Rack)
    assert_conventions(tests)
    assert lines_about(tests["test_connected_unracked"], unracked) == [
        ("failure", f"connected console ports attached to unracked device {unracked.name}: console-re1 console0")
    ]
    assert lines_about(tests["test_connected_unracked"], staged_unracked) == []
    assert lines_about(tests["test_offline_rack"], offline_racked) == [
        ("failure", f"rack defined for status Offline device: {site.slug}-{rack.name}")
    ]
    online = tests["test_online_rack"]
    assert lines_about(online, staged_unracked) == [("failure", "no rack defined for status Staged device")]
    assert lines_about(online, unracked) == [("failure", "no rack defined for status Active device")]
    assert lines_about(online, planned_unracked) == lines_about(online, good) == []
    positions = tests["test_rack_noposition"]
    assert lines_about(positions, no_position) == [("failure", "no position set for racked device with U height")]
    assert lines_about(positions, zero_u) == lines_about(positions, good) == []


def add_devices(site, n: int) -> None:
    rack = factories.rack(site)
    for _ in range(n):
        factories.console_port(f.device(site_obj=site, serial=""), "console0")
        f.device(f.unique("MW"), site_obj=site, rack=rack, asset_tag=None)
        f.inventory_item(f.device(role_slug="asw", site_obj=site), "FPC 0", "")


@pytest.mark.django_db
def test_query_count_does_not_grow_with_the_fleet():
    site = f.site()
    add_devices(site, 2)
    small = count_queries(Coherence), count_queries(Rack)
    add_devices(site, 10)
    assert (count_queries(Coherence), count_queries(Rack)) == small
    assert small[0] <= 2 and small[1] <= 2
