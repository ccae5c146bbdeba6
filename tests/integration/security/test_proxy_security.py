"""The script proxy is at least as strict as NetBox's script API (issue #11): GET/HEAD never commit, committing needs
a write-enabled token or a session with CSRF, input is parsed as NetBox parses it, scripts the caller cannot see are
indistinguishable from missing ones, the device statistics count only what the caller may view, and the worker pool
is bounded (503 + Retry-After) and holds no idle database connection."""

import re
import threading
import time

import pytest
from core.models import Job
from dcim.models import Device
from django.db import connection
from django.test import Client
from extras.models import Tag

from netbox_wmf_ops.proxy import runner

from .world import ECHO, SLOW, STATS, WRITER

pytestmark = pytest.mark.django_db
URL = "/api/plugins/wmf-ops/proxy/{}/"


def get(client, name, header=None, **params):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    return client.get(URL.format(name), params, **extra)


def post(client, name, body, header=None, content_type="application/json"):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    return client.post(URL.format(name), body, content_type=content_type, **extra)


def test_get_never_commits_even_with_a_write_token(client, world, plugin_settings):
    tag = "sec-get-" + str(time.monotonic_ns())
    response = get(client, WRITER, world.write_token, tag=tag)
    assert response.status_code == 200, response.content
    assert response.content.decode() == f"created {tag}"
    assert not Tag.objects.filter(slug=tag).exists()  # a dry run: rolled back
    refused = get(client, WRITER, world.write_token, tag=tag, commit="true")
    assert refused.status_code == 400 and "GET never commits" in refused.json()["commit"][0]
    assert client.head(URL.format(WRITER), {"tag": tag}, HTTP_AUTHORIZATION=world.write_token).status_code == 200
    assert not Tag.objects.filter(slug=tag).exists()


def test_a_session_link_cannot_commit(world, plugin_settings):
    """A cross-site GET from a logged-in browser is a dry run; a POST without the CSRF token is refused."""
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.superuser)
    tag = "sec-csrf-" + str(time.monotonic_ns())
    assert get(browser, WRITER, tag=tag).status_code == 200
    assert post(browser, WRITER, {"data": {"tag": tag}, "commit": True}).status_code == 403
    assert not Tag.objects.filter(slug=tag).exists()


def test_committing_needs_a_write_enabled_token(client, world, plugin_settings):
    tag = "sec-post-" + str(time.monotonic_ns())
    refused = post(client, WRITER, {"data": {"tag": tag}, "commit": True}, world.readonly_token)
    assert refused.status_code == 403 and "does not permit write operations" in refused.json()["detail"]
    assert not Tag.objects.filter(slug=tag).exists()
    done = post(client, WRITER, {"data": {"tag": tag}, "commit": True}, world.write_token)
    assert done.status_code == 200 and done.content.decode() == f"created {tag}"
    assert Tag.objects.filter(slug=tag).exists()
    job = Job.objects.get(pk=done["X-Job-Id"])
    assert job.user == world.full and job.status == "completed"


def test_input_is_parsed_as_netbox_parses_it(client, world, plugin_settings):
    header = world.write_token
    # Undeclared keys are dropped; declared ones are cleaned by the script's form.
    ok = post(client, ECHO, {"data": {"text": "a", "count": "3", "rm": "-rf"}, "commit": False}, header)
    assert ok.status_code == 200 and ok.content == b"ax3"
    assert get(client, ECHO, header, text="b", count="2", undeclared="x").content == b"bx2"
    # NetBox's ScriptInputSerializer: commit is required, data must be an object.
    assert post(client, ECHO, {"data": {}}, header).json() == {"commit": ["This field is required."]}
    assert "data" in post(client, ECHO, {"data": [1, 2], "commit": False}, header).json()
    # Invalid variables: 400 {"data": {field: [...]}} naming the field.
    for params in ({"count": "many"}, {"count": "11"}, {"count": "-1"}, {"text": "x" * 1001}, {"text": "a\x00b"}):
        response = get(client, ECHO, header, **params)
        assert response.status_code == 400, (params, response.content)
        assert list(response.json()["data"]) == list(params), response.json()
    # Malformed bodies.
    assert post(client, ECHO, "{not json", header).status_code == 400
    assert post(client, ECHO, "data=1", header, content_type="text/plain").status_code == 415
    scheduled = post(client, ECHO, {"data": {}, "commit": False, "interval": 5}, header)
    assert scheduled.status_code == 400


def test_a_script_the_caller_cannot_see_looks_missing(client, world, plugin_settings):
    """403 vs 404 must not tell which scripts exist: for a user without any script permission both are 404."""
    for header in (world.noperm_token, world.constrained_token):
        hidden = post(client, WRITER, {"data": {"tag": "x"}, "commit": False}, header)
        missing = post(client, "opskit_securitytest.Nope", {"data": {}, "commit": False}, header)
        assert hidden.status_code == missing.status_code == 404
        assert hidden.json()["detail"].replace("Writer", "?") == missing.json()["detail"].replace("Nope", "?")
        assert get(client, WRITER, header).status_code == get(client, "nomodule.Nope", header).status_code == 404
    assert get(client, WRITER).status_code == get(client, "nomodule.Nope").status_code == 403  # anonymous
    assert get(client, "a%00.Nope", world.write_token).status_code == 404


def samples(response) -> dict[str, int]:
    lines = response.content.decode().splitlines()[2:]
    return {line.rsplit(" ", 1)[0]: int(line.rsplit(" ", 1)[1]) for line in lines}


def test_device_statistics_count_only_what_the_caller_may_view(client, world, plugin_settings):
    mine = samples(get(client, STATS, world.constrained_token))
    assert sum(mine.values()) == world.constrained_devices == Device.objects.filter(site=world.constrained_site).count()
    assert {re.search(r'datacenter="([^"]*)"', key)[1] for key in mine} == {world.constrained_site.slug}
    everything = samples(get(client, STATS, world.readonly_token))
    assert sum(everything.values()) == Device.objects.count() > sum(mine.values())


def pg_workers() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = %s",
            [runner.APPLICATION_NAME],
        )
        return cursor.fetchone()[0]


def test_the_pool_is_bounded_and_holds_no_idle_connection(world, plugin_settings):
    """Eight concurrent runs with a bound of two: two run, six get 503 with Retry-After, at most two proxy
    connections ever exist in pg_stat_activity, and none is left once the runs are done."""
    runner.retire_workers()
    plugin_settings["proxy_max_concurrent"] = 2
    results: list = []
    peak = 0

    def call() -> None:
        try:
            results.append(get(Client(), SLOW, world.readonly_token, seconds="3"))
        finally:
            connection.close()  # this request thread's own connection

    threads = [threading.Thread(target=call) for _ in range(8)]
    for thread in threads:
        thread.start()
    while any(thread.is_alive() for thread in threads):
        peak = max(peak, pg_workers())
        time.sleep(0.1)
    statuses = sorted(response.status_code for response in results)
    assert statuses == [200, 200] + [503] * 6, statuses
    busy = [response for response in results if response.status_code == 503]
    assert all(response["Retry-After"] == "5" for response in busy)
    assert "busy" in busy[0].json()["detail"]
    assert 1 <= peak <= 2
    assert runner._pool.size() <= 2
    deadline = time.monotonic() + 5
    while pg_workers() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert pg_workers() == 0  # idle workers hold no connection
