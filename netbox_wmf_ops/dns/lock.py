"""One DNS generator run at a time, across rq workers, web workers and the CLI: a PostgreSQL advisory lock.

Session-level, through ``django_pg_utils.advisory_lock`` on Django's connection, tried until a timeout so a second run
waits for the first one rather than failing at once; released when the block ends (and by PostgreSQL if the process
dies).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from contextlib import contextmanager

from .exitcodes import ExitCode
from .publish import PublishError

LOCK_NAME = "netbox_wmf_ops.dns"
DEFAULT_LOCK_TIMEOUT = 120.0


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for ``name`` (advisory locks are keyed by bigint)."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)


@contextmanager
def dns_lock(timeout: float = DEFAULT_LOCK_TIMEOUT, name: str = LOCK_NAME, poll: float = 0.25) -> Iterator[None]:
    """Hold the DNS lock for the block, waiting up to ``timeout`` seconds for another run to release it. The lock is
    taken with ``django_pg_utils.advisory_lock`` (what NetBox's own job scheduling uses), without blocking, retried
    every ``poll`` seconds so the wait has a deadline and ends in a clear error."""
    from django_pg_utils import advisory_lock

    deadline = time.monotonic() + timeout
    while True:
        with advisory_lock(lock_key(name), wait=False) as acquired:
            if acquired:
                yield
                return
        if time.monotonic() >= deadline:
            raise PublishError(
                f"Another DNS snippet run holds the lock {name!r}; gave up after {timeout:g} s", ExitCode.ERROR
            )
        time.sleep(poll)
