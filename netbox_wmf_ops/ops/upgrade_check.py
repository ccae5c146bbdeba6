"""Collect an upgrade-check snapshot (format in ``ops/upgrade_diff.py``): every shipped report, every sync in dry-run,
the DNS generation and a CSV dump, all read-only.

Nothing is written to NetBox: when we own the connection, everything runs in one REPEATABLE READ READ ONLY
transaction (one consistent view of the data, and PostgreSQL refuses any write); each report and sync also runs in
a savepoint that is always rolled back, so one that breaks (a column gone after a migration) does not take the
others down. The CSV dump goes to a scratch directory that is removed afterwards; only its manifest is kept.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings as django_settings
from django.db import connection, transaction
from django.utils import timezone

from netbox_wmf_ops.reporting import WmfReport
from netbox_wmf_ops.sources import one_line

from .upgrade_diff import DNS_DIR, SNAPSHOT_FILE, SNAPSHOT_FORMAT, Snapshot, check_snapshot

logger = logging.getLogger("netbox_wmf_ops.upgrade_check")

NO_GANETI_PROFILES = "no Ganeti profiles configured"
DUMP_NAME = "upgrade-check"


@dataclass
class UpgradeCheck:
    snapshot: dict[str, Any]
    dns_files: dict[str, str]  # the rendered zone files, kept next to snapshot.json for the unified diff


class _RollbackError(Exception):
    pass


@contextlib.contextmanager
def rolled_back() -> Iterator[None]:
    """A savepoint (or transaction) that is always rolled back; exceptions from the body propagate."""
    try:
        with transaction.atomic():
            yield
            raise _RollbackError
    except _RollbackError:
        pass


@contextlib.contextmanager
def read_only_snapshot() -> Iterator[bool]:
    """One REPEATABLE READ READ ONLY transaction, unless a transaction is already open (tests): then nothing.
    Yields whether the read-only transaction is in force."""
    if connection.in_atomic_block:
        yield False
        return
    with rolled_back():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield True


def _error_line(error: BaseException) -> str:
    return one_line(f"{type(error).__name__}: {error}", 500)


# --------------------------------------------------------------------------------------------------------- reports


def shipped_reports() -> list[tuple[str, type[WmfReport]]]:
    """(NetBox's ``module.ClassName``, class) of every shipped report; scripts are not reports and are left out."""
    from netbox_wmf_ops.quality.catalog import shipped_reports as catalog

    return list(catalog().items())


def run_report(cls: type[WmfReport]) -> dict[str, Any]:
    """Run one report in-process on a rolled-back savepoint; an exception becomes the entry's ``error`` line."""
    report = cls()
    error = None
    started = time.monotonic()
    try:
        with rolled_back():
            report.run(data={}, commit=False)
    except Exception as exc:  # recorded in the snapshot: a report that breaks after an upgrade is a finding
        logger.exception("upgrade check: report %s raised", cls.__name__)
        error = _error_line(exc)
    tests = {
        name: {
            "counts": {level: result[level] for level in ("success", "info", "warning", "failure")},
            "log": [[level, obj, message] for _time, level, obj, _url, message in result["log"]],
        }
        for name, result in sorted(report.tests.items())
    }
    return {
        "name": report.name,
        "error": error,
        "source_failure": getattr(report, "source_failure", None),  # ExternalSourceReport: why the source failed
        "tests": tests,
        "seconds": round(time.monotonic() - started, 3),
    }


def collect_reports() -> dict[str, Any]:
    return {key: run_report(cls) for key, cls in shipped_reports()}


# ----------------------------------------------------------------------------------------------------------- syncs


def collect_ganeti() -> dict[str, Any]:
    """A dry-run plan per configured profile: its change count and every non-debug line (failures included)."""
    from netbox_wmf_ops.ganeti.service import configured_profiles, run_profile

    names = sorted(configured_profiles())
    if not names:
        return {"skipped": NO_GANETI_PROFILES}
    profiles = {}
    for name in names:
        try:
            with rolled_back():
                result = run_profile(name, commit=False)
        except Exception as exc:
            logger.exception("upgrade check: Ganeti profile %s raised", name)
            profiles[name] = {"error": _error_line(exc), "changes": 0, "summary": "", "lines": []}
            continue
        profiles[name] = {
            "error": None,  # an unreachable RAPI is not an error here but the plan's own failure line
            "changes": result.change_count,
            "summary": result.summary(),
            "lines": [[line.level, line.message] for line in result.lines if line.level != "debug"],  # debug: timings
        }
    return {"profiles": profiles}


def collect_syncs() -> dict[str, Any]:
    return {"ganeti": collect_ganeti()}


# ------------------------------------------------------------------------------------------------------------- dns


def collect_dns() -> tuple[dict[str, Any], dict[str, str]]:
    """The DNS generation into memory (no git, no lock): per file sha256 and lines, plus the files themselves."""
    from netbox_wmf_ops.dns import service

    try:
        snippets = service.generate_snippets(service.load_settings())
    except Exception as exc:
        logger.exception("upgrade check: DNS generation raised")
        return {"error": _error_line(exc), "records": 0, "files": {}, "messages": []}, {}
    files = {
        name: {"sha256": hashlib.sha256(content.encode()).hexdigest(), "lines": len(content.splitlines())}
        for name, content in snippets.files.items()
    }
    # Info lines are progress counts ("Gathered 330 devices"), already in the record and file counts.
    messages = [[m.level, m.text] for m in snippets.generation.messages if m.level in ("warning", "error")]
    return {"error": None, "records": snippets.record_count, "files": files, "messages": messages}, snippets.files


# ------------------------------------------------------------------------------------------------------------ dump


def _csv_columns(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8") as f:
        return next(csv.reader(f), [])


def collect_dump(scratch: Path | None = None) -> dict[str, Any]:
    """A full CSV dump into a scratch directory (removed afterwards): per table rows, sha256 and header columns."""
    from netbox_wmf_ops.exports.dump import write_dump

    root = Path(tempfile.mkdtemp(prefix="wmf-ops-upgrade-check-", dir=scratch))
    try:
        # write_dump, not run_dump: no rotation and no dump lock; the scratch root is ours alone.
        result = write_dump(root, DUMP_NAME)
        tables = {
            name: {
                "rows": entry["rows"],
                "sha256": entry["sha256"],
                "columns": _csv_columns(result.path / entry["file"]),
            }
            for name, entry in sorted(result.manifest["tables"].items())
        }
        return {"error": None, "tables": tables}
    except Exception as exc:
        logger.exception("upgrade check: CSV dump raised")
        return {"error": _error_line(exc), "tables": {}}
    finally:
        shutil.rmtree(root, ignore_errors=True)


# -------------------------------------------------------------------------------------------------------- together


def _timed(seconds: dict[str, float], phase: str, collect: Callable[[], Any]) -> Any:
    started = time.monotonic()
    try:
        return collect()
    finally:
        seconds[phase] = round(time.monotonic() - started, 3)


def collect_snapshot(*, scratch: Path | None = None) -> UpgradeCheck:
    """Everything the upgrade check compares; ``scratch`` is where the temporary CSV dump goes (default: TMPDIR)."""
    from netbox_wmf_ops import __version__

    seconds: dict[str, float] = {}
    with read_only_snapshot() as read_only:
        reports = _timed(seconds, "reports", collect_reports)
        syncs = _timed(seconds, "syncs", collect_syncs)
        dns, dns_files = _timed(seconds, "dns", collect_dns)
        dump = _timed(seconds, "dump", lambda: collect_dump(scratch))
    snapshot = {
        "format": SNAPSHOT_FORMAT,
        "created": timezone.now().isoformat(),
        "versions": {"netbox": django_settings.RELEASE.version, "plugin": __version__},
        "read_only": read_only,  # False only when called inside an open transaction (tests)
        "reports": reports,
        "syncs": syncs,
        "dns": dns,
        "dump": dump,
        "seconds": seconds,
    }
    return UpgradeCheck(snapshot, dns_files)


# ------------------------------------------------------------------------------------------------ snapshot folders


class SnapshotDirError(Exception):
    pass


def check_output_dir(path: Path) -> None:
    """Refuse a folder that already holds something (a snapshot is never overwritten)."""
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise SnapshotDirError(f"{path} already exists and is not an empty directory")


def write_snapshot_dir(path: Path, check: UpgradeCheck) -> None:
    """``path/snapshot.json`` and ``path/dns/<zone file>``, written into a temporary sibling and renamed into place."""
    path = Path(path)
    check_output_dir(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    shutil.rmtree(temp, ignore_errors=True)
    try:
        (temp / DNS_DIR).mkdir(parents=True)
        for name, content in check.dns_files.items():
            if "/" in name or name.startswith(".") or not name:
                raise SnapshotDirError(f"refusing to write a zone file named {name!r}")
            (temp / DNS_DIR / name).write_text(content, encoding="utf-8")
        (temp / SNAPSHOT_FILE).write_text(json.dumps(check.snapshot, indent=1, sort_keys=True) + "\n", "utf-8")
        if path.exists():
            path.rmdir()  # empty, checked above
        os.rename(temp, path)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise


def read_snapshot_dir(path: Path) -> tuple[Snapshot, dict[str, str] | None]:
    """The snapshot of a folder and its DNS tree (None when the folder has no ``dns/``)."""
    path = Path(path)
    try:
        snapshot = check_snapshot(json.loads((path / SNAPSHOT_FILE).read_text(encoding="utf-8")))
    except (OSError, ValueError) as exc:  # SnapshotError and JSONDecodeError are ValueErrors
        raise SnapshotDirError(f"cannot read the snapshot in {path}: {exc}") from None
    dns_dir = path / DNS_DIR
    if not dns_dir.is_dir():
        return snapshot, None
    tree = {f.name: f.read_text(encoding="utf-8") for f in sorted(dns_dir.iterdir()) if f.is_file()}
    return snapshot, tree
