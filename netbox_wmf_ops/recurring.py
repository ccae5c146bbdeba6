"""Whether a recurring job's queued run is still alive, and when its runs are due (pure: facts in, decisions out).

A NetBox ``Job`` row that says ``scheduled``/``pending``/``running`` is only a claim: the run happens when its RQ job
(same id, in Redis) is really queued, scheduled or started. When the RQ job vanished (Redis emptied), ended without
NetBox recording the end (the work horse died, or the database refused the connection inside ``job.start()``), or
a run is older than its timeout (no worker can still be running it: RQ kills a run at its timeout), the row is stale:
nothing will ever run it or schedule its successor. ``scheduling.py`` gathers the facts and applies the decisions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

# A row younger than this may not have its RQ job yet: NetBox enqueues it when the creating transaction commits.
FRESH_ROW_GRACE = timedelta(seconds=10)
# Added to a run's timeout before it is judged dead (RQ's own margin to notice a timeout).
TIMEOUT_GRACE = timedelta(seconds=30)
# A scheduled RQ job this late was not moved to its queue: no RQ scheduler is running (after a worker was killed, the
# dead scheduler's lock keeps the others' out until their next maintenance pass, up to 10 minutes).
OVERDUE_GRACE = timedelta(seconds=30)

WAITING = ("pending", "scheduled")
RUNNING = "running"
PRESENT = (*WAITING, RUNNING)
RQ_ALIVE = ("queued", "scheduled", "deferred", "created")
RQ_STARTED = "started"
RQ_ENDED = ("finished", "failed", "stopped", "canceled")


@dataclass(frozen=True)
class RowFacts:
    """A present ``Job`` row of a recurring job and what Redis says about its RQ job."""

    pk: int
    status: str  # pending | scheduled | running
    created: datetime
    scheduled: datetime | None
    started: datetime | None
    interval: int | None
    rq_status: str | None  # None: no such RQ job in Redis
    rq_started: datetime | None = None
    rq_timeout: float | None = None  # seconds; None: not known (the RQ job is gone)
    rq_error: str = ""  # the last line of the RQ failure, when it failed


def stale_reason(row: RowFacts, now: datetime, default_timeout: float) -> str | None:
    """None when the row's run is alive (or may still be); otherwise why it never will run or finish."""
    timeout = timedelta(seconds=row.rq_timeout or default_timeout)
    if row.rq_status is None:
        if row.status == RUNNING:
            # Redis lost the job while a worker may still be running it: dead only once it is past its timeout.
            if row.started and now > row.started + timeout + TIMEOUT_GRACE:
                return f"running since {_hm(row.started)}, past its timeout of {_secs(timeout)}, and its RQ job is gone"
            return None
        if now - row.created < FRESH_ROW_GRACE:
            return None
        return f"its RQ job is missing from Redis (queue emptied?); it was {row.status} for {_hm(row.scheduled)}"
    if row.rq_status in RQ_ENDED:
        detail = f": {row.rq_error}" if row.rq_error else ""
        if row.status == RUNNING:
            return f"its RQ job {row.rq_status} while running (worker killed?){detail}"
        return f"its RQ job {row.rq_status} before the run started{detail}"
    if row.rq_status == RQ_STARTED:
        began = row.started or row.rq_started
        if began and now > began + timeout + TIMEOUT_GRACE:
            return f"running since {_hm(began)}, past its timeout of {_secs(timeout)} (worker killed?)"
        return None
    return None  # queued, scheduled, deferred: RQ will run it


def stalled(row: RowFacts, now: datetime) -> bool:
    """The run is alive but its RQ job still waits in the scheduled registry well past its time."""
    return row.rq_status == "scheduled" and row.scheduled is not None and now - row.scheduled > OVERDUE_GRACE


def next_slot(anchor: datetime, interval_minutes: int, now: datetime) -> datetime:
    """The first ``anchor + k * interval`` (k any integer) strictly after ``now``."""
    step = timedelta(minutes=interval_minutes)
    return anchor + ((now - anchor) // step + 1) * step  # floor division: also right for an anchor in the future


def _hm(moment: datetime | None) -> str:
    return moment.isoformat(timespec="seconds") if moment else "no time"


def _secs(delta: timedelta) -> str:
    return f"{int(delta.total_seconds())} s"
