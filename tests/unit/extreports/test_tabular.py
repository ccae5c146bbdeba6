import datetime
import io

import openpyxl
import pytest

from netbox_wmf_ops.sources import SourceError
from netbox_wmf_ops.sources.tabular import A1Range, parse_a1, read_tables, select_range


def xlsx(sheets: dict[str, list[list]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_csv_with_bom_semicolons_and_trailing_empty_cells():
    content = "\ufeffDate;Serial Number;Asset Tag#;RT#\r\n01/02/2020;SN1;WMF1;\r\n;;;\r\n".encode()
    [table] = read_tables("assets.csv", content)
    assert table.is_csv and table.title == "assets"
    assert table.rows == [["Date", "Serial Number", "Asset Tag#", "RT#"], ["01/02/2020", "SN1", "WMF1"]]


def test_csv_in_windows_encoding_is_read():
    [table] = read_tables("base.csv", "Serial #,Install City\r\nAB1,Düsseldorf\r\n".encode("cp1252"))
    assert table.rows[1] == ["AB1", "Düsseldorf"]


def test_xlsx_keeps_formulas_formats_dates_and_whole_numbers():
    content = xlsx(
        {
            "Assets": [
                ["title"],
                ["Date", "Serial Number", "Asset Tag#", "RT#"],
                [datetime.datetime(2020, 1, 15), 12345, "=NETBOX(B3)", 1.0],
                [datetime.date(2021, 2, 3), "SN2", "WMF2", 2.5],
            ],
            "Recycled": [["Serial"], ["OLD1"]],
        }
    )
    tables = read_tables("export.xlsx", content)
    assert [t.title for t in tables] == ["Assets", "Recycled"]
    assert tables[0].rows[2] == ["01/15/2020", "12345", "=NETBOX(B3)", "1"]
    assert tables[0].rows[3] == ["02/03/2021", "SN2", "WMF2", "2.5"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", A1Range(None)),
        ("Assets", A1Range("Assets")),
        ("A:F", A1Range(None, 1, 1, None, 6)),
        ("Assets!A3:F", A1Range("Assets", 3, 1, None, 6)),
        ("'Recycled gear'!A2:A", A1Range("Recycled gear", 2, 1, None, 1)),
        ("'It''s'!B2:C10", A1Range("It's", 2, 2, 10, 3)),
        ("Sheet1!AA1:AB2", A1Range("Sheet1", 1, 27, 2, 28)),
    ],
)
def test_parse_a1(text, expected):
    assert parse_a1(text) == expected


def test_select_range_crops_like_the_api():
    tables = read_tables("x.xlsx", xlsx({"One": [["a", "b", "c"], ["d", "e", "f"]], "Two": [["1", "2"], ["3", "4"]]}))
    assert select_range(tables, "Two!B1:B") == [["2"], ["4"]]
    assert select_range(tables, "A2:B") == [["d", "e"]]  # no sheet name: the first worksheet
    assert select_range(tables, "two!A1:B") == [["1", "2"], ["3", "4"]]  # sheet names match case-insensitively
    with pytest.raises(SourceError, match=r"worksheet 'Three' not found \(the file has: One, Two\)"):
        select_range(tables, "Three!A:B")


def test_a_csv_ignores_sheet_names():
    tables = read_tables("only.csv", b"a,b\nc,d\n")
    assert select_range(tables, "Assets!B1:B") == [["b"], ["d"]]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xd0\xcf\x11\xe0rest", "legacy .xls"),
        (b"PK\x03\x04broken zip", "not a readable XLSX file"),
        (b"\x00\x01binary\x00", "not a CSV or XLSX file"),
    ],
)
def test_unreadable_files_are_one_clear_error(content, message):
    with pytest.raises(SourceError, match=message):
        read_tables("upload.bin", content)


def test_invalid_a1_range():
    with pytest.raises(SourceError, match="invalid A1 range"):
        parse_a1("Sheet!A1:B2:C3")
