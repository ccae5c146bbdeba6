"""Shared fixtures. The test database is cloned from the demo-fleet template (see dev/wmfops.py test-prepare), so
every test starts with the seeded WMF-shaped fleet at scale 0.05 already committed."""

import os
import subprocess

import pytest


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    # Mark the test database as ours, so the tooling may drop it later (it never drops unmarked databases).
    from django.db import connection

    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(f"COMMENT ON DATABASE \"{connection.settings_dict['NAME']}\" IS 'netbox-wmf-ops:test'")
    return django_db_setup


def netbox_subprocess_env(database_name: str) -> dict[str, str]:
    """Environment for a `netbox` subprocess that must see the test database and the test Redis DBs."""
    env = {**os.environ, "WMF_OPS_DB_NAME": database_name}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def netbox_executable() -> str:
    import sys
    from pathlib import Path

    return str(Path(sys.executable).with_name("netbox"))


@pytest.fixture
def run_netbox():
    """Run `netbox <command> --skip-checks <args>` against the test database (it sees committed data only)."""
    from django.db import connection

    def run(command: str, *args: str, timeout: int = 300) -> subprocess.CompletedProcess:
        return subprocess.run(
            [netbox_executable(), command, "--skip-checks", *args],
            env=netbox_subprocess_env(connection.settings_dict["NAME"]),
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    return run
