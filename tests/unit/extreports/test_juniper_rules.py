import pytest

from netbox_wmf_ops.checks import Finding
from netbox_wmf_ops.checks.juniper import (
    InstalledBaseEntry,
    JuniperDevice,
    JuniperItem,
    check_consistency,
    check_missing_devices,
    check_missing_inventory,
    parse_installed_base,
)
from netbox_wmf_ops.sources import SourceError

HEADER = ["Serial #", "Product Name", "Install City", "Status", "Contract End Date", "Ship Date"]


def test_parse_strips_cells_and_skips_rows_without_serial_or_of_ignored_products():
    base = parse_installed_base(
        [
            HEADER,
            [" JN11 ", " QFX5120-48Y-AFI ", " Ashburn ", "Active", "", "x"],
            ["", "EX4300-48T", "Ashburn", "Active", ""],
            ["JN12", "JNP-QSFP-40G-LX4", "Ashburn", "Active", ""],
            ["JN13", "EX-PWR-320-AC", "Ashburn", "Active", ""],
            ["JN14", "MX480"],  # short row: padded
        ],
        "base.csv",
    )
    assert base == {
        "JN11": InstalledBaseEntry("JN11", "QFX5120-48Y-AFI", "Ashburn", "Active", ""),
        "JN14": InstalledBaseEntry("JN14", "MX480", "", "", ""),
    }


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([], "the file is empty"),
        ([["Serial #", "Product Name"]], "the header row lacks Install City, Status, Contract End Date"),
        ([HEADER, ["", "x"]], "no installed-base rows with a serial number"),
    ],
)
def test_unusable_exports_are_one_failure(rows, message):
    with pytest.raises(SourceError, match=f"^Can't load CSV file from up.csv: {message}"):
        parse_installed_base(rows, "up.csv")


def entry(serial, city="Ashburn", status="Active", end="", product="MX480"):
    return InstalledBaseEntry(serial, product, city, status, end)


def device(obj, serial, status="active", address=""):
    return JuniperDevice(obj, serial, status, address)


def item(obj, serial, part_id="MPC7E-MRATE", device_name="cr1-eqiad", device_status="active"):
    return JuniperItem(obj, serial, part_id, device_name, device_status)


def test_consistency():
    base = {
        e.serial: e
        for e in [
            entry("D1"),  # good
            entry("D2", city="Dallas", status="Expired", end="2023-01-31"),  # both problems: one failure line
            entry("D3", status="Expired", end="2023-01-31"),  # offline device: support not required
            entry("I1"),  # an inventory item
            entry("X1", product="QFX5100-48S"),  # unknown to NetBox
        ]
    }
    devices = {
        "D1": device("cr1-eqiad", "D1", address="21715 Filigree Court\nAshburn, VA 20147"),
        "D2": device("cr2-eqiad", "D2", address="Ashburn, VA"),
        "D3": device("cr3-eqiad", "D3", "offline", "Ashburn"),
    }
    assert check_consistency(base, devices, {"I1"}) == [
        Finding(
            "failure",
            "cr2-eqiad",
            "City mismatch: Dallas (Juniper) vs. Ashburn, VA (Netbox); Support missing, ended on: 2023-01-31",
        ),
        Finding("warning", None, "Device QFX5100-48S with s/n X1 not present in Netbox"),
        Finding("success", None, "4 matching serials; 2 matching addresses; 2 matching support"),
    ]


def test_missing_devices_and_inventory():
    base = {"D1": entry("D1"), "I1": entry("I1")}
    devices = [device("a", "D1"), device("b", "D9"), device("c", "D8", "decommissioning"), device("d", "")]
    assert check_missing_devices(base, devices) == [
        Finding("failure", "b", "Device with s/n D9 not present in Juniper Installed Base"),
        Finding("success", None, "1 devices matched"),
    ]
    items = [
        item("fpc0", "I1"),
        item("fpc1", "I9"),
        item("psu0", "I8", part_id="PWR-MX480-2520-AC"),  # ignored part
        item("fpc2", "I7", device_name="cr9-eqiad", device_status="offline"),  # ignored device status
    ]
    assert check_missing_inventory(base, items) == [
        Finding("failure", "fpc1", "cr1-eqiad item MPC7E-MRATE with s/n I9 not present in Juniper Installed Base"),
        Finding("success", None, "1 inventory items matched"),
    ]
