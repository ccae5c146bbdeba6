"""The Validation audit at the bench scale: the whole report under 10 s at scale 1.0 (issue 13), with each test's
share and how many findings it logs."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from bench.timing import Figures, measure


def _run() -> dict:
    from netbox_wmf_ops.reports.validation_audit import ValidationAudit

    report = ValidationAudit()
    report.run(data={}, commit=False)
    return report.tests


def _audit() -> Figures:
    from netbox_wmf_ops.reports.validation_audit import ValidationAudit

    results: dict[str, Any] = {**measure(_run, repeat=3), "work": "fleet"}
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
    yield "report validation_audit.ValidationAudit", results


def groups() -> dict[str, Callable[[], Figures]]:
    return {"audit": _audit}
