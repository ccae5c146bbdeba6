"""Report results in the Prometheus text exposition format (pure)."""

from __future__ import annotations

from collections.abc import Mapping

from .alerting import LEVELS, JobResult
from .owners import ReportOwner


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def render_report_metrics(
    results: Mapping[str, tuple[JobResult, float | None]], owners: Mapping[str, ReportOwner] | None = None
) -> str:
    """One block per metric family, one sample per report (and per test and level for the findings). With `owners`,
    every sample of a report also carries ``owner`` and ``alerts`` ("true"/"false") labels, so alert rules can route
    by owner and leave out the reports that do not alert."""
    findings, last_run, duration, errored, new = [], [], [], [], []
    for report in sorted(results):
        result, seconds = results[report]
        name = _label(report)
        if owners is not None and report in owners:
            declared = owners[report]
            name = f'{name}",owner="{_label(declared.owner)}",alerts="{str(declared.alerts).lower()}'
        errored.append(f'wmf_ops_report_errored{{report="{name}"}} {int(result.status != "completed")}')
        if result.completed:
            last_run.append(
                f'wmf_ops_report_last_run_timestamp_seconds{{report="{name}"}} {result.completed.timestamp():.3f}'
            )
        new.append(f'wmf_ops_report_new_findings{{report="{name}"}} {int(result.new)}')
        if seconds is not None:
            duration.append(f'wmf_ops_report_duration_seconds{{report="{name}"}} {seconds:.3f}')
        for test, counts in sorted(((result.data or {}).get("tests") or {}).items()):
            for level in LEVELS:
                findings.append(
                    f'wmf_ops_report_findings{{report="{name}",test="{_label(test)}",level="{level}"}} '
                    f"{int(counts.get(level, 0))}"
                )
    blocks = [
        (
            "wmf_ops_report_findings",
            "gauge",
            "Open failures and warnings (and the successes of the newest finished run), per report test.",
            findings,
        ),
        ("wmf_ops_report_last_run_timestamp_seconds", "gauge", "When the newest run finished (Unix time).", last_run),
        ("wmf_ops_report_duration_seconds", "gauge", "Run time of the newest finished run.", duration),
        ("wmf_ops_report_errored", "gauge", "1 when the newest run errored or failed instead of completing.", errored),
        ("wmf_ops_report_new_findings", "gauge", "Findings the newest finished run opened.", new),
    ]
    lines = []
    for metric, kind, help_text, samples in blocks:
        lines += [f"# HELP {metric} {help_text}", f"# TYPE {metric} {kind}", *samples]
    return "\n".join(lines) + "\n"
