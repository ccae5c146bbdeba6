"""The core script door: when core's ScriptJob ends for a shipped report, record what it found.

Core runs the script inside a transaction it rolls back when "commit" is off, so nothing can be written from inside
the run; the report hands its findings over in ``Job.data`` (``reporting.CORE_DOOR_KEY``) and this receiver records
them once the job has ended, outside that transaction."""

from __future__ import annotations

import logging
from collections import defaultdict

from core.signals import job_end
from django.apps import apps
from django.dispatch import receiver

from ..checks import Finding as CheckFinding
from ..reporting import CORE_DOOR_KEY

logger = logging.getLogger("netbox_wmf_ops.quality")


def findings_from_job_data(rows: list[list]) -> list[tuple[str, CheckFinding]]:
    """(test, finding) pairs from the job data, their objects fetched back in one query per model (an object
    deleted since keeps its display text)."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for _test, _level, _rule, label, pk, _display, _message in rows:
        if label and pk is not None:
            wanted[label].add(pk)
    objects = {}
    for label, pks in wanted.items():
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        for obj in model._default_manager.filter(pk__in=pks):
            objects[(label, obj.pk)] = obj
    return [
        (test, CheckFinding(level, objects.get((label, pk), display or None), message, rule))
        for test, level, rule, label, pk, display, message in rows
    ]


@receiver(job_end, dispatch_uid="netbox_wmf_ops_record_core_script_run")
def record_core_script_run(sender, **kwargs):
    job = sender
    handed_over = (job.data or {}).get(CORE_DOOR_KEY) if isinstance(job.data, dict) else None
    if not handed_over or job.object_type is None or job.object_type.model != "script":
        return
    from ..models.checkrun import CheckRunDoorChoices
    from .service import record_run, report_lock, start_run

    script = job.object
    if script is None:
        return
    report = f"{script.module.python_name}.{script.name}"
    error = handed_over.get("error") or ("" if job.status == "completed" else (job.error or job.status))
    try:
        with report_lock(report):
            run = start_run(
                report,
                door=CheckRunDoorChoices.SCRIPT if not job.interval else CheckRunDoorChoices.SCHEDULE,
                user=job.user,
                schedule=job.name if job.interval else "",
                job=job,
                started=job.started,
            )
            record_run(
                run,
                tests_run=handed_over.get("tests") or [],
                findings=findings_from_job_data(handed_over.get("findings") or []),
                error=error,
                finished=job.completed,
            )
    except Exception:  # the job has ended; recording must not turn it into a worker crash
        logger.exception("could not record the findings of job %s", job.pk)
