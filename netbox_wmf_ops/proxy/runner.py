"""Run a NetBox script synchronously and collect its result, with a deadline (the service behind the proxy view).

NetBox has no synchronous script API: the proxy does what ``netbox runscript`` does (``ScriptJob.enqueue(...,
immediate=True)``), in a worker thread so that a deadline can be kept. The Job row is created first, so a run that
outlives the deadline can be handed back as a job id to poll; the thread carries on and finishes the job.

The worker threads are pooled and the pool is bounded (``proxy_max_concurrent`` runs at a time): beyond the bound
``submit`` raises ``PoolFullError`` and the view answers 503 with ``Retry-After``, so a burst of calls cannot open more
database connections than that. A worker closes its database connections as soon as each run is done, so an idle
worker holds none; the thread itself waits for the next run and retires after ``WORKER_IDLE_SECONDS`` without work
or on ``retire_workers()`` (tests call it before the test database is dropped). Each worker's connection is named
``APPLICATION_NAME`` in ``pg_stat_activity``.
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from core.choices import JobStatusChoices
from core.models import Job
from django.db import connection, connections
from django.utils import timezone
from extras.jobs import ScriptJob

from netbox_wmf_ops.config_schema import SETTINGS

TIMEOUT = "timeout"
WORKER_IDLE_SECONDS = 300.0  # longer than a Prometheus scrape interval, so one worker serves a steady scraper
APPLICATION_NAME = "netbox-wmf-ops proxy"  # pg_stat_activity.application_name of a worker's connection
DEFAULT_MAX_WORKERS: int = SETTINGS["proxy_max_concurrent"].default  # the setting's default, for callers without it
# The proxy's own records of dry runs (GET), per caller and script, are pruned once finished and older than this.
KEEP_DRY_RUN_JOBS_FOR = timedelta(minutes=5)


class PoolFullError(Exception):
    """Every worker is busy and the pool is at its bound: the caller should retry later."""


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


class _Worker:
    def __init__(self, pool: WorkerPool) -> None:
        self.inbox: queue.SimpleQueue[Callable[[], None] | None] = queue.SimpleQueue()  # None: retire
        self.retiring = False
        self.thread = threading.Thread(target=pool._work, args=(self,), name="wmf-ops-proxy", daemon=True)


class WorkerPool:
    """At most ``max_workers`` threads that run one task at a time and are reused. A task never waits for a busy
    worker: a new one starts while under the bound (so a job that outlives its deadline does not hold up the next
    request), and beyond it ``submit`` raises ``PoolFullError``."""

    def __init__(self, idle_seconds: float = WORKER_IDLE_SECONDS, max_workers: int = DEFAULT_MAX_WORKERS) -> None:
        self.idle_seconds = idle_seconds
        self.max_workers = max_workers
        self._lock = threading.Lock()
        self._idle: list[_Worker] = []  # a stack: the most recently used worker (warmest connection) goes first
        self._workers: set[_Worker] = set()

    def submit(self, task: Callable[[], None], max_workers: int | None = None) -> None:
        """Hand ``task`` to an idle worker, or to a new one while fewer than ``max_workers`` (default: the pool's
        own bound) exist; raise ``PoolFullError`` otherwise."""
        bound = self.max_workers if max_workers is None else max_workers
        with self._lock:
            worker = self._idle.pop() if self._idle else None
            if worker is None:
                if len(self._workers) >= bound:
                    raise PoolFullError(f"all {len(self._workers)} script proxy workers are busy")
                worker = _Worker(self)
                self._workers.add(worker)
                worker.thread.start()
        worker.inbox.put(task)

    def forget_workers(self) -> None:
        """After a fork: the parent's threads do not exist in the child, so none of its workers may be handed work."""
        self._lock = threading.Lock()
        self._idle = []
        self._workers = set()

    def size(self) -> int:
        with self._lock:
            return len(self._workers)

    def retire_workers(self, timeout: float = 30.0) -> None:
        """Stop every worker once its current task is done and wait until their database connections are closed."""
        with self._lock:
            workers = list(self._workers)
            for worker in workers:
                worker.retiring = True
            for worker in self._idle:
                worker.inbox.put(None)
            self._idle.clear()
        for worker in workers:
            worker.thread.join(timeout)

    def _work(self, worker: _Worker) -> None:
        try:
            while True:
                try:
                    task = worker.inbox.get(timeout=self.idle_seconds)
                except queue.Empty:
                    with self._lock:
                        if worker in self._idle:  # otherwise submit() took it just now and its task is on the way
                            self._idle.remove(worker)
                            return
                    continue
                if task is None:
                    return
                try:
                    with connection.cursor() as cursor:  # names the connection in pg_stat_activity
                        cursor.execute("SET application_name = %s", [APPLICATION_NAME])
                    task()
                finally:
                    connections.close_all()  # an idle worker holds no database connection
                with self._lock:
                    if worker.retiring:
                        return
                    self._idle.append(worker)
        finally:
            with self._lock:
                self._workers.discard(worker)
                if worker in self._idle:
                    self._idle.remove(worker)
            connections.close_all()


_pool = WorkerPool()
os.register_at_fork(after_in_child=_pool.forget_workers)  # e.g. a server that forks after serving (or preloading)


def retire_workers(timeout: float = 30.0) -> None:
    """Close the proxy workers' database connections (before dropping the database they use)."""
    _pool.retire_workers(timeout)


def run_script(
    script,
    user,
    data: dict[str, Any],
    commit: bool,
    request,
    timeout: float,
    max_workers: int | None = None,
    notifications: str = "never",
) -> ScriptOutcome:
    """Run ``script`` (an ``extras.Script``) now, as ``user``; wait at most ``timeout`` seconds for it to finish.

    ``data`` must be the script form's cleaned data. The Job is created with ``notifications`` (off by default: a
    scrape every minute must not notify anyone). The worker thread uses its own database connection, so the script
    sees committed data only. Raises ``PoolFullError`` (nothing started, no Job) when ``max_workers`` runs are busy."""
    finished = threading.Event()
    holder: dict[str, Any] = {}

    def on_start(job_pk: int) -> None:
        holder["job_pk"] = job_pk

    def task() -> None:
        try:
            _ProxiedScriptJob.enqueue(
                instance=script,
                user=user,
                immediate=True,
                data=data,
                request=request,
                commit=commit,
                notifications=notifications,
                on_start=on_start,
            )
        except BaseException as exc:  # reported to the caller; the worker must not die silently
            holder["exception"] = exc
        finally:
            finished.set()

    _pool.submit(task, max_workers)
    done = finished.wait(timeout)
    if "exception" in holder:
        raise holder["exception"]
    job_pk = holder.get("job_pk")
    if not done:
        return ScriptOutcome(status=TIMEOUT, job_id=job_pk)
    job = Job.objects.get(pk=job_pk)
    if job.status not in JobStatusChoices.TERMINAL_STATE_CHOICES:  # cannot happen once handle() returned
        return ScriptOutcome(status=TIMEOUT, job_id=job_pk)
    return outcome_of(job)


def prune_dry_run_jobs(script, user) -> int:
    """Delete the finished records of ``user``'s earlier dry runs of ``script`` through the proxy (jobs with
    notifications off, older than ``KEEP_DRY_RUN_JOBS_FOR``), so a scraper's GETs do not pile up Job rows. Nobody
    else's jobs, and no committed run's, are touched. Returns how many were deleted."""
    from core.models import ObjectType

    old = Job.objects.filter(
        object_type=ObjectType.objects.get_for_model(type(script)),
        object_id=script.pk,
        user=user,
        notifications="never",
        status__in=JobStatusChoices.TERMINAL_STATE_CHOICES,
        created__lt=timezone.now() - KEEP_DRY_RUN_JOBS_FOR,
    )
    deleted = 0
    for job in old:  # one by one, so Job.delete() runs (it also removes the RQ job)
        job.delete()
        deleted += 1
    return deleted
