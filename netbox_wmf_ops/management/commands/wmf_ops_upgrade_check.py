"""`netbox wmf_ops_upgrade_check [--output DIR] [--compare PREVIOUS_DIR]`: the upgrade test in one command.

Runs every shipped report, every sync in dry-run, the DNS generation and a CSV dump (all read-only), prints what it
found, writes the snapshot (``DIR/snapshot.json`` + ``DIR/dns/``) and, given the snapshot taken before the upgrade,
prints one line per difference and the zone files' unified diff.

Exit codes: 0 no differences (or nothing to compare with), 1 differences, 2 error (unreadable previous snapshot,
output folder not empty, the check itself broke). A report that raises is not an error of the command: it is
recorded in the snapshot, and a difference when it did not raise before.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from netbox_wmf_ops.ops.upgrade_check import (
    SnapshotDirError,
    check_output_dir,
    collect_snapshot,
    read_snapshot_dir,
    write_snapshot_dir,
)
from netbox_wmf_ops.ops.upgrade_diff import (
    DEFAULT_LIMIT,
    diff_snapshots,
    dns_unified_diff,
    pending_sync_lines,
    summary_lines,
)

EXIT_CHANGED = 1
EXIT_ERROR = 2


class Command(BaseCommand):
    help = (
        "Run every report, every sync in dry-run, the DNS generation and a CSV dump without writing to NetBox; "
        "write a snapshot (--output) and print the differences with an earlier one (--compare). "
        "Exits 0 unchanged, 1 changed, 2 on error."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", metavar="DIR", help="write snapshot.json and the zone files (dns/) into DIR")
        parser.add_argument("--compare", metavar="PREVIOUS_DIR", help="a folder written by an earlier --output")
        parser.add_argument(
            "--limit",
            type=int,
            default=DEFAULT_LIMIT,
            help=f"difference lines per report/sync and kind before '... and N more' (default {DEFAULT_LIMIT}, 0: all)",
        )
        parser.add_argument("--scratch", metavar="DIR", help="where the temporary CSV dump goes (default: TMPDIR)")

    def handle(self, *args, output, compare, limit, scratch, **options):
        try:
            previous, previous_tree = read_snapshot_dir(Path(compare)) if compare else (None, None)
            if output:
                check_output_dir(Path(output))
        except SnapshotDirError as exc:
            raise CommandError(str(exc), returncode=EXIT_ERROR) from None

        try:
            check = collect_snapshot(scratch=Path(scratch) if scratch else None)
        except Exception as exc:  # not "changed" (1): the check itself could not run
            raise CommandError(f"the upgrade check failed: {type(exc).__name__}: {exc}", returncode=EXIT_ERROR) from exc
        snapshot = check.snapshot

        versions, seconds = snapshot["versions"], snapshot["seconds"]
        timings = ", ".join(f"{phase} {value:.1f} s" for phase, value in seconds.items())
        self.stdout.write(f"Upgrade check on NetBox {versions['netbox']}, plugin {versions['plugin']} ({timings})")
        for line in summary_lines(snapshot):
            self.stdout.write(f"  {line}")
        pending = pending_sync_lines(snapshot)
        if pending:
            self.stdout.write("Sync plans that are not no-ops:")
            for line in pending:
                self.stdout.write(self.style.WARNING(f"  {line}"))

        if output:
            try:
                write_snapshot_dir(Path(output), check)
            except (OSError, SnapshotDirError) as exc:
                raise CommandError(f"cannot write the snapshot: {exc}", returncode=EXIT_ERROR) from None
            self.stdout.write(f"Snapshot written to {output}")

        if previous is None:
            return
        old_versions = previous.get("versions", {})
        self.stdout.write(
            f"Compared with {compare} (taken {previous.get('created', '?')}, NetBox {old_versions.get('netbox', '?')}, "
            f"plugin {old_versions.get('plugin', '?')}):"
        )
        differences = diff_snapshots(previous, snapshot, limit)
        for line in differences:
            self.stdout.write(f"  {line}")
        zone_diff = dns_unified_diff(previous_tree, check.dns_files)
        if zone_diff:
            self.stdout.write("DNS zone files diff:")
            self.stdout.write(zone_diff, ending="" if zone_diff.endswith("\n") else "\n")
        if differences:
            self.stdout.write(self.style.WARNING(f"{len(differences)} differences"))
            sys.exit(EXIT_CHANGED)
        self.stdout.write(self.style.SUCCESS("No differences"))
