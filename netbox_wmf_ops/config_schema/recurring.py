"""Settings of the recurring work: the schedule reconciler, run timeouts and the missed-run check."""

from typing import Any

from .validators import Setting, positive_int


def intervals(value: Any) -> str | None:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and value >= 1
    return None if ok else "must be a number of intervals >= 1"


SETTINGS: dict[str, Setting] = {
    "reconcile_interval": Setting(
        5,
        positive_int,
        "Minutes between passes of the schedule reconciler (the system job 'WMF Ops: apply schedules').",
    ),
    "recurring_job_timeout": Setting(
        1800, positive_int, "Seconds a run of a recurring job (dump, DNS, Ganeti sync) may take."
    ),
    "health_warning_intervals": Setting(
        1.5, intervals, "Recurring-job check: WARNING when the last success is older than so many intervals."
    ),
    "health_critical_intervals": Setting(
        2.0,
        intervals,
        "Recurring-job check: CRITICAL when the last success is older than so many intervals.",
    ),
}
