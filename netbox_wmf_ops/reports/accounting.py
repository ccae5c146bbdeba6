import datetime

from extras.scripts import FileVar

from netbox_wmf_ops.checks.accounting import (
    check_field_match,
    check_invalid_rows,
    check_missing_assets,
    purchase_window,
)
from netbox_wmf_ops.loaders.accounting import load_accounting_sheet, load_devices_by_serial, load_devices_purchased
from netbox_wmf_ops.sources.report_base import ExternalSourceReport


class Accounting(ExternalSourceReport):
    """Check the consistency of Netbox data against the Data Center Equipment Asset Tags spreadsheet."""

    source_name = "Accounting"

    class Meta:
        name = "Accounting"
        owner = "DC-ops/finance"
        description = "Check the consistency of Netbox data against the Data Center Equipment Asset Tags spreadsheet."

    sheet_export = FileVar(
        required=False,
        label="Sheet export",
        description="A CSV or XLSX export of the sheet, used for this run instead of the configured source.",
    )

    def load_source(self):
        self.sheet = load_accounting_sheet(self.uploaded("sheet_export"))

    def test_field_match(self):
        self.emit(check_field_match(self.sheet, load_devices_by_serial(self.sheet.assets)))

    def test_invalid_rows(self):
        self.emit(check_invalid_rows(self.sheet))

    def test_missing_assets_from_accounting(self):
        oldest, newest = purchase_window(datetime.date.today())
        self.emit(check_missing_assets(load_devices_purchased(oldest, newest), self.sheet, oldest, newest))
