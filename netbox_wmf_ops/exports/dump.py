"""Write every exportable table into a new timestamped dump directory, atomically, then rotate the dump root.

A dump is written into a hidden temporary directory in the dump root and renamed into place when complete, so a
dump directory either holds every table and its ``manifest.json`` or does not exist; a crash leaves only the hidden
temporary directory, which the next run removes. All tables are read in one REPEATABLE READ transaction, so the files
agree with each other (no interface pointing at a device that is missing from the devices file). Runs are serialised
across processes and hosts by a PostgreSQL advisory lock.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings as django_settings
from django.db import connection, transaction
from django.utils import timezone

from .loader import write_table_csv
from .rotation import Keep, RotationPlan, classify, dump_name, plan_rotation
from .tables import TABLES, TableSpec

MANIFEST = "manifest.json"
MANIFEST_FORMAT = 1
TEMP_PREFIX = ".wmf-ops-tmp-"
ADVISORY_LOCK_KEY = 0x77_6D_66_64  # "wmfd": one dump at a time per database


class DumpError(Exception):
    pass


@dataclass
class DumpResult:
    path: Path
    manifest: dict[str, Any]
    rotation: RotationPlan = field(default_factory=RotationPlan)

    @property
    def total_rows(self) -> int:
        return sum(t["rows"] for t in self.manifest["tables"].values())

    def summary(self) -> str:
        return f"{len(self.manifest['tables'])} tables dumped ({self.total_rows} rows) to {self.path}"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _versions() -> dict[str, str]:
    from netbox_wmf_ops import __version__

    return {"netbox_version": django_settings.RELEASE.version, "plugin_version": __version__}


def write_dump(
    root: Path, name: str, tables: Sequence[TableSpec] = TABLES, created: datetime | None = None
) -> DumpResult:
    """Write ``tables`` into ``root/name`` atomically (temp dir + rename) with a manifest. Refuses an existing name."""
    root = Path(root)
    final = root / name
    if "/" in name or name.startswith(".") or not name:
        raise DumpError(f"invalid dump name {name!r}")
    if final.exists():
        raise DumpError(f"dump {final} already exists")
    started = time.monotonic()
    temp = Path(os.path.realpath(root)) / f"{TEMP_PREFIX}{name}-{os.getpid()}"
    temp.mkdir()
    try:
        entries: dict[str, dict[str, Any]] = {}
        with _ConsistentSnapshot():
            for spec in tables:
                path = temp / spec.file_name
                with path.open("w", newline="", encoding="utf-8") as out:
                    rows = write_table_csv(spec, out)
                entries[spec.name] = {
                    "file": spec.file_name,
                    "model": spec.model,
                    "rows": rows,
                    "bytes": path.stat().st_size,
                    "sha256": _sha256(path),
                }
        manifest = {
            "format": MANIFEST_FORMAT,
            "name": name,
            "created": (created or timezone.now()).isoformat(),
            **_versions(),
            "duration_seconds": round(time.monotonic() - started, 3),
            "tables": entries,
        }
        (temp / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        for item in temp.iterdir():  # durable before it becomes visible
            with item.open("rb") as f:
                os.fsync(f.fileno())
        os.rename(temp, final)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    return DumpResult(final, manifest)


class _ConsistentSnapshot:
    """A REPEATABLE READ transaction when we own the connection (not already inside a transaction)."""

    def __enter__(self):
        self._atomic = None
        if not connection.in_atomic_block:
            self._atomic = transaction.atomic()
            self._atomic.__enter__()
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        return self

    def __exit__(self, *exc):
        if self._atomic is not None:
            return self._atomic.__exit__(*exc)
        return False


def apply_rotation(root: Path, plan: RotationPlan) -> None:
    """Carry out a rotation plan: period copies first (hard links: dump files are never modified), then deletions.
    Only directories whose names rotation recognises are ever replaced or deleted."""
    root = Path(root)
    for source, target in plan.copies:
        if classify(target) is None or classify(source) is None:
            raise DumpError(f"refusing to copy {source} to {target}: not dump names")
        staging = root / f"{TEMP_PREFIX}{target}-{os.getpid()}"
        shutil.rmtree(staging, ignore_errors=True)
        shutil.copytree(root / source, staging, copy_function=os.link)
        old = root / target
        if old.exists():
            trash = root / f"{TEMP_PREFIX}old-{target}-{os.getpid()}"
            os.rename(old, trash)
            os.rename(staging, old)
            shutil.rmtree(trash)
        else:
            os.rename(staging, old)
    for name in plan.deletions:
        if classify(name) is None:
            raise DumpError(f"refusing to delete {name}: not a dump name")
        shutil.rmtree(root / name)


def remove_stale_temporaries(root: Path) -> list[str]:
    """Remove what crashed runs left behind (only our hidden temporary directories). Call with the dump lock held."""
    removed = []
    for entry in Path(root).iterdir():
        if entry.name.startswith(TEMP_PREFIX) and entry.is_dir():
            shutil.rmtree(entry)
            removed.append(entry.name)
    return removed


class _DumpLock:
    def __enter__(self):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [ADVISORY_LOCK_KEY])
            if not cursor.fetchone()[0]:
                raise DumpError("another dump is running (advisory lock held)")
        return self

    def __exit__(self, *exc):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_LOCK_KEY])
        return False


def run_dump(
    root: Path | str,
    keep: Keep | None = None,
    now: datetime | None = None,
    name: str | None = None,
    tables: Sequence[TableSpec] = TABLES,
    rotate: bool = True,
) -> DumpResult:
    """The hourly job: a new dump named after ``now`` (local time, ``YYYY-MM-DD-HH:MM``), then the rotation.

    ``name`` gives a dump a descriptive name instead; names not starting with a timestamp are never rotated away."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    now = now or timezone.now()
    name = name or dump_name(timezone.localtime(now) if timezone.is_aware(now) else now)
    with _DumpLock():
        remove_stale_temporaries(root)
        result = write_dump(root, name, tables, created=now)
        if rotate:
            current = name if classify(name) == "hourly" else None
            existing = [entry.name for entry in root.iterdir() if entry.is_dir()]
            result.rotation = plan_rotation(existing, current, keep or Keep())
            apply_rotation(root, result.rotation)
    return result
