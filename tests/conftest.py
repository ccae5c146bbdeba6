"""Shared fixtures. The test database is cloned from the demo-fleet template (see dev/wmfops.py test-prepare), so
every test starts with the seeded WMF-shaped fleet at scale 0.05 already committed."""

import os
import subprocess
import time
import uuid

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


@pytest.fixture
def rq_worker(transactional_db):
    """A real `netbox rqworker` process on the test database and the test Redis DBs (default/high/low queues).

    Only committed data is visible to it, hence `transactional_db`."""
    import django_rq
    from django.db import connection
    from rq import Worker

    redis = django_rq.get_connection("default")
    redis.flushdb()  # the tests' own Redis DB: drops stale worker registrations and queued jobs
    proc = subprocess.Popen(
        [netbox_executable(), "rqworker"],
        env=netbox_subprocess_env(connection.settings_dict["NAME"]),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        while not Worker.all(connection=redis):
            if proc.poll() is not None:
                pytest.fail(f"rqworker exited early:\n{proc.stdout.read()}")
            if time.monotonic() > deadline:
                pytest.fail("rqworker did not register within 90 s")
            time.sleep(0.5)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        redis.flushdb()


def wait_for_job(job_pk: int, seconds: int = 120):
    """Poll the Job row until the worker has finished it."""
    from core.models import Job

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = Job.objects.get(pk=job_pk)
        if job.status in ("completed", "errored", "failed"):
            return job
        time.sleep(0.5)
    pytest.fail(f"job {job_pk} did not finish within {seconds} s (status {job.status})")


@pytest.fixture
def run_script(admin_user):
    """Run a shipped script as NetBox does: run_script("offline_device", "OfflineDevice", data, commit=False).

    With ``request_id`` (a UUID) the run gets a request as the UI, the REST API and ``runscript`` give it, so its
    changes are change-logged under that request ID (what the Revert script takes); without, none are logged."""
    from extras.jobs import ScriptJob
    from extras.models import Script
    from utilities.request import NetBoxFakeRequest

    from tests.script_runs import Run

    def run(module: str, name: str, data: dict, commit: bool = True, request_id: uuid.UUID | None = None) -> Run:
        script = Script.objects.get(module__file_path=f"wmf_ops_{module}.py", name=name)
        request = None
        if request_id is not None:  # the fake request `netbox runscript` builds
            request = NetBoxFakeRequest(
                {
                    "META": {},
                    "COOKIES": {},
                    "POST": {},
                    "GET": {},
                    "FILES": {},
                    "user": admin_user,
                    "method": "POST",
                    "path": "",
                    "id": request_id,
                }
            )
        job = ScriptJob.enqueue(
            instance=script, user=admin_user, immediate=True, data=data, commit=commit, request=request
        )
        job.refresh_from_db()
        return Run(job)

    return run
