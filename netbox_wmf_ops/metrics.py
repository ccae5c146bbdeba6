"""Report results as Prometheus gauges (pure; rendered by ``prometheus.render``)."""

from __future__ import annotations

from collections.abc import Mapping

from .alerting import LEVELS, JobResult
from .owners import ReportOwner
from .prometheus import Gauge


def report_metric_families(
    results: Mapping[str, tuple[JobResult, float | None]], owners: Mapping[str, ReportOwner] | None = None
) -> list[Gauge]:
    """One gauge per metric, one sample per report (and per test and level for the findings). With `owners`, every
    sample of a report also carries ``owner`` and ``alerts`` ("true"/"false") labels, so alert rules can route by
    owner and leave out the reports that do not alert."""
    findings = Gauge(
        "wmf_ops_report_findings",
        "Open failures and warnings (and the successes of the newest finished run), per report test.",
    )
    last_run = Gauge("wmf_ops_report_last_run_timestamp_seconds", "When the newest run finished (Unix time).")
    duration = Gauge("wmf_ops_report_duration_seconds", "Run time of the newest finished run.")
    errored = Gauge("wmf_ops_report_errored", "1 when the newest run errored or failed instead of completing.")
    new = Gauge("wmf_ops_report_new_findings", "Findings the newest finished run opened.")
    for report in sorted(results):
        result, seconds = results[report]
        labels = {"report": report}
        if owners is not None and report in owners:
            declared = owners[report]
            labels |= {"owner": declared.owner, "alerts": str(declared.alerts).lower()}
        errored.sample(labels, int(result.status != "completed"))
        if result.completed:
            last_run.sample(labels, result.completed.timestamp())
        new.sample(labels, int(result.new))
        if seconds is not None:
            duration.sample(labels, seconds)
        for test, counts in sorted(((result.data or {}).get("tests") or {}).items()):
            for level in LEVELS:
                findings.sample({**labels, "test": test, "level": level}, int(counts.get(level, 0)))
    return [findings, last_run, duration, errored, new]
