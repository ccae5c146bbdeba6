"""The newest finished result of each report, for alerting and metrics (a bounded number of queries)."""

from __future__ import annotations

from core.choices import JobStatusChoices
from core.models import Job, ObjectType
from extras.models import Script

from ..alerting import JobResult

FINISHED = (JobStatusChoices.STATUS_COMPLETED, JobStatusChoices.STATUS_ERRORED, JobStatusChoices.STATUS_FAILED)


def find_script(full_name: str, queryset=None) -> Script | None:
    """The Script row for 'module.ClassName' (as NetBox names it: the module is the file name without .py); None for
    a name no script can have (PostgreSQL refuses NUL bytes in text, which would be a 500)."""
    module, _, name = full_name.partition(".")
    if not module or not name or "\x00" in full_name:
        return None
    scripts = Script.objects.all() if queryset is None else queryset
    return scripts.filter(module__file_path=f"{module}.py", name=name).select_related("module").first()


def _script_jobs():
    return Job.objects.filter(object_type=ObjectType.objects.get_for_model(Script), status__in=FINISHED)


def _to_result(job: Job) -> JobResult:
    return JobResult(pk=job.pk, status=job.status, completed=job.completed, data=job.data, error=job.error or "")


def latest_result(script: Script) -> JobResult | None:
    job = (
        Job.objects.filter(
            object_type=ObjectType.objects.get_for_model(Script), object_id=script.pk, status__in=FINISHED
        )
        .order_by("-completed", "-pk")
        .first()
    )
    return _to_result(job) if job else None


def latest_results(scripts) -> dict[str, tuple[JobResult, float | None]]:
    """{'module.Class': (newest finished result, run time in seconds)} for the given scripts, in two queries."""
    by_pk = {s.pk: f"{s.module.python_name}.{s.name}" for s in scripts.select_related("module")}
    jobs = (
        Job.objects.filter(
            object_type=ObjectType.objects.get_for_model(Script), object_id__in=by_pk, status__in=FINISHED
        )
        .order_by("object_id", "-completed", "-pk")
        .distinct("object_id")  # PostgreSQL DISTINCT ON: the newest job per script
    )
    results = {}
    for job in jobs:
        duration = (job.completed - job.started).total_seconds() if job.completed and job.started else None
        results[by_pk[job.object_id]] = (_to_result(job), duration)
    return results
