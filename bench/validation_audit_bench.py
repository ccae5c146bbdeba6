"""The Validation audit at the bench scale: the whole report under 10 s at scale 1.0 (issue 13), with each test's
share, its queries and how many findings it logs (`reports_bench` times it too, as one of the reports)."""

from __future__ import annotations

import time
from collections.abc import Callable

from bench.timing import count_queries, median_time


def _run() -> dict:
    from netbox_wmf_ops.reports.validation_audit import ValidationAudit

    report = ValidationAudit()
    report.run(data={}, commit=False)
    return report.tests


def run() -> dict[str, float | int]:
    from netbox_wmf_ops.reports.validation_audit import ValidationAudit

    results: dict[str, float | int] = {"report median s": round(median_time(_run, repeat=3), 3)}
    results["report queries"] = count_queries(_run)
    # One more run with each test method wrapped in a timer (the report looks its tests up by name).
    report = ValidationAudit()
    seconds: dict[str, float] = {}

    def timer(name: str, method: Callable[[], None]) -> Callable[[], None]:
        def timed() -> None:
            started = time.perf_counter()
            method()
            seconds[name] = round(time.perf_counter() - started, 3)

        return timed

    for name in [n for n in dir(report) if n.startswith("test_")]:
        setattr(report, name, timer(name, getattr(report, name)))
    report.run(data={}, commit=False)
    results["findings"] = sum(result["failure"] for result in report.tests.values())
    results.update({f"{name} s": value for name, value in sorted(seconds.items())})
    return results
