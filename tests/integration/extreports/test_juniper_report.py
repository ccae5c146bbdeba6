"""The Juniper installed-base report on hand-built Juniper devices, from an uploaded or configured export."""

import pytest
from dcim.models import Site

from netbox_wmf_ops.reports.juniper import Juniper
from tests import factories
from tests.factories import reports as f
from tests.integration.extreports.helpers import assert_single_source_failure, plugin_settings, run, upload
from tests.integration.reports.helpers import assert_conventions, count_queries, lines_about, messages
from tests.unit.extreports.test_tabular import xlsx

HEADER = ["Serial #", "Product Name", "Install City", "Status", "Contract End Date", "Install Country"]


@pytest.fixture
def scenario():
    site = f.site()
    Site.objects.filter(pk=site.pk).update(physical_address="21715 Filigree Court\nAshburn, VA 20147")
    site.refresh_from_db()
    mx = factories.device_type("MX480", "Juniper")
    nb = {
        "good": f.device(role_slug="cr", site_obj=site, dtype=mx),
        "city": f.device(role_slug="cr", site_obj=site, dtype=mx),
        "support": f.device(role_slug="cr", site_obj=site, dtype=mx),
        "absent": f.device(role_slug="cr", site_obj=site, dtype=mx),
        "offline": f.device(role_slug="cr", site_obj=site, dtype=mx, status="offline"),
    }
    items = {
        "listed": f.inventory_item(nb["good"], "FPC 0", "MPC", part_id="MPC7E-MRATE"),
        "unlisted": f.inventory_item(nb["good"], "FPC 1", "MPC", part_id="MPC7E-MRATE"),
        "psu": f.inventory_item(nb["good"], "PEM 0", "PSU", part_id="PWR-MX480-2520-AC"),
    }
    unknown = f.unique("JNX")
    rows = [
        HEADER,
        [nb["good"].serial, "MX480", "Ashburn", "Active", "2027-01-31", "US"],
        [nb["city"].serial, "MX480", "Dallas", "Active", "2027-01-31", "US"],
        [nb["support"].serial, "MX480", "ashburn", "Expired", "2023-05-31", "US"],
        [nb["offline"].serial, "MX480", "Ashburn", "Expired", "2023-05-31", "US"],
        [items["listed"].serial, "MPC7E-MRATE", "Ashburn", "Active", "", "US"],
        [unknown, "QFX5120-48Y-AFI", "Ashburn", "Active", "", "US"],
        [f.unique("JNO"), "JNP-QSFP-40G-LX4", "Ashburn", "Active", "", "US"],  # optics: ignored
    ]
    return nb, items, unknown, rows


def check_outcome(tests, nb, items, unknown):
    assert_conventions(tests)
    consistency = tests["test_consistency"]
    assert lines_about(consistency, nb["good"]) == lines_about(consistency, nb["offline"]) == []
    assert lines_about(consistency, nb["city"]) == [
        ("failure", "City mismatch: Dallas (Juniper) vs. 21715 Filigree Court Ashburn, VA 20147 (Netbox)")
    ]
    assert lines_about(consistency, nb["support"]) == [("failure", "Support missing, ended on: 2023-05-31")]
    assert messages(consistency, "warning") == [f"Device QFX5120-48Y-AFI with s/n {unknown} not present in Netbox"]
    assert consistency["log"][-1][4] == "5 matching serials; 3 matching addresses; 3 matching support"

    devices = tests["test_missing_device_from_installed_base"]
    assert lines_about(devices, nb["absent"]) == [
        ("failure", f"Device with s/n {nb['absent'].serial} not present in Juniper Installed Base")
    ]
    assert lines_about(devices, nb["offline"]) == lines_about(devices, nb["good"]) == []

    inventory = tests["test_missing_inventory_from_installed_base"]
    unlisted = f"{nb['good'].name} item MPC7E-MRATE with s/n {items['unlisted'].serial}"
    assert lines_about(inventory, items["unlisted"]) == [
        ("failure", f"{unlisted} not present in Juniper Installed Base")
    ]
    assert lines_about(inventory, items["listed"]) == lines_about(inventory, items["psu"]) == []


def csv_text(rows):
    return "\n".join(",".join(row) for row in rows) + "\n"


@pytest.mark.django_db
def test_uploaded_csv(scenario):
    nb, items, unknown, rows = scenario
    check_outcome(run(Juniper, installed_base=upload("installed_base.csv", csv_text(rows))), nb, items, unknown)


@pytest.mark.django_db
def test_configured_xlsx(scenario, settings, tmp_path):
    nb, items, unknown, rows = scenario
    path = tmp_path / "installed_base.xlsx"
    path.write_bytes(xlsx({"Installed Base": rows}))
    with plugin_settings(settings, juniper_installed_base_file=str(path)):
        check_outcome(run(Juniper), nb, items, unknown)


@pytest.mark.django_db
def test_missing_file_is_one_line(settings, tmp_path):
    with plugin_settings(settings, juniper_installed_base_file=str(tmp_path / "nope.csv")):
        tests = run(Juniper)
    assert_single_source_failure(
        tests, "test_consistency", f"Can't load CSV file from {tmp_path / 'nope.csv'}: cannot read"
    )


@pytest.mark.django_db
def test_wrong_columns_are_one_line():
    tests = run(Juniper, installed_base=upload("export.csv", "Serial,Product\nA,B\n"))
    assert_single_source_failure(tests, "test_consistency", "Can't load CSV file from export.csv: the header row lacks")


@pytest.mark.django_db
def test_nothing_uploaded_or_configured(settings):
    with plugin_settings(settings, juniper_installed_base_file=""):
        tests = run(Juniper)
    assert_single_source_failure(tests, "test_consistency", "Juniper: no installed-base export uploaded")


@pytest.mark.django_db
def test_query_count_does_not_grow_with_the_fleet(settings, tmp_path):
    site = f.site()
    path = tmp_path / "base.csv"
    rows = [HEADER]

    def add(n):
        for _ in range(n):
            dev = f.device(role_slug="cr", site_obj=site, dtype=factories.device_type("MX480", "Juniper"))
            f.inventory_item(dev, "FPC 0", "x")
            rows.append([dev.serial, "MX480", "Ashburn", "Active", "", "US"])
        path.write_text(csv_text(rows))

    with plugin_settings(settings, juniper_installed_base_file=str(path)):
        add(3)
        small = count_queries(Juniper)
        add(12)
        large = count_queries(Juniper)
    assert small == large <= 2
