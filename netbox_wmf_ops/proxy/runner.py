"""Run a NetBox script synchronously and collect its result, with a deadline (the service behind the proxy view).

NetBox has no synchronous script API: the proxy does what ``netbox runscript`` does (``ScriptJob.enqueue(...,
immediate=True)``), in a worker thread so that a deadline can be kept. The Job row is created first, so a run that
outlives the deadline can be handed back as a job id to poll; the thread carries on and finishes the job.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from core.choices import JobStatusChoices
from core.models import Job
from django.db import close_old_connections, connections
from extras.jobs import ScriptJob

TIMEOUT = "timeout"


@dataclass
class ScriptOutcome:
    status: str  # a Job status (completed, errored, failed), or "timeout"
    job_id: int | None
    output: str = ""
    error: str = ""
    failures: list[str] = field(default_factory=list)


class _ProxiedScriptJob(ScriptJob):
    """ScriptJob that tells the caller its Job id as soon as the Job row exists (same Job name and behaviour)."""

    @classmethod
    def handle(cls, job, *args, on_start=None, **kwargs):
        if on_start is not None:
            on_start(job.pk)
        return super().handle(job, *args, **kwargs)


def format_log(log: list[dict[str, Any]]) -> str:
    """The WMF ``format_logs`` rendering: one ``[status] message`` line per logged message."""
    return "".join(f"[{entry.get('status')}] {entry.get('message')}\n" for entry in log)


def failure_lines(data: dict[str, Any] | None) -> list[str]:
    """The failure messages of a finished script (and of a report's tests)."""
    data = data or {}
    lines = [entry.get("message", "") for entry in data.get("log") or [] if entry.get("status") == "failure"]
    for test in (data.get("tests") or {}).values():
        lines += [entry[4] for entry in test.get("log") or [] if len(entry) > 4 and entry[1] == "failure"]
    return lines


def outcome_of(job: Job) -> ScriptOutcome:
    data = job.data or {}
    output = data.get("output")
    if output is None:
        output = format_log(data.get("log") or [])
    return ScriptOutcome(
        status=job.status,
        job_id=job.pk,
        output=str(output),
        error=job.error or "",
        failures=failure_lines(data),
    )


def run_script(script, user, data: dict[str, Any], commit: bool, request, timeout: float) -> ScriptOutcome:
    """Run ``script`` (an ``extras.Script``) now, as ``user``; wait at most ``timeout`` seconds for it to finish.

    ``data`` must be the script form's cleaned data. The Job is created with notifications off (a scrape every minute
    must not notify anyone). The thread uses its own database connection, so the script sees committed data only."""
    started = threading.Event()
    holder: dict[str, Any] = {}

    def on_start(job_pk: int) -> None:
        holder["job_pk"] = job_pk
        started.set()

    def target() -> None:
        close_old_connections()
        try:
            _ProxiedScriptJob.enqueue(
                instance=script,
                user=user,
                immediate=True,
                data=data,
                request=request,
                commit=commit,
                notifications="never",
                on_start=on_start,
            )
        except BaseException as exc:  # reported to the caller; the thread must not die silently
            holder["exception"] = exc
        finally:
            started.set()
            connections.close_all()

    thread = threading.Thread(target=target, name=f"wmf-ops-proxy-{script.pk}", daemon=True)
    thread.start()
    thread.join(timeout)
    if "exception" in holder:
        raise holder["exception"]
    job_pk = holder.get("job_pk")
    if thread.is_alive():
        return ScriptOutcome(status=TIMEOUT, job_id=job_pk)
    job = Job.objects.get(pk=job_pk)
    if job.status not in JobStatusChoices.TERMINAL_STATE_CHOICES:  # cannot happen once handle() returned
        return ScriptOutcome(status=TIMEOUT, job_id=job_pk)
    return outcome_of(job)
