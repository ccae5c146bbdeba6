"""Write the demo fleet's external exports as files, so `make demo` runs the Accounting and Juniper reports.

    python -m dev.fleet.exports --scale 1.0 --seed 1 --dir D

Writes D/accounting.xlsx (the sheet's three tabs, as the finance team exports it) and D/juniper_installed_base.csv
(the vendor portal's installed base), then prints the plugin settings that point the reports at them, as JSON.
No Django: the rows come from ``plan_fleet(...).external``, the same view the seeded-defect tests use.
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path
from typing import Any

import openpyxl

from .plan import fleet_argument_parser, plan_fleet

# The tabs of the exported workbook and the A1 ranges the Accounting report reads from them.
ACCOUNTING_TABS = {"include": "Assets", "exclude": "Recycled", "motherboard_swaps": "Swaps"}
ACCOUNTING_RANGES = {"include": "Assets!A1:F", "exclude": "Recycled!A:A", "motherboard_swaps": "Swaps!A1:E"}


def write_exports(external: dict[str, Any], directory: Path) -> dict[str, Any]:
    """Write the files; return the settings (``accounting_*``, ``juniper_installed_base_file``) that use them."""
    directory.mkdir(parents=True, exist_ok=True)
    book = openpyxl.Workbook()
    book.remove(book.active)
    for key, title in ACCOUNTING_TABS.items():
        sheet = book.create_sheet(title)
        for row in external["accounting"][key]:
            sheet.append(row)
    accounting = directory / "accounting.xlsx"
    _replace(accounting, book.save)
    juniper = directory / "juniper_installed_base.csv"
    _replace(juniper, lambda path: _write_csv(path, external["juniper"]))
    return {
        "accounting_sheet_id": "",
        "accounting_export_file": str(accounting),
        "accounting_ranges": ACCOUNTING_RANGES,
        "juniper_installed_base_file": str(juniper),
    }


def _write_csv(path: Path, rows: list[list[str]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)


def _replace(target: Path, write) -> None:
    """Write through a temporary file, so a reader (a report, the demo tooling) never sees half a file."""
    tmp = target.with_name(f".{target.name}.tmp")
    write(tmp)
    os.replace(tmp, target)


def write_settings_file(target: Path, settings: dict[str, Any]) -> None:
    """The settings a demo fake service gives `make demo`, as JSON: the tooling waits for the file, so it is written
    whole or not at all."""
    _replace(target, lambda path: path.write_text(json.dumps(settings, indent=1)))


def main(argv: list[str] | None = None) -> None:
    parser = fleet_argument_parser(__doc__)
    parser.add_argument("--dir", required=True, type=Path)
    args = parser.parse_args(argv)
    print(json.dumps(write_exports(plan_fleet(args.scale, args.seed).external, args.dir)))


if __name__ == "__main__":
    main()
