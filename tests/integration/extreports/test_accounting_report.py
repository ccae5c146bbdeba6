"""The Accounting report on hand-built devices: uploaded CSV, configured XLSX, the Sheets API fake, and failures."""

import datetime

import pytest

from netbox_wmf_ops.reports.accounting import Accounting
from tests.factories import reports as f
from tests.integration.extreports.helpers import (
    assert_single_source_failure,
    google_sheets_source,
    plugin_settings,
    run,
    upload,
)
from tests.integration.reports.helpers import assert_conventions, count_queries, lines_about, messages
from tests.unit.extreports.test_tabular import xlsx

HEADER = ["Date", "Vendor", "Serial Number", "Asset Tag#", "RT#"]
RANGES = {"include": "Assets!A1:E", "exclude": "Recycled!A:A", "motherboard_swaps": ""}


@pytest.fixture
def fleet():
    """Devices in the purchase window unless said otherwise, and the sheet rows that describe them."""
    devs = {
        "good": f.device(role_slug="server"),
        "tag": f.device(role_slug="server"),
        "ticket": f.device(role_slug="server", custom_fields={"ticket": "T999999"}),
        "unlisted": f.device(role_slug="server"),
        "recent": f.device(role_slug="server", custom_fields={"purchase_date": datetime.date.today().isoformat()}),
    }
    rows = [
        ["Data Center Equipment Asset Tags"],
        HEADER,
        ["03/04/2021", "Dell", devs["good"].serial, devs["good"].asset_tag, "T123456"],
        ["03/04/2021", "Dell", devs["tag"].serial, "WMF0001", "T123456"],
        ["03/04/2021", "Dell", devs["ticket"].serial, devs["ticket"].asset_tag, "T123456"],
        ["03/04/2021", "Dell", "SNNOTINNETBOX1", "WMF0002", "T1"],
        ["2021-03-04", "Dell", "SNBADDATE", "WMF0003", "T1"],
    ]
    return devs, rows


def csv_text(rows):
    return "\n".join(",".join(row) for row in rows) + "\n"


def check_outcome(tests, devs, valid_rows=4):
    assert_conventions(tests)
    field = tests["test_field_match"]
    assert lines_about(field, devs["good"]) == []
    assert lines_about(field, devs["tag"]) == [
        (
            "failure",
            f"Asset tag mismatch for s/n {devs['tag'].serial}: WMF0001 (Accounting) vs. "
            f"{devs['tag'].asset_tag} (Netbox)",
        )
    ]
    assert lines_about(field, devs["ticket"]) == [
        ("warning", f"Ticket mismatch for s/n {devs['ticket'].serial}: T123456 (Accounting) vs. T999999 (Netbox)")
    ]
    assert "Device with s/n SNNOTINNETBOX1 (WMF0002) not present in Netbox" in messages(field, "failure")
    assert field["log"][-1][4] == "2 asset tags and 2 tickets matched"
    invalid = tests["test_invalid_rows"]
    assert messages(invalid, "failure") == [
        "Invalid Accounting row raised 'time data '2021-03-04' does not match format '%m/%d/%Y'':\n"
        "['2021-03-04', 'Dell', 'SNBADDATE', 'WMF0003', 'T1']"
    ]
    assert invalid["log"][-1][4] == f"{valid_rows} valid Accounting rows"
    missing = tests["test_missing_assets_from_accounting"]
    unlisted = devs["unlisted"]
    assert lines_about(missing, unlisted) == [
        ("failure", f"Device with s/n {unlisted.serial} ({unlisted.asset_tag}) not present in Accounting")
    ]
    assert lines_about(missing, devs["recent"]) == []  # bought less than 90 days ago
    assert lines_about(missing, devs["good"]) == []


@pytest.mark.django_db
def test_uploaded_csv_export(fleet):
    devs, rows = fleet
    check_outcome(run(Accounting, sheet_export=upload("assets.csv", csv_text(rows))), devs)


@pytest.mark.django_db
def test_configured_xlsx_export_with_recycled_tab(fleet, settings, tmp_path):
    devs, rows = fleet
    recycled = f.device(role_slug="server")
    rows = [*rows, ["03/04/2021", "Dell", recycled.serial, "WMF0004", "T1"]]
    path = tmp_path / "export.xlsx"
    path.write_bytes(xlsx({"Assets": rows, "Recycled": [["Serial"], [recycled.serial.lower()]]}))
    with plugin_settings(settings, accounting_export_file=str(path), accounting_ranges=RANGES):
        tests = run(Accounting)
    check_outcome(tests, devs, valid_rows=5)
    # A recycled serial is not an asset: its device is "not present in Accounting" (it should be gone from NetBox).
    assert lines_about(tests["test_field_match"], recycled) == []
    assert len(lines_about(tests["test_missing_assets_from_accounting"], recycled)) == 1


@pytest.mark.django_db
def test_google_sheets_api(fleet, settings, tmp_path):
    devs, rows = fleet
    values = {"Assets!A1:E": rows, "Recycled!A:A": [["Serial"]]}
    with google_sheets_source(settings, tmp_path, "sheet1", values, RANGES):
        tests = run(Accounting)
    check_outcome(tests, devs)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (403, None, "Google Sheets (Assets!A1:E): 127.0.0.1:{port} answered HTTP 403: Injected failure"),
        (500, None, "Google Sheets (Assets!A1:E): 127.0.0.1:{port} answered HTTP 500: Injected failure"),
        (200, "not json", "Google Sheets (Assets!A1:E): 127.0.0.1:{port} answered malformed JSON: 'not json'"),
    ],
)
def test_sheets_failure_is_one_line_and_no_conclusion(fleet, settings, tmp_path, status, body, expected):
    with google_sheets_source(settings, tmp_path, "sheet1", {}, RANGES) as google:
        google.fail_with("/v4/", status, body)
        tests = run(Accounting)
    port = google.url.rsplit(":", 1)[1]
    message = assert_single_source_failure(tests, "test_field_match", expected.format(port=port))
    assert "PRIVATE KEY" not in message


@pytest.mark.django_db
def test_unconfigured_is_one_line(settings):
    with plugin_settings(settings, accounting_sheet_id="", accounting_export_file=""):
        tests = run(Accounting)
    assert_single_source_failure(tests, "test_field_match", "Accounting: no source configured")


@pytest.mark.django_db
def test_a_broken_upload_is_one_line():
    tests = run(Accounting, sheet_export=upload("assets.xls", b"\xd0\xcf\x11\xe0legacy"))
    assert_single_source_failure(tests, "test_field_match", "assets.xls: legacy .xls files are not supported")


@pytest.mark.django_db
def test_query_count_does_not_grow_with_the_fleet(settings, tmp_path):
    path = tmp_path / "export.csv"

    def add(n):
        rows = [["title"], HEADER]
        for _ in range(n):
            dev = f.device(role_slug="server")
            rows.append(["03/04/2021", "Dell", dev.serial, dev.asset_tag, "T123456"])
        return rows

    with plugin_settings(settings, accounting_export_file=str(path)):
        path.write_text(csv_text(add(3)))
        small = count_queries(Accounting)
        path.write_text(csv_text(add(15)))
        large = count_queries(Accounting)
    assert small == large <= 2
