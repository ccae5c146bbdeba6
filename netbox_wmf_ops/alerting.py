"""Nagios/Icinga verdicts on report results (docs/behaviour-reference.md §6.5), pure.

The numbers come from the plugin's own records (the newest `CheckRun` of the report and its open `Finding`s, see
loaders/report_status.py), whichever door ran the report: any open failure alerts (CRITICAL, or WARNING when the check
is told warnings only); warnings never alert; no run, an errored run or a run older than the allowed age is UNKNOWN.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

OK, WARNING, CRITICAL, UNKNOWN = "OK", "WARNING", "CRITICAL", "UNKNOWN"
EXIT_CODES = {OK: 0, WARNING: 1, CRITICAL: 2, UNKNOWN: 3}
LEVELS = ("failure", "warning", "success", "info")

_DURATION = re.compile(r"^\s*(\d+)\s*([smhdw]?)\s*$")
_UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(text: str) -> timedelta:
    """'90m', '2h', '1d', '3600s' or plain seconds."""
    match = _DURATION.match(text)
    if not match:
        raise ValueError(f"invalid duration {text!r}: use a number with an optional unit s, m, h, d or w (e.g. 26h)")
    return timedelta(seconds=int(match.group(1)) * _UNIT_SECONDS[match.group(2)])


@dataclass(frozen=True)
class JobResult:
    """The parts of a finished run the verdict needs: ``data`` has NetBox's ``{"tests": {test: {level: count}}}``
    shape. ``source`` names what ``pk`` is ("run": a CheckRun; "job": a core Job)."""

    pk: int
    status: str  # completed | errored | failed
    completed: datetime | None
    data: dict[str, Any] | None
    error: str = ""
    source: str = "job"
    new: int = 0  # findings the run opened


class CheckVerdict:
    """What every Nagios-style verdict of the plugin shares (a report's here, a recurring job's in health.py): the
    state's exit code, the check's output line and the state fields of its JSON."""

    state: str
    summary: str

    @property
    def subject(self) -> str:
        raise NotImplementedError

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.state]

    @property
    def line(self) -> str:
        return f"{self.subject} {self.state} - {self.summary}"

    def state_fields(self) -> dict[str, Any]:
        return {"state": self.state, "exit_code": self.exit_code, "summary": self.summary}


@dataclass(frozen=True)
class Verdict(CheckVerdict):
    state: str
    name: str
    summary: str
    counts: dict[str, int] = field(default_factory=dict)
    job: int | None = None

    @property
    def subject(self) -> str:
        return f"Netbox report {self.name}"

    def as_dict(self) -> dict[str, Any]:
        return {"report": self.name, **self.state_fields(), "counts": self.counts, "job": self.job}


def count_levels(data: dict[str, Any] | None) -> dict[str, int]:
    """Totals per level over all tests of a report (or over the log of a plain script)."""
    counts = dict.fromkeys(LEVELS, 0)
    data = data or {}
    tests = data.get("tests") or {}
    if tests:
        for result in tests.values():
            for level in LEVELS:
                counts[level] += int(result.get(level, 0))
    else:
        for entry in data.get("log") or []:
            if entry.get("status") in counts:
                counts[entry["status"]] += 1
    return counts


def judge(
    name: str,
    result: JobResult | None,
    now: datetime,
    max_age: timedelta | None = None,
    warning_only: bool = False,
    alerts: bool = True,
) -> Verdict:
    """``alerts=False`` (a report whose Meta says it does not alert, see owners.py): its failures are reported in the
    summary but the state stays OK; no run, an errored or a stale run is still UNKNOWN."""
    if result is None:
        return Verdict(UNKNOWN, name, "no finished run found")
    when = result.completed.isoformat(timespec="seconds") if result.completed else "unknown time"
    if result.status != "completed":
        reason = result.error or result.status
        return Verdict(
            UNKNOWN, name, f"last run {result.status} ({reason}), {result.source} {result.pk} at {when}", job=result.pk
        )
    if max_age is not None and (result.completed is None or now - result.completed > max_age):
        return Verdict(
            UNKNOWN, name, f"last result is older than {max_age} ({result.source} {result.pk} at {when})", job=result.pk
        )
    counts = count_levels(result.data)
    summary = (
        f"{counts['failure']} failures, {counts['warning']} warnings, {counts['success']} successes "
        f"({result.source} {result.pk} at {when})"
    )
    state = OK if counts["failure"] == 0 else (WARNING if warning_only else CRITICAL)
    if not alerts and state != OK:
        state, summary = OK, f"{summary}; the report does not alert"
    return Verdict(state, name, summary, counts, result.pk)
