"""`make test` and `make bench`: the browser, the test instance and environment, the benchmark database."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from .common import DEFAULT_SEED, MARK, NETBOX, STATE, TEST_SCALE, SetupError, write_atomic
from .databases import create_database, database_mark, drop_own_database
from .instances import fleet_site_policy, instance_env, netbox, write_instance
from .services import apt_install, ensure_services, psql
from .templates import build_fleet_template

BROWSER = ("/usr/bin/chromium", "/usr/bin/chromedriver")


def ensure_browser() -> None:
    """Debian's chromium and chromedriver for the end-to-end tests (never a browser download of a test tool's own)."""
    if not all(Path(p).exists() for p in BROWSER):
        apt_install("chromium", "chromium-driver")


def test_prepare() -> None:
    """Services, templates and the test instance; writes .state/test.env for the Makefile to source."""
    ensure_browser()
    services = ensure_services()
    test_db = os.environ.get("WMF_OPS_TEST_DB_NAME", "wmf_ops_test")
    mark = database_mark(services, test_db)
    if mark is not None and not mark.startswith(MARK) and mark != "":
        raise SetupError(f"database {test_db!r} exists and is not ours; set WMF_OPS_TEST_DB_NAME to another name")
    if mark == "":
        raise SetupError(f"database {test_db!r} exists without our mark; drop it yourself or set WMF_OPS_TEST_DB_NAME")
    fleet = build_fleet_template(services, TEST_SCALE, DEFAULT_SEED)
    instance = write_instance(services, "test", fleet, test_template=fleet)
    netbox(instance, "collectstatic", "--no-input", "--skip-checks", quiet=True)  # the e2e tests serve them
    env = {
        **services.env(),
        "NETBOX_ROOT": str(instance),
        "WMF_OPS_TEST_DB_NAME": test_db,
        "WMF_OPS_FLEET_TEMPLATE": fleet,
    }
    write_atomic(STATE / "test.env", "".join(f"export {k}={v}\n" for k, v in env.items()))


def bench_prepare(scale: float, seed: int, database: str) -> None:
    """A fresh benchmark database `database` cloned from the fleet template at `scale`; writes .state/bench.env.
    Each `make bench` uses its own database (dropped by `bench-drop`), so two runs never disturb each other."""
    services = ensure_services()
    fleet = build_fleet_template(services, scale, seed)
    drop_own_database(services, database)
    create_database(services, database, "bench", template=fleet)
    instance = write_instance(services, "bench", database, plugin_config=fleet_site_policy(scale))
    env = {**instance_env(instance), "WMF_OPS_DB_NAME": database}
    result = subprocess.run(
        [str(NETBOX), "migrate", "--no-input", "--skip-checks"], env=env, cwd=str(STATE), capture_output=True, text=True
    )
    if result.returncode != 0:
        raise SetupError(f"`netbox migrate` on {database} failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    # A clone starts with no planner statistics and with zeroed activity counters, so autovacuum never analyzes it:
    # without this, queries are planned with default row estimates (sequential scans of fleet-sized tables where an
    # index would serve), unlike a production database, which autovacuum keeps analyzed. About 5 s at scale 10.
    psql(services, database, "ANALYZE")
    env = {**services.env(), "NETBOX_ROOT": str(instance), "WMF_OPS_BENCH_SCALE": str(scale)}
    write_atomic(STATE / "bench.env", "".join(f"export {k}={v}\n" for k, v in env.items()))
