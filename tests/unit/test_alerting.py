from datetime import UTC, datetime, timedelta

import pytest

from netbox_wmf_ops.alerting import JobResult, count_levels, judge, parse_duration
from netbox_wmf_ops.metrics import report_metric_families
from netbox_wmf_ops.prometheus import render
from tests.metrics_text import key, samples

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def report_data(failure=0, warning=0, success=1):
    return {
        "log": [],
        "output": "",
        "tests": {"test_a": {"failure": failure, "warning": warning, "success": success, "info": 0, "log": []}},
    }


def result(data, status="completed", age=timedelta(minutes=5), error=""):
    return JobResult(pk=7, status=status, completed=NOW - age, data=data, error=error)


def test_failures_are_critical_and_warnings_never_alert():
    assert judge("m.R", result(report_data(failure=2)), NOW).state == "CRITICAL"
    assert judge("m.R", result(report_data(failure=2)), NOW, warning_only=True).state == "WARNING"
    verdict = judge("m.R", result(report_data(warning=5)), NOW)
    assert verdict.state == "OK" and verdict.exit_code == 0
    assert verdict.line.startswith("Netbox report m.R OK - 0 failures, 5 warnings, 1 successes (job 7 at ")


@pytest.mark.parametrize(
    ("job", "max_age", "reason"),
    [
        (None, None, "no finished run found"),
        (result(report_data(), status="errored", error="ValueError('x')"), None, "last run errored (ValueError('x'))"),
        (result(report_data(), age=timedelta(hours=30)), timedelta(hours=26), "older than 1 day, 2:00:00"),
    ],
)
def test_unknown_cases(job, max_age, reason):
    verdict = judge("m.R", job, NOW, max_age)
    assert verdict.state == "UNKNOWN" and verdict.exit_code == 3
    assert reason in verdict.summary


def test_counts_from_a_plain_script_log():
    data = {"log": [{"status": "failure"}, {"status": "info"}, {"status": "failure"}], "tests": {}}
    assert count_levels(data) == {"failure": 2, "warning": 0, "success": 0, "info": 1}


@pytest.mark.parametrize(("text", "seconds"), [("90", 90), ("90s", 90), ("15m", 900), ("26h", 93600), ("2d", 172800)])
def test_parse_duration(text, seconds):
    assert parse_duration(text) == timedelta(seconds=seconds)


def test_parse_duration_rejects_garbage():
    with pytest.raises(ValueError, match="invalid duration 'soon'"):
        parse_duration("soon")


def test_metrics_text_format():
    job = JobResult(pk=1, status="completed", completed=datetime(2026, 1, 1, tzinfo=UTC), data=report_data(failure=3))
    text = render(report_metric_families({'m.R"x': (job, 1.5)}))
    got = samples(text)
    assert got[key("wmf_ops_report_findings", report='m.R"x', test="test_a", level="failure")] == 3
    assert got[key("wmf_ops_report_last_run_timestamp_seconds", report='m.R"x')] == 1767225600.0
    assert got[key("wmf_ops_report_duration_seconds", report='m.R"x')] == 1.5
    assert got[key("wmf_ops_report_errored", report='m.R"x')] == 0
    assert got[key("wmf_ops_report_new_findings", report='m.R"x')] == 0
    # prometheus_client's own text: labels sorted by name, values as floats, label values escaped.
    assert 'wmf_ops_report_findings{level="failure",report="m.R\\"x",test="test_a"} 3.0\n' in text
    assert text.count("# TYPE ") == 5 and text.endswith("\n")


def test_a_report_that_does_not_alert_stays_ok_but_says_what_it_found():
    verdict = judge("m.R", result(report_data(failure=2)), NOW, alerts=False)
    assert verdict.state == "OK" and verdict.counts["failure"] == 2 and "does not alert" in verdict.summary
    assert judge("m.R", None, NOW, alerts=False).state == "UNKNOWN"  # no run is still unknown
    assert judge("m.R", result(report_data(), status="errored"), NOW, alerts=False).state == "UNKNOWN"


def test_metrics_carry_the_owner_and_alerting_labels():
    from netbox_wmf_ops.owners import ReportOwner

    job = JobResult(pk=1, status="completed", completed=datetime(2026, 1, 1, tzinfo=UTC), data=report_data(failure=3))
    text = render(report_metric_families({"m.R": (job, 1.5)}, {"m.R": ReportOwner(owner='DC "ops"', alerts=False)}))
    got = samples(text)
    labels = {"report": "m.R", "owner": 'DC "ops"', "alerts": "false"}
    assert got[key("wmf_ops_report_findings", **labels, test="test_a", level="failure")] == 3
    assert got[key("wmf_ops_report_errored", **labels)] == 0 and got[key("wmf_ops_report_new_findings", **labels)] == 0
