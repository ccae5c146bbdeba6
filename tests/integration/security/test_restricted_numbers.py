"""Every number a door returns is computed on the caller's restricted querysets (issue #11). The device statistics
are covered in test_proxy_security.py; here the exports' row counts and the report metrics and status."""

import csv
import io
import uuid

import pytest
from core.models import Job, ObjectType
from dcim.models import Device
from django.test import Client
from django.utils import timezone
from extras.models import Script

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
    module, name = REPORT.split(".")
    script = Script.objects.get(module__file_path=f"{module}.py", name=name)
    Job.objects.create(
        object_type=ObjectType.objects.get_for_model(Script),
        object_id=script.pk,
        name=name,
        job_id=uuid.uuid4(),
        status="completed",
        started=timezone.now(),
        completed=timezone.now(),
        data={"tests": {"test_console": {"success": 3, "info": 0, "warning": 0, "failure": 2, "log": []}}},
    )
    full = client.get("/api/plugins/wmf-ops/metrics/", HTTP_AUTHORIZATION=world.readonly_token).content.decode()
    assert f'wmf_ops_report_findings{{report="{REPORT}",test="test_console",level="failure"}} 2' in full
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
