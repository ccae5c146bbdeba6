"""Faults injected for real while real `netbox rqworker` processes run the plugin's recurring jobs (one-minute
intervals): PostgreSQL refusing connections at the moment the dump starts, Redis emptied, a worker SIGKILLed
mid-dump, and a bounded soak with two workers while connections are cut twice."""

from __future__ import annotations

import itertools
import time
from datetime import timedelta

import django_rq
import pytest
from core.models import Job
from django.utils import timezone

from netbox_wmf_ops.exports.dump import ADVISORY_LOCK_KEY, MANIFEST, TEMP_PREFIX
from netbox_wmf_ops.recurring import RQ_ALIVE, RQ_STARTED
from netbox_wmf_ops.scheduling import PRESENT, _facts

from .conftest import DNS_CHECK, DUMP, RECONCILER, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def live_rows(name: str) -> list[Job]:
    """Rows of `name` that claim to wait or run and whose RQ job really does."""
    return [
        row
        for row in Job.objects.filter(name=name, status__in=PRESENT)
        if _facts(row).rq_status in (*RQ_ALIVE, RQ_STARTED)
    ]


def sleep_until(moment) -> None:
    time.sleep(max(0.0, (moment - timezone.now()).total_seconds()))


def test_the_dump_after_postgres_refused_its_start_runs_at_the_next_slot(faults):
    worker = faults.start_worker()
    first = wait_for(lambda: Job.objects.filter(name=DUMP, status="scheduled").first(), 30, "the dump's schedule")
    slot = first.scheduled
    assert slot.second == 0 and slot - timezone.now() <= timedelta(minutes=1)

    sleep_until(slot - timedelta(seconds=3))
    with faults.connections_refused():
        # the worker picks the dump up at its slot and fails inside job.start(); RQ records the failure
        wait_for(lambda: _facts(first).rq_status == "failed", 40, "the dump's RQ job to fail")
    first.refresh_from_db()
    assert first.status == "scheduled"  # what NetBox leaves behind: a row that will never run

    # no worker restart: the reconciler marks it errored and the next slot's dump runs
    wait_for(lambda: Job.objects.filter(pk=first.pk, status="errored").exists(), 90, "the reconciler")
    first.refresh_from_db()
    assert "its RQ job failed before the run started" in first.error, first.error
    done = wait_for(
        lambda: Job.objects.filter(name=DUMP, status="completed").first(), 150, f"a dump\n{faults.worker_logs()}"
    )
    assert done.scheduled > slot and done.scheduled.second == 0
    name = done.data["path"].rsplit("/", 1)[1]
    assert (faults.tmp_path / "dumps" / name / MANIFEST).exists()
    assert worker.poll() is None  # the same worker throughout

    check = faults.check()
    dump_line = next(line for line in check.stdout.splitlines() if line.startswith(DUMP))
    assert f"last {timezone.localtime(slot).isoformat(timespec='minutes')} errored" in dump_line, check.stdout
    assert "its RQ job failed before the run started" in dump_line


def test_every_recurring_job_is_back_within_one_reconcile_interval_after_redis_is_emptied(faults):
    faults.apply({**faults.config, "dns_check_interval": 1})
    names = (RECONCILER, DUMP, DNS_CHECK)
    faults.start_worker()
    wait_for(lambda: all(live_rows(name) for name in names), 60, "every chain to be queued")

    django_rq.get_connection("default").flushdb()
    emptied = time.monotonic()
    # exactly one live row each, read in one pass: a chain's row is briefly not live between its run ending and its
    # successor being enqueued, so a second read at an arbitrary moment could fall into that gap
    wait_for(lambda: all(len(live_rows(name)) == 1 for name in names), 75, f"every chain back\n{faults.worker_logs()}")
    assert time.monotonic() - emptied <= 60 + 15  # one reconcile interval, and the time to run the pass
    # and no chain doubles up afterwards (a duplicate would come from a pass that re-enqueued a live chain)
    settled = time.monotonic() + 10
    while time.monotonic() < settled:
        for name in names:
            assert len(live_rows(name)) <= 1, name
        time.sleep(0.5)
    assert Job.objects.filter(name=DUMP, error__contains="missing from Redis").exists()


def test_a_worker_killed_mid_dump_leaves_no_stale_row_no_lock_and_no_half_dump(faults):
    from django.db import connection

    faults.apply({**faults.config, "recurring_job_timeout": 12})
    dumps = faults.tmp_path / "dumps"
    worker = faults.start_worker()
    first = wait_for(lambda: Job.objects.filter(name=DUMP, status="scheduled").first(), 30, "the dump's schedule")
    # hold the devices table: the dump blocks half-way (some files written, its lock and snapshot held)
    blocker = connection.copy()  # a second session of this process
    blocker.connect()
    try:
        with blocker.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute("LOCK TABLE dcim_device IN ACCESS EXCLUSIVE MODE")
        wait_for(lambda: Job.objects.filter(pk=first.pk, status="running").exists(), 75, "the dump to start")
        wait_for(lambda: dumps.exists() and any(p.name.startswith(TEMP_PREFIX) for p in dumps.iterdir()), 20, "files")
        faults.kill_worker(worker)
    finally:
        with blocker.cursor() as cursor:
            cursor.execute("ROLLBACK")
        blocker.close()

    def advisory_lock_held() -> bool:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = %s", [ADVISORY_LOCK_KEY]
            )
            return cursor.fetchone()[0] > 0

    wait_for(lambda: not advisory_lock_held(), 20, "PostgreSQL to release the dead run's dump lock")
    assert Job.objects.get(pk=first.pk).status == "running"  # nobody recorded its end

    faults.start_worker()
    # Dead only past its timeout and TIMEOUT_GRACE (12 + 30 s after it started); the killed worker's RQ scheduler lock
    # outlives it, so the reconciler's next run is queued by the watchdog (every 20 s) once OVERDUE_GRACE (30 s) past
    # its one-minute slot: the worst case is about 150 s after the dump started.
    wait_for(lambda: Job.objects.filter(pk=first.pk, status="errored").exists(), 180, "the reconciler")
    assert "past its timeout of 12 s" in Job.objects.get(pk=first.pk).error
    done = wait_for(
        lambda: Job.objects.filter(name=DUMP, status="completed").first(), 120, f"the next dump\n{faults.worker_logs()}"
    )
    assert not [p for p in dumps.iterdir() if p.name.startswith(TEMP_PREFIX)]  # the half dump was removed
    assert (dumps / done.data["path"].rsplit("/", 1)[1] / MANIFEST).exists()
    # one live successor (read until it is enqueued: the completed run schedules it as it ends), and nothing running
    wait_for(lambda: len(live_rows(DUMP)) == 1, 30, "the next dump to be scheduled")
    assert Job.objects.filter(name=DUMP, status="running").count() == 0


SOAK_SECONDS = 210
CUTS = ((50, 8), (130, 8))  # (seconds after the start, seconds refused): connections cut twice


def test_soak_two_workers_one_minute_chains_connections_cut_twice(faults):
    faults.apply({**faults.config, "dns_check_interval": 1})
    faults.start_worker()
    faults.start_worker()
    start = timezone.now()
    outages = []
    for at, seconds in CUTS:
        sleep_until(start + timedelta(seconds=at))
        began = timezone.now()
        with faults.connections_refused(cut=True):
            time.sleep(seconds)
        outages.append((began, timezone.now()))
    sleep_until(start + timedelta(seconds=SOAK_SECONDS))
    faults.stop_workers()
    end = timezone.now()

    # no leaked connection: once the workers are gone, nobody else is connected to the test database
    wait_for(lambda: not faults.other_connections(), 20, "the workers' connections to close")

    def affected(moment) -> bool:  # a slot in an outage, or before the reconciler's next pass after it
        return any(began - timedelta(seconds=5) <= moment <= ended + timedelta(seconds=80) for began, ended in outages)

    runs = Job.objects.filter(name=DUMP, started__isnull=False).exclude(error__startswith="wmf-ops reconciler")
    slots = [run.scheduled for run in runs.order_by("scheduled")]
    assert len(slots) == len(set(slots)), "a dump slot ran twice"
    first_slot = min(slots)
    expected = [first_slot + timedelta(minutes=k) for k in range(int((end - first_slot).total_seconds() // 60))]
    lost = [
        slot for slot in expected if slot not in slots and not affected(slot) and slot < end - timedelta(seconds=20)
    ]
    assert not lost, f"dump slots lost outside the outages: {lost}\n{faults.worker_logs()}"
    assert Job.objects.filter(name=DUMP, status="completed").count() >= 2

    for name in (DNS_CHECK, RECONCILER):
        started = sorted(Job.objects.filter(name=name, started__isnull=False).values_list("started", flat=True))
        assert len(started) >= 2, name
        rows = list(
            Job.objects.filter(name=name)
            .order_by("created")
            .values_list("pk", "status", "created", "scheduled", "started", "error")
        )
        for earlier, later in itertools.pairwise(started):
            assert later - earlier >= timedelta(seconds=30), (
                f"{name} ran twice for one slot ({earlier}, {later}); outages {outages}\n"
                + "\n".join(map(str, rows))
                + "\n"
                + "\n".join(
                    line
                    for line in faults.worker_logs().splitlines()
                    if "apply schedules" in line or "watchdog" in line
                )
            )
        gaps = [(a, b) for a, b in itertools.pairwise(started) if b - a > timedelta(seconds=150)]
        assert all(affected(a + timedelta(seconds=60)) for a, _ in gaps), f"{name} lost runs: {gaps}"
