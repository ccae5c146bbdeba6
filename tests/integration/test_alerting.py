"""The alerting doors on real report results: check command, run command, status API, metrics, schedules."""

import pytest
from core.models import Job
from django.core.management import call_command
from users.models import Token, User

from netbox_wmf_ops.loaders.report_status import find_script
from netbox_wmf_ops.models import CheckRun
from netbox_wmf_ops.scheduling import JOB_NAME_PREFIX, reconcile_report_schedules
from tests import factories
from tests.metrics_text import key, samples

REPORT = "wmf_ops_management.ManagementConsole"
pytestmark = pytest.mark.django_db


def command(name, *args) -> tuple[int, str]:
    from io import StringIO

    out = StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command(name, *args, stdout=out)
    return exit_info.value.code, out.getvalue()


@pytest.fixture
def failing_fleet():
    factories.device(role_slug="asw")  # no console port: one failure at least


@pytest.fixture
def api_auth():
    user = User.objects.create_user(username="monitor", password="Unused-Pass-1234", is_superuser=True)
    token = Token(user=user, description="monitoring")
    token.full_clean()
    token.save()
    return {"HTTP_AUTHORIZATION": f"{token.get_auth_header_prefix()}{token.token}"}


def test_check_is_unknown_before_any_run():
    CheckRun.objects.filter(report=REPORT).delete()
    code, out = command("wmf_ops_check_report", REPORT)
    assert (code, out.strip()) == (3, f"Netbox report {REPORT} UNKNOWN - no finished run found")


def test_check_unknown_report_name():
    code, out = command("wmf_ops_check_report", "wmf_ops_nothing.Nope")
    assert code == 3 and "UNKNOWN - no such report" in out


def test_run_then_check_critical_warning_and_stale(failing_fleet):
    code, out = command("wmf_ops_run_report", REPORT)
    assert code == 2
    assert "[failure] test_management_console: " in out and ": missing console port" in out
    assert out.strip().splitlines()[-1].startswith(f"Netbox report {REPORT} CRITICAL - ")

    assert command("wmf_ops_check_report", REPORT)[0] == 2
    code, out = command("wmf_ops_check_report", REPORT, "--warning-only")
    assert code == 1 and f"Netbox report {REPORT} WARNING - " in out
    code, out = command("wmf_ops_check_report", REPORT, "--max-age", "0s")
    assert code == 3 and "older than" in out


def test_check_ok_when_nothing_fails():
    # Take every in-scope device of the seeded fleet out of scope (offline devices are not checked).
    factories.Device.objects.filter(role__slug__in=["cr", "asw", "mr", "pfw", "cloudsw"]).update(status="offline")
    code, out = command("wmf_ops_run_report", REPORT, "--quiet")
    assert code == 0 and out.startswith(f"Netbox report {REPORT} OK - 0 failures")


def test_status_api_and_metrics(client, api_auth, failing_fleet):
    command("wmf_ops_run_report", REPORT, "--quiet")
    body = client.get(f"/api/plugins/wmf-ops/reports/{REPORT}/status/", **api_auth).json()
    assert body["state"] == "CRITICAL" and body["exit_code"] == 2 and body["counts"]["failure"] >= 1
    assert client.get(f"/api/plugins/wmf-ops/reports/{REPORT}/status/?warning_only=1", **api_auth).json()["state"] == (
        "WARNING"
    )
    assert client.get(f"/api/plugins/wmf-ops/reports/{REPORT}/status/?max_age=x", **api_auth).status_code == 400
    assert client.get("/api/plugins/wmf-ops/reports/nope.Nope/status/", **api_auth).status_code == 404
    assert client.get(f"/api/plugins/wmf-ops/reports/{REPORT}/status/").status_code in (401, 403)

    metrics = client.get("/api/plugins/wmf-ops/metrics/", **api_auth)
    assert metrics["Content-Type"].startswith("text/plain")
    text = metrics.content.decode()
    failures = body["counts"]["failure"]
    labels = {"report": REPORT, "owner": "DC-ops", "alerts": "true"}  # the report's Meta owner (owners.py)
    got = samples(text)
    assert got[key("wmf_ops_report_findings", **labels, test="test_management_console", level="failure")] == failures
    assert got[key("wmf_ops_report_errored", **labels)] == 0


def test_schedules_follow_the_configuration():
    changes = reconcile_report_schedules({REPORT: 60, "wmf_ops_nothing.Nope": 5})
    assert changes.scheduled == [REPORT] and changes.unknown == ["wmf_ops_nothing.Nope"]
    job = Job.objects.get(name=JOB_NAME_PREFIX + REPORT)
    assert job.interval == 60 and job.status in ("pending", "scheduled") and job.object_id is None  # RunCheckJob

    assert reconcile_report_schedules({REPORT: 60}).kept == [REPORT]
    changes = reconcile_report_schedules({REPORT: 30})
    assert changes.removed == [REPORT] and changes.scheduled == [REPORT]
    assert list(Job.objects.filter(name=JOB_NAME_PREFIX + REPORT).values_list("interval", flat=True)) == [30]

    assert reconcile_report_schedules({}).removed == [REPORT]
    assert not Job.objects.filter(name=JOB_NAME_PREFIX + REPORT).exists()


def test_schedules_of_earlier_versions_give_way_to_the_plugins_job():
    from django.utils import timezone
    from extras.jobs import ScriptJob

    script = find_script(REPORT)
    ScriptJob.enqueue(
        instance=script, name=JOB_NAME_PREFIX + REPORT, schedule_at=timezone.now(), interval=60, data={}, commit=False
    )
    changes = reconcile_report_schedules({REPORT: 60})
    assert changes.scheduled == [REPORT] and changes.removed == [REPORT]
    assert list(Job.objects.filter(name=JOB_NAME_PREFIX + REPORT).values_list("object_id", flat=True)) == [None]


def test_recurring_jobs_follow_their_interval():
    from netbox_wmf_ops.dns.jobs import DnsSnippetsJob
    from netbox_wmf_ops.scheduling import ensure_recurring

    name = "WMF Ops: DNS snippets (check)"
    assert ensure_recurring(DnsSnippetsJob, name, 0) == "none"
    assert ensure_recurring(DnsSnippetsJob, name, 30, publish=False) == "scheduled"
    assert ensure_recurring(DnsSnippetsJob, name, 30, publish=False) == "kept"
    assert ensure_recurring(DnsSnippetsJob, name, 15, publish=False) == "replaced"
    assert list(Job.objects.filter(name=name).values_list("interval", flat=True)) == [15]
    assert ensure_recurring(DnsSnippetsJob, name, 0) == "removed"
    assert not Job.objects.filter(name=name).exists()


def test_a_running_recurring_job_is_neither_duplicated_nor_deleted():
    from netbox_wmf_ops.dns.jobs import DnsSnippetsJob
    from netbox_wmf_ops.scheduling import ensure_recurring

    name = "WMF Ops: DNS snippets (check)"
    ensure_recurring(DnsSnippetsJob, name, 30, publish=False)
    Job.objects.filter(name=name).update(status="running")  # NetBox schedules its successor when it ends
    assert ensure_recurring(DnsSnippetsJob, name, 30, publish=False) == "kept"
    assert ensure_recurring(DnsSnippetsJob, name, 0) == "none"
    assert list(Job.objects.filter(name=name).values_list("status", flat=True)) == ["running"]

    reconcile_report_schedules({REPORT: 60})
    Job.objects.filter(name=JOB_NAME_PREFIX + REPORT).update(status="running")
    assert reconcile_report_schedules({REPORT: 60}).kept == [REPORT]
    assert Job.objects.filter(name=JOB_NAME_PREFIX + REPORT).count() == 1


def test_the_system_job_applies_the_configured_schedules(settings):
    from netbox_wmf_ops.jobs import ReportSchedulesJob

    config = settings.PLUGINS_CONFIG["netbox_wmf_ops"]
    settings.PLUGINS_CONFIG = {
        **settings.PLUGINS_CONFIG,
        "netbox_wmf_ops": {**config, "report_schedules": {REPORT: 720}, "dns_check_interval": 30},
    }
    job = ReportSchedulesJob.enqueue(immediate=True)
    job.refresh_from_db()
    assert job.status == "completed", job.error
    assert Job.objects.get(name=JOB_NAME_PREFIX + REPORT).interval == 720
    assert Job.objects.get(name="WMF Ops: DNS snippets (check)").interval == 30
    assert not Job.objects.filter(name="WMF Ops: DNS snippets (publish)").exists()
