"""The script proxy: synchronous runs over the API, allow-list, permissions, errors and the timeout.

The proxy runs the script in a pooled worker thread with its own database connection, which sees committed data only:
these tests commit what the script must see."""

import os
import threading
import time
from datetime import timedelta

import pytest
from core.models import Job
from django.db import connection

from netbox_wmf_ops.proxy import runner
from tests.factories import users
from tests.factories.scripts import script_module
from tests.plugin_settings import override_plugin_settings

pytestmark = pytest.mark.django_db

TEST_MODULE = "opskit_proxytest.py"
TEST_SCRIPTS = b"""
import os
import threading
import time
from extras.scripts import IntegerVar, Script, StringVar


class Hello(Script):
    who = StringVar(required=False, default="world")

    def run(self, data, commit):
        self.log_info("said hello")
        return f"hello {data['who']}"


class Crash(Script):
    def run(self, data, commit):
        self.log_failure("switch asw1-b1 unreachable")
        raise RuntimeError("boom")


class Slow(Script):
    seconds = IntegerVar(default=2)

    def run(self, data, commit):
        time.sleep(data["seconds"])
        return "late"


class NotAllowed(Script):
    def run(self, data, commit):
        return "never"
"""
STATS = "wmf_ops_device_stats.GetDeviceStats"
ALLOWED = [STATS, "opskit_proxytest.Hello", "opskit_proxytest.Crash", "opskit_proxytest.Slow"]


def commit_world() -> dict[str, str]:
    """Committed scripts, users and tokens (the proxy's worker thread only sees committed rows)."""
    script_module(TEST_MODULE, TEST_SCRIPTS)
    return {
        "admin": users.token(users.user(superuser=True), write_enabled=False),
        "viewer": users.token(users.user(("extras.script", "view"))),
        "runner": users.token(users.user(("extras.script", "view"), ("extras.script", "run"))),
    }


@pytest.fixture(scope="module", autouse=True)
def retired_workers():
    """The pooled workers keep their database connections: close them, or the test database cannot be dropped."""
    yield
    runner.retire_workers()


@pytest.fixture(scope="session")
def committed_world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        return commit_world()


@pytest.fixture
def proxy_settings(settings):
    return override_plugin_settings(settings, proxy_allowed_scripts=ALLOWED, proxy_timeout=10)


@pytest.fixture
def scripts(committed_world, proxy_settings):
    return proxy_settings


@pytest.fixture
def admin_header(committed_world):
    return committed_world["admin"]


def get(client, name, header, **params):
    return client.get(f"/api/plugins/wmf-ops/proxy/{name}/", params, HTTP_AUTHORIZATION=header)


def test_runs_a_script_and_returns_its_output(client, scripts, admin_header):
    response = get(client, "opskit_proxytest.Hello", admin_header, who="eqiad")
    assert response.status_code == 200
    assert response.content == b"hello eqiad"
    assert response["Content-Type"].startswith("text/plain")
    job = Job.objects.get(pk=response["X-Job-Id"])
    assert job.status == "completed" and job.notifications == "never"


def backends() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # the statistics are a snapshot per transaction
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")
        return cursor.fetchone()[0]


def wait_for_backends(expected: int) -> int:
    deadline = time.monotonic() + 5  # a closed connection's backend leaves pg_stat_activity a moment later
    while (count := backends()) != expected and time.monotonic() < deadline:
        time.sleep(0.05)
    return count


def test_workers_are_reused_and_close_their_connection_when_retired(client, scripts, admin_header):
    runner.retire_workers()
    assert runner._pool.size() == 0
    before = wait_for_backends(backends())
    jobs = [get(client, "opskit_proxytest.Hello", admin_header) for _ in range(3)]
    assert [response.status_code for response in jobs] == [200, 200, 200]
    assert len({response["X-Job-Id"] for response in jobs}) == 3
    assert runner._pool.size() == 1  # one thread served the three runs
    assert wait_for_backends(before) == before  # ...and closed its database connection after each (issue #11)
    runner.retire_workers()
    assert runner._pool.size() == 0
    assert wait_for_backends(before) == before


def test_a_forked_process_starts_its_own_workers(client, scripts, admin_header):
    assert get(client, "opskit_proxytest.Hello", admin_header).status_code == 200
    assert runner._pool.size() >= 1  # an idle worker, whose thread the child will not have
    pid = os.fork()
    if pid == 0:  # the child: no database here, only the pool
        ran = threading.Event()
        runner._pool.submit(ran.set)
        os._exit(0 if ran.wait(5) else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, "the child handed its task to a worker thread it does not have"


def test_device_stats_for_prometheus(client, scripts, admin_header):
    from dcim.models import Device

    response = get(client, STATS, admin_header)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    lines = response.content.decode().splitlines()
    assert lines[:2] == [
        "# HELP netbox_device_count The number of devices with various properties.",
        "# TYPE netbox_device_count gauge",
    ]
    samples = {line.rsplit(" ", 1)[0]: int(line.rsplit(" ", 1)[1]) for line in lines[2:]}
    assert sum(samples.values()) == Device.objects.count()
    for status, site, location, maker in Device.objects.values_list(
        "status", "site__slug", "location__slug", "device_type__manufacturer__slug"
    )[:20]:
        assert (
            f'netbox_device_count{{status="{status}",datacenter="{site}",rackgroup="{location}",manufacturer="{maker}"}}'
            in samples
        )


def test_unknown_script_is_404_and_disallowed_is_403(client, scripts, admin_header):
    assert get(client, "opskit_proxytest.Nope", admin_header).status_code == 404
    assert get(client, "nomodule", admin_header).status_code == 404
    response = get(client, "opskit_proxytest.NotAllowed", admin_header)
    assert response.status_code == 403
    assert "not allowed through the proxy" in response.json()["detail"]


def test_run_permission_is_required(client, scripts, committed_world):
    assert get(client, "opskit_proxytest.Hello", committed_world["viewer"]).status_code == 403
    assert get(client, "opskit_proxytest.Hello", committed_world["runner"]).status_code == 200
    assert get(client, "opskit_proxytest.Hello", "").status_code == 403  # no token


def test_script_errors_come_back_with_the_failure_lines(client, scripts, admin_header):
    response = get(client, "opskit_proxytest.Crash", admin_header)
    assert response.status_code == 500
    body = response.json()
    assert body["status"] == "errored" and body["error"] == "RuntimeError('boom')"
    assert body["failures"][0] == "switch asw1-b1 unreachable"
    assert body["failures"][1].startswith("An exception occurred: `RuntimeError: boom`")
    assert Job.objects.get(pk=body["job_id"]).status == "errored"


def test_invalid_input_is_400(client, scripts, admin_header):
    response = get(client, "opskit_proxytest.Slow", admin_header, seconds="soon")
    assert response.status_code == 400 and "seconds" in response.json()["data"]


@pytest.mark.django_db(transaction=True)
def test_timeout_and_job_pruning(client, proxy_settings):
    """Committed data throughout (the world is rebuilt: transactional tests flush the database)."""
    headers = commit_world()
    admin = headers["admin"]

    # The device statistics script prunes its own finished jobs older than five minutes.
    first = get(client, STATS, admin)
    old = Job.objects.get(pk=first["X-Job-Id"])
    Job.objects.filter(pk=old.pk).update(created=old.created - timedelta(minutes=6))
    second = get(client, STATS, admin)
    assert second.status_code == 200
    assert not Job.objects.filter(pk=old.pk).exists()
    assert Job.objects.filter(pk=second["X-Job-Id"]).exists()

    # A run beyond the deadline answers 504 with the job to poll; the job carries on and completes.
    proxy_settings["proxy_timeout"] = 0.5
    started = time.monotonic()
    response = get(client, "opskit_proxytest.Slow", admin, seconds="2")
    assert time.monotonic() - started < 1.8
    assert response.status_code == 504
    body = response.json()
    assert "Timeout exceeded" in body["detail"] and body["job_url"].endswith(f"/api/core/jobs/{body['job_id']}/")
    # The busy worker does not hold up the next request: another one serves it while the slow job runs.
    assert get(client, "opskit_proxytest.Hello", admin).status_code == 200
    assert Job.objects.get(pk=body["job_id"]).status == "running"
    deadline = time.monotonic() + 20
    while Job.objects.get(pk=body["job_id"]).status != "completed":
        assert time.monotonic() < deadline, "the timed-out job never completed"
        time.sleep(0.2)
    assert Job.objects.get(pk=body["job_id"]).data["output"] == "late"
