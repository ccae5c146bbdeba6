"""Run one shipped report in this process and record its findings: what the plugin's job and the management command
do (the core script door records from its job's data instead, see quality/signals.py)."""

from __future__ import annotations

import logging
import time

from ..models import CheckRun
from . import catalog
from .service import record_run, report_lock, start_run

logger = logging.getLogger("netbox_wmf_ops.quality")


class UnknownReportError(LookupError):
    pass


def run_report(
    name: str,
    *,
    door: str,
    user=None,
    schedule: str = "",
    job=None,
):
    """Run report `name` (``module.Class``) and record its findings; returns (CheckRun, the report instance, whose
    ``tests`` hold NetBox's usual per-test log). Runs of one report wait for each other (advisory lock). A report
    that raises ends in an errored run, which changes no finding; the exception is not re-raised."""
    cls = catalog.report_class(name)
    if cls is None:
        raise UnknownReportError(f"no shipped report {name!r}")
    with report_lock(name):
        run = start_run(name, door=door, user=user, schedule=schedule, job=job)
        report = cls()
        report.progress = _progress_writer(run)
        try:
            report.run({}, False)
        except Exception as error:
            logger.exception("report %s raised", name)
            report.run_error = report.run_error or f"{type(error).__name__}: {error}"
        record_run(run, tests_run=report.tests_done, findings=report.findings, error=report.run_error)
    return run, report


def _progress_writer(run: CheckRun, every: float = 1.0):
    """Tells the run the tests done so far (the Checks page shows it while the run lasts), at most once a second:
    a fast report pays nothing for it."""
    last = [time.monotonic()]

    def write(done: list[str]) -> None:
        if time.monotonic() - last[0] >= every:
            CheckRun.objects.filter(pk=run.pk).update(tests=list(done))
            last[0] = time.monotonic()

    return write


def latest_runs(names=None) -> dict[str, CheckRun]:
    """The newest finished run of each report (one query)."""
    runs = CheckRun.objects.exclude(status="running").order_by("report", "-started", "-pk").distinct("report")
    if names is not None:
        runs = runs.filter(report__in=list(names))
    return {run.report: run for run in runs.select_related("user", "job")}
