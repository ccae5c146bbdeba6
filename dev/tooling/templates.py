"""The template databases: the migrated base, once per NetBox version, and the demo-fleet template per dataset
version; each built once under a temporary name and renamed into place when complete."""

from __future__ import annotations

import fcntl
import hashlib
import subprocess
import time
from pathlib import Path

from .common import FLEET, MARK, ROOT, STATE, VENV, log
from .databases import create_database, database_mark, drop_own_database, set_mark
from .instances import load_fleet, netbox, write_instance
from .services import Services, psql, quote_literal


def netbox_version() -> str:
    out = subprocess.run(
        [str(VENV / "bin" / "python"), "-c", "import importlib.metadata as m; print(m.version('netbox'))"],
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip()


def tree_hash(*paths: Path) -> str:
    """A short digest of the .py files under the given directories/files (missing ones count as empty)."""
    digest = hashlib.sha256()
    for base in paths:
        files = sorted(p for p in base.rglob("*.py") if "__pycache__" not in p.parts) if base.is_dir() else [base]
        for path in files:
            if path.is_file():
                digest.update(str(path.relative_to(ROOT)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def base_template_name() -> str:
    return "wmf_ops_base_nb" + netbox_version().replace(".", "_")


def fleet_template_name(scale: float, seed: int) -> str:
    # Rebuilt whenever the dataset generator, the plugin's migrations or NetBox change.
    key = tree_hash(FLEET, ROOT / "netbox_wmf_ops" / "migrations") + netbox_version()
    digest = hashlib.sha256(key.encode()).hexdigest()[:8]
    return f"wmf_ops_fleet_{digest}_s{str(scale).replace('.', '_')}_r{seed}"


def ensure_template(services: Services, name: str, build) -> None:
    """Build database `name` once: under a temporary name, renamed into place only when complete. A file lock makes
    concurrent callers (two test runs, a demo and a test run) wait for one build instead of racing."""
    if database_mark(services, name) == MARK + "template:complete":
        return
    (STATE / "locks").mkdir(parents=True, exist_ok=True)
    with open(STATE / "locks" / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        _build_template_locked(services, name, build)


def _build_template_locked(services: Services, name: str, build) -> None:
    mark = database_mark(services, name)
    if mark == MARK + "template:complete":
        return
    if mark is not None:
        drop_own_database(services, name)
    building = name + "_building"
    drop_own_database(services, building)  # a leftover of an interrupted build
    started = time.monotonic()
    build(building)
    # Planner statistics travel with the template into every clone (demo, tests, bench): without them a clone is
    # planned with default row estimates until autovacuum gets round to it, which it does not for a database nobody
    # writes to (see bench-prepare).
    psql(services, building, "ANALYZE")
    psql(services, "postgres", f'ALTER DATABASE "{building}" RENAME TO "{name}"')
    set_mark(services, name, "template:complete")
    log(f"template {name} built in {time.monotonic() - started:.0f} s")


def build_base_template(services: Services) -> str:
    name = base_template_name()

    def build(building: str) -> None:
        log(f"building {name}: a full `netbox migrate` (several minutes, once per machine and NetBox version)")
        create_database(services, building, "template:building")
        instance = write_instance(services, "build", building, plugins=False)
        netbox(instance, "migrate", "--no-input", "--skip-checks", quiet=True)

    ensure_template(services, name, build)
    return name


def build_fleet_template(services: Services, scale: float, seed: int) -> str:
    base = build_base_template(services)
    name = fleet_template_name(scale, seed)

    def build(building: str) -> None:
        log(f"building {name}: demo dataset at scale {scale}, seed {seed}")
        create_database(services, building, "template:building", template=base)
        instance = write_instance(services, "build", building)
        netbox(instance, "migrate", "--no-input", "--skip-checks", quiet=True)
        load_fleet(instance, scale, seed)

    ensure_template(services, name, build)
    prune_fleet_templates(services, keep=name)
    return name


def prune_fleet_templates(services: Services, keep: str) -> None:
    """Drop our fleet templates of the same scale and seed built from other dataset code. Never forced: another
    checkout (or a test run cloning it right now) may use one, and keeps it; a checkout that finds its template gone
    rebuilds it."""
    suffix = keep.split("_s", 1)[1]
    stale = psql(
        services,
        "postgres",
        "SELECT datname FROM pg_database WHERE datname LIKE 'wmf\\_ops\\_fleet\\_%' "
        f"AND datname <> {quote_literal(keep)} AND shobj_description(oid, 'pg_database') = "
        f"{quote_literal(MARK + 'template:complete')}",
    ).split()
    for name in stale:
        if name.endswith("_s" + suffix):
            try:
                drop_own_database(services, name, force=False)
                log(f"dropped the stale template {name}")
            except subprocess.CalledProcessError as exc:  # in use by a concurrent run, or dropped by it already
                log(f"kept the stale template {name} for now: {exc.stderr.strip()}")
