import subprocess
import time

import pytest

from tests.conftest import netbox_executable, netbox_subprocess_env


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
