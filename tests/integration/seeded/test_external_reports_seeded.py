"""The reports with external sources find exactly the seeded defects of the demo fleet (scale 0.05, seed 1).

The test database holds that fleet; ``plan_fleet(...).external`` holds what the outside systems say about it. Each
report gets that view through its real source path, using the fixtures the other tests use:

* Accounting: an XLSX export of the sheet (assets, recycled and motherboard-swap tabs) in ``tmp_path``, and the same
  values served by the Google Sheets API fake;
* LibreNMS: a throw-away MariaDB database with LibreNMS's ``devices`` and ``entPhysical`` tables;
* PuppetDB: the ``/v1/facts`` microservice fixture serving the fleet's facts;
* Juniper: the installed-base export uploaded as XLSX, and the same rows as the configured CSV file.

For every report the set of non-summary lines must equal the lines the seeded defect ids call for (catalogue:
``dev/fleet/defects.py``; table: docs/reports-external.md, "Seeded demo defects"), so every id is found
and nothing else, clean objects included, is flagged. The summary line comes last in every test."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable

import pytest
from dcim.models import Device, InventoryItem
from virtualization.models import VirtualMachine

from dev.fleet.defects import DEFECTS as CATALOGUE
from dev.fleet.exports import ACCOUNTING_RANGES, write_exports
from dev.fleet.plan import plan_fleet
from dev.fleet_sources import librenms_tables, puppetdb_nodes
from dev.librenms_harness import librenms_database
from dev.puppetdb_harness import MicroserviceFixture
from netbox_wmf_ops.checks.accounting import purchase_window
from netbox_wmf_ops.checks.puppetdb import EXCLUDED_STATUSES
from netbox_wmf_ops.reports.accounting import Accounting
from netbox_wmf_ops.reports.juniper import Juniper
from netbox_wmf_ops.reports.librenms import LibreNMS
from netbox_wmf_ops.reports.puppetdb import PhysicalHosts, VirtualMachines
from tests.integration.extreports.helpers import google_sheets_source, plugin_settings, run, upload
from tests.integration.reports.helpers import assert_conventions
from tests.plugin_settings import override_plugin_settings
from tests.unit.extreports.test_tabular import xlsx

TEST_SCALE, SEED = 0.05, 1
PLAN = plan_fleet(TEST_SCALE, SEED)
DEFECTS, EXTERNAL = PLAN.defects, PLAN.external

# (test, level, object text or None, object URL or None, message): one report line without its timestamp.
Line = tuple[str, str, str | None, str | None, str]


@pytest.fixture(scope="module")
def fleet_loaded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        if not Device.objects.exists():
            pytest.fail("the test template holds no demo fleet: rebuild it with `dev/wmfops.py test-prepare`")


def line(test: str, level: str, obj, message: str) -> Line:
    if obj is None:
        return (test, level, None, None, message)
    return (test, level, str(obj), obj.get_absolute_url(), message)


def report_lines(tests: dict[str, dict]) -> set[Line]:
    """Every line but the summaries, after checking the conventions (summary last, the only success)."""
    assert_conventions(tests)
    return {(name, e[1], e[2], e[3], e[4]) for name, result in tests.items() for e in result["log"][:-1]}


def device(name: str) -> Device:
    return Device.objects.select_related("device_type__manufacturer", "role").get(name=name)


def vm(name: str) -> VirtualMachine:
    return VirtualMachine.objects.get(name=name)


def inventory_item(ref: str) -> InventoryItem:
    device_name, name = ref.split(":", 1)
    return InventoryItem.objects.get(device__name=device_name, name=name)


def on_device(test: str, level: str, message_for: Callable[[Device], str]) -> Callable[[str], list[Line]]:
    """A case whose seeded refs are device names, each calling for one line about that device."""

    def lines_for(name: str) -> list[Line]:
        dev = device(name)
        return [line(test, level, dev, message_for(dev))]

    return lines_for


def expected_lines(report: str, cases: dict[str, Callable[[str], list[Line]]]) -> dict[str, list[Line]]:
    """Seeded id → the lines its objects must produce; every defect id (not edge) of ``report`` needs a case."""
    ours = {key for key in DEFECTS if key.split(".")[0] == report and CATALOGUE[key].kind == "defect"}
    assert ours == set(cases), (
        f"{report}: ids without a case {ours - set(cases)}, cases without an id {set(cases) - ours}"
    )
    expected = {}
    for key, lines_for in cases.items():
        assert DEFECTS[key], f"{key}: nothing seeded at scale {TEST_SCALE}"
        expected[key] = [found for ref in DEFECTS[key] for found in lines_for(ref)]
    return expected


def assert_exactly_the_seeded_lines(found: set[Line], expected: dict[str, list[Line]]) -> None:
    for key, lines in expected.items():
        missing = [x for x in lines if x not in found]
        assert not missing, f"{key}: not reported: {missing}"
    wanted = {x for lines in expected.values() for x in lines}
    assert found - wanted == set(), "flagged although no seeded defect says so"


def run_per_source(**sources: Callable) -> Callable:
    """A fixture that runs a report once per source: id → function of (settings, tmp_path) returning the run."""

    @pytest.fixture(params=list(sources.values()), ids=list(sources))
    def report_run(request, fleet_loaded, settings, tmp_path):
        return request.param(settings, tmp_path)

    return report_run


def summary_of(tests: dict[str, dict], test: str) -> str:
    return tests[test]["log"][-1][4]


# ------------------------------------------------------------------------------------------------------ Accounting
ACCOUNTING = EXTERNAL["accounting"]
SHEET_ROWS = ACCOUNTING["include"][2:]  # after the title and the header (Date, Serial Number, Asset Tag#, RT#, ...)


def sheet_rows(serial: str) -> list[list[str]]:
    """The sheet rows for ``serial``, after the motherboard swaps (the sheet may list a board's old serial)."""
    swaps = {row[0]: row[2] for row in ACCOUNTING["motherboard_swaps"][2:]}
    return [row for row in SHEET_ROWS if swaps.get(row[2], row[1]) == serial]


def sheet_row(serial: str) -> list[str]:
    return sheet_rows(serial)[0]


def printable_tag(tag: str) -> str:
    return "N/A" if tag.upper().startswith("=NETBOX") else tag


def accounting_cases() -> dict[str, Callable[[str], list[Line]]]:
    def tag_mismatch(dev):
        sheet_tag = sheet_row(dev.serial)[2]
        return f"Asset tag mismatch for s/n {dev.serial}: {sheet_tag} (Accounting) vs. {dev.asset_tag} (Netbox)"

    def ticket_mismatch(dev):
        sheet_ticket = sheet_row(dev.serial)[3]
        nb_ticket = dev.custom_field_data.get("ticket")
        return f"Ticket mismatch for s/n {dev.serial}: {sheet_ticket} (Accounting) vs. {nb_ticket} (Netbox)"

    def missing_in_netbox(serial):
        tag = sheet_row(serial)[2]
        return [line("test_field_match", "failure", None, f"Device with s/n {serial} ({tag}) not present in Netbox")]

    def duplicate_row(ref):
        # The catalogue names the original report's renamed serial '<serial> (duplicate)'; this report says what
        # happened instead (docs/reports-external.md, fix 5).
        serial = ref.removesuffix(" (duplicate)")
        tag = printable_tag(sheet_rows(serial)[-1][2])
        message = f"Device with s/n {serial} ({tag}) listed more than once in Accounting"
        return [line("test_field_match", "failure", None, message)]

    def missing_in_accounting(dev):
        return f"Device with s/n {dev.serial} ({dev.asset_tag}) not present in Accounting"

    def invalid_row(serial):
        row = next(row for row in SHEET_ROWS if row[1] == serial)
        error = f"time data {row[0]!r} does not match format '%m/%d/%Y'"
        return [line("test_invalid_rows", "failure", None, f"Invalid Accounting row raised '{error}':\n{row}")]

    return {
        "accounting.asset_tag_mismatch": on_device("test_field_match", "failure", tag_mismatch),
        "accounting.ticket_mismatch": on_device("test_field_match", "warning", ticket_mismatch),
        "accounting.missing_in_netbox": missing_in_netbox,
        "accounting.duplicate_row": duplicate_row,
        "accounting.missing_in_accounting": on_device(
            "test_missing_assets_from_accounting", "failure", missing_in_accounting
        ),
        "accounting.invalid_row": invalid_row,
    }


def run_on_demo_exports(report_class, settings, tmp_path) -> dict[str, dict]:
    """The report on the files `make demo` writes (dev/fleet/exports.py), with the settings it uses."""
    prefix = {Accounting: "accounting_", Juniper: "juniper_"}[report_class]
    exports = write_exports(EXTERNAL, tmp_path)
    with plugin_settings(settings, **{k: v for k, v in exports.items() if k.startswith(prefix)}):
        return run(report_class)


def xlsx_export_source(settings, tmp_path):
    return run_on_demo_exports(Accounting, settings, tmp_path)


def sheets_api_source(settings, tmp_path):
    values = dict(zip(ACCOUNTING_RANGES.values(), ACCOUNTING.values(), strict=True))
    with google_sheets_source(settings, tmp_path, "assets-sheet", values, ACCOUNTING_RANGES):
        return run(Accounting)


accounting_run = run_per_source(**{"xlsx-export": xlsx_export_source, "sheets-api": sheets_api_source})


@pytest.mark.django_db
def test_accounting_finds_exactly_the_seeded_defects(accounting_run):
    found = report_lines(accounting_run)
    assert_exactly_the_seeded_lines(found, expected_lines("accounting", accounting_cases()))
    # Rows the sheet rules drop (Return, WMFNA, N/A, recycled) are valid rows that conclude nothing.
    rows = len(SHEET_ROWS) - len(DEFECTS["accounting.invalid_row"])
    assert summary_of(accounting_run, "test_invalid_rows") == f"{rows} valid Accounting rows"


@pytest.mark.django_db
def test_a_csv_export_holds_only_the_assets_tab(fleet_loaded, settings, tmp_path):
    """A CSV export carries no recycled list and no motherboard swaps (docs/reports-external.md): the recycled serial
    and the swapped board's old serial then look unknown to NetBox, and the board's new serial looks unlisted."""
    text = io.StringIO()
    csv.writer(text).writerows(ACCOUNTING["include"])
    path = tmp_path / "accounting.csv"
    path.write_text(text.getvalue())
    with plugin_settings(
        settings, accounting_sheet_id="", accounting_export_file=str(path), accounting_ranges=ACCOUNTING_RANGES
    ):
        found = report_lines(run(Accounting))
    [recycled] = [row[0] for row in ACCOUNTING["exclude"][1:]]
    [(swap_tag, old_serial, new_serial, *_)] = ACCOUNTING["motherboard_swaps"][2:]
    swapped = Device.objects.get(serial=new_serial)
    recycled_tag = next(row[2] for row in SHEET_ROWS if row[1] == recycled)
    extra = [
        line("test_field_match", "failure", None, f"Device with s/n {recycled} ({recycled_tag}) not present in Netbox"),
        line("test_field_match", "failure", None, f"Device with s/n {old_serial} ({swap_tag}) not present in Netbox"),
    ]
    oldest, newest = purchase_window(datetime.date.today())
    if oldest.isoformat() <= swapped.custom_field_data.get("purchase_date", "") <= newest.isoformat():
        message = f"Device with s/n {new_serial} ({swapped.asset_tag}) not present in Accounting"
        extra.append(line("test_missing_assets_from_accounting", "failure", swapped, message))
    assert_exactly_the_seeded_lines(found, {**expected_lines("accounting", accounting_cases()), "csv": extra})


@pytest.mark.django_db
def test_accounting_leaves_a_clean_server_alone(accounting_run):
    flagged = {name for refs in DEFECTS.values() for ref in refs for name in [ref.split(":")[0]]}
    clean = (
        Device.objects.filter(role__slug="server", status="active", custom_field_data__purchase_date__gte="2018-01-01")
        .exclude(name__in=flagged)
        .order_by("name")
        .first()
    )
    assert clean is not None and sheet_row(clean.serial)
    url = clean.get_absolute_url()
    assert [e for result in accounting_run.values() for e in result["log"] if e[3] == url] == []


# -------------------------------------------------------------------------------------------------------- LibreNMS
LIBRENMS = EXTERNAL["librenms"]


def librenms_cases() -> dict[str, Callable[[str], list[Line]]]:
    by_serial = {row["serial"]: row for row in LIBRENMS["devices"]}
    chassis = {row["serial"]: row for row in LIBRENMS["entPhysical"]}

    def vendor_model(dev: Device) -> str:
        return f"{dev.device_type.manufacturer.name.lower()} {dev.device_type.model.lower()}"

    def unknown_serial(serial):
        row = by_serial[serial]
        message = f"missing LibreNMS device from Netbox: serial: {serial} hostname: {row['hostname']} id: {row['id']}"
        return [line("test_librenms_in_nb", "failure", None, message)]

    def device_model(dev):
        row = by_serial[dev.serial]
        return (
            f"mismatch between LibreNMS and Netbox device types: Netbox: {vendor_model(dev)} (vendor model), "
            f"LibreNMS: {row['description'].lower()} (description) || {row['hardware']} (hardware)"
        )

    def inventory_model(dev):
        row = chassis[dev.serial]
        return (
            f"mismatch between LibreNMS and Netbox inventory; Netbox: {vendor_model(dev)} (vendor model), "
            f"LibreNMS: {row['vendor']} {row['model']} (vendor model)"
        )

    def device_missing(dev):
        return f"missing Netbox device from LibreNMS of role {dev.role.slug}"

    def device_missing_no_ip(name):
        dev = device(name)
        assert dev.primary_ip4_id is None and dev.primary_ip6_id is None, name
        count = len(DEFECTS["librenms.netbox_device_missing_no_ip"])  # counted on one line, no object
        return [line("test_nb_net_in_librenms", "info", None, f"{count} Netbox devices with no IP and not in LibreNMS")]

    def inventory_missing(ref):
        return [
            line(
                "test_nb_inventory_in_librenms",
                "failure",
                inventory_item(ref),
                "missing Netbox inventory item from LibreNMS",
            )
        ]

    return {
        "librenms.device_missing_from_netbox": unknown_serial,
        "librenms.device_model_mismatch": on_device("test_librenms_vendor_model", "failure", device_model),
        "librenms.inventory_model_mismatch": on_device("test_librenms_vendor_model", "failure", inventory_model),
        "librenms.netbox_device_missing": on_device("test_nb_net_in_librenms", "failure", device_missing),
        "librenms.netbox_device_missing_no_ip": device_missing_no_ip,
        "librenms.inventory_missing": inventory_missing,
    }


@pytest.fixture
def librenms_run(fleet_loaded, settings):
    devices, inventory = librenms_tables(PLAN)
    with librenms_database(devices, inventory) as db, plugin_settings(settings, librenms_db=db):
        return run(LibreNMS)


@pytest.mark.django_db
def test_librenms_finds_exactly_the_seeded_defects(librenms_run):
    found = report_lines(librenms_run)
    assert_exactly_the_seeded_lines(found, expected_lines("librenms", librenms_cases()))
    unknown = len(DEFECTS["librenms.device_missing_from_netbox"])
    assert summary_of(librenms_run, "test_librenms_in_nb") == (
        f"{len(LIBRENMS['devices']) - unknown} LibreNMS devices in Netbox"
    )


@pytest.mark.django_db
def test_librenms_leaves_clean_network_gear_alone(librenms_run):
    flagged = {ref.split(":")[0] for refs in DEFECTS.values() for ref in refs}
    clean = Device.objects.filter(role__slug__in=["asw", "cr"], status="active").exclude(name__in=flagged)
    clean = list(clean.order_by("name"))
    assert {d.role.slug for d in clean} == {"asw", "cr"}
    urls = {d.get_absolute_url() for d in clean} | {
        i.get_absolute_url() for i in InventoryItem.objects.filter(device__in=clean)
    }
    assert [e for result in librenms_run.values() for e in result["log"] if e[3] in urls] == []


# -------------------------------------------------------------------------------------------------------- PuppetDB
PUPPETDB = EXTERNAL["puppetdb"]


@pytest.fixture
def microservice_settings(settings):
    with MicroserviceFixture(puppetdb_nodes(PLAN)) as fixture:
        override_plugin_settings(settings, puppetdb_url=fixture.url, puppetdb_api="microservice")
        yield fixture


def should_be() -> str:
    return ", ".join(EXCLUDED_STATUSES[:-1]) + f" or {EXCLUDED_STATUSES[-1]}"


def puppetdb_cases() -> dict[str, Callable[[str], list[Line]]]:
    def vm_absent(name):
        return [line("test_netbox_vms_in_puppetdb", "failure", vm(name), "missing VM from PuppetDB")]

    def vm_physical(name):
        return [line("test_netbox_vms_in_puppetdb", "failure", vm(name), "expected VM marked as Physical in PuppetDB")]

    def unknown_vm(host):
        return [line("test_puppetdb_vms_in_netbox", "failure", None, f"missing VM from Netbox: {host}")]

    def server_absent(dev):
        return f"Device is {dev.get_status_display()} in Netbox but is missing from PuppetDB (should be {should_be()})"

    def server_virtual(dev):
        return "expected physical device marked as virtual in PuppetDB"

    def unexpected_state(dev):
        return f"Device is in PuppetDB but is {dev.get_status_display()} in Netbox (should be Active or Failed)"

    def unknown_host(host):
        return [line("test_puppetdb_in_netbox", "failure", None, f"expected device missing from Netbox: {host}")]

    def model(dev):
        return (
            f"mismatched device models: {dev.device_type.model} (netbox) != "
            f"{PUPPETDB['productname'][dev.name]} (puppetdb)"
        )

    def serial(dev):
        return f"mismatched serials: {dev.serial} (netbox) != {PUPPETDB['serialnumber'][dev.name]} (puppetdb)"

    return {
        "puppetdb.vm_missing_from_puppetdb": vm_absent,
        "puppetdb.vm_marked_physical": vm_physical,
        "puppetdb.vm_missing_from_netbox": unknown_vm,
        "puppetdb.device_missing_from_puppetdb": on_device("test_netbox_in_puppetdb", "failure", server_absent),
        "puppetdb.device_marked_virtual": on_device("test_netbox_in_puppetdb", "failure", server_virtual),
        "puppetdb.device_unexpected_state": on_device("test_puppetdb_in_netbox", "failure", unexpected_state),
        "puppetdb.device_missing_from_netbox": unknown_host,
        "puppetdb.model_mismatch": on_device("test_puppetdb_models", "failure", model),
        "puppetdb.serial_mismatch": on_device("test_puppetdb_serials", "failure", serial),
    }


@pytest.mark.django_db
def test_puppetdb_finds_exactly_the_seeded_defects(fleet_loaded, microservice_settings):
    found = report_lines(run(VirtualMachines)) | report_lines(run(PhysicalHosts))
    assert_exactly_the_seeded_lines(found, expected_lines("puppetdb", puppetdb_cases()))
    assert all(path.startswith("/v1/facts/") for path in microservice_settings.requests)


@pytest.mark.django_db
def test_puppetdb_leaves_a_clean_server_and_vm_alone(fleet_loaded, microservice_settings):
    flagged = {ref.split(":")[0] for refs in DEFECTS.values() for ref in refs}
    server = Device.objects.filter(role__slug="server", status="active").exclude(name__in=flagged).first()
    machine = VirtualMachine.objects.filter(status="active").exclude(name__in=flagged).first()
    assert server is not None and machine is not None
    urls = {server.get_absolute_url(), machine.get_absolute_url()}
    for report_class in (VirtualMachines, PhysicalHosts):
        tests = run(report_class)
        assert [e for result in tests.values() for e in result["log"] if e[3] in urls] == []


# --------------------------------------------------------------------------------------------------------- Juniper
JUNIPER = EXTERNAL["juniper"]  # the export's rows, header first
JUNIPER_ROWS = {row[0]: dict(zip(JUNIPER[0], row, strict=True)) for row in JUNIPER[1:] if row[0]}


def juniper_cases() -> dict[str, Callable[[str], list[Line]]]:
    def address(dev: Device) -> str:
        return " ".join(dev.site.physical_address.split())

    def city(dev):
        row = JUNIPER_ROWS[dev.serial]
        return f"City mismatch: {row['Install City']} (Juniper) vs. {address(dev)} (Netbox)"

    def support(dev):
        return f"Support missing, ended on: {JUNIPER_ROWS[dev.serial]['Contract End Date']}"

    def consistency(*parts):
        return on_device("test_consistency", "failure", lambda dev: "; ".join(part(dev) for part in parts))

    def unknown_serial(serial):
        message = f"Device {JUNIPER_ROWS[serial]['Product Name']} with s/n {serial} not present in Netbox"
        return [line("test_consistency", "warning", None, message)]

    def device_absent(dev):
        return f"Device with s/n {dev.serial} not present in Juniper Installed Base"

    def item_absent(ref):
        item = inventory_item(ref)
        message = f"{item.device.name} item {item.part_id} with s/n {item.serial} not present in Juniper Installed Base"
        return [line("test_missing_inventory_from_installed_base", "failure", item, message)]

    return {
        "juniper.city_mismatch": consistency(city),
        "juniper.support_missing": consistency(support),
        "juniper.city_and_support_mismatch": consistency(city, support),
        "juniper.device_missing_from_netbox": unknown_serial,
        "juniper.device_missing_from_installed_base": on_device(
            "test_missing_device_from_installed_base", "failure", device_absent
        ),
        "juniper.inventory_missing_from_installed_base": item_absent,
    }


def juniper_upload(settings, tmp_path):
    export = upload("installed-base.xlsx", xlsx({"Installed Base": JUNIPER}))
    with plugin_settings(settings, juniper_installed_base_file=""):
        return run(Juniper, installed_base=export)


def juniper_configured_csv(settings, tmp_path):
    return run_on_demo_exports(Juniper, settings, tmp_path)


juniper_run = run_per_source(**{"xlsx-upload": juniper_upload, "configured-csv": juniper_configured_csv})


@pytest.mark.django_db
def test_juniper_finds_exactly_the_seeded_defects(juniper_run):
    found = report_lines(juniper_run)
    assert_exactly_the_seeded_lines(found, expected_lines("juniper", juniper_cases()))
    # Untracked products (optics, power supplies, licences) and rows without a serial conclude nothing.
    assert DEFECTS["juniper.untracked_product"] and not any(
        serial in message for *_, message in found for serial in DEFECTS["juniper.untracked_product"]
    )
    on_devices = set(Device.objects.filter(serial__in=JUNIPER_ROWS).values_list("serial", flat=True))
    on_items = set(InventoryItem.objects.filter(serial__in=JUNIPER_ROWS).values_list("serial", flat=True))
    moved = len(DEFECTS["juniper.city_mismatch"]) + len(DEFECTS["juniper.city_and_support_mismatch"])
    lapsed = len(DEFECTS["juniper.support_missing"]) + len(DEFECTS["juniper.city_and_support_mismatch"])
    assert summary_of(juniper_run, "test_consistency") == (
        f"{len(on_devices | on_items)} matching serials; {len(on_devices) - moved} matching addresses; "
        f"{len(on_devices) - lapsed} matching support"
    )
