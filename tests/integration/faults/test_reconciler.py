"""The reconciler against the real Redis and PostgreSQL, without a worker: which rows it judges dead, what it
enqueues, what it never touches; and the recurring-work check over real rows and a real dump root."""

from __future__ import annotations

import threading
from datetime import timedelta

import django_rq
import pytest
from core.models import Job
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from netbox_wmf_ops.dns.jobs import DnsSnippetsJob
from netbox_wmf_ops.scheduling import (
    JOB_NAME_PREFIX,
    STALE_ERROR_PREFIX,
    _facts,
    ensure_recurring,
    reconcile_all,
    reconcile_report_schedules,
)
from tests.metrics_text import key, samples

from .conftest import DNS_CHECK, DUMP, RECONCILER, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def rq_status(job: Job) -> str | None:
    return _facts(job).rq_status


def age(name: str, **delta) -> None:
    """Make the rows of `name` older (so they are past the grace NetBox's enqueue-on-commit gets)."""
    Job.objects.filter(name=name).update(created=timezone.now() - timedelta(**delta))


def test_a_chain_whose_rq_job_vanished_is_repaired_on_its_slot(faults):
    in_five = timezone.now() + timedelta(minutes=5)
    assert ensure_recurring(DnsSnippetsJob, DNS_CHECK, 30, publish=False, schedule_at=in_five) == "scheduled"
    first = Job.objects.get(name=DNS_CHECK)
    assert rq_status(first) == "scheduled"  # committed: NetBox enqueued it in Redis
    assert ensure_recurring(DnsSnippetsJob, DNS_CHECK, 30, publish=False) == "kept"

    django_rq.get_connection("default").flushdb()  # Redis lost its queues
    age(DNS_CHECK, minutes=1)
    assert ensure_recurring(DnsSnippetsJob, DNS_CHECK, 30, publish=False) == "scheduled"
    first.refresh_from_db()
    assert first.status == "errored" and first.completed is not None
    assert first.error.startswith(STALE_ERROR_PREFIX + "its RQ job is missing from Redis")
    successor = Job.objects.get(name=DNS_CHECK, status="scheduled")
    assert rq_status(successor) == "scheduled" and successor.interval == 30
    assert successor.scheduled == first.scheduled  # the chain keeps its slots
    assert ensure_recurring(DnsSnippetsJob, DNS_CHECK, 30, publish=False) == "kept"


def test_a_row_whose_rq_job_failed_before_its_start_is_errored_with_the_reason(faults):
    ensure_recurring(DnsSnippetsJob, DNS_CHECK, 30, publish=False)
    row = Job.objects.get(name=DNS_CHECK)
    rq_job = django_rq.get_queue(row.queue_name).fetch_job(str(row.job_id))
    # what RQ records when the job raised inside job.start() (PostgreSQL refusing the connection)
    rq_job.set_status("failed")
    assert ensure_recurring(DnsSnippetsJob, DNS_CHECK, 30, publish=False) == "scheduled"
    row.refresh_from_db()
    assert row.status == "errored" and "its RQ job failed before the run started" in row.error
    assert Job.objects.filter(name=DNS_CHECK, status__in=("pending", "scheduled")).count() == 1


def test_a_running_row_is_never_deleted_and_is_errored_only_past_its_timeout(faults):
    ensure_recurring(DnsSnippetsJob, DNS_CHECK, 30, publish=False)
    started = timezone.now() - timedelta(seconds=10)
    Job.objects.filter(name=DNS_CHECK).update(status="running", started=started)
    django_rq.get_connection("default").flushdb()  # a worker may still be running it: Redis lost only the record
    assert ensure_recurring(DnsSnippetsJob, DNS_CHECK, 30, publish=False) == "kept"
    assert ensure_recurring(DnsSnippetsJob, DNS_CHECK, 0) == "none"  # unscheduling never deletes a running job
    assert Job.objects.get(name=DNS_CHECK).status == "running"

    Job.objects.filter(name=DNS_CHECK).update(started=timezone.now() - timedelta(seconds=20 + 31))
    assert ensure_recurring(DnsSnippetsJob, DNS_CHECK, 30, publish=False) == "scheduled"
    dead = Job.objects.get(name=DNS_CHECK, status="errored")
    assert "past its timeout of 20 s" in dead.error


def test_a_run_started_early_schedules_its_successor_on_the_next_slot(faults):
    # RQ keeps schedule times in whole seconds: a run may start up to a second before its slot
    slot = timezone.now() + timedelta(seconds=1)
    run = DnsSnippetsJob.enqueue(name=DNS_CHECK, schedule_at=slot, interval=1, publish=False)
    Job.objects.filter(pk=run.pk).update(status="completed", completed=timezone.now())
    run.refresh_from_db()
    DnsSnippetsJob.schedule_successor(run, {"publish": False})
    assert Job.objects.get(name=DNS_CHECK, status="scheduled").scheduled == slot + timedelta(minutes=1)


def test_duplicate_schedules_are_reduced_to_one(faults):
    ensure_recurring(DnsSnippetsJob, DNS_CHECK, 30, publish=False)
    DnsSnippetsJob.enqueue(name=DNS_CHECK, schedule_at=timezone.now() + timedelta(hours=1), interval=30)
    assert Job.objects.filter(name=DNS_CHECK, status__in=("pending", "scheduled")).count() == 2
    assert ensure_recurring(DnsSnippetsJob, DNS_CHECK, 30, publish=False) == "kept"
    kept = Job.objects.get(name=DNS_CHECK, status__in=("pending", "scheduled"))
    assert kept.status == "pending"  # the one due first stays


SLOW_COMMIT = f"""
CREATE FUNCTION wmf_test_slow_commit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN PERFORM pg_sleep(3); RETURN NULL; END $$;
CREATE CONSTRAINT TRIGGER wmf_test_slow_commit AFTER INSERT ON core_job DEFERRABLE INITIALLY DEFERRED
FOR EACH ROW WHEN (NEW.name LIKE '{JOB_NAME_PREFIX}%') EXECUTE FUNCTION wmf_test_slow_commit();
"""


def test_two_passes_at_once_schedule_a_report_once(faults):
    """Two workers starting together: the second pass waits until the first one's rows are committed. The commit of
    the first is made slow (a deferred trigger sleeps in it), so a lock released before the commit lets the second
    pass schedule, and later run, the same report again."""
    report = "wmf_ops_management.ManagementConsole"

    def first_pass() -> None:
        try:
            reconcile_report_schedules({report: 1440})
        finally:
            connection.close()

    with connection.cursor() as cursor:
        cursor.execute(SLOW_COMMIT)
    try:
        first = threading.Thread(target=first_pass)
        first.start()

        def first_is_committing() -> bool:
            with connection.cursor() as cursor:
                # this test database's sessions only: the server is shared
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE wait_event = 'PgSleep' AND datname = current_database()"
                )
                return cursor.fetchone()[0] == 1

        wait_for(first_is_committing, 30, "the first pass to commit")
        second = reconcile_report_schedules({report: 1440})
        first.join(30)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER wmf_test_slow_commit ON core_job; DROP FUNCTION wmf_test_slow_commit()")
    assert second.kept == [report] and second.scheduled == []
    live = Job.objects.filter(name=JOB_NAME_PREFIX + report, status__in=("pending", "scheduled", "running"))
    assert live.count() == 1


def test_the_reconcile_pass_schedules_everything_configured(faults):
    faults.apply({**faults.config, "dns_check_interval": 5})
    done = reconcile_all()
    assert done[RECONCILER] == "scheduled" and done[DUMP] == "scheduled" and done[DNS_CHECK] == "scheduled"
    assert done["WMF Ops: DNS snippets (publish)"] == "none"
    dump = Job.objects.get(name=DUMP)
    assert dump.interval == 1 and dump.scheduled.second == 0 and rq_status(dump) == "scheduled"
    assert set(reconcile_all().values()) <= {"kept", "none"}


def test_the_check_reports_a_missed_slot_and_a_stale_dump(faults, capsys):
    from netbox_wmf_ops.exports.dump import run_dump

    faults.apply({**faults.config, "dump_interval": 60})
    dumps = faults.tmp_path / "dumps"
    three_hours_ago = timezone.now() - timedelta(hours=3)
    run_dump(dumps, now=three_hours_ago, rotate=False)
    reconcile_all()
    Job.objects.filter(name=DUMP).update(status="scheduled", scheduled=timezone.now() - timedelta(hours=2))
    row = Job.objects.get(name=DUMP)
    django_rq.get_queue(row.queue_name).fetch_job(str(row.job_id)).set_status("failed")
    reconcile_all()

    with pytest.raises(SystemExit) as exit_:
        call_command("wmf_ops_check_jobs")
    out = capsys.readouterr().out.splitlines()
    assert exit_.value.code == 2
    assert out[0] == f"WMF Ops recurring jobs CRITICAL - {DUMP} CRITICAL"
    dump_line = next(line for line in out if line.startswith(f"{DUMP} CRITICAL - last success"))
    assert "(3h ago, " in dump_line and "older than 2h" in dump_line
    assert "1 failed or missed in 24h" in dump_line and "its RQ job failed before the run started" in dump_line
    assert any(line.startswith(f"{RECONCILER} OK - no success yet") for line in out)


def token_auth(user) -> dict[str, str]:
    from users.models import Token

    token = Token(user=user, description="monitoring")
    token.full_clean()
    token.save()
    return {"HTTP_AUTHORIZATION": f"{token.get_auth_header_prefix()}{token.token}"}


def test_status_api_and_metrics_need_job_view_permission(faults, client):
    from users.models import User

    reconcile_all()
    monitor = token_auth(User.objects.create_user(username="monitor", password="Unused-Pass-1234", is_superuser=True))
    body = client.get("/api/plugins/wmf-ops/jobs/status/", **monitor).json()
    assert body["state"] == "OK" and body["exit_code"] == 0  # nothing has run yet, nothing is late either
    assert {job["job"] for job in body["jobs"]} == {RECONCILER, DUMP}
    assert body["summary"] == "WMF Ops recurring jobs OK - 2 recurring jobs OK"
    metrics = client.get("/api/plugins/wmf-ops/metrics/", **monitor).content.decode()
    assert samples(metrics)[key("wmf_ops_recurring_scheduled", job=DUMP)] == 1
    assert samples(metrics)[key("wmf_ops_recurring_interval_seconds", job=DUMP)] == 60

    nobody = token_auth(User.objects.create_user(username="nobody", password="Unused-Pass-1234"))
    assert client.get("/api/plugins/wmf-ops/jobs/status/", **nobody).status_code == 403
    assert "wmf_ops_recurring_" not in client.get("/api/plugins/wmf-ops/metrics/", **nobody).content.decode()
    assert client.get("/api/plugins/wmf-ops/jobs/status/").status_code in (401, 403)
