"""The report and recurring-work metrics, rendered by prometheus_client, read as the hand-written text they replaced:
the same families in the same order with the same HELP and TYPE lines, the same samples and values. Only the label
order, the number formatting and the precision of the timestamps and durations (no longer rounded to the
millisecond) differ (docs/alerting.md, "Fixed on purpose")."""

from datetime import UTC, datetime, timedelta

import pytest

from netbox_wmf_ops.alerting import JobResult
from netbox_wmf_ops.health import WorkRecord, judge_work, recurring_metric_families
from netbox_wmf_ops.metrics import report_metric_families
from netbox_wmf_ops.owners import ReportOwner
from netbox_wmf_ops.prometheus import render
from tests.metrics_text import samples

NOW = datetime(2026, 1, 2, tzinfo=UTC)

# What the hand-written renderers (before prometheus_client) wrote for `families()` below, report then recurring.
HAND_WRITTEN = r"""# HELP wmf_ops_report_findings Open failures and warnings (and the successes of the newest finished run), per report test.
# TYPE wmf_ops_report_findings gauge
wmf_ops_report_findings{report="m.Owned",owner="DC \"ops\"",alerts="false",test="test_a",level="failure"} 3
wmf_ops_report_findings{report="m.Owned",owner="DC \"ops\"",alerts="false",test="test_a",level="warning"} 0
wmf_ops_report_findings{report="m.Owned",owner="DC \"ops\"",alerts="false",test="test_a",level="success"} 0
wmf_ops_report_findings{report="m.Owned",owner="DC \"ops\"",alerts="false",test="test_a",level="info"} 0
wmf_ops_report_findings{report="m.Owned",owner="DC \"ops\"",alerts="false",test="test_b",level="failure"} 0
wmf_ops_report_findings{report="m.Owned",owner="DC \"ops\"",alerts="false",test="test_b",level="warning"} 2
wmf_ops_report_findings{report="m.Owned",owner="DC \"ops\"",alerts="false",test="test_b",level="success"} 4
wmf_ops_report_findings{report="m.Owned",owner="DC \"ops\"",alerts="false",test="test_b",level="info"} 1
# HELP wmf_ops_report_last_run_timestamp_seconds When the newest run finished (Unix time).
# TYPE wmf_ops_report_last_run_timestamp_seconds gauge
wmf_ops_report_last_run_timestamp_seconds{report="m.Owned",owner="DC \"ops\"",alerts="false"} 1767268800.123
# HELP wmf_ops_report_duration_seconds Run time of the newest finished run.
# TYPE wmf_ops_report_duration_seconds gauge
wmf_ops_report_duration_seconds{report="m.Owned",owner="DC \"ops\"",alerts="false"} 0.123
# HELP wmf_ops_report_errored 1 when the newest run errored or failed instead of completing.
# TYPE wmf_ops_report_errored gauge
wmf_ops_report_errored{report="m.Owned",owner="DC \"ops\"",alerts="false"} 0
wmf_ops_report_errored{report="m.R\"x\\y"} 1
# HELP wmf_ops_report_new_findings Findings the newest finished run opened.
# TYPE wmf_ops_report_new_findings gauge
wmf_ops_report_new_findings{report="m.Owned",owner="DC \"ops\"",alerts="false"} 2
wmf_ops_report_new_findings{report="m.R\"x\\y"} 0
# HELP wmf_ops_recurring_state 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (as the Icinga check).
# TYPE wmf_ops_recurring_state gauge
wmf_ops_recurring_state{job="Ganeti \"sync\" eqiad"} 1
wmf_ops_recurring_state{job="WMF Ops hourly CSV dump"} 2
# HELP wmf_ops_recurring_last_success_timestamp_seconds When the newest success ended (Unix time).
# TYPE wmf_ops_recurring_last_success_timestamp_seconds gauge
wmf_ops_recurring_last_success_timestamp_seconds{job="WMF Ops hourly CSV dump"} 1767303000.000
# HELP wmf_ops_recurring_interval_seconds The configured interval of the recurring job.
# TYPE wmf_ops_recurring_interval_seconds gauge
wmf_ops_recurring_interval_seconds{job="Ganeti \"sync\" eqiad"} 1800
wmf_ops_recurring_interval_seconds{job="WMF Ops hourly CSV dump"} 3600
# HELP wmf_ops_recurring_failures_24h Runs that failed or were missed in the last 24 hours.
# TYPE wmf_ops_recurring_failures_24h gauge
wmf_ops_recurring_failures_24h{job="Ganeti \"sync\" eqiad"} 0
wmf_ops_recurring_failures_24h{job="WMF Ops hourly CSV dump"} 0
# HELP wmf_ops_recurring_scheduled 1 when a run is waiting or running (the chain is alive).
# TYPE wmf_ops_recurring_scheduled gauge
wmf_ops_recurring_scheduled{job="Ganeti \"sync\" eqiad"} 1
wmf_ops_recurring_scheduled{job="WMF Ops hourly CSV dump"} 0
"""  # noqa: E501 (HELP lines are as long as they are)


def families():
    tests = {"test_b": {"success": 4, "info": 1, "warning": 2, "failure": 0}, "test_a": {"failure": 3}}
    finished = datetime(2026, 1, 1, 12, 0, 0, 123456, tzinfo=UTC)
    results = {
        "m.Owned": (JobResult(pk=1, status="completed", completed=finished, data={"tests": tests}, new=2), 0.1234567),
        'm.R"x\\y': (JobResult(pk=2, status="errored", completed=None, data=None), None),
    }
    verdicts = [
        judge_work(WorkRecord("WMF Ops hourly CSV dump", 60, NOW - timedelta(minutes=150)), NOW),
        judge_work(WorkRecord('Ganeti "sync" eqiad', 30, None, running_since=NOW), NOW),
    ]
    owners = {"m.Owned": ReportOwner(owner='DC "ops"', alerts=False)}
    return report_metric_families(results, owners) + recurring_metric_families(verdicts)


def test_a_scraper_reads_the_same_samples_as_from_the_hand_written_text():
    text = render(families())
    before, after = samples(HAND_WRITTEN), samples(text)
    assert list(after) == list(before)  # the same samples in the same order
    for sample, value in before.items():
        assert after[sample] == pytest.approx(value, abs=0.0005), sample  # the old text rounded to 1 ms
    assert [line for line in text.splitlines() if line.startswith("#")] == [
        line for line in HAND_WRITTEN.splitlines() if line.startswith("#")
    ]


def test_timestamps_and_durations_keep_their_full_precision():
    got = samples(render(families()))
    owned = {"report": "m.Owned", "owner": 'DC "ops"', "alerts": "false"}
    assert got["wmf_ops_report_duration_seconds", frozenset(owned.items())] == 0.1234567
    assert got["wmf_ops_report_last_run_timestamp_seconds", frozenset(owned.items())] == 1767268800.123456
