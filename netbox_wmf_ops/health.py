"""Health of the plugin's recurring work (pure): one record per recurring job in, Nagios verdicts out.

A recurring job is healthy when it succeeded recently enough for its interval: WARNING past
``health_warning_intervals`` intervals since the last success, CRITICAL past ``health_critical_intervals`` (2 by
default: an hourly dump that stopped pages someone within two hours). The newest run having failed is at least a
WARNING. Runs that failed or were missed (a row the reconciler found dead) in the last day are listed, so a slot
missed during an outage stays visible after the chain recovered. The dump is judged by the newest dump directory on
disk, not by job rows: the files are what operators restore from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from .alerting import CRITICAL, OK, UNKNOWN, WARNING, CheckVerdict
from .prometheus import Gauge

PROBLEM_WINDOW = timedelta(hours=24)  # failed runs listed by the check
SEVERITY = {OK: 0, WARNING: 1, UNKNOWN: 2, CRITICAL: 3}  # worst first when aggregating


@dataclass(frozen=True)
class Thresholds:
    warning_intervals: float = 1.5
    critical_intervals: float = 2.0


@dataclass(frozen=True)
class FailedRun:
    when: datetime  # the slot (scheduled time), or when the run started/was created
    status: str  # errored | failed
    error: str = ""


@dataclass(frozen=True)
class WorkRecord:
    """What is known about one recurring job."""

    key: str  # the job name operators see ("WMF Ops hourly CSV dump", "Ganeti sync eqiad", ...)
    interval: int  # minutes
    last_success: datetime | None
    last_run_failed: bool = False  # the newest finished run errored or failed
    failures: tuple[FailedRun, ...] = ()  # newest first, within PROBLEM_WINDOW
    next_run: datetime | None = None  # scheduled time of the waiting run, if any
    running_since: datetime | None = None
    first_seen: datetime | None = None  # the oldest row of the chain (for a chain that never succeeded)
    detail: str = ""  # e.g. the newest dump's path
    error: str = ""  # could not be judged (dump root unreadable...): UNKNOWN


@dataclass(frozen=True)
class WorkVerdict(CheckVerdict):
    state: str
    key: str
    summary: str
    interval: int = 0
    last_success: datetime | None = None
    age_seconds: float | None = None
    failures: int = 0
    scheduled: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def subject(self) -> str:
        return self.key

    def as_dict(self) -> dict[str, Any]:
        return {
            "job": self.key,
            **self.state_fields(),
            "interval_minutes": self.interval,
            "last_success": self.last_success.isoformat() if self.last_success else None,
            "age_seconds": round(self.age_seconds, 1) if self.age_seconds is not None else None,
            "failures_24h": self.failures,
            "scheduled": self.scheduled,
        }


def judge_work(record: WorkRecord, now: datetime, thresholds: Thresholds = Thresholds()) -> WorkVerdict:
    interval = timedelta(minutes=record.interval)
    warn_after, crit_after = interval * thresholds.warning_intervals, interval * thresholds.critical_intervals
    scheduled = record.next_run is not None or record.running_since is not None
    common = {
        "interval": record.interval,
        "last_success": record.last_success,
        "failures": len(record.failures),
        "scheduled": scheduled,
    }
    parts: list[str] = []
    if record.error:
        return WorkVerdict(UNKNOWN, record.key, record.error, **common)
    if record.last_success is not None:
        age = now - record.last_success
        parts.append(f"last success {_when(record.last_success)} ({_duration(age)} ago{_detail(record.detail)})")
    elif record.first_seen is not None:
        age = now - record.first_seen
        parts.append(f"no success yet (first scheduled {_duration(age)} ago)")
    else:
        age = None
        parts.append("never scheduled (is `netbox rqworker` running?)")
    parts.append(f"every {_duration(interval)}")
    if age is None:
        state = WARNING
    elif age > crit_after:
        state = CRITICAL
        parts.append(f"older than {_duration(crit_after)}")
    elif age > warn_after:
        state = WARNING
        parts.append(f"older than {_duration(warn_after)}")
    else:
        state = OK
    if record.last_run_failed and state == OK:
        state = WARNING
    if record.running_since is not None:
        parts.append(f"running since {_when(record.running_since)}")
    elif record.next_run is not None:
        overdue = now - record.next_run
        parts.append(
            f"next {_when(record.next_run)}" + (f" (overdue by {_duration(overdue)})" if overdue > interval else "")
        )
    else:
        parts.append("no run scheduled")
    if record.failures:
        newest = record.failures[0]
        reason = f": {newest.error}" if newest.error else ""
        parts.append(
            f"{len(record.failures)} failed or missed in 24h, last {_when(newest.when)} {newest.status}{reason}"
        )
    return WorkVerdict(
        state,
        record.key,
        "; ".join(parts),
        age_seconds=age.total_seconds() if age is not None else None,
        **common,
    )


def worst(verdicts: list[WorkVerdict]) -> str:
    if not verdicts:
        return OK
    return max((v.state for v in verdicts), key=SEVERITY.__getitem__)


def summary_line(verdicts: list[WorkVerdict]) -> str:
    """The first line of the check: the overall state and the jobs that are not OK."""
    state = worst(verdicts)
    bad = [v for v in verdicts if v.state != OK]
    if not verdicts:
        return f"WMF Ops recurring jobs {state} - no recurring job configured"
    if not bad:
        return f"WMF Ops recurring jobs {state} - {len(verdicts)} recurring jobs OK"
    listed = ", ".join(f"{v.key} {v.state}" for v in sorted(bad, key=lambda v: -SEVERITY[v.state]))
    return f"WMF Ops recurring jobs {state} - {listed}"


def _when(moment: datetime) -> str:
    return moment.isoformat(timespec="minutes")


def _detail(detail: str) -> str:
    return f", {detail}" if detail else ""


def _duration(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    if seconds < 0:
        return f"-{_duration(-delta)}"
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours >= 48:
        return f"{hours // 24}d {hours % 24}h"
    if hours:
        return f"{hours}h {minutes}m" if minutes else f"{hours}h"
    if minutes:
        return f"{minutes}m" if not secs or minutes >= 10 else f"{minutes}m {secs}s"
    return f"{secs}s"


def recurring_metric_families(verdicts: list[WorkVerdict]) -> list[Gauge]:
    """The recurring-work verdicts as Prometheus gauges (served after the report metrics), one sample per job."""
    state = Gauge("wmf_ops_recurring_state", "0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (as the Icinga check).")
    last_success = Gauge(
        "wmf_ops_recurring_last_success_timestamp_seconds", "When the newest success ended (Unix time)."
    )
    interval = Gauge("wmf_ops_recurring_interval_seconds", "The configured interval of the recurring job.")
    failures = Gauge("wmf_ops_recurring_failures_24h", "Runs that failed or were missed in the last 24 hours.")
    scheduled = Gauge("wmf_ops_recurring_scheduled", "1 when a run is waiting or running (the chain is alive).")
    for v in sorted(verdicts, key=lambda v: v.key):
        job = {"job": v.key}
        state.sample(job, v.exit_code)
        if v.last_success is not None:
            last_success.sample(job, v.last_success.timestamp())
        interval.sample(job, v.interval * 60)
        failures.sample(job, v.failures)
        scheduled.sample(job, int(v.scheduled))
    return [state, last_success, interval, failures, scheduled]
