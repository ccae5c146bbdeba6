"""Every number a door returns is computed on the caller's restricted querysets (issue #11). The device statistics
are covered in test_proxy_security.py; here the exports' row counts and the report metrics and status."""

import csv
import io

import pytest
from dcim.models import Device
from django.test import Client

from tests.metrics_text import key, samples

pytestmark = pytest.mark.django_db
REPORT = "wmf_ops_management.ManagementConsole"


def rows(response) -> list[dict]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.DictReader(io.StringIO(body.decode())))


def test_export_row_counts_are_those_of_the_caller(client, world):
    mine = Device.objects.filter(site=world.constrained_site)
    api = client.get("/api/plugins/wmf-ops/exports/dcim.devices/", HTTP_AUTHORIZATION=world.constrained_token)
    assert api.status_code == 200
    assert int(api["X-Row-Count"]) == len(rows(api)) == mine.count() < Device.objects.count()
    assert {int(row["site"]) for row in rows(api)} == {world.constrained_site.pk}

    browser = Client()
    browser.force_login(world.constrained)
    ui = browser.get("/plugins/wmf-ops/exports/dcim.devices.csv")
    assert ui.status_code == 200 and int(ui["X-Row-Count"]) == mine.count()

    full = client.get("/api/plugins/wmf-ops/exports/dcim.devices/", HTTP_AUTHORIZATION=world.readonly_token)
    assert int(full["X-Row-Count"]) == Device.objects.count()


def test_report_metrics_and_status_only_for_reports_the_caller_may_view(client, world):
    from netbox_wmf_ops.checks import failure
    from netbox_wmf_ops.quality.service import record_run, start_run

    run = start_run(REPORT, door="command")
    record_run(
        run,
        tests_run=["test_console"],
        findings=[("test_console", failure(None, f"console {n} not cabled", rule="security.console")) for n in (1, 2)],
    )
    full = client.get("/api/plugins/wmf-ops/metrics/", HTTP_AUTHORIZATION=world.readonly_token).content.decode()
    labels = {"report": REPORT, "owner": "DC-ops", "alerts": "true"}
    assert samples(full)[key("wmf_ops_report_findings", **labels, test="test_console", level="failure")] == 2
    constrained = client.get("/api/plugins/wmf-ops/metrics/", HTTP_AUTHORIZATION=world.constrained_token)
    assert constrained.status_code == 200 and REPORT not in constrained.content.decode()
    status = f"/api/plugins/wmf-ops/reports/{REPORT}/status/"
    assert client.get(status, HTTP_AUTHORIZATION=world.readonly_token).status_code == 200
    hidden = client.get(status, HTTP_AUTHORIZATION=world.constrained_token)
    missing = client.get(
        "/api/plugins/wmf-ops/reports/wmf_ops_management.Nope/status/", HTTP_AUTHORIZATION=world.constrained_token
    )
    assert hidden.status_code == missing.status_code == 404
    nul = client.get("/api/plugins/wmf-ops/reports/a%00x.B/status/", HTTP_AUTHORIZATION=world.readonly_token)
    assert nul.status_code == 404  # was a 500: PostgreSQL refuses NUL bytes in a query
