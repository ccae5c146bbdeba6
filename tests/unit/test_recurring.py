"""Liveness of a recurring job's queued run and its slots (netbox_wmf_ops.recurring, pure)."""

from datetime import UTC, datetime, timedelta

import pytest

from netbox_wmf_ops.recurring import RowFacts, next_slot, stale_reason

NOW = datetime(2026, 12, 6, 10, 40, tzinfo=UTC)
LONG_AGO = NOW - timedelta(hours=1)


def row(status="scheduled", rq_status="scheduled", created=LONG_AGO, started=None, **rq):
    return RowFacts(
        pk=1,
        status=status,
        created=created,
        scheduled=NOW.replace(minute=37),
        started=started,
        interval=60,
        rq_status=rq_status,
        **rq,
    )


@pytest.mark.parametrize("rq_status", ["queued", "scheduled", "deferred"])
def test_a_waiting_row_whose_rq_job_waits_is_alive(rq_status):
    assert stale_reason(row(rq_status=rq_status), NOW, 300) is None


def test_a_row_whose_rq_job_vanished_is_stale_once_past_the_commit_grace():
    assert "missing from Redis" in stale_reason(row(rq_status=None), NOW, 300)
    # NetBox enqueues the RQ job when the creating transaction commits: a fresh row may not have it yet
    assert stale_reason(row(rq_status=None, created=NOW - timedelta(seconds=5)), NOW, 300) is None


def test_a_row_whose_rq_job_failed_before_the_start_is_stale_with_the_reason():
    # the fault of the issue: PostgreSQL refused the connection inside job.start(), RQ marked its job failed
    reason = stale_reason(row(rq_status="failed", rq_error="OperationalError: too many connections"), NOW, 300)
    assert reason == "its RQ job failed before the run started: OperationalError: too many connections"


def test_a_running_row_is_alive_until_its_timeout_when_redis_lost_it():
    started = NOW - timedelta(seconds=200)
    assert stale_reason(row(status="running", rq_status=None, started=started), NOW, 300) is None
    later = NOW + timedelta(seconds=200)
    assert "past its timeout of 300 s" in stale_reason(
        row(status="running", rq_status=None, started=started), later, 300
    )


def test_a_started_rq_job_is_alive_within_its_own_timeout():
    started = NOW - timedelta(seconds=100)
    facts = row(status="running", rq_status="started", started=started, rq_timeout=30.0)
    assert "past its timeout of 30 s (worker killed?)" in stale_reason(facts, NOW, 3600)
    assert stale_reason(row(status="running", rq_status="started", started=started), NOW, 3600) is None


def test_a_running_row_whose_work_horse_died_is_stale_at_once():
    facts = row(status="running", rq_status="failed", started=NOW, rq_error="Work-horse terminated unexpectedly")
    assert stale_reason(facts, NOW, 300).startswith("its RQ job failed while running (worker killed?)")


def test_slots_keep_their_anchor():
    anchor = datetime(2026, 12, 6, 0, 37, tzinfo=UTC)
    assert next_slot(anchor, 60, NOW) == datetime(2026, 12, 6, 10, 37, tzinfo=UTC) + timedelta(hours=1)
    assert next_slot(anchor, 60, NOW.replace(minute=37)) == NOW.replace(hour=11, minute=37)  # strictly after
    assert next_slot(anchor, 1, NOW.replace(second=30)) == NOW + timedelta(minutes=1)
    assert next_slot(NOW + timedelta(hours=5), 60, NOW) == NOW + timedelta(hours=1)  # an anchor in the future
    assert next_slot(anchor, 1440, NOW) == datetime(2026, 12, 7, 0, 37, tzinfo=UTC)
