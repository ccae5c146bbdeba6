"""Recording findings on real data: every report's findings equal its log, reruns, fixes, reopenings, deletions,
errors, bounded queries, the core script door and retention."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from dcim.models import Device
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from netbox_wmf_ops.checks import failure
from netbox_wmf_ops.models import CheckRun, Finding
from netbox_wmf_ops.quality import catalog
from netbox_wmf_ops.quality.jobs import prune
from netbox_wmf_ops.quality.runner import run_report
from netbox_wmf_ops.quality.service import record_run, start_run
from tests import factories

pytestmark = pytest.mark.django_db
MANAGEMENT = "wmf_ops_management.ManagementConsole"


def logged(report) -> Counter:
    """(level, object text, message) of the failures and warnings the report logged, NetBox's way."""
    return Counter(
        (level, obj, message)
        for result in report.tests.values()
        for _time, level, obj, _url, message in result["log"]
        if level in ("failure", "warning")
    )


def recorded(run: CheckRun) -> Counter:
    return Counter(
        (f.level, f.display or None, f.message) for f in Finding.objects.filter(report=run.report, last_run=run)
    )


@pytest.mark.parametrize("name", list(catalog.shipped_reports()))
def test_every_reports_findings_equal_its_log(name):
    run, report = run_report(name, door="command")
    assert run.status == "completed", run.error
    assert recorded(run) == logged(report)
    assert run.failures == sum(r["failure"] for r in report.tests.values())
    assert Finding.objects.filter(report=name, resolved__isnull=True).count() == run.failures + run.warnings


def test_rerun_unchanged_creates_and_resolves_nothing():
    first, _ = run_report("wmf_ops_network.Network", door="command")
    assert first.new_findings == first.failures + first.warnings > 0
    second, _ = run_report("wmf_ops_network.Network", door="command")
    assert (second.new_findings, second.resolved_findings) == (0, 0)
    assert set(Finding.objects.filter(first_run=first).values_list("last_run", flat=True)) == {second.pk}


def test_fixing_resolves_exactly_that_finding_and_reintroducing_opens_a_new_one():
    switch = factories.device(role_slug="asw")
    run_report(MANAGEMENT, door="command")
    finding = Finding.objects.get(report=MANAGEMENT, object_id=switch.pk, resolved__isnull=True)
    assert finding.message == "missing console port" and finding.rule == "management.console_ports"
    assert finding.site_id == switch.site_id and finding.role_id == switch.role_id

    port = factories.console_port(switch)  # the message changes: same finding
    run, _ = run_report(MANAGEMENT, door="command")
    finding.refresh_from_db()
    assert finding.message == "missing connected console port" and finding.resolved is None
    assert (run.new_findings, run.resolved_findings) == (0, 0)

    factories.cable_console(port)  # fixed
    run, _ = run_report(MANAGEMENT, door="command")
    finding.refresh_from_db()
    assert finding.resolved is not None and finding.resolved_by == run
    assert (run.new_findings, run.resolved_findings) == (0, 1)

    port.delete()  # broken again: a new occurrence
    run, _ = run_report(MANAGEMENT, door="command")
    again = Finding.objects.get(report=MANAGEMENT, object_id=switch.pk, resolved__isnull=True)
    assert again.pk != finding.pk and again.first_run == run and run.new_findings == 1


def test_a_deleted_objects_findings_still_read_and_are_resolved_next_run(client):
    switch = factories.device(role_slug="asw")
    name = switch.name
    run_report(MANAGEMENT, door="command")
    finding = Finding.objects.get(report=MANAGEMENT, object_id=switch.pk)
    switch.delete()
    client.force_login(factories_user(superuser=True))
    page = client.get(f"/plugins/wmf-ops/findings/?report={MANAGEMENT}")
    assert page.status_code == 200 and name in page.content.decode()
    assert client.get(finding.get_absolute_url()).status_code == 200
    run, _ = run_report(MANAGEMENT, door="command")
    finding.refresh_from_db()
    assert finding.resolved_by == run and finding.display == name


def test_a_report_that_errors_resolves_nothing(monkeypatch):
    run_report(MANAGEMENT, door="command")
    open_before = set(Finding.objects.filter(report=MANAGEMENT, resolved__isnull=True).values_list("pk", flat=True))
    assert open_before
    cls = catalog.report_class(MANAGEMENT)

    def broken(self):
        raise RuntimeError("source exploded")

    monkeypatch.setattr(cls, "test_management_console", broken)
    run, _ = run_report(MANAGEMENT, door="command")
    assert run.status == "errored" and "source exploded" in run.error and run.resolved_findings == 0
    assert set(Finding.objects.filter(report=MANAGEMENT, resolved__isnull=True).values_list("pk", flat=True)) == (
        open_before
    )


def record_queries(count: int) -> int:
    devices = list(Device.objects.order_by("pk")[:count])
    assert len(devices) == count
    report = "wmf_ops_test.Queries"
    Finding.objects.filter(report=report).delete()
    first = [("test_a", failure(d, f"broken {d.pk}", "test.a")) for d in devices]
    record_run(start_run(report, door="command"), tests_run=["test_a"], findings=first)
    # second run: half kept, a quarter changed, a quarter resolved, as many new (about no object)
    half, quarter = count // 2, count // 4
    second = [
        *first[:half],
        *[("test_a", failure(d, f"changed {d.pk}", "test.a")) for d in devices[half : half + quarter]],
        *[("test_a", failure(None, f"host{i}", "test.b")) for i in range(quarter)],
    ]
    run = start_run(report, door="command")
    with CaptureQueriesContext(connection) as queries:
        record_run(run, tests_run=["test_a"], findings=second)
    assert (run.new_findings, run.resolved_findings) == (quarter, count - half - quarter)
    return len(queries)


def test_recording_queries_do_not_grow_with_the_number_of_findings():
    assert record_queries(8) == record_queries(80)


def test_the_core_script_door_records_when_its_job_ends():
    from extras.jobs import ScriptJob

    from netbox_wmf_ops.loaders.report_status import find_script

    factories.device(role_slug="asw")
    script = find_script(MANAGEMENT)
    job = ScriptJob.enqueue(
        instance=script, user=None, immediate=True, data={}, commit=False, request=None, notifications="never"
    )
    job.refresh_from_db()
    assert job.status == "completed" and "test_management_console" in job.data["tests"]
    run = CheckRun.objects.get(job=job)
    assert run.door == "script" and run.status == "completed"
    assert run.failures == job.data["tests"]["test_management_console"]["failure"] > 0
    assert Finding.objects.filter(last_run=run).count() == run.failures + run.warnings


def test_the_plugins_job_records_and_keeps_netbox_s_log():
    from netbox_wmf_ops.quality.jobs import RunCheckJob

    job = RunCheckJob.enqueue(immediate=True, report=MANAGEMENT, door="api")
    job.refresh_from_db()
    assert job.status == "completed", job.error
    run = CheckRun.objects.get(job=job)
    assert job.data["check_run"] == run.pk and "test_management_console" in job.data["tests"]


def test_retention_prunes_old_resolved_findings_and_runs_never_open_ones():
    switch = factories.device(role_slug="asw")
    old, _ = run_report(MANAGEMENT, door="command")
    factories.cable_console(factories.console_port(switch))
    latest, _ = run_report(MANAGEMENT, door="command")
    resolved = Finding.objects.get(object_id=switch.pk, report=MANAGEMENT)
    assert resolved.resolved is not None
    later = timezone.now() + timedelta(days=400)
    findings, runs = prune(now=later, days=90)
    assert not Finding.objects.filter(pk=resolved.pk).exists() and findings >= 1
    assert not CheckRun.objects.filter(pk=old.pk).exists() and CheckRun.objects.filter(pk=latest.pk).exists()
    assert Finding.objects.filter(report=MANAGEMENT, resolved__isnull=True).exists()  # open ones stay
    assert runs >= 1


def test_an_interrupted_run_is_not_shown_running_and_is_closed_by_the_prune():
    from netbox_wmf_ops.quality.views import checks_overview

    stale = start_run(MANAGEMENT, door="command")
    CheckRun.objects.filter(pk=stale.pk).update(started=timezone.now() - timedelta(days=2))
    row = {row["name"]: row for row in checks_overview(factories_user(superuser=True))}[MANAGEMENT]
    assert not row["pending"]
    prune()
    stale.refresh_from_db()
    assert stale.status == "errored" and "interrupted" in stale.error


def factories_user(**kwargs):
    from tests.factories import users as factories_ops

    return factories_ops.user(**kwargs)


def test_pages_render(client):
    switch = factories.device(role_slug="asw")
    run_report(MANAGEMENT, door="command")
    factories.cable_console(factories.console_port(switch))
    run, _ = run_report(MANAGEMENT, door="command")
    client.force_login(factories_user(superuser=True))
    detail = client.get(run.get_absolute_url())
    assert detail.status_code == 200 and switch.name in detail.content.decode()  # resolved by this run
    assert client.get("/plugins/wmf-ops/runs/").status_code == 200
    checks = client.get("/plugins/wmf-ops/checks/")
    assert checks.status_code == 200 and MANAGEMENT in checks.content.decode()
    assert client.get("/plugins/wmf-ops/checks/", HTTP_HX_REQUEST="true").status_code == 200
    assert client.get("/plugins/wmf-ops/findings/?status=open&new=true").status_code == 200


def test_run_command_all_if_never_run():
    from io import StringIO

    from django.core.management import call_command

    run_report(MANAGEMENT, door="command")
    out = StringIO()
    call_command("wmf_ops_run_report", "--all", "--if-never-run", "--quiet", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == len(catalog.shipped_reports()) - 1 and not any(MANAGEMENT in line for line in lines)
    # Every shipped report has run now (the security tests' session-wide world holds runs of a test report of its own).
    shipped = set(catalog.shipped_reports())
    assert set(CheckRun.objects.filter(report__in=shipped).values_list("report", flat=True)) == shipped
