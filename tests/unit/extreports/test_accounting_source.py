"""Where the Accounting rows come from: upload > spreadsheet > export file; the same ranges pick the same cells."""

import pytest

from dev.fakes.extreports import FakeGoogleSheets, ServiceAccountKey
from netbox_wmf_ops.checks.accounting import parse_assets, parse_motherboard_swaps, parse_recycled
from netbox_wmf_ops.sources import SourceError
from netbox_wmf_ops.sources.accounting import AccountingSourceConfig, Upload, read_accounting_rows
from netbox_wmf_ops.sources.http import HttpOptions
from tests.unit.extreports.test_tabular import xlsx

RANGES = {"include": "Assets!A1:E", "exclude": "Recycled!A:A", "motherboard_swaps": "Swaps!A:E"}
ASSETS = [
    ["Data Center Equipment Asset Tags"],
    ["Date", "Vendor", "Serial Number", "Asset Tag#", "RT#"],
    ["01/15/2020", "Dell", "SN1", "WMF1001", "T1"],
    ["01/15/2020", "Dell", "OLD2", "WMF1002", "T2"],
    ["01/15/2020", "Dell", "SN3", "WMF1003", "T3"],
]
RECYCLED = [["Recycled"], ["SN3"]]
SWAPS = [["Swaps"], ["Asset Tag#", "Old SN", "New SN", "Additional Notes", "Task"], ["WMF1002", "OLD2", "NEW2"]]


def parse(rows):
    return parse_assets(rows.assets, parse_motherboard_swaps(rows.motherboard_swaps), parse_recycled(rows.recycled))


def test_xlsx_export_applies_every_range():
    content = xlsx({"Assets": ASSETS, "Recycled": RECYCLED, "Swaps": SWAPS})
    rows = read_accounting_rows(AccountingSourceConfig(ranges=RANGES), Upload("assets.xlsx", content))
    assert rows.origin == "uploaded file assets.xlsx"
    assert sorted(parse(rows).assets) == ["NEW2", "SN1"]


def test_csv_export_holds_only_the_assets_tab(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("\n".join(",".join(row) for row in ASSETS))
    rows = read_accounting_rows(AccountingSourceConfig(ranges=RANGES, export_file=str(path)))
    assert rows.recycled == [] and rows.motherboard_swaps == []
    assert sorted(parse(rows).assets) == ["OLD2", "SN1", "SN3"]


def test_xlsx_without_a_configured_worksheet_fails_clearly():
    content = xlsx({"Assets": ASSETS})
    with pytest.raises(SourceError, match=r"^Accounting: uploaded file a.xlsx: worksheet 'Recycled' not found"):
        read_accounting_rows(AccountingSourceConfig(ranges=RANGES), Upload("a.xlsx", content))


def test_spreadsheet_through_the_sheets_api(tmp_path):
    account = ServiceAccountKey()
    sheets = {"sheet1": {RANGES["include"]: ASSETS, RANGES["exclude"]: RECYCLED, RANGES["motherboard_swaps"]: SWAPS}}
    with FakeGoogleSheets(account, sheets) as google:
        config = AccountingSourceConfig(
            sheet_id="sheet1",
            credentials_file=str(account.write(tmp_path, google.token_uri)),
            ranges=RANGES,
            api_url=google.url,
            http=HttpOptions(2, 2),
        )
        rows = read_accounting_rows(config)
    assert rows.origin == "spreadsheet sheet1"
    assert sorted(parse(rows).assets) == ["NEW2", "SN1"]


def test_an_upload_wins_over_the_configured_spreadsheet():
    config = AccountingSourceConfig(sheet_id="sheet1", credentials_file="/nonexistent", ranges={"include": "A:E"})
    content = "\n".join(",".join(row) for row in ASSETS).encode()
    assert read_accounting_rows(config, Upload("x.csv", content)).origin == "uploaded file x.csv"


def test_nothing_configured():
    with pytest.raises(SourceError, match="Accounting: no source configured"):
        read_accounting_rows(AccountingSourceConfig())
