"""The newest finished result of each report, for alerting and metrics, from the plugin's own records: the newest
finished `CheckRun` of the report and the report's open `Finding`s (a bounded number of queries)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Q
from extras.models import Script

from ..alerting import JobResult
from ..models import CheckRun, Finding
from ..models.checkrun import CheckRunStatusChoices

LEVELS = ("failure", "warning", "success", "info")


def find_script(full_name: str, queryset=None) -> Script | None:
    """The Script row for 'module.ClassName' (as NetBox names it: the module is the file name without .py); None for
    a name no script can have (PostgreSQL refuses NUL bytes in text, which would be a 500)."""
    module, _, name = full_name.partition(".")
    if not module or not name or "\x00" in full_name:
        return None
    scripts = Script.objects.all() if queryset is None else queryset
    return scripts.filter(module__file_path=f"{module}.py", name=name).select_related("module").first()


def _newest_runs(reports: Iterable[str]) -> dict[str, CheckRun]:
    runs = (
        CheckRun.objects.filter(report__in=list(reports))
        .exclude(status=CheckRunStatusChoices.RUNNING)
        .order_by("report", "-started", "-pk")
        .distinct("report")  # PostgreSQL DISTINCT ON: the newest run per report
    )
    return {run.report: run for run in runs}


def latest_results(reports: Iterable[str], user=None) -> dict[str, tuple[JobResult, float | None]]:
    """{'module.Class': (newest finished result, run time in seconds)} in two queries (three with a user whose
    object permissions hide some findings' objects). Failures and warnings are the report's open findings (those
    `user` may see) that are not acknowledged; "new" counts those of them the newest run opened; successes are the
    newest run's."""
    runs = _newest_runs(reports)
    # Acknowledged findings (acknowledgement in force) count neither as open nor as new.
    findings = Finding.objects.open().unacknowledged().filter(report__in=list(runs))
    if user is not None:
        findings = findings.visible_to(user)
    open_counts: dict[str, dict[str, dict[str, int]]] = {}
    new_counts: dict[str, int] = {}
    newest = [run.pk for run in runs.values()]
    rows = findings.values("report", "test", "level").annotate(
        n=Count("pk"), new=Count("pk", filter=Q(first_run__in=newest))
    )
    for row in rows.order_by():
        open_counts.setdefault(row["report"], {}).setdefault(row["test"], {})[row["level"]] = row["n"]
        new_counts[row["report"]] = new_counts.get(row["report"], 0) + row["new"]
    results = {}
    for report, run in runs.items():
        tests = {}
        for test in sorted(set(run.test_counts) | set(open_counts.get(report, {}))):
            logged = run.test_counts.get(test, {})
            found = open_counts.get(report, {}).get(test, {})
            tests[test] = {
                "failure": found.get("failure", 0),
                "warning": found.get("warning", 0),
                "success": logged.get("success", 0),
                "info": logged.get("info", 0),
            }
        result = JobResult(
            pk=run.pk,
            status=run.status,
            completed=run.finished,
            data={"tests": tests},
            error=run.error,
            source="run",
            new=new_counts.get(report, 0),
        )
        results[report] = (result, run.duration)
    return results


def latest_result(report: str, user=None) -> JobResult | None:
    found = latest_results([report], user).get(report)
    return found[0] if found else None
