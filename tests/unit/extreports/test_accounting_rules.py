import datetime

import pytest

from netbox_wmf_ops.checks import Finding
from netbox_wmf_ops.checks.accounting import (
    AccountingSheet,
    Asset,
    DeviceFacts,
    check_field_match,
    check_invalid_rows,
    check_missing_assets,
    parse_assets,
    parse_motherboard_swaps,
    parse_recycled,
    purchase_window,
)
from netbox_wmf_ops.sources import SourceError

TITLE = ["Data Center Equipment Asset Tags"]
HEADER = ["Date", "Vendor", "Serial Number", "Asset Tag#", "RT#"]


def sheet(*rows):
    return [TITLE, HEADER, *rows]


def test_header_row_maps_columns_and_other_columns_are_kept():
    parsed = parse_assets(sheet(["01/15/2020", "Dell", "SN1", "WMF1001", "T1234"]))
    assert parsed.assets == {"SN1": Asset("SN1", "WMF1001", "T1234")}
    assert parsed.valid_rows == 1 and parsed.invalid_rows == [] and parsed.duplicates == []


def test_columns_are_found_by_header_name_not_position():
    parsed = parse_assets([TITLE, ["RT#", "Asset Tag#", "Serial Number", "Date"], ["T9", "WMF9", "SN9", "2/1/2021"]])
    assert parsed.assets == {"SN9": Asset("SN9", "WMF9", "T9")}


def test_a_missing_required_column_is_a_source_failure_not_a_flood_of_invalid_rows():
    with pytest.raises(SourceError, match=r"header row lacks the column\(s\) RT#"):
        parse_assets([TITLE, ["Date", "Serial Number", "Asset Tag#"], ["01/01/2020", "SN1", "WMF1"]])


@pytest.mark.parametrize("rows", [[], [TITLE]])
def test_an_empty_range_is_a_clear_failure_instead_of_a_crash(rows):
    # docs/behaviour-reference.md §6.4 item 16: HEAD crashed on tuple unpacking; 2021 silently reported "no assets".
    with pytest.raises(SourceError, match="asset range is empty"):
        parse_assets(rows)


def test_short_rows_are_padded_not_silently_skipped():
    # The Sheets API drops trailing empty cells: the row below has no RT# cell at all.
    parsed = parse_assets(sheet(["03/04/2019", "Dell", "SN2", "WMF1002"]))
    assert parsed.assets == {"SN2": Asset("SN2", "WMF1002", "")}


def test_blank_rows_are_ignored_and_cells_are_stripped():
    parsed = parse_assets(sheet([], ["", "", ""], [" 01/15/2020 ", "Dell", " SN3 ", " WMF1003 ", " T1 "]))
    assert parsed.assets == {"SN3": Asset("SN3", "WMF1003", "T1")}


def test_bad_dates_are_invalid_rows_and_the_rest_is_still_read():
    row = ["2020-01-15", "Dell", "SN4", "WMF1004", "T1"]
    parsed = parse_assets(sheet(row, ["01/16/2020", "Dell", "SN5", "WMF1005", "T2"]))
    assert parsed.invalid_rows == [(row, "time data '2020-01-15' does not match format '%m/%d/%Y'")]
    assert list(parsed.assets) == ["SN5"]


@pytest.mark.parametrize("serial", ["N/A", "n/a", ""])
def test_rows_without_a_usable_serial_are_skipped(serial):
    assert parse_assets(sheet(["01/15/2020", "Dell", serial, "WMF1006", "T1"])).assets == {}


def test_return_row_cancels_the_earlier_purchase():
    parsed = parse_assets(
        sheet(["01/15/2020", "Dell", "SN7", "WMF1007", "T1"], ["02/15/2020", "Dell", "SN7", "return", "T2"])
    )
    assert parsed.assets == {}


def test_return_promotes_a_repeated_purchase_of_the_same_serial():
    parsed = parse_assets(
        sheet(
            ["01/15/2020", "Dell", "SN8", "WMF1008", "T1"],
            ["03/15/2020", "Dell", "SN8", "WMF1009", "T3"],
            ["02/15/2020", "Dell", "SN8", "Return", "T2"],
        )
    )
    assert parsed.assets == {"SN8": Asset("SN8", "WMF1009", "T3")} and parsed.duplicates == []


def test_wmfna_and_recycled_serials_are_not_tracked():
    parsed = parse_assets(
        sheet(["01/15/2020", "Dell", "SN10", "wmfna", "T1"], ["01/15/2020", "Dell", "sn11", "WMF1011", "T1"]),
        recycled=parse_recycled([["Recycled serials"], ["SN11 "], [""], []]),
    )
    assert parsed.assets == {}


def test_recycled_list_is_column_zero_after_the_first_row_upper_cased():
    assert parse_recycled([["Serial"], ["ab1", "x"], [" cd2 "], [""], []]) == {"AB1", "CD2"}


def test_motherboard_swap_replaces_the_serial_by_asset_tag():
    swaps = parse_motherboard_swaps(
        [
            ["Motherboard swaps"],
            ["Asset Tag#", "Old SN", "New SN", "Additional Notes", "Task"],
            ["WMF1012", "OLD12", "NEW12"],  # trailing cells omitted by the API: still applies
            ["WMF1013", "OLD13", "", "board scrapped", "T5"],
        ]
    )
    assert swaps == {"WMF1012": "NEW12", "WMF1013": ""}
    parsed = parse_assets(
        sheet(["01/15/2020", "Dell", "OLD12", "WMF1012", "T1"], ["01/15/2020", "Dell", "OLD13", "WMF1013", "T1"]),
        swaps,
    )
    assert parsed.assets == {"NEW12": Asset("NEW12", "WMF1012", "T1")}  # an empty new serial skips the row


def test_motherboard_swaps_need_their_columns():
    with pytest.raises(SourceError, match="New SN"):
        parse_motherboard_swaps([["t"], ["Asset Tag#", "Old SN"], ["WMF1", "A"]])
    assert parse_motherboard_swaps([]) == {}


def test_duplicates_are_kept_apart_instead_of_renamed():
    parsed = parse_assets(
        sheet(["01/15/2020", "Dell", "SN14", "WMF1014", "T1"], ["01/16/2020", "Dell", "SN14", "WMF1015", "T2"])
    )
    assert parsed.assets == {"SN14": Asset("SN14", "WMF1014", "T1")}
    assert parsed.duplicates == [Asset("SN14", "WMF1015", "T2")]


# --- test_field_match ---------------------------------------------------------------------------------------------


def facts(serial, tag, ticket=None, obj=None):
    return DeviceFacts(obj or f"dev-{serial}", serial, tag, ticket)


def test_field_match_messages_and_summary_last():
    parsed = AccountingSheet(
        assets={
            "A": Asset("A", "WMF1", "T1"),  # all good
            "B": Asset("B", "WMF2", "T2"),  # tag differs, ticket differs
            "C": Asset("C", "WMF3", "T3"),  # absent from NetBox
            "D": Asset("D", "=NETBOX(D)", "T4"),  # formula tag: neither compared nor counted
            "E": Asset("E", "=NETBOX(E)", "T5"),  # formula tag and absent
            "F": Asset("F", "WMF6", ""),  # both tickets empty: a match
        },
        duplicates=[Asset("A", "WMF9", "T9")],
    )
    devices = {
        "A": facts("A", "WMF1", "T1"),
        "B": facts("B", "WMF20", None),
        "D": facts("D", "WMF4", "T4"),
        "F": facts("F", "WMF6", None),
    }
    assert check_field_match(parsed, devices) == [
        Finding("failure", "dev-B", "Asset tag mismatch for s/n B: WMF2 (Accounting) vs. WMF20 (Netbox)"),
        Finding("failure", None, "Device with s/n C (WMF3) not present in Netbox"),
        Finding("failure", None, "Device with s/n E (N/A) not present in Netbox"),
        Finding("failure", None, "Device with s/n A (WMF9) listed more than once in Accounting"),
        Finding("warning", "dev-B", "Ticket mismatch for s/n B: T2 (Accounting) vs. None (Netbox)"),
        Finding("success", None, "2 asset tags and 3 tickets matched"),
    ]


def test_invalid_rows_one_failure_each_then_a_summary():
    parsed = AccountingSheet(invalid_rows=[(["x", "SN1"], "bad date")], valid_rows=7)
    assert check_invalid_rows(parsed) == [
        Finding("failure", None, "Invalid Accounting row raised 'bad date':\n['x', 'SN1']"),
        Finding("success", None, "7 valid Accounting rows"),
    ]


def test_missing_assets_window_and_messages():
    oldest, newest = purchase_window(datetime.date(2024, 4, 30))
    assert (oldest, newest) == (datetime.date(2017, 7, 1), datetime.date(2024, 1, 31))
    parsed = AccountingSheet(assets={"A": Asset("A", "WMF1", "")})
    findings = check_missing_assets([facts("A", "WMF1"), facts("Z", None)], parsed, oldest, newest)
    assert findings == [
        Finding("failure", "dev-Z", "Device with s/n Z (None) not present in Accounting"),
        Finding("success", None, "1 devices (2017-07-01 to 2024-01-31) matched"),
    ]
