"""Verdicts on the plugin's recurring work (netbox_wmf_ops.health, pure)."""

from datetime import UTC, datetime, timedelta

from netbox_wmf_ops.health import (
    FailedRun,
    Thresholds,
    WorkRecord,
    judge_work,
    recurring_metric_families,
    summary_line,
    worst,
)
from netbox_wmf_ops.prometheus import render
from tests.metrics_text import key, samples

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
DUMP = "WMF Ops hourly CSV dump"


def dump(age_minutes, **kw):
    return WorkRecord(DUMP, 60, NOW - timedelta(minutes=age_minutes), next_run=NOW + timedelta(minutes=37), **kw)


def test_a_dump_older_than_two_intervals_is_critical():
    assert judge_work(dump(59), NOW).state == "OK"
    assert judge_work(dump(95), NOW).state == "WARNING"
    verdict = judge_work(dump(121), NOW)
    assert verdict.state == "CRITICAL" and verdict.exit_code == 2
    assert "older than 2h" in verdict.summary and verdict.age_seconds == 121 * 60


def test_thresholds_are_multiples_of_the_interval():
    assert judge_work(dump(95), NOW, Thresholds(warning_intervals=2, critical_intervals=3)).state == "OK"


def test_a_missed_slot_stays_visible_after_the_chain_recovered():
    missed = FailedRun(NOW - timedelta(minutes=83), "errored", "its RQ job failed before the run started: refused")
    verdict = judge_work(dump(23, failures=(missed,)), NOW)
    assert verdict.state == "OK" and verdict.failures == 1
    assert "1 failed or missed in 24h, last 2026-12-06T10:37+00:00 errored: its RQ job failed" in verdict.summary


def test_a_failed_newest_run_warns_even_when_recent():
    assert judge_work(dump(5, last_run_failed=True), NOW).state == "WARNING"


def test_a_chain_without_any_run_is_flagged():
    never = judge_work(WorkRecord("Ganeti sync eqiad", 30, None), NOW)
    assert never.state == "WARNING" and "never scheduled" in never.summary and "no run scheduled" in never.summary
    stuck = judge_work(WorkRecord("Ganeti sync eqiad", 30, None, first_seen=NOW - timedelta(hours=2)), NOW)
    assert stuck.state == "CRITICAL" and "no success yet" in stuck.summary


def test_an_overdue_waiting_run_is_shown():
    record = WorkRecord(
        "WMF Ops: DNS snippets (check)", 10, NOW - timedelta(minutes=5), next_run=NOW - timedelta(hours=1)
    )
    assert "(overdue by 1h)" in judge_work(record, NOW).summary


def test_an_unreadable_source_is_unknown():
    verdict = judge_work(WorkRecord(DUMP, 60, None, error="cannot read the dump root"), NOW)
    assert verdict.state == "UNKNOWN" and verdict.line == f"{DUMP} UNKNOWN - cannot read the dump root"


def test_summary_and_metrics():
    verdicts = [
        judge_work(dump(150), NOW),
        judge_work(WorkRecord("Ganeti sync eqiad", 30, NOW, running_since=NOW), NOW),
    ]
    assert worst(verdicts) == "CRITICAL"
    assert summary_line(verdicts) == f"WMF Ops recurring jobs CRITICAL - {DUMP} CRITICAL"
    assert summary_line(verdicts[1:]) == "WMF Ops recurring jobs OK - 1 recurring jobs OK"
    text = render(recurring_metric_families(verdicts))
    got = samples(text)
    assert got[key("wmf_ops_recurring_state", job=DUMP)] == 2
    assert got[key("wmf_ops_recurring_scheduled", job="Ganeti sync eqiad")] == 1
    assert got[key("wmf_ops_recurring_interval_seconds", job="Ganeti sync eqiad")] == 1800
    assert "# TYPE wmf_ops_recurring_failures_24h gauge" in text
